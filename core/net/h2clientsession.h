#pragma once
// h2clientsession.h - the project's one HTTP/2 client session: nghttp2's
// client in memory mode, sans-I/O (bytes in, bytes out), telling a listener
// what the server said, a whole header block at a time. Under TestClient
// (tests, in memory against a net::Connection) and the lab's H2Client (the
// page loader, over its emulated link). Single-threaded.

#include "headers.h"
#include "result.h"

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>

typedef struct nghttp2_session nghttp2_session;

namespace h2scope::net {

struct H2ClientSettings {
    bool enablePush = true;
    std::uint32_t initialWindowSize = 65535;
    std::int32_t connectionWindowSize = 65535; // larger: the client opens the connection window that far
    std::optional<std::uint32_t> maxConcurrentStreams;
    // false: windows open only when consume() says so, so a response stalls
    // once the initial windows are spent.
    bool autoWindowUpdate = true;
};

class H2ClientListener {
public:
    virtual ~H2ClientListener() = default;
    // A header block on `stream`: a response head (`status` from :status,
    // 1xx for an informational one), or trailers (`status` 0). `fields`
    // come without :status.
    virtual void onHead(std::int32_t stream, int status, HeaderList &&fields) = 0;
    // A PUSH_PROMISE on `parent`: the promised request's fields, pseudo-headers included.
    virtual void onPushPromise(std::int32_t parent, std::int32_t promised, HeaderList &&fields) = 0;
    virtual void onData(std::int32_t stream, std::string_view data) = 0;
    // The stream ended: errorCode 0 when it ended normally, else how it was reset.
    virtual void onStreamClose(std::int32_t stream, std::uint32_t errorCode) = 0;
    virtual void onGoaway(std::uint32_t /*errorCode*/) {}
};

class H2ClientSession final {
public:
    H2ClientSession(H2ClientListener &listener, H2ClientSettings settings);
    ~H2ClientSession();
    H2ClientSession(const H2ClientSession &) = delete;
    H2ClientSession &operator=(const H2ClientSession &) = delete;

    // Whether the session could be created (false only when out of memory).
    bool valid() const noexcept { return m_session != nullptr; }

    // Feeds the server's bytes. Fails (Errc::Protocol) when they cannot be
    // read as HTTP/2; the session is then unusable.
    Result<void> receive(const std::uint8_t *data, std::size_t length);
    // Appends what the client has to send to `out`; false when nothing.
    bool produce(std::string &out);

    // Queues a request without a body; its stream id, or -1.
    std::int32_t submit(std::string_view method, std::string_view scheme, std::string_view authority,
                        std::string_view path, const HeaderList &extra = {});
    // Refuses or abandons a stream (RST_STREAM CANCEL), as a browser does
    // with a push it already has.
    void cancel(std::int32_t stream);
    // With autoWindowUpdate off: opens the stream's and the connection's
    // windows by `bytes`.
    void consume(std::int32_t stream, std::size_t bytes);

    bool goawayReceived() const noexcept { return m_goaway; }
    std::uint32_t goawayCode() const noexcept { return m_goawayCode; }

    struct Callbacks; // nghttp2's trampolines

private:
    struct Block {
        int status = 0;
        HeaderList fields;
    };

    H2ClientListener &m_listener;
    nghttp2_session *m_session = nullptr;
    std::map<std::int32_t, Block> m_blocks;        // HEADERS block being received, by stream
    std::map<std::int32_t, HeaderList> m_promises; // PUSH_PROMISE block being received, by promised stream
    bool m_goaway = false;
    std::uint32_t m_goawayCode = 0;
};

} // namespace h2scope::net
