#pragma once
// A whole server connection, sans I/O: socket bytes in, socket bytes out.
// It runs TLS (memory BIOs) when configured, picks the protocol (ALPN, or
// the HTTP/2 preface on cleartext), and drives an H2Session or H1Session.
// The asio driver, the in-memory test client and a fuzzer all drive it the
// same way. One thread per connection.

#include "h2/h2session.h"
#include "inspect/capturelog.h"
#include "protocolsession.h"
#include "site/response.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace h2scope::tls {
class TlsContext;
class TlsEngine;
} // namespace h2scope::tls

namespace h2scope::site {
class FilePool;
} // namespace h2scope::site

namespace h2scope::net {

struct ConnectionConfig {
    std::uint64_t id = 0;
    std::string peer;                     // "127.0.0.1:53422"
    std::string local;                    // "127.0.0.1:8443"
    std::shared_ptr<tls::TlsContext> tls; // null: cleartext (h2c prior knowledge or HTTP/1.1)
    h2::H2Options h2;
    bool earlyHintsHttp1 = false; // 103 Early Hints over HTTP/1.1 too (explicit opt-in)
    // Thread-safe: makes the connection's own thread call resumeLive() and
    // then flush output. Live bodies (server-sent events) call it when they
    // have data. Empty in tests that pump by hand.
    std::function<void()> wake;
    // Where answers that wait on the file system are made (see
    // site/responder.h); null: on the connection's own thread. It needs
    // `wake`, and outlives the connection.
    site::FilePool *files = nullptr;
};

class Connection final {
public:
    // `capture` may be null (capture off); else the connection records its
    // capture log through it (capturelog.h).
    Connection(ConnectionConfig config, site::Handler &handler, inspect::CaptureSink *capture);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    // Bytes read from the socket at `now`, a reading of the connection's
    // clock (H2Options::clock; the steady clock when null), which the
    // frames they bring are stamped with. Never fails: a broken peer makes
    // the connection queue its last words (alert, GOAWAY, 400) and
    // wantsClose(). Without `now`, the clock is read.
    void receive(const std::uint8_t *data, std::size_t length, Clock::time_point now);
    void receive(const std::uint8_t *data, std::size_t length) { receive(data, length, clock().now()); }

    // Appends up to about `budget` bytes for the socket to `out` and returns
    // the count; the frames in them are stamped `now`, as for receive().
    std::size_t produce(std::string &out, std::size_t budget, Clock::time_point now);
    std::size_t produce(std::string &out, std::size_t budget) { return produce(out, budget, clock().now()); }

    // Sets ConnectionConfig::wake after construction (before the first receive()).
    void setWake(std::function<void()> wake) { m_config.wake = std::move(wake); }

    // Live bodies have news: continue the streams waiting on them.
    void resumeLive()
    {
        if (m_session)
            m_session->resumeLive();
    }

    // The peer closed its side (EOF or reset).
    void peerClosed();
    // Graceful stop: GOAWAY / finish the HTTP/1.1 response in flight.
    void shutdown();
    // Ends the connection now, for a reason the inspector shows ("idle
    // timeout", "socket error: ..."; empty: the protocol's own reason).
    // Records the connection's close once.
    void close(const std::string &reason);

    // True when everything worth sending has been produced and the socket
    // should be closed.
    bool wantsClose() const;
    bool closed() const noexcept { return m_closed; }
    // False while the protocol wants the driver to pause reading.
    bool wantsInput() const { return !m_session || m_session->wantsInput(); }
    bool handshakeDone() const noexcept;
    // Answers or file reads are being made for it on the file pool.
    bool answering() const { return m_session && !m_closed && m_session->answering(); }
    // HTTP/2 SETTINGS ACK timeout (RFC 9113 §6.5.3): when our oldest
    // unacknowledged SETTINGS was sent (nullopt: none is, or not HTTP/2).
    std::optional<std::chrono::steady_clock::time_point> settingsAckPendingSince() const;
    // The driver saw that ACK overdue: the connection fails with `reason`
    // and GOAWAY SETTINGS_TIMEOUT queued; flush produce(), then close.
    void settingsAckTimedOut(const std::string &reason);
    std::uint64_t id() const noexcept { return m_config.id; }
    std::uint64_t bytesIn() const noexcept { return m_bytesIn; }
    std::uint64_t bytesOut() const noexcept { return m_bytesOut; }
    // "h2", "http/1.1", "h2c" once known, else "".
    const std::string &protocol() const noexcept { return m_protocol; }

private:
    const Clock &clock() const noexcept { return Clock::orSteady(m_config.h2.clock); }
    static std::uint64_t toNs(Clock::time_point t) noexcept
    {
        return static_cast<std::uint64_t>(std::chrono::nanoseconds(t.time_since_epoch()).count());
    }
    void startSession(const std::string &protocol);
    void feedSession(const std::uint8_t *data, std::size_t length);
    void fail(const std::string &reason);
    void recordOpened();
    Result<void> sendTls(std::string_view plain, std::string &out, std::uint64_t nowNs);

    ConnectionConfig m_config;
    site::Handler &m_handler;
    std::unique_ptr<inspect::CaptureLog> m_log; // outlives the session, which writes into it
    std::unique_ptr<tls::TlsEngine> m_tls;
    std::unique_ptr<ProtocolSession> m_session;
    std::string m_protocol;
    std::string m_sniff;            // cleartext bytes held until the protocol is known
    std::string m_plainIn;          // scratch: plaintext from TLS
    std::string m_plainOut;         // scratch: plaintext for TLS
    std::uint64_t m_startNs = 0;    // when it was made, by clock()
    std::uint64_t m_receivedNs = 0; // when the bytes being received came
    std::uint64_t m_bytesIn = 0;
    std::uint64_t m_bytesOut = 0;
    std::uint64_t m_smallRecordBytesLeft = 0; // see sendTls()
    std::uint64_t m_lastTlsWriteNs = 0;
    std::string m_failure;          // set when the connection must end
    bool m_transportFailed = false; // TLS broke: nothing more can be sent
    bool m_closeNotifySent = false;
    bool m_peerClosed = false;
    bool m_shutdown = false;
    bool m_closed = false;
};

} // namespace h2scope::net
