#pragma once
// The HTTP/2 side of a connection: an nghttp2 server session driven through
// memory (nghttp2_session_mem_recv / mem_send). It turns requests into
// answers (site::Responder), pushes and 103 Early Hints, and guards what
// nghttp2 does not (FrameGuard, ResetLimiter, header list size); every frame
// both ways goes to the capture through its FrameRecorder. One instance per
// connection, one thread.

#include "clock.h"
#include "h2/frameguard.h"
#include "h2/framerecorder.h"
#include "h2/resetlimiter.h"
#include "inspect/capturelog.h"
#include "protocolsession.h"
#include "site/responder.h"
#include "site/response.h"

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>
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
    // SETTINGS_ENABLE_CONNECT_PROTOCOL (RFC 8441): the site takes WebSockets
    // over HTTP/2 (live reload). Extended CONNECT requests are answered as
    // soon as their HEADERS are in, and their DATA goes to the live body.
    bool extendedConnect = false;
    // Where the session reads the time (the reset limiter, SETTINGS
    // acknowledgements); null: the steady clock. Outlives the session.
    const Clock *clock = nullptr;
};

class H2Session final : public ProtocolSession {
public:
    // `log` may be null (capture off): then nothing is recorded at all.
    // `wake` (thread-safe) gets the connection's thread to call resumeLive();
    // live bodies (server-sent events) and answers made on `files` use it.
    // It may be empty. `files`: where answers that need the file system are
    // made (site::Responder); null: on the session's thread.
    H2Session(site::Handler &handler, inspect::CaptureLog *log, std::string scheme, H2Options options = {},
              std::function<void()> wake = {}, site::FilePool *files = nullptr);
    ~H2Session() override;
    H2Session(const H2Session &) = delete;
    H2Session &operator=(const H2Session &) = delete;

    Result<void> receive(const std::uint8_t *data, std::size_t length) override;
    std::size_t produce(std::string &out, std::size_t budget) override;
    bool wantsClose() const override;
    void shutdown() override;
    void peerClosed() override;
    bool answering() const override { return m_responder.inFlight() > 0; }
    void resumeLive() override;
    std::uint32_t streamCount() const override { return m_streamCount; }
    std::int32_t goawayCode() const override { return m_goawayCode; }
    std::int32_t goawayLastStreamId() const override { return m_goawayLastStream; }
    std::string closeReason() const override;
    std::optional<std::chrono::steady_clock::time_point> settingsAckPendingSince() const override;
    void settingsAckTimedOut(const std::string &reason) override;
    void endCapture() override;

    // Callback plumbing (nghttp2 calls these through static trampolines).
    struct Stream;
    struct Callbacks;

private:
    void notice(std::int32_t streamId, std::string_view code, std::string_view text)
    {
        m_recorder.notice(streamId, code, text);
    }
    Result<void> feed(const std::uint8_t *data, std::size_t length); // to nghttp2, with the capture
    void enforce(const GuardVerdict &verdict);
    void flushHeld();
    void dispatch(Stream &stream);
    void takeAnswers();
    void answer(Stream &stream, site::Responder::Answer &answer); // takes its response and pushes
    void sendEarlyHints(Stream &parent, const site::Response &response);
    void pushAssets(Stream &parent, const site::Response &response, std::vector<site::PushCandidate> &plan);
    bool submitResponse(Stream &stream, site::Response &&response);
    void recordPushOutcome(const Stream &stream, std::string_view outcome, std::string_view detail);

    site::Responder m_responder;
    // What one read on the file pool brings of a body streamed from a file.
    static constexpr std::size_t kReadAhead = 128 * 1024;
    FrameRecorder m_recorder; // the frames and stream records, into the capture
    std::string m_scheme;
    H2Options m_options;
    std::function<void()> m_wake;
    struct SessionFree {
        void operator()(nghttp2_session *session) const noexcept;
    };
    std::unique_ptr<nghttp2_session, SessionFree> m_session;

    std::unordered_map<std::int32_t, std::unique_ptr<Stream>> m_streams;
    // The stream whose request header block is being received: a block's
    // fields arrive together (RFC 9113 §4.3), so they need no lookup each.
    // Null between blocks, for trailers, and once the stream is gone.
    Stream *m_inHeaders = nullptr;
    std::unordered_set<std::string> m_requestedPaths; // by the client, on this connection
    std::unordered_set<std::string> m_pushedPaths;    // promised on this connection
    std::unordered_set<std::string> m_hintedPaths;    // in a 103 sent, not requested since
    static constexpr std::size_t kMaxHintedPaths = 256;
    std::size_t m_openPushes = 0;
    std::size_t m_blockBytes = 0; // decoded size of the header block in progress (RFC 9113 §6.5.2)
    std::uint32_t m_streamCount = 0;
    bool m_clientRecorded = false; // the first request's user-agent is in the capture
    bool m_liveInput = false;      // a live body read client bytes in this receive()
    site::Freshness m_freshness;   // for the requests of this receive()'s bytes; default outside it

    FrameGuard m_guard{true}; // RFC 9113 rules on inbound frames that nghttp2 does not check
    std::string m_held;       // the start of a frame that goes to nghttp2 whole (FrameGuard::holding())

    std::string *m_sink = nullptr;                 // produce()'s output, where sendData() writes DATA frames
    std::size_t m_sinkStart = 0, m_sinkBudget = 0; // and what produce() may add to it
    std::string m_pending;                         // mem_send output beyond the last budget
    std::size_t m_pendingOffset = 0;

    // Rapid reset (CVE-2023-44487): a bucket of kResetBurst RST_STREAMs from
    // the client, refilled at kResetPerSecond; when empty the connection is
    // closed with GOAWAY ENHANCE_YOUR_CALM and a reason that says so.
    static constexpr double kResetBurst = 1000;
    static constexpr double kResetPerSecond = 33;
    ResetLimiter m_resetLimiter{kResetBurst, kResetPerSecond};
    const Clock &clock() const noexcept { return Clock::orSteady(m_options.clock); }
    Clock::time_point now() const noexcept { return clock().now(); }
    bool m_rapidReset = false;

    bool m_fatal = false;
    bool m_shutdown = false;
    bool m_peerClosed = false;
    std::int32_t m_goawayCode = -1;
    std::int32_t m_goawayLastStream = 0;
    std::string m_closeReason;
    std::deque<std::chrono::steady_clock::time_point>
        m_settingsUnacked; // when our SETTINGS were submitted, oldest first
};

} // namespace h2scope::h2
