#pragma once
// HTTP/1.1 keep-alive session, sans-I/O: request bytes in through receive(),
// response bytes out through produce(). Pipelined requests are parsed ahead
// (a bounded number of them) and answered strictly in order; response bodies
// are read from site::Body in chunks of at most 16 KiB as output budget
// allows, never whole.
//
// Threading: like every ProtocolSession, one instance belongs to one
// connection and is called from that connection's thread only. The handler
// is called from that thread too (Handler implementations are thread-safe).
//
// Upgrade: a request with `connection: upgrade` is the last one parsed
// until its answer is known. When the site switches (101 with a live body
// that takes input: the live reload WebSocket), the connection becomes a
// tunnel: the live body's bytes go out as they are and every byte the
// client sends after the request goes to it, until it ends and the
// connection closes. Any other answer and parsing resumes.
//
// Back-pressure: receive() always takes every byte it is given, but once
// kMaxPendingRequests requests wait for their turn, parsing stops and input
// is buffered. wantsInput() turns false then (and while kInputSoftLimit bytes
// are buffered); the driver should stop reading from the socket and check
// again after each produce(). More than kInputHardLimit buffered bytes ends
// the connection (receive() fails with Errc::Refused).

#include "clock.h"
#include "h1/requestparser.h"
#include "inspect/capturelog.h"
#include "protocolsession.h"
#include "site/responder.h"
#include "site/response.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace h2scope::h1 {

class H1Session final : public ProtocolSession {
public:
    static constexpr std::size_t kMaxPendingRequests = 32;
    static constexpr std::size_t kInputSoftLimit = 64 * 1024;
    static constexpr std::size_t kInputHardLimit = 4 * 1024 * 1024;
    static constexpr std::size_t kBodyChunk = 16 * 1024;
    // What one read on the file pool brings of a body streamed from a file.
    static constexpr std::size_t kReadAhead = 128 * 1024;

    // `log` may be null (capture off): then nothing is recorded at all.
    // `scheme` is "https" or "http", copied into every site::Request.
    // `wake` (thread-safe) makes the driver produce() again when a live body
    // (server-sent events) has data; it may be empty. `earlyHints`: send a
    // 103 before page loads' responses (off by default: HTTP/1.1 clients that
    // predate RFC 8297 may take the 103 for the final answer). `clock`: the
    // time the date field says (null: the system's); it outlives the session.
    // `files`: where answers that need the file system are made (see
    // site/responder.h; they come back through `wake`); null: here.
    H1Session(site::Handler &handler, inspect::CaptureLog *log, std::string scheme, std::function<void()> wake = {},
              bool earlyHints = false, const Clock *clock = nullptr, site::FilePool *files = nullptr);
    ~H1Session() override;
    H1Session(const H1Session &) = delete;
    H1Session &operator=(const H1Session &) = delete;

    // Fails with the parser's error (Errc::Protocol/Refused/Unsupported,
    // "bad request: ...") when a request is malformed: the error response
    // (400, 413, 414, 431, 501 or 505, with connection: close) is queued
    // behind the responses still owed, so flush produce() and then close.
    // Fails with Errc::Refused when the peer overruns kInputHardLimit.
    // Bytes arriving after the session stopped reading are ignored.
    Result<void> receive(const std::uint8_t *data, std::size_t length) override;

    // Appends at most `budget` bytes of response output; 0 when nothing is
    // ready. Calls the handler for the next request when its turn comes.
    std::size_t produce(std::string &out, std::size_t budget) override;

    // True once every response owed has been produced and the connection
    // must close (client asked, HTTP/1.0, bad request, shutdown, peer
    // closed, or a response body failed mid-way).
    bool wantsClose() const override;

    // Finishes the response in flight (or, if none has started, answers the
    // oldest waiting request) with connection: close, drops later pipelined
    // requests, then wantsClose().
    void shutdown() override;

    // Requests already received are still answered; then wantsClose().
    void peerClosed() override;
    bool answering() const override { return m_responder.inFlight() > 0; }

    // Exchanges seen: requests parsed plus malformed requests answered.
    std::uint32_t streamCount() const override;
    std::string closeReason() const override;

    // False while the driver should not read more from the peer (see above).
    bool wantsInput() const override;

    // Takes the answer made on the file pool, if it is ready (and live
    // bodies' news, which produce() reads).
    void resumeLive() override;

private:
    // A parsed request waiting for its turn, or a malformed one to refuse.
    struct Pending {
        ParsedRequest request;
        std::uint64_t startNs = 0;
        std::uint32_t sequence = 0;
        int errorStatus = 0; // non-zero: answer with this status instead of asking the handler
        std::string errorReason;
    };
    struct Exchange;
    // The exchange whose answer is being asked for: what complete() needs.
    struct Asking {
        std::unique_ptr<Exchange> ex;
        site::Request request; // as the site sees it
        int versionMinor = 1;
        bool head = false;
        bool badRequest = false; // answered by the session itself
    };

    Result<void> pump();
    void stopReading(std::string reason);
    void startNext();
    void complete(site::Response &&response); // of m_asking
    void finishExchange();
    void failBody(const Error &error);
    void settle();
    void publishNotice(std::string code, std::string text);

    site::Responder m_responder;
    inspect::CaptureLog *m_log;
    bool m_clientRecorded = false;        // the first request's user-agent is in the capture
    HeaderBlock::Builder m_headerBuilder; // response fields for the exchange's event
    std::string m_scheme;
    std::function<void()> m_wake;
    bool m_earlyHints = false;
    const Clock &m_clock;

    RequestParser m_parser;
    std::string m_in; // received, not yet parsed
    std::uint64_t m_requestStartNs = 0;
    std::deque<Pending> m_queue;         // parsed, waiting for their turn
    std::optional<Asking> m_asking;      // the next exchange, waiting for its answer
    std::unique_ptr<Exchange> m_current; // the exchange being sent

    std::uint32_t m_exchanges = 0;
    bool m_stopReading = false;               // no further request will be parsed
    bool m_awaitingUpgrade = false;           // the last request parsed asks to switch protocols
    std::shared_ptr<site::LiveBody> m_tunnel; // switched: the client's bytes go here
    bool m_peerClosed = false;
    bool m_done = false; // nothing more to send: close
    std::string m_closeReason;
};

} // namespace h2scope::h1
