#include "net/testclient.h"

#include "net/connection.h"

#include <algorithm>

namespace h2scope::net {

TestClient::TestClient(net::Connection &connection, TestClientOptions options)
    : m_conn(connection),
      m_options(std::move(options)),
      m_h2(*this, H2ClientSettings{m_options.enablePush, m_options.initialWindowSize, m_options.connectionWindowSize,
                                   std::nullopt, m_options.autoWindowUpdate})
{}

TestClient::~TestClient() = default;

void TestClient::onHead(std::int32_t stream, int status, HeaderList &&fields)
{
    TestResponse &r = m_responses[stream];
    r.streamId = stream;
    if (status >= 100 && status < 200) {
        r.informational.push_back(std::move(fields));
        r.status = status;
        return;
    }
    if (status != 0) // 0: trailers, which join the fields
        r.status = status;
    r.headers.insert(r.headers.end(), std::make_move_iterator(fields.begin()), std::make_move_iterator(fields.end()));
}

void TestClient::onPushPromise(std::int32_t parent, std::int32_t promised, HeaderList &&fields)
{
    TestPushPromise p;
    p.parentStreamId = parent;
    p.promisedStreamId = promised;
    if (const std::string *path = findHeader(fields, ":path"))
        p.path = *path;
    p.headers = std::move(fields);
    m_responses[promised].streamId = promised;
    m_pushedPath[promised] = p.path;
    m_responses[parent].pushPromises.push_back(p);
    for (const std::string &path : m_options.cancelPushes)
        if (path == p.path)
            m_h2.cancel(promised);
    m_promises.push_back(std::move(p));
}

void TestClient::onData(std::int32_t stream, std::string_view data)
{
    m_responses[stream].body.append(data);
}

void TestClient::onStreamClose(std::int32_t stream, std::uint32_t errorCode)
{
    TestResponse &r = m_responses[stream];
    r.streamId = stream;
    if (errorCode != 0) {
        r.reset = true;
        r.resetCode = errorCode;
    } else {
        r.complete = true;
    }
    auto it = m_pushedPath.find(stream);
    if (it != m_pushedPath.end())
        m_pushed[it->second] = r;
}

std::int32_t TestClient::submit(const std::string &method, const std::string &path, const HeaderList &extra)
{
    const std::int32_t id = m_h2.submit(method, m_options.scheme, m_options.authority, path, extra);
    if (id > 0)
        m_responses[id].streamId = id;
    return id;
}

bool TestClient::pumpOnce()
{
    bool progress = false;
    std::string sent;
    if (m_h2.produce(sent)) {
        m_conn.receive(reinterpret_cast<const std::uint8_t *>(sent.data()), sent.size());
        progress = true;
    }
    std::string out;
    while (const std::size_t produced = m_conn.produce(out, m_options.produceBudget)) {
        m_largestProduce = std::max(m_largestProduce, produced);
        if (!m_h2.receive(reinterpret_cast<const std::uint8_t *>(out.data()), out.size()))
            return false;
        out.clear();
        progress = true;
    }
    return progress;
}

std::function<void()> Doorbell::ring()
{
    return [this] {
        {
            std::lock_guard lock(m_mutex);
            m_pending = true;
        }
        m_rung.notify_all();
    };
}

bool Doorbell::wait(std::chrono::milliseconds timeout)
{
    std::unique_lock lock(m_mutex);
    const bool rung = m_rung.wait_for(lock, timeout, [this] { return m_pending; });
    m_pending = false;
    return rung;
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
        if (pumpOnce())
            continue;
        // Nothing moves: an answer may still be in the making on the pool.
        if (!m_options.doorbell || !m_options.doorbell->wait(m_options.serverWait))
            return;
        m_conn.resumeLive();
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
    finishPushes({id});
    return m_responses[id];
}

void TestClient::finishPushes(const std::vector<std::int32_t> &parents)
{
    std::vector<std::int32_t> pushed;
    for (std::int32_t parent : parents)
        for (const TestPushPromise &p : m_responses[parent].pushPromises)
            pushed.push_back(p.promisedStreamId);
    runUntil(pushed); // their answers may still be in the making on a file pool
    settle();
}

std::int32_t TestClient::begin(const std::string &path)
{
    const std::int32_t id = submit("GET", path, {});
    settle();
    return id;
}

void TestClient::cancel(std::int32_t streamId)
{
    m_h2.cancel(streamId);
    settle();
}

TestResponse TestClient::finish(std::int32_t streamId)
{
    runUntil({streamId});
    finishPushes({streamId});
    return m_responses[streamId];
}

void TestClient::consume(std::int32_t streamId, std::size_t bytes)
{
    m_h2.consume(streamId, bytes);
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
    finishPushes(ids);
    std::vector<TestResponse> out;
    for (std::int32_t id : ids)
        out.push_back(m_responses[id]);
    return out;
}

} // namespace h2scope::net
