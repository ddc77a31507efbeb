#pragma once
// One connection of the lab's page loader: a real TCP socket to the server
// on loopback, the emulated link (LinkEmulator) between that socket and the
// client's TLS, and the HTTP layer (H1Client or H2Client) on top:
//
//   HTTP client -> ClientTls (encrypt) -> link up (held until delivery) -> socket
//   socket -> link down (held until delivery) -> ClientTls (decrypt) -> HTTP client
//
// The emulated TCP handshake delays the start of TLS by one RTT. Bytes are
// read from the socket as soon as the server sends them and held in the
// delay queue, so the server never sees the emulated link.
// Runs on the io_context's thread only; not thread-safe.

#include "lab/clientprotocol.h"
#include "lab/linkemulator.h"
#include "lab/loadresult.h"

#include <asio.hpp>

#include <deque>
#include <functional>
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace h2scope::lab {

class ClientTls;
class ClientConnection;

class ConnectionObserver {
public:
    virtual ~ConnectionObserver() = default;
    // TLS is up and protocol() is usable; submit requests, then flush().
    virtual void onConnectionReady(ClientConnection &connection) = 0;
    // Connect, TLS or protocol failure, or the server closed the connection.
    virtual void onConnectionLost(ClientConnection &connection, const Error &error) = 0;
};

class ClientConnection final {
public:
    using Clock = LinkEmulator::Clock;

    struct Options {
        asio::ip::tcp::endpoint endpoint;
        std::shared_ptr<SSL_CTX> tlsContext; // offers the ALPN of the mode
        std::string sni = "localhost";
        std::string authority; // :authority / Host
        bool http2 = true;
        bool enablePush = false; // HTTP/2 only
    };

    // `sink` receives the HTTP events; `observer` the connection's fate.
    // Both and `link` must outlive the connection. `epoch` is time zero.
    ClientConnection(asio::io_context &io, LinkEmulator &link, std::uint64_t id, Options options, ResponseSink &sink,
                     ConnectionObserver &observer, Clock::time_point epoch);
    ~ClientConnection();
    ClientConnection(const ClientConnection &) = delete;
    ClientConnection &operator=(const ClientConnection &) = delete;

    // Starts the TCP connect; later onConnectionReady() or onConnectionLost().
    void start();
    // Sends what the protocol has queued (safe to call from inside the
    // sink's callbacks: then it happens once the current input is handled).
    void flush();
    // Closes the socket at once; no more callbacks.
    void close();

    std::uint64_t id() const { return m_id; }
    bool ready() const { return m_protocol != nullptr && !m_closed; }
    bool closed() const { return m_closed; }
    // Null until ready.
    ClientProtocol *protocol() { return m_protocol.get(); }
    const ConnectionTiming &timing() const { return m_timing; }

private:
    struct Held {
        Clock::time_point deliverAt;
        std::string bytes;
    };
    enum Dir { Up = 0, Down = 1 };

    std::int64_t nowUs() const;
    void onTcpConnected();
    void sendToLink(std::string &&ciphertext);
    void readLoop();
    void pump(Dir dir);
    void deliverDown(std::string &&ciphertext);
    void startWrite();
    void fail(Error error);

    LinkEmulator &m_link;
    std::uint64_t m_id;
    Options m_options;
    ResponseSink &m_sink;
    ConnectionObserver &m_observer;
    Clock::time_point m_epoch;
    asio::ip::tcp::socket m_socket;
    asio::steady_timer m_connectTimer;
    asio::steady_timer m_timers[2];
    bool m_timerArmed[2] = {false, false};
    std::deque<Held> m_held[2];
    std::unique_ptr<ClientTls> m_tls;
    std::unique_ptr<ClientProtocol> m_protocol;
    std::string m_readBuf;
    std::string m_writing, m_pendingWrite;
    bool m_writeActive = false;
    bool m_inReceive = false;
    bool m_flushPending = false;
    bool m_closed = false;
    bool m_peerClosed = false;
    ConnectionTiming m_timing;
};

} // namespace h2scope::lab
