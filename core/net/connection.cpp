#include "net/connection.h"

#include "h1/h1session.h"
#include "tls/tlscontext.h"
#include "tls/tlsengine.h"

#include <algorithm>
#include <cstring>

namespace h2scope::net {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kPrefaceLen = sizeof kPreface - 1;

} // namespace

Connection::Connection(ConnectionConfig config, site::Handler &handler, inspect::CaptureSink *capture)
    : m_config(std::move(config)), m_handler(handler), m_startNs(static_cast<std::uint64_t>(clock().nowNs()))
{
    if (capture)
        m_log = std::make_unique<inspect::CaptureLog>(*capture, m_config.id, m_config.h2.clock);
    if (m_config.tls)
        m_tls = std::make_unique<tls::TlsEngine>(m_config.tls);
}

Connection::~Connection()
{
    close({});
}

bool Connection::handshakeDone() const noexcept
{
    return m_session != nullptr;
}

std::optional<std::chrono::steady_clock::time_point> Connection::settingsAckPendingSince() const
{
    if (!m_session || m_closed || !m_failure.empty())
        return std::nullopt;
    return m_session->settingsAckPendingSince();
}

void Connection::settingsAckTimedOut(const std::string &reason)
{
    if (!m_session || m_closed)
        return;
    m_session->settingsAckTimedOut(reason);
    fail(reason);
}

void Connection::recordOpened()
{
    if (!m_log)
        return;
    inspect::ConnectionOpened ev;
    ev.peer = m_config.peer;
    ev.local = m_config.local;
    ev.tls = m_tls != nullptr;
    if (m_tls) {
        const tls::HandshakeInfo &info = m_tls->info();
        ev.tlsVersion = info.version;
        ev.cipher = info.cipher;
        ev.alpn = info.alpn;
        ev.sni = info.sni;
        ev.group = info.group;
        ev.resumed = info.resumed;
    }
    ev.handshakeNs = m_receivedNs > m_startNs ? m_receivedNs - m_startNs : 0; // the bytes that ended it came
    ev.protocol = m_protocol;
    m_log->opened(ev);
}

void Connection::startSession(const std::string &protocol)
{
    m_protocol = protocol;
    const std::string scheme = m_tls ? "https" : "http";
    if (protocol == "h2" || protocol == "h2c")
        m_session =
            std::make_unique<h2::H2Session>(m_handler, m_log.get(), scheme, m_config.h2, m_config.wake, m_config.files);
    else
        m_session = std::make_unique<h1::H1Session>(m_handler, m_log.get(), scheme, m_config.wake,
                                                    m_config.earlyHintsHttp1 && m_config.h2.earlyHints,
                                                    m_config.h2.clock, m_config.files);
    recordOpened();
    if (m_shutdown)
        m_session->shutdown();
}

void Connection::fail(const std::string &reason)
{
    if (m_failure.empty())
        m_failure = reason;
}

void Connection::feedSession(const std::uint8_t *data, std::size_t length)
{
    if (length == 0 || !m_session)
        return;
    Result<void> r = m_session->receive(data, length);
    if (!r)
        fail(r.error().message);
}

void Connection::receive(const std::uint8_t *data, std::size_t length, Clock::time_point now)
{
    if (m_closed || !m_failure.empty())
        return;
    const inspect::CaptureLog::Batch batch(m_log.get(), toNs(now));
    m_receivedNs = batch.ns();
    m_bytesIn += length;
    if (m_tls) {
        m_plainIn.clear();
        Result<void> r = m_tls->receive(data, length, m_plainIn);
        if (!m_session && m_tls->handshakeDone())
            startSession(m_tls->info().alpn == "h2" ? "h2" : "http/1.1");
        if (!m_plainIn.empty())
            feedSession(reinterpret_cast<const std::uint8_t *>(m_plainIn.data()), m_plainIn.size());
        if (!r) {
            m_transportFailed = true;
            fail(r.error().message);
        } else if (m_tls->peerSentCloseNotify())
            peerClosed();
        return;
    }
    if (m_session) {
        feedSession(data, length);
        return;
    }
    // Cleartext: HTTP/2 with prior knowledge starts with the preface; any
    // byte that differs from it means HTTP/1.1.
    m_sniff.append(reinterpret_cast<const char *>(data), length);
    const std::size_t n = std::min(m_sniff.size(), kPrefaceLen);
    if (std::memcmp(m_sniff.data(), kPreface, n) != 0)
        startSession("http/1.1");
    else if (m_sniff.size() >= kPrefaceLen)
        startSession("h2c");
    else
        return;
    std::string held;
    held.swap(m_sniff);
    feedSession(reinterpret_cast<const std::uint8_t *>(held.data()), held.size());
}

// Dynamic TLS record sizing: a client can decrypt nothing until a whole
// record has arrived, so the first bytes of a connection (and after a pause)
// go in records that fit one TCP segment; bulk transfer uses full 16 KiB
// records, which cost less CPU per byte.
namespace {

// Plaintext produced for TLS at a time: four full records.
constexpr std::size_t kPlainSlice = 64u << 10;

} // namespace

Result<void> Connection::sendTls(std::string_view plain, std::string &out, std::uint64_t now)
{
    constexpr std::size_t kSmallRecord = 1300;       // payload that fits one segment with TLS overhead
    constexpr std::uint64_t kSmallPhase = 64u << 10; // bytes sent in small records
    constexpr std::uint64_t kIdleResetNs = 1'000'000'000;
    if (now - m_lastTlsWriteNs > kIdleResetNs)
        m_smallRecordBytesLeft = kSmallPhase;
    m_lastTlsWriteNs = now;
    const auto *p = reinterpret_cast<const std::uint8_t *>(plain.data());
    std::size_t off = 0;
    while (off < plain.size() && m_smallRecordBytesLeft > 0) {
        const std::size_t n = std::min<std::size_t>({kSmallRecord, plain.size() - off, m_smallRecordBytesLeft});
        Result<void> r = m_tls->send(p + off, n, &out);
        if (!r)
            return r;
        off += n;
        m_smallRecordBytesLeft -= n;
    }
    if (off < plain.size())
        return m_tls->send(p + off, plain.size() - off, &out);
    return {};
}

std::size_t Connection::produce(std::string &out, std::size_t budget, Clock::time_point now)
{
    if (m_closed)
        return 0;
    const inspect::CaptureLog::Batch batch(m_log.get(), toNs(now));
    const std::size_t start = out.size();
    if (!m_tls) {
        if (m_session)
            m_session->produce(out, budget);
    } else {
        // Plaintext in slices so each TLS write stays a sensible record size.
        m_tls->takeCiphertext(out);
        while (m_session && m_tls->handshakeDone() && out.size() - start < budget) {
            // The plaintext starts where OpenSSL's copy of it into its record
            // buffer is fast (TlsEngine::plaintextPad(), copybytes.h).
            m_plainOut.clear();
            const std::size_t pad = m_tls->plaintextPad(m_plainOut.data());
            m_plainOut.append(pad, '\0');
            if (m_session->produce(m_plainOut, std::min<std::size_t>(budget - (out.size() - start), kPlainSlice)) == 0)
                break;
            Result<void> r = sendTls(std::string_view(m_plainOut).substr(pad), out, batch.ns());
            if (!r) {
                m_transportFailed = true;
                fail(r.error().message);
                break;
            }
        }
        // A connection that ends cleanly says so after its last record
        // (close_notify, RFC 8446 §6.1), so that the client can tell the end
        // of the connection from a truncation.
        if (!m_closeNotifySent && m_session && m_tls->handshakeDone() && !m_transportFailed && !m_peerClosed
            && m_session->wantsClose()) {
            m_closeNotifySent = true;
            m_tls->close();
            m_tls->takeCiphertext(out);
        }
    }
    const std::size_t produced = out.size() - start;
    m_bytesOut += produced;
    return produced;
}

void Connection::peerClosed()
{
    if (m_peerClosed)
        return;
    m_peerClosed = true;
    if (m_session)
        m_session->peerClosed();
    else
        fail(m_tls ? "peer closed during the TLS handshake" : "peer closed before sending a request");
}

void Connection::shutdown()
{
    m_shutdown = true;
    if (m_session)
        m_session->shutdown();
    else
        fail("server shutdown");
}

bool Connection::wantsClose() const
{
    if (m_closed)
        return true;
    if (m_tls && m_tls->hasCiphertext())
        return false;
    if (!m_failure.empty())
        return m_transportFailed || m_peerClosed || !m_session || m_session->wantsClose();
    if (m_session)
        return m_session->wantsClose();
    return m_peerClosed;
}

void Connection::close(const std::string &reason)
{
    if (m_closed)
        return;
    m_closed = true;
    if (!m_log)
        return;
    if (m_session)
        m_session->endCapture();
    inspect::ConnectionClosed ev;
    // The most specific explanation wins: a failure we saw, then what the
    // caller knows (timeouts, socket errors), then the session's own story.
    if (!m_failure.empty())
        ev.reason = m_failure;
    else if (!reason.empty())
        ev.reason = reason;
    else if (m_session)
        ev.reason = m_session->closeReason();
    if (ev.reason.empty())
        ev.reason = "closed";
    if (m_session) {
        ev.goawayCode = m_session->goawayCode();
        ev.lastStreamId = m_session->goawayLastStreamId();
        ev.streams = m_session->streamCount();
    }
    ev.bytesIn = m_bytesIn;
    ev.bytesOut = m_bytesOut;
    m_log->closed(ev);
}

} // namespace h2scope::net
