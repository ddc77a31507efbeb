#include "lab/h2client.h"

#include <nghttp2/nghttp2.h>

#include <vector>

namespace h2scope::lab {

namespace {

std::string_view view(const std::uint8_t *p, std::size_t n)
{
    return {reinterpret_cast<const char *>(p), n};
}

nghttp2_nv makeNv(const std::string &name, const std::string &value)
{
    return {reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
            reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(), value.size(),
            NGHTTP2_NV_FLAG_NONE};
}

} // namespace

struct H2Client::Callbacks {
    static H2Client &self(void *p) { return *static_cast<H2Client *>(p); }

    static int beginHeaders(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2Client &c = self(user);
        if (frame->hd.type == NGHTTP2_HEADERS)
            c.m_blocks[frame->hd.stream_id] = Block{};
        else if (frame->hd.type == NGHTTP2_PUSH_PROMISE)
            c.m_promised[frame->push_promise.promised_stream_id].clear();
        return 0;
    }

    static int header(nghttp2_session *, const nghttp2_frame *frame, const std::uint8_t *name, std::size_t namelen,
                      const std::uint8_t *value, std::size_t valuelen, std::uint8_t, void *user)
    {
        H2Client &c = self(user);
        const std::string_view n = view(name, namelen), v = view(value, valuelen);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            if (n == ":path")
                c.m_promised[frame->push_promise.promised_stream_id] = std::string(v);
            return 0;
        }
        if (frame->hd.type != NGHTTP2_HEADERS)
            return 0;
        Block &b = c.m_blocks[frame->hd.stream_id];
        if (n == ":status") {
            int status = 0;
            for (char ch : v)
                status = (ch >= '0' && ch <= '9') ? status * 10 + (ch - '0') : status;
            b.status = status;
        } else {
            b.headers.push_back({std::string(n), std::string(v)});
        }
        return 0;
    }

    static int frameRecv(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2Client &c = self(user);
        switch (frame->hd.type) {
        case NGHTTP2_HEADERS: {
            auto it = c.m_blocks.find(frame->hd.stream_id);
            if (it == c.m_blocks.end() || it->second.status == 0)
                return 0; // trailers
            Block b = std::move(it->second);
            c.m_blocks.erase(it);
            if (b.status < 200)
                c.m_sink.onInformational(frame->hd.stream_id, b.status, b.headers);
            else
                c.m_sink.onResponseHeaders(frame->hd.stream_id, b.status, b.headers);
            break;
        }
        case NGHTTP2_PUSH_PROMISE: {
            const std::int32_t promised = frame->push_promise.promised_stream_id;
            c.m_sink.onPushPromise(frame->hd.stream_id, promised, c.m_promised[promised]);
            break;
        }
        case NGHTTP2_GOAWAY: c.m_goaway = true; break;
        default: break;
        }
        return 0;
    }

    static int dataChunk(nghttp2_session *, std::uint8_t, std::int32_t stream, const std::uint8_t *data,
                         std::size_t len, void *user)
    {
        self(user).m_sink.onBody(stream, view(data, len));
        return 0;
    }

    static int streamClose(nghttp2_session *, std::int32_t stream, std::uint32_t errorCode, void *user)
    {
        H2Client &c = self(user);
        c.m_blocks.erase(stream);
        c.m_promised.erase(stream);
        c.m_sink.onStreamEnd(stream, errorCode == NGHTTP2_NO_ERROR);
        return 0;
    }
};

H2Client::H2Client(ResponseSink &sink, std::string authority, bool enablePush)
    : m_sink(sink), m_authority(std::move(authority))
{
    nghttp2_session_callbacks *cbs = nullptr;
    if (nghttp2_session_callbacks_new(&cbs) != 0)
        return;
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Callbacks::beginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &Callbacks::header);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Callbacks::frameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Callbacks::dataChunk);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Callbacks::streamClose);
    const int rv = nghttp2_session_client_new(&m_session, cbs, this);
    nghttp2_session_callbacks_del(cbs);
    if (rv != 0) {
        m_session = nullptr;
        return;
    }
    // What Chromium announces: large windows, push as configured.
    const nghttp2_settings_entry settings[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, enablePush ? 1u : 0u},
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, 1000},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, 6u << 20},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, settings, sizeof settings / sizeof settings[0]);
    nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, 15 << 20);
}

H2Client::~H2Client()
{
    if (m_session)
        nghttp2_session_del(m_session);
}

Result<void> H2Client::receive(std::string_view data)
{
    if (!m_session)
        return makeError(Errc::Internal, "the HTTP/2 client session could not be created");
    const ssize_t rv =
        nghttp2_session_mem_recv(m_session, reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
    if (rv < 0)
        return makeError(Errc::Protocol,
                         std::string("the server's HTTP/2 could not be read: ") + nghttp2_strerror(int(rv)));
    return {};
}

void H2Client::produce(std::string &out)
{
    if (!m_session)
        return;
    for (int guard = 0; guard < 10'000; ++guard) {
        const std::uint8_t *data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(m_session, &data);
        if (n <= 0)
            break;
        out.append(reinterpret_cast<const char *>(data), std::size_t(n));
    }
}

bool H2Client::canSubmit() const
{
    return m_session && !m_goaway;
}

std::int32_t H2Client::submitGet(const std::string &path, const HeaderList &headers)
{
    if (!canSubmit())
        return -1;
    static const std::string kMethod = ":method", kGet = "GET", kScheme = ":scheme", kHttps = "https",
                             kAuthority = ":authority", kPath = ":path";
    std::vector<nghttp2_nv> nva{makeNv(kMethod, kGet), makeNv(kScheme, kHttps), makeNv(kAuthority, m_authority),
                                makeNv(kPath, path)};
    for (const Header &h : headers)
        nva.push_back(makeNv(h.name, h.value));
    const std::int32_t id = nghttp2_submit_request(m_session, nullptr, nva.data(), nva.size(), nullptr, nullptr);
    if (id < 0)
        return -1;
    ++m_requests;
    return id;
}

} // namespace h2scope::lab
