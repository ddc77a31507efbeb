#include "net/testclient.h"

#include "net/connection.h"

#include <nghttp2/nghttp2.h>

namespace h2scope::net {
namespace {

std::string str(const std::uint8_t *p, std::size_t n)
{
    return std::string(reinterpret_cast<const char *>(p), n);
}

nghttp2_nv nv(const std::string &name, const std::string &value)
{
    return nghttp2_nv{reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
                      reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(), value.size(),
                      NGHTTP2_NV_FLAG_NONE};
}

} // namespace

struct TestClient::Callbacks {
    static TestClient &self(void *user) { return *static_cast<TestClient *>(user); }

    static int onBeginHeaders(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        TestClient &c = self(user);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            TestPushPromise p;
            p.parentStreamId = frame->hd.stream_id;
            p.promisedStreamId = frame->push_promise.promised_stream_id;
            c.m_promises.push_back(std::move(p));
            c.m_responses[frame->push_promise.promised_stream_id].streamId = frame->push_promise.promised_stream_id;
        }
        return 0;
    }

    static int onHeader(nghttp2_session *, const nghttp2_frame *frame, const std::uint8_t *name, std::size_t namelen,
                        const std::uint8_t *value, std::size_t valuelen, std::uint8_t, void *user)
    {
        TestClient &c = self(user);
        const std::string n = str(name, namelen), v = str(value, valuelen);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            TestPushPromise &p = c.m_promises.back();
            p.headers.push_back({n, v});
            if (n == ":path") {
                p.path = v;
                c.m_pushedPath[p.promisedStreamId] = v;
            }
            return 0;
        }
        if (frame->hd.type != NGHTTP2_HEADERS)
            return 0;
        TestResponse &r = c.m_responses[frame->hd.stream_id];
        if (n == ":status") {
            const int status = std::stoi(v);
            if (status >= 100 && status < 200) {
                r.informational.emplace_back();
                r.status = status;
            } else {
                r.status = status;
            }
            return 0;
        }
        if (r.status >= 100 && r.status < 200 && !r.informational.empty())
            r.informational.back().push_back({n, v});
        else
            r.headers.push_back({n, v});
        return 0;
    }

    static int onDataChunk(nghttp2_session *, std::uint8_t, std::int32_t streamId, const std::uint8_t *data,
                           std::size_t len, void *user)
    {
        self(user).m_responses[streamId].body.append(reinterpret_cast<const char *>(data), len);
        return 0;
    }

    static int onFrameRecv(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        TestClient &c = self(user);
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            c.m_goaway = true;
            c.m_goawayCode = frame->goaway.error_code;
        }
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            const TestPushPromise &p = c.m_promises.back();
            c.m_responses[frame->hd.stream_id].pushPromises.push_back(p);
            for (const std::string &path : c.m_options.cancelPushes)
                if (path == p.path)
                    nghttp2_submit_rst_stream(c.m_session, NGHTTP2_FLAG_NONE, p.promisedStreamId, NGHTTP2_CANCEL);
        }
        return 0;
    }

    static int onStreamClose(nghttp2_session *, std::int32_t streamId, std::uint32_t errorCode, void *user)
    {
        TestClient &c = self(user);
        TestResponse &r = c.m_responses[streamId];
        r.streamId = streamId;
        if (errorCode != NGHTTP2_NO_ERROR) {
            r.reset = true;
            r.resetCode = errorCode;
        } else {
            r.complete = true;
        }
        auto it = c.m_pushedPath.find(streamId);
        if (it != c.m_pushedPath.end())
            c.m_pushed[it->second] = r;
        return 0;
    }
};

TestClient::TestClient(net::Connection &connection, TestClientOptions options)
    : m_conn(connection), m_options(std::move(options))
{
    nghttp2_session_callbacks *cbs = nullptr;
    nghttp2_session_callbacks_new(&cbs);
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Callbacks::onBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &Callbacks::onHeader);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Callbacks::onDataChunk);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Callbacks::onFrameRecv);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Callbacks::onStreamClose);
    nghttp2_option *opt = nullptr;
    nghttp2_option_new(&opt);
    nghttp2_option_set_no_auto_window_update(opt, m_options.autoWindowUpdate ? 0 : 1);
    nghttp2_session_client_new2(&m_session, cbs, this, opt);
    nghttp2_option_del(opt);
    nghttp2_session_callbacks_del(cbs);
    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_ENABLE_PUSH, m_options.enablePush ? 1u : 0u},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, m_options.initialWindowSize},
    };
    nghttp2_submit_settings(m_session, NGHTTP2_FLAG_NONE, iv, 2);
    if (m_options.connectionWindowSize > 65535)
        nghttp2_session_set_local_window_size(m_session, NGHTTP2_FLAG_NONE, 0, m_options.connectionWindowSize);
}

TestClient::~TestClient()
{
    nghttp2_session_del(m_session);
}

std::int32_t TestClient::submit(const std::string &method, const std::string &path, const HeaderList &extra)
{
    static const std::string kMethod = ":method", kScheme = ":scheme", kAuthority = ":authority", kPath = ":path";
    std::vector<nghttp2_nv> nva{nv(kMethod, method), nv(kScheme, m_options.scheme), nv(kAuthority, m_options.authority),
                                nv(kPath, path)};
    for (const Header &h : extra)
        nva.push_back(nv(h.name, h.value));
    const std::int32_t id = nghttp2_submit_request(m_session, nullptr, nva.data(), nva.size(), nullptr, nullptr);
    if (id > 0)
        m_responses[id].streamId = id;
    return id;
}

bool TestClient::pumpOnce()
{
    bool progress = false;
    for (;;) {
        const std::uint8_t *data = nullptr;
        const ssize_t n = nghttp2_session_mem_send(m_session, &data);
        if (n <= 0)
            break;
        m_conn.receive(data, static_cast<std::size_t>(n));
        progress = true;
    }
    std::string out;
    while (const std::size_t produced = m_conn.produce(out, m_options.produceBudget)) {
        m_largestProduce = std::max(m_largestProduce, produced);
        const ssize_t rv =
            nghttp2_session_mem_recv(m_session, reinterpret_cast<const std::uint8_t *>(out.data()), out.size());
        if (rv < 0)
            return false;
        out.clear();
        progress = true;
    }
    return progress;
}

void TestClient::runUntil(const std::vector<std::int32_t> &streams)
{
    for (int round = 0; round < 100000; ++round) {
        bool allDone = true;
        for (std::int32_t id : streams) {
            const TestResponse &r = m_responses[id];
            if (!r.complete && !r.reset)
                allDone = false;
        }
        if (allDone || m_conn.closed())
            return;
        if (!pumpOnce())
            return;
    }
}

void TestClient::settle()
{
    for (int round = 0; round < 100000 && pumpOnce(); ++round) {
    }
}

TestResponse TestClient::request(const std::string &method, const std::string &path, const HeaderList &extra)
{
    const std::int32_t id = submit(method, path, extra);
    if (id <= 0)
        return {};
    runUntil({id});
    settle(); // let pushed streams finish too
    return m_responses[id];
}

std::int32_t TestClient::begin(const std::string &path)
{
    const std::int32_t id = submit("GET", path, {});
    settle();
    return id;
}

void TestClient::consume(std::int32_t streamId, std::size_t bytes)
{
    nghttp2_session_consume(m_session, streamId, bytes);
    settle();
}

TestResponse TestClient::get(const std::string &path, const HeaderList &extra)
{
    return request("GET", path, extra);
}

std::vector<TestResponse> TestClient::getAll(const std::vector<std::string> &paths, const HeaderList &extra)
{
    std::vector<std::int32_t> ids;
    for (const std::string &p : paths)
        ids.push_back(submit("GET", p, extra));
    runUntil(ids);
    settle();
    std::vector<TestResponse> out;
    for (std::int32_t id : ids)
        out.push_back(m_responses[id]);
    return out;
}

} // namespace h2scope::net
