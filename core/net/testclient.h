#pragma once
// An in-process HTTP/2 client for tests: the project's client session
// (h2clientsession.h) wired to a server net::Connection through memory (no
// socket, no TLS). It records
// responses and push promises as (path, headers) — the idiom Quart users
// know from `test_client.push_promises` — so protocol behaviour is tested
// in milliseconds. Single-threaded.

#include "headers.h"
#include "net/h2clientsession.h"

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <vector>

namespace h2scope::net {

class Connection;

struct TestPushPromise {
    std::string path;
    HeaderList headers; // the promised request's fields, pseudo-headers included
    std::int32_t parentStreamId = 0;
    std::int32_t promisedStreamId = 0;
};

struct TestResponse {
    std::int32_t streamId = 0;
    int status = 0;
    HeaderList headers;                    // final response fields, :status excluded
    std::vector<HeaderList> informational; // 1xx responses (e.g. 103 Early Hints)
    std::string body;
    bool complete = false;       // END_STREAM seen
    std::uint32_t resetCode = 0; // RST_STREAM error code, if reset
    bool reset = false;
    std::vector<TestPushPromise> pushPromises; // promises made on this stream

    const std::string *header(std::string_view name) const { return findHeader(headers, name); }
};

// For a Connection whose answers may come from a file pool: give it ring()
// as its wake, and the test client waits for a ring, then resumes the
// connection, when it has nothing else to do. Thread-safe.
class Doorbell final {
public:
    std::function<void()> ring();
    // True when rung since the last wait (or within `timeout`).
    bool wait(std::chrono::milliseconds timeout);

private:
    std::mutex m_mutex;
    std::condition_variable m_rung;
    bool m_pending = false;
};

struct TestClientOptions {
    bool enablePush = true;
    std::uint32_t initialWindowSize = 65535;
    std::int32_t connectionWindowSize = 65535; // larger: the client opens the connection window that far
    std::size_t produceBudget = 1u << 20;      // what each Connection::produce() call may return
    // false: the client opens its windows only when consume() says so, so a
    // response stalls once the initial windows are spent.
    bool autoWindowUpdate = true;
    std::string authority = "localhost";
    std::string scheme = "http";
    // Promised paths the client refuses with RST_STREAM CANCEL, as a browser
    // does for what it already has in its cache.
    std::vector<std::string> cancelPushes;
    // Set when the connection has a file pool (ConnectionConfig::files) and
    // this doorbell's ring() as its wake; waits are bounded by `serverWait`.
    Doorbell *doorbell = nullptr;
    std::chrono::milliseconds serverWait{10'000};
};

class TestClient final : private H2ClientListener {
public:
    explicit TestClient(net::Connection &connection, TestClientOptions options = {});
    ~TestClient() override;
    TestClient(const TestClient &) = delete;
    TestClient &operator=(const TestClient &) = delete;

    // Sends one request and exchanges bytes until its stream ends.
    TestResponse get(const std::string &path, const HeaderList &extra = {});
    TestResponse request(const std::string &method, const std::string &path, const HeaderList &extra = {});

    // Sends several requests at once and waits for all of them.
    std::vector<TestResponse> getAll(const std::vector<std::string> &paths, const HeaderList &extra = {});

    // Every push promise received on the connection, in order, and the
    // pushed responses by path.
    const std::vector<TestPushPromise> &pushPromises() const { return m_promises; }
    const std::map<std::string, TestResponse> &pushedResponses() const { return m_pushed; }

    // The response so far on `streamId` (for streams that stay open).
    TestResponse current(std::int32_t streamId) const
    {
        auto it = m_responses.find(streamId);
        return it == m_responses.end() ? TestResponse{} : it->second;
    }

    // Sends a GET without waiting for its answer; returns its stream id.
    std::int32_t begin(const std::string &path);
    // Resets the stream begin() opened (RST_STREAM CANCEL) and settles.
    void cancel(std::int32_t streamId);
    // Exchanges bytes until the stream that begin() opened ends.
    TestResponse finish(std::int32_t streamId);
    // Opens the windows by `bytes` for `streamId` and the connection (with
    // autoWindowUpdate off), then exchanges bytes until it ends or stalls.
    void consume(std::int32_t streamId, std::size_t bytes);

    // Exchanges bytes until neither side has anything to say (bounded).
    void settle();
    // Whether the server ended the connection (GOAWAY or close).
    bool goawayReceived() const { return m_h2.goawayReceived(); }
    // The most bytes one Connection::produce() call returned.
    std::size_t largestProduce() const { return m_largestProduce; }
    std::uint32_t goawayCode() const { return m_h2.goawayCode(); }

private:
    void onHead(std::int32_t stream, int status, HeaderList &&fields) override;
    void onPushPromise(std::int32_t parent, std::int32_t promised, HeaderList &&fields) override;
    void onData(std::int32_t stream, std::string_view data) override;
    void onStreamClose(std::int32_t stream, std::uint32_t errorCode) override;

    std::int32_t submit(const std::string &method, const std::string &path, const HeaderList &extra);
    bool pumpOnce();
    void runUntil(const std::vector<std::int32_t> &streams);
    // Until the streams promised on `parents` end too, then settle().
    void finishPushes(const std::vector<std::int32_t> &parents);

    net::Connection &m_conn;
    TestClientOptions m_options;
    H2ClientSession m_h2;
    std::size_t m_largestProduce = 0;
    std::map<std::int32_t, TestResponse> m_responses;
    std::map<std::int32_t, std::string> m_pushedPath; // promised stream -> path
    std::vector<TestPushPromise> m_promises;
    std::map<std::string, TestResponse> m_pushed;
};

} // namespace h2scope::net
