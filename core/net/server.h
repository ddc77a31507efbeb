#pragma once
// The listening server: one acceptor, N I/O workers each running its own
// asio::io_context, connections handed out round-robin. Every connection
// (and its nghttp2 session) lives on exactly one worker thread.

#include "h2/h2session.h"
#include "result.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace h2scope::inspect {
class CaptureHub;
}
namespace h2scope::site {
class FilePool;
class Handler;
} // namespace h2scope::site
namespace h2scope::tls {
class TlsContext;
}

namespace h2scope::net {

struct ServerOptions {
    std::string host = "localhost";       // an IP address, or "localhost": 127.0.0.1 and ::1
    std::uint16_t port = 8443;            // 0: any free port
    unsigned workers = 0;                 // 0: number of cores, at most 4
    std::shared_ptr<tls::TlsContext> tls; // null: cleartext (h2c prior knowledge + HTTP/1.1)
    h2::H2Options h2;                     // h2.clock is not used: a server runs on the steady clock, as its timers do
    bool earlyHintsHttp1 = false;         // 103 Early Hints over HTTP/1.1 too (explicit opt-in)
    std::chrono::milliseconds handshakeTimeout{10'000};
    std::chrono::milliseconds idleTimeout{120'000};
    // HTTP/2: how long our SETTINGS may wait for the client's ACK before the
    // connection ends with GOAWAY SETTINGS_TIMEOUT (RFC 9113 §6.5.3).
    std::chrono::milliseconds settingsAckTimeout{10'000};
    // Connections beyond this are refused: closed at once, after a 503 on
    // cleartext (a TLS client just sees the connection close during its
    // handshake), with a "connection-limit" Notice event either way.
    std::size_t maxConnections = 10'000;
    // Threads that make the answers needing the file system (site/filepool.h),
    // so that a slow disk never holds up an I/O thread; 0: the I/O threads
    // make every answer themselves.
    unsigned fileThreads = 4;
    // How long stop() waits, once the connections are gone, for answers and
    // reads still being made on those threads; by default as long as they
    // take. With a bound, one still running then (a file system that
    // stopped answering) is left to finish on its own, and the handler must
    // outlive it: see filesLeftBehind().
    std::chrono::milliseconds fileWaitOnStop = std::chrono::milliseconds::max();
};

class Worker;

class Server final {
public:
    // `events` may be null (capture off); otherwise it must have at least
    // workerCount() producers, one per worker thread.
    Server(ServerOptions options, site::Handler &handler, inspect::CaptureHub *capture);
    ~Server();
    Server(const Server &) = delete;
    Server &operator=(const Server &) = delete;

    // The worker count `requested` resolves to (0 -> cores, at most 4).
    static unsigned resolveWorkers(unsigned requested);

    // Binds, listens and starts the worker threads. Fails with
    // Errc::AddressInUse / PermissionDenied / InvalidArgument and a message
    // that says what to do. Call once, from the owning thread.
    Result<void> start();
    // start() in two steps, for a caller with work to do only once the
    // address is known to be its own (issuing the certificate): listen()
    // binds (port() is then known), setTls() may replace the options' TLS
    // context, run() starts accepting.
    Result<void> listen();
    void setTls(std::shared_ptr<tls::TlsContext> tls);
    void run();

    // Sends GOAWAY on every connection, lets responses in flight finish for
    // up to `grace`, then closes what is left and joins the workers; then
    // waits up to ServerOptions::fileWaitOnStop for the file threads.
    void stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));

    std::uint16_t port() const noexcept { return m_port; }
    // "https://127.0.0.1:8443/"; listening on every address (0.0.0.0, ::),
    // the loopback address of that family ("https://[::1]:8443/").
    std::string url() const;
    unsigned workerCount() const noexcept { return m_workerCount; }
    std::size_t activeConnections() const noexcept { return m_active.load(std::memory_order_relaxed); }
    std::uint64_t acceptedConnections() const noexcept { return m_nextId.load(std::memory_order_relaxed) - 1; }
    // After stop(): how many answers or file reads were still being made
    // past ServerOptions::fileWaitOnStop and were left to finish on their
    // own. Each may still call the site handler, which must then outlive
    // the server (and may never be destroyed: the file system may not
    // answer again).
    std::size_t filesLeftBehind() const noexcept { return m_filesLeftBehind; }

private:
    struct Acceptor;
    void doAccept(Acceptor &from);
    // Adds an acceptor on `address`:`port`; `optional`: a machine without
    // that address family says Errc::Unsupported.
    Result<void> listenOn(const std::string &address, std::uint16_t port, bool optional);

    ServerOptions m_options;
    site::Handler &m_handler;
    inspect::CaptureHub *m_capture;
    unsigned m_workerCount = 1;
    std::vector<std::unique_ptr<Worker>> m_workers;
    std::unique_ptr<site::FilePool> m_files;            // declared after m_workers: gone before them
    std::vector<std::unique_ptr<Acceptor>> m_acceptors; // one per listening address
    std::uint16_t m_port = 0;
    std::size_t m_nextWorker = 0;
    std::atomic<std::uint64_t> m_nextId{1};
    std::atomic<std::size_t> m_active{0};
    bool m_started = false;
    bool m_stopped = false;
    std::size_t m_filesLeftBehind = 0;

    friend class SocketDriver;
};

} // namespace h2scope::net
