#include "lab/clientconnection.h"

#include "lab/clienttls.h"
#include "lab/h1client.h"
#include "lab/h2client.h"

namespace h2scope::lab {

ClientConnection::ClientConnection(asio::io_context &io, LinkEmulator &link, std::uint64_t id, Options options,
                                   ResponseSink &sink, ConnectionObserver &observer, Clock::time_point epoch)
    : m_link(link),
      m_id(id),
      m_options(std::move(options)),
      m_sink(sink),
      m_observer(observer),
      m_epoch(epoch),
      m_socket(io),
      m_connectTimer(io),
      m_timers{asio::steady_timer(io), asio::steady_timer(io)}
{
    m_timing.id = id;
    m_readBuf.resize(16384);
}

ClientConnection::~ClientConnection()
{
    std::error_code ec;
    m_socket.close(ec);
}

std::int64_t ClientConnection::nowUs() const
{
    return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_epoch).count();
}

void ClientConnection::start()
{
    m_timing.startUs = nowUs();
    auto tls = ClientTls::create(m_options.tlsContext, m_options.sni);
    if (!tls) {
        fail(tls.error());
        return;
    }
    m_tls = std::move(*tls);
    m_socket.async_connect(m_options.endpoint, [this](const std::error_code &ec) {
        if (m_closed)
            return;
        if (ec) {
            fail(makeError(Errc::Io, "cannot connect to the server: " + ec.message()));
            return;
        }
        std::error_code ignored;
        m_socket.set_option(asio::ip::tcp::no_delay(true), ignored);
        // SYN and SYN-ACK cross the emulated link before TLS may start.
        m_connectTimer.expires_after(m_link.connectDelay());
        m_connectTimer.async_wait([this](const std::error_code &e) {
            if (!e && !m_closed)
                onTcpConnected();
        });
    });
}

void ClientConnection::onTcpConnected()
{
    m_timing.connectedUs = nowUs();
    if (auto r = m_tls->handshake(); !r) {
        fail(r.error());
        return;
    }
    std::string hello;
    m_tls->takeCiphertext(hello);
    sendToLink(std::move(hello));
    readLoop();
}

void ClientConnection::sendToLink(std::string &&ciphertext)
{
    if (ciphertext.empty() || m_closed)
        return;
    std::size_t offset = 0;
    for (const LinkEmulator::Segment &seg :
         m_link.transmit(LinkEmulator::Direction::Up, m_id, ciphertext.size(), Clock::now())) {
        m_held[Up].push_back({seg.deliverAt, ciphertext.substr(offset, seg.bytes)});
        offset += seg.bytes;
    }
    pump(Up);
}

void ClientConnection::readLoop()
{
    m_socket.async_read_some(asio::buffer(m_readBuf), [this](const std::error_code &ec, std::size_t n) {
        if (m_closed)
            return;
        if (ec) {
            // Whatever is still on the link arrives first; then the loss is reported.
            m_peerClosed = true;
            pump(Down);
            return;
        }
        m_timing.bytesReceived += n;
        std::size_t offset = 0;
        for (const LinkEmulator::Segment &seg : m_link.transmit(LinkEmulator::Direction::Down, m_id, n, Clock::now())) {
            m_held[Down].push_back({seg.deliverAt, m_readBuf.substr(offset, seg.bytes)});
            offset += seg.bytes;
        }
        pump(Down);
        if (!m_closed)
            readLoop();
    });
}

void ClientConnection::pump(Dir dir)
{
    const Clock::time_point now = Clock::now();
    std::string due;
    while (!m_held[dir].empty() && m_held[dir].front().deliverAt <= now) {
        due += m_held[dir].front().bytes;
        m_held[dir].pop_front();
    }
    if (!due.empty()) {
        if (dir == Up) {
            m_pendingWrite += due;
            startWrite();
        } else {
            deliverDown(std::move(due));
        }
    }
    if (m_closed)
        return;
    if (!m_held[dir].empty() && !m_timerArmed[dir]) {
        m_timerArmed[dir] = true;
        m_timers[dir].expires_at(m_held[dir].front().deliverAt);
        m_timers[dir].async_wait([this, dir](const std::error_code &ec) {
            m_timerArmed[dir] = false;
            if (!ec && !m_closed)
                pump(dir);
        });
    }
    if (dir == Down && m_peerClosed && m_held[Down].empty() && !m_closed)
        fail(makeError(Errc::Io, "the server closed the connection"));
}

void ClientConnection::deliverDown(std::string &&ciphertext)
{
    const bool wasDone = m_tls->handshakeDone();
    std::string plain;
    Result<void> r = m_tls->receive(ciphertext, plain);
    std::string out;
    m_tls->takeCiphertext(out); // handshake replies, alerts
    sendToLink(std::move(out));
    if (!r) {
        fail(r.error());
        return;
    }
    if (!wasDone && m_tls->handshakeDone()) {
        m_timing.tlsUs = nowUs();
        m_timing.alpn = m_tls->alpn();
        const std::string expected = m_options.http2 ? "h2" : "http/1.1";
        if (m_timing.alpn != expected && !(m_timing.alpn.empty() && !m_options.http2)) {
            fail(makeError(Errc::Protocol, "the server negotiated \"" + m_timing.alpn + "\" instead of " + expected));
            return;
        }
        if (m_options.http2) {
            auto h2 = std::make_unique<H2Client>(m_sink, m_options.authority, m_options.enablePush);
            if (!h2->valid()) {
                fail(makeError(Errc::Internal, "cannot create an HTTP/2 client session"));
                return;
            }
            m_protocol = std::move(h2);
        } else {
            m_protocol = std::make_unique<H1Client>(m_sink, m_options.authority);
        }
        m_observer.onConnectionReady(*this);
        if (m_closed)
            return;
        flush();
    }
    if (plain.empty() || !m_protocol)
        return;
    m_inReceive = true;
    Result<void> pr = m_protocol->receive(plain);
    m_inReceive = false;
    if (m_closed)
        return;
    if (!pr) {
        fail(pr.error());
        return;
    }
    flush();
}

void ClientConnection::flush()
{
    if (m_closed || !m_protocol)
        return;
    if (m_inReceive) {
        m_flushPending = true;
        return;
    }
    m_flushPending = false;
    std::string plain;
    m_protocol->produce(plain);
    m_timing.requests = m_protocol->requestsSent();
    if (plain.empty())
        return;
    if (auto r = m_tls->send(plain); !r) {
        fail(r.error());
        return;
    }
    std::string cipher;
    m_tls->takeCiphertext(cipher);
    sendToLink(std::move(cipher));
}

void ClientConnection::startWrite()
{
    if (m_writeActive || m_pendingWrite.empty() || m_closed)
        return;
    m_writing.swap(m_pendingWrite);
    m_pendingWrite.clear();
    m_writeActive = true;
    asio::async_write(m_socket, asio::buffer(m_writing), [this](const std::error_code &ec, std::size_t n) {
        m_writeActive = false;
        if (m_closed)
            return;
        if (ec) {
            fail(makeError(Errc::Io, "cannot send to the server: " + ec.message()));
            return;
        }
        m_timing.bytesSent += n;
        m_writing.clear();
        startWrite();
    });
}

void ClientConnection::close()
{
    if (m_closed)
        return;
    m_closed = true;
    std::error_code ec;
    m_connectTimer.cancel();
    m_timers[Up].cancel();
    m_timers[Down].cancel();
    m_socket.close(ec);
    m_link.forget(m_id);
}

void ClientConnection::fail(Error error)
{
    if (m_closed)
        return;
    close();
    m_observer.onConnectionLost(*this, error);
}

} // namespace h2scope::lab
