#include "net/h2clientsession.h"

#include <nghttp2/nghttp2.h>

#include <vector>

namespace h2scope::net {
namespace {

std::string_view view(const std::uint8_t *p, std::size_t n)
{
    return {reinterpret_cast<const char *>(p), n};
}

nghttp2_nv makeNv(std::string_view name, std::string_view value)
{
    return {reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
            reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
}

// A :status value's number; 0 when it is not three digits (nghttp2 checks
// responses, so that is a server's promise it broke, reported as trailers).
int statusOf(std::string_view v)
{
    if (v.size() != 3)
        return 0;
    int status = 0;
    for (const char ch : v) {
        if (ch < '0' || ch > '9')
            return 0;
        status = status * 10 + (ch - '0');
    }
    return status;
}

} // namespace

struct H2ClientSession::Callbacks {
    static H2ClientSession &self(void *user) { return *static_cast<H2ClientSession *>(user); }

    static int onBeginHeaders(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2ClientSession &s = self(user);
        if (frame->hd.type == NGHTTP2_HEADERS)
            s.m_blocks[frame->hd.stream_id] = Block{};
        else if (frame->hd.type == NGHTTP2_PUSH_PROMISE)
            s.m_promises[frame->push_promise.promised_stream_id].clear();
        return 0;
    }

    static int onHeader(nghttp2_session *, const nghttp2_frame *frame, const std::uint8_t *name, std::size_t namelen,
                        const std::uint8_t *value, std::size_t valuelen, std::uint8_t, void *user)
    {
        H2ClientSession &s = self(user);
        const std::string_view n = view(name, namelen), v = view(value, valuelen);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            s.m_promises[frame->push_promise.promised_stream_id].push_back({std::string(n), std::string(v)});
            return 0;
        }
        if (frame->hd.type != NGHTTP2_HEADERS)
            return 0;
        Block &b = s.m_blocks[frame->hd.stream_id];
        if (n == ":status")
            b.status = statusOf(v);
        else
            b.fields.push_back({std::string(n), std::string(v)});
        return 0;
    }

    static int onFrameRecv(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2ClientSession &s = self(user);
        switch (frame->hd.type) {
        case NGHTTP2_HEADERS: {
            auto it = s.m_blocks.find(frame->hd.stream_id);
            if (it == s.m_blocks.end())
                return 0;
            Block b = std::move(it->second);
            s.m_blocks.erase(it);
            s.m_listener.onHead(frame->hd.stream_id, b.status, std::move(b.fields));
            return 0;
        }
        case NGHTTP2_PUSH_PROMISE: {
            const std::int32_t promised = frame->push_promise.promised_stream_id;
            auto it = s.m_promises.find(promised);
            HeaderList fields = it == s.m_promises.end() ? HeaderList{} : std::move(it->second);
            if (it != s.m_promises.end())
                s.m_promises.erase(it);
            s.m_listener.onPushPromise(frame->hd.stream_id, promised, std::move(fields));
            return 0;
        }
        case NGHTTP2_GOAWAY:
            s.m_goaway = true;
            s.m_goawayCode = frame->goaway.error_code;
            s.m_listener.onGoaway(frame->goaway.error_code);
            return 0;
        default: return 0;
        }
    }

    static int onDataChunk(nghttp2_session *, std::uint8_t, std::int32_t stream, const std::uint8_t *data,
                           std::size_t len, void *user)
    {
        self(user).m_listener.onData(stream, view(data, len));
        return 0;
    }

    static int onStreamClose(nghttp2_session *, std::int32_t stream, std::uint32_t errorCode, void *user)
    {
        H2ClientSession &s = self(user);
        s.m_blocks.erase(stream);
        s.m_promises.erase(stream);
        s.m_listener.onStreamClose(stream, errorCode);
        return 0;
    }
};

H2ClientSession::H2ClientSession(H2ClientListener &listener, H2ClientSettings settings) : m_listener(listener)
{
    nghttp2_session_callbacks *cbs = nullptr;
    if (nghttp2_session_callbacks_new(&cbs) != 0)
        return;
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Callbacks::onBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &Callbacks::onHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Callbacks::onFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Callbacks::onDataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Callbacks::onStreamClose);
    nghttp2_option *opt = nullptr;
    if (nghttp2_option_new(&opt) != 0) {
        nghttp2_session_callbacks_del(cbs);
        return;
    }
    nghttp2_option_set_no_auto_window_update(opt, settings.autoWindowUpdate ? 0 : 1);
    const int rv = nghttp2_session_client_new2(&m_session, cbs, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cbs);
    if (rv != 0) {
        m_session = nullptr;
        return;
    }
    std::vector<nghttp2_settings_entry> iv{{NGHTTP2_SETTINGS_ENABLE_PUSH, settings.enablePush ? 1u : 0u}};
    if (settings.maxConcurrentStreams)
        iv.push_back({NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, *settings.maxConcurrentStreams});
    iv.push_back({NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, settings.initialWindowSize});
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, iv.data(), iv.size());
    if (settings.connectionWindowSize > 65535)
        nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, settings.connectionWindowSize);
}

H2ClientSession::~H2ClientSession()
{
    if (m_session)
        nghttp2_session_del(m_session);
}

Result<void> H2ClientSession::receive(const std::uint8_t *data, std::size_t length)
{
    if (!m_session)
        return makeError(Errc::Internal, "the HTTP/2 client session could not be created");
    const ssize_t rv = nghttp2_session_mem_recv(m_session, data, length);
    if (rv < 0)
        return makeError(Errc::Protocol,
                         std::string("the server's HTTP/2 could not be read: ") + nghttp2_strerror(int(rv)));
    return {};
}

bool H2ClientSession::produce(std::string &out)
{
    if (!m_session)
        return false;
    bool any = false;
    for (int guard = 0; guard < 10'000; ++guard) {
        const std::uint8_t *data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(m_session, &data);
        if (n <= 0)
            break;
        out.append(reinterpret_cast<const char *>(data), static_cast<std::size_t>(n));
        any = true;
    }
    return any;
}

std::int32_t H2ClientSession::submit(std::string_view method, std::string_view scheme, std::string_view authority,
                                     std::string_view path, const HeaderList &extra)
{
    if (!m_session)
        return -1;
    std::vector<nghttp2_nv> nva{makeNv(":method", method), makeNv(":scheme", scheme), makeNv(":authority", authority),
                                makeNv(":path", path)};
    for (const Header &h : extra)
        nva.push_back(makeNv(h.name, h.value));
    const std::int32_t id = nghttp2_submit_request(m_session, nullptr, nva.data(), nva.size(), nullptr, nullptr);
    return id < 0 ? -1 : id;
}

void H2ClientSession::cancel(std::int32_t stream)
{
    if (m_session)
        nghttp2_submit_rst_stream(m_session, NGHTTP2_FLAG_NONE, stream, NGHTTP2_CANCEL);
}

void H2ClientSession::consume(std::int32_t stream, std::size_t bytes)
{
    if (m_session)
        nghttp2_session_consume(m_session, stream, bytes);
}

} // namespace h2scope::net
