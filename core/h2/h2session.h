#pragma once
// The HTTP/2 side of a connection: an nghttp2 server session driven through
// memory (nghttp2_session_mem_recv / mem_send), with the wire tap on both
// directions so every frame is reported with its on-the-wire header and
// nghttp2's reading of it. One instance per connection, one thread.

#include "h2/wiretap.h"
#include "inspect/event.h"
#include "net/protocolsession.h"
#include "site/response.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

typedef struct nghttp2_session nghttp2_session;

namespace h2scope::h2 {

struct H2Options {
    std::uint32_t maxConcurrentStreams = 100;
    std::uint32_t initialWindowSize = 1u << 20;     // per stream, what the peer may send us
    std::uint32_t connectionWindowSize = 16u << 20; // whole connection
    std::uint32_t maxHeaderListSize = 64u << 10;
    std::size_t maxPushesPerRequest = 16; // server push cap per response (0: never push)
    bool earlyHints = true;               // 103 for navigation requests with preloads
};

class H2Session final : public net::ProtocolSession {
public:
    // `events` may be null (capture off): then no event is even built.
    // `wake` (thread-safe) gets the connection's thread to call resumeLive();
    // live bodies (server-sent events) use it. It may be empty.
    H2Session(site::Handler &handler, inspect::EventPublisher *events, std::uint64_t connectionId,
              std::string scheme, H2Options options = {}, std::function<void()> wake = {});
    ~H2Session() override;
    H2Session(const H2Session &) = delete;
    H2Session &operator=(const H2Session &) = delete;

    Result<void> receive(const std::uint8_t *data, std::size_t length) override;
    std::size_t produce(std::string &out, std::size_t budget) override;
    bool wantsClose() const override;
    void shutdown() override;
    void peerClosed() override;
    void resumeLive() override;
    std::uint32_t streamCount() const override { return m_streamCount; }
    std::int32_t goawayCode() const override { return m_goawayCode; }
    std::int32_t goawayLastStreamId() const override { return m_goawayLastStream; }
    std::string closeReason() const override;
    std::optional<std::chrono::steady_clock::time_point> settingsAckPendingSince() const override;
    void settingsAckTimedOut(const std::string &reason) override;

    // Callback plumbing (nghttp2 calls these through static trampolines).
    struct Stream;
    struct Callbacks;

    // First in, first out, drained to empty after each produce(): a vector
    // and a read index keep their storage (a std::deque allocates a node per
    // event, FrameEvent being larger than its block).
    class FrameQueue {
    public:
        bool empty() const noexcept { return m_head == m_items.size(); }
        inspect::FrameEvent &front() noexcept { return m_items[m_head]; }
        inspect::FrameEvent &emplace_back() { return m_items.emplace_back(); }
        void push_back(inspect::FrameEvent &&ev) { m_items.push_back(std::move(ev)); }
        void pop_front() noexcept
        {
            if (++m_head == m_items.size()) {
                m_items.clear();
                m_head = 0;
            }
        }

    private:
        std::vector<inspect::FrameEvent> m_items;
        std::size_t m_head = 0;
    };

private:
    void publishFrame(inspect::FrameEvent &&frame);
    void publish(inspect::EventData &&data);
    void fillWindows(inspect::FrameEvent &frame) const;
    void onInboundFrameComplete(const TapFrame &tap);
    void flushOutbound(bool force);
    void tapOutbound(const std::uint8_t *data, std::size_t length);
    void dispatch(Stream &stream);
    void publishStreamClosed(Stream &stream, std::uint32_t errorCode);
    void sendEarlyHints(Stream &parent, const site::Response &response);
    void pushAssets(Stream &parent, const site::Response &response);
    bool submitResponse(Stream &stream, site::Response &&response);
    void publishPushOutcome(const Stream &stream, std::string outcome, std::string detail);

    site::Handler &m_handler;
    inspect::EventPublisher *m_events;
    std::uint64_t m_connectionId;
    std::string m_scheme;
    H2Options m_options;
    std::function<void()> m_wake;
    nghttp2_session *m_session = nullptr;

    std::unordered_map<std::int32_t, std::unique_ptr<Stream>> m_streams;
    std::unordered_set<std::string> m_requestedPaths; // by the client, on this connection
    std::unordered_set<std::string> m_pushedPaths;    // promised on this connection
    std::size_t m_openPushes = 0;
    std::size_t m_blockBytes = 0; // decoded size of the header block in progress (RFC 9113 §6.5.2)
    std::uint32_t m_streamCount = 0;

    WireTap m_inTap{true};
    WireTap m_outTap{false};
    inspect::FrameEvent m_inMeaning;                 // what nghttp2 said of the inbound frame in progress
    HeaderBlock::Builder m_inBuilder;                // its header fields as they are decoded
    HeaderBlock m_inBlock;                           // the last complete inbound header block
    HeaderBlock::Builder m_outBuilder;               // outbound header blocks
    std::vector<inspect::FrameEvent> m_heldInbound;  // HEADERS + CONTINUATIONs until END_HEADERS
    FrameQueue m_outMeanings;                        // on_frame_send, in order
    std::vector<TapFrame> m_outRaw;                  // frame headers seen in mem_send output, from m_outRawHead on
    std::size_t m_outRawHead = 0;
    std::vector<inspect::EventData> m_deferred;      // stream events that follow the frame in progress
    std::string *m_sink = nullptr;                   // produce()'s output, where sendData() writes DATA frames
    std::size_t m_sinkStart = 0, m_sinkBudget = 0;   // and what produce() may add to it
    std::string m_pending;                           // mem_send output beyond the last budget
    std::size_t m_pendingOffset = 0;

    // Rapid reset (CVE-2023-44487): a bucket of kResetBurst RST_STREAMs from
    // the client, refilled at kResetPerSecond; when empty the connection is
    // closed with GOAWAY ENHANCE_YOUR_CALM and a reason that says so.
    static constexpr double kResetBurst = 1000;
    static constexpr double kResetPerSecond = 33;
    bool takeResetToken();
    double m_resetTokens = kResetBurst;
    std::chrono::steady_clock::time_point m_resetRefilled{};
    bool m_rapidReset = false;

    bool m_fatal = false;
    bool m_shutdown = false;
    bool m_peerClosed = false;
    std::int32_t m_goawayCode = -1;
    std::int32_t m_goawayLastStream = 0;
    std::string m_closeReason;
    std::deque<std::chrono::steady_clock::time_point> m_settingsUnacked; // when our SETTINGS were submitted, oldest first
};

} // namespace h2scope::h2
