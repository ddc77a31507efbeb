#include "net/server.h"

#include "inspect/capturelog.h"
#include "net/connection.h"
#include "net/deadlines.h"
#include "site/filepool.h"

#include <asio.hpp>

#include <algorithm>
#include <array>
#include <mutex>
#include <thread>
#include <unordered_set>

namespace h2scope::net {
namespace {

std::string endpointText(const asio::ip::tcp::endpoint &ep)
{
    const asio::ip::address a = ep.address();
    if (a.is_v6() && a.to_v6().is_v4_mapped())
        return asio::ip::make_address_v4(asio::ip::v4_mapped, a.to_v6()).to_string() + ":" + std::to_string(ep.port());
    if (a.is_v6())
        return "[" + a.to_string() + "]:" + std::to_string(ep.port());
    return a.to_string() + ":" + std::to_string(ep.port());
}

constexpr std::size_t kWriteBatch = 256u << 10; // bytes produced per socket write

// Over the connection limit: says so (cleartext) and closes.
void refuse(asio::ip::tcp::socket socket, bool tls, std::size_t maxConnections)
{
    if (tls) {
        // Nothing can be said before a handshake we will not do: the client
        // sees the connection closed during its TLS handshake.
        asio::error_code ignored;
        socket.close(ignored);
        return;
    }
    // Cleartext: an HTTP/1.1 client gets a 503 it can show. (An h2c client
    // with prior knowledge reads it as a broken frame and reports a framing
    // error; either way the connection ends at once.)
    const std::string body = "h2scope is already serving " + std::to_string(maxConnections)
                             + " connections, its configured maximum (--max-connections); try again later.\n";
    auto bytes = std::make_shared<std::string>("HTTP/1.1 503 Service Unavailable\r\ncontent-type: text/plain; "
                                               "charset=utf-8\r\nconnection: close\r\nretry-after: 1\r\n"
                                               "content-length: "
                                               + std::to_string(body.size()) + "\r\n\r\n" + body);
    auto s = std::make_shared<asio::ip::tcp::socket>(std::move(socket));
    asio::async_write(*s, asio::buffer(*bytes), [s, bytes](asio::error_code, std::size_t) {
        asio::error_code ignored;
        s->shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        s->close(ignored);
    });
}

} // namespace

class SocketDriver;

// Lets other threads (live bodies, the file pool) wake a worker's
// connections while its loop can still run them. Server::stop() shuts it
// once the loop has ended: a file job that finishes later (or one left
// behind on a dead disk) then never reaches an io_context being destroyed.
struct WakeGate {
    std::mutex mutex;
    bool open = true;
};

// One I/O thread: its io_context and the connections it owns.
class Worker final {
public:
    explicit Worker(std::size_t index) : m_index(index), m_guard(asio::make_work_guard(m_io)) {}

    void run()
    {
        m_thread = std::thread([this] { m_io.run(); });
    }
    void join()
    {
        if (m_thread.joinable())
            m_thread.join();
    }

    asio::io_context m_io;
    std::size_t m_index;
    asio::executor_work_guard<asio::io_context::executor_type> m_guard;
    std::unordered_set<std::shared_ptr<SocketDriver>> m_drivers; // worker thread only
    std::thread m_thread;
    const std::shared_ptr<WakeGate> m_wakes = std::make_shared<WakeGate>();
};

// Moves bytes between one socket and its Connection. Lives on one worker.
class SocketDriver final : public std::enable_shared_from_this<SocketDriver> {
public:
    SocketDriver(Server &server, Worker &worker, asio::ip::tcp::socket socket, ConnectionConfig config,
                 inspect::CaptureSink *capture)
        : m_server(server),
          m_worker(worker),
          m_socket(std::move(socket)),
          m_timer(worker.m_io),
          m_conn(std::move(config), server.m_handler, capture),
          m_deadlines(DeadlineOptions{server.m_options.handshakeTimeout, server.m_options.idleTimeout,
                                      server.m_options.settingsAckTimeout},
                      Clock::steady().now())
    {}

    void start()
    {
        m_worker.m_drivers.insert(shared_from_this());
        // Live bodies (server-sent events) wake us from other threads.
        // The posted handler looks the driver up again on its own thread,
        // and holds no reference to it while it waits in the queue. (The
        // driver being alive here, with the gate open, means its io_context
        // is and will be until the wake is done.)
        m_conn.setWake([weak = weak_from_this(), gate = m_worker.m_wakes] {
            std::lock_guard lock(gate->mutex);
            if (!gate->open)
                return;
            if (const auto self = weak.lock())
                asio::post(self->m_socket.get_executor(), [weak] {
                    const auto driver = weak.lock();
                    if (!driver || driver->m_finished)
                        return;
                    driver->m_conn.resumeLive();
                    driver->pump();
                });
        });
        const Clock::time_point now = Clock::steady().now();
        armTimer(now, m_deadlines.check(now, deadlineState()).wakeAt);
        pump();
        read();
    }

    void shutdown()
    {
        m_conn.shutdown();
        pump();
    }

    void abort(const std::string &reason) { finish(reason); }

private:
    void read()
    {
        if (m_reading || m_finished || m_eof || !m_conn.wantsInput())
            return;
        m_reading = true;
        m_socket.async_read_some(asio::buffer(m_buf), [self = shared_from_this()](asio::error_code ec, std::size_t n) {
            self->m_reading = false;
            if (self->m_finished)
                return;
            if (ec) {
                self->m_eof = true;
                if (ec == asio::error::eof || ec == asio::error::connection_reset)
                    self->m_conn.peerClosed();
                else
                    self->finish("socket read failed: " + ec.message());
                self->pump();
                return;
            }
            // The frames this read brought share the time it returned.
            const Clock::time_point now = Clock::steady().now();
            self->m_deadlines.activity(now);
            self->m_conn.receive(self->m_buf.data(), n, now);
            self->pump();
            self->read();
        });
    }

    void pump()
    {
        if (m_writing || m_finished)
            return;
        m_out.clear();
        m_conn.produce(m_out, kWriteBatch, Clock::steady().now()); // the frames of one write share its time
        if (!m_out.empty()) {
            m_writing = true;
            asio::async_write(m_socket, asio::buffer(m_out),
                              [self = shared_from_this()](asio::error_code ec, std::size_t) {
                                  self->m_writing = false;
                                  if (self->m_finished)
                                      return;
                                  if (ec) {
                                      self->finish("socket write failed: " + ec.message());
                                      return;
                                  }
                                  self->m_deadlines.activity(Clock::steady().now());
                                  self->pump();
                                  self->read(); // resumes input paused by back-pressure
                              });
            return;
        }
        if (m_conn.wantsClose())
            finish({});
    }

    ConnectionDeadlines::State deadlineState() const
    {
        return {m_conn.handshakeDone(), m_conn.settingsAckPendingSince(), m_writing, m_conn.answering()};
    }

    void armTimer(Clock::time_point now, Clock::time_point at)
    {
        m_timer.expires_after(std::max(at - now, Clock::time_point::duration::zero()));
        m_timer.async_wait([self = shared_from_this()](asio::error_code ec) {
            if (ec || self->m_finished)
                return;
            self->onTimer();
        });
    }

    void onTimer()
    {
        using Act = ConnectionDeadlines::Step::Act;
        const Clock::time_point now = Clock::steady().now();
        // Answers being made should have woken the connection when they
        // were ready; should a wake have been lost (out of memory on the
        // thread that made one), they are picked up here at the latest.
        if (m_conn.answering()) {
            m_conn.resumeLive();
            pump();
            if (m_finished)
                return;
        }
        const ConnectionDeadlines::Step step = m_deadlines.check(now, deadlineState());
        switch (step.act) {
        case Act::Wait: armTimer(now, step.wakeAt); return;
        case Act::Close: finish(step.reason); return;
        case Act::SettingsTimeout:
            m_conn.settingsAckTimedOut(step.reason);
            pump();
            if (!m_finished)
                armTimer(now, step.wakeAt);
            return;
        }
    }

    void finish(const std::string &reason)
    {
        if (m_finished)
            return;
        m_finished = true;
        m_conn.close(reason);
        asio::error_code ignored;
        m_timer.cancel();
        m_socket.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
        m_socket.close(ignored);
        m_server.m_active.fetch_sub(1, std::memory_order_relaxed);
        // Drop our own registration last: this may destroy *this once the
        // pending handlers holding shared_from_this() have run.
        m_worker.m_drivers.erase(shared_from_this());
    }

    Server &m_server;
    Worker &m_worker;
    asio::ip::tcp::socket m_socket;
    asio::steady_timer m_timer;
    Connection m_conn;
    std::array<std::uint8_t, 16384> m_buf{};
    std::string m_out;
    ConnectionDeadlines m_deadlines; // the clock starts when the connection is accepted
    bool m_reading = false;
    bool m_writing = false;
    bool m_eof = false;
    bool m_finished = false;
};

struct Server::Acceptor {
    explicit Acceptor(asio::io_context &io) : acceptor(io) {}
    asio::ip::tcp::acceptor acceptor;
};

Server::Server(ServerOptions options, site::Handler &handler, inspect::CaptureHub *capture)
    : m_options(std::move(options)), m_handler(handler), m_capture(capture)
{
    m_workerCount = resolveWorkers(m_options.workers);
}

Server::~Server()
{
    stop(std::chrono::milliseconds(0));
}

unsigned Server::resolveWorkers(unsigned requested)
{
    if (requested > 0)
        return std::min(requested, 64u);
    return std::clamp(std::thread::hardware_concurrency(), 1u, 4u);
}

Result<void> Server::start()
{
    if (Result<void> r = listen(); !r)
        return r;
    run();
    return {};
}

void Server::setTls(std::shared_ptr<tls::TlsContext> tls)
{
    m_options.tls = std::move(tls);
}

Result<void> Server::listen()
{
    if (m_started || !m_acceptors.empty())
        return makeError(Errc::Internal, "the server was already started");
    if (m_capture && m_capture->sinkCount() < m_workerCount)
        return makeError(Errc::Internal, "the capture hub has fewer sinks than the server has workers");

    // "localhost" (the default): both loopback addresses, 127.0.0.1 and ::1,
    // on one port, so that https://localhost, https://127.0.0.1 and
    // https://[::1] all reach the server whichever the client tries first.
    const bool bothLoopbacks = m_options.host == "localhost";
    asio::error_code ec;
    const asio::ip::address address = bothLoopbacks ? asio::ip::address(asio::ip::address_v4::loopback())
                                                    : asio::ip::make_address(m_options.host, ec);
    if (ec)
        return makeError(Errc::InvalidArgument, "--host " + m_options.host
                                                    + " is not an IP address (use e.g. 127.0.0.1, ::1, 0.0.0.0, or "
                                                      "localhost for both loopback addresses)");

    for (unsigned i = 0; i < m_workerCount; ++i)
        m_workers.push_back(std::make_unique<Worker>(i));
    if (m_options.fileThreads > 0 && !m_files)
        m_files = std::make_unique<site::FilePool>(m_options.fileThreads);
    Result<void> bound = makeError(Errc::Internal, "not bound");
    // With --port 0, the free port 127.0.0.1 got may be taken on ::1: try another.
    for (int attempt = 0; attempt < 8; ++attempt) {
        m_acceptors.clear();
        bound = listenOn(address.to_string(), m_options.port, false);
        if (bound && bothLoopbacks) {
            const std::uint16_t port = m_acceptors.front()->acceptor.local_endpoint().port();
            Result<void> v6 = listenOn("::1", port, true);
            if (!v6 && v6.error().code == Errc::AddressInUse && m_options.port == 0 && attempt + 1 < 8)
                continue;
            if (!v6 && v6.error().code != Errc::Unsupported)
                bound = v6;
        }
        break;
    }
    if (!bound) {
        m_acceptors.clear();
        m_workers.clear();
        return bound;
    }
    m_port = m_acceptors.front()->acceptor.local_endpoint().port();
    return {};
}

void Server::run()
{
    if (m_started || m_acceptors.empty())
        return;
    m_started = true;
    for (auto &a : m_acceptors)
        doAccept(*a);
    for (auto &w : m_workers)
        w->run();
}

Result<void> Server::listenOn(const std::string &address, std::uint16_t port, bool optional)
{
    const asio::ip::tcp::endpoint endpoint(asio::ip::make_address(address), port);
    auto a = std::make_unique<Acceptor>(m_workers[0]->m_io);
    auto &acc = a->acceptor;
    asio::error_code ec;
    acc.open(endpoint.protocol(), ec);
    if (!ec && optional) // the ::1 companion of 127.0.0.1; `--host ::` stays dual-stack
        acc.set_option(asio::ip::v6_only(true), ec);
    if (!ec)
        acc.set_option(asio::socket_base::reuse_address(true), ec);
    if (!ec)
        acc.bind(endpoint, ec);
    if (!ec)
        acc.listen(asio::socket_base::max_listen_connections, ec);
    if (ec) {
        const std::string where = endpointText(endpoint);
        // A machine without IPv6 on its loopback: 127.0.0.1 alone, as before.
        if (optional && (ec == asio::error::address_family_not_supported || ec == std::errc::address_not_available))
            return makeError(Errc::Unsupported, where + ": " + ec.message());
        if (ec == asio::error::address_in_use)
            return makeError(Errc::AddressInUse, "port " + std::to_string(endpoint.port()) + " on "
                                                     + endpoint.address().to_string()
                                                     + " is already in use: stop the other server or pick another "
                                                       "port with --port (--port 0 picks a free one)");
        if (ec == asio::error::access_denied)
            return makeError(Errc::PermissionDenied, "not allowed to listen on " + where
                                                         + ": ports below 1024 need privileges; use --port 8443");
        return makeError(Errc::Io, "cannot listen on " + where + ": " + ec.message());
    }
    m_acceptors.push_back(std::move(a));
    return {};
}

void Server::doAccept(Acceptor &from)
{
    Worker &target = *m_workers[m_nextWorker];
    m_nextWorker = (m_nextWorker + 1) % m_workers.size();
    from.acceptor.async_accept(target.m_io, [this, &target, &from](asio::error_code ec, asio::ip::tcp::socket socket) {
        if (ec == asio::error::operation_aborted || !from.acceptor.is_open())
            return;
        if (!ec) {
            asio::error_code ignored;
            socket.set_option(asio::ip::tcp::no_delay(true), ignored);
            ConnectionConfig config;
            config.id = m_nextId.fetch_add(1, std::memory_order_relaxed);
            config.peer = endpointText(socket.remote_endpoint(ignored));
            config.local = endpointText(socket.local_endpoint(ignored));
            config.tls = m_options.tls;
            config.h2 = m_options.h2;
            config.h2.clock = nullptr; // the driver's times are the steady clock's, and so must the connection's be
            config.earlyHintsHttp1 = m_options.earlyHintsHttp1;
            config.files = m_files.get();
            if (m_active.load(std::memory_order_relaxed) >= m_options.maxConnections) {
                if (m_capture) {
                    // The acceptor runs on worker 0: a log of its own says why.
                    inspect::CaptureLog log(m_capture->sink(0), config.id);
                    const std::string why = "refused " + config.peer + ": already serving "
                                            + std::to_string(m_options.maxConnections)
                                            + " connections (the configured maximum)";
                    log.notice(0, "connection-limit", why);
                    inspect::ConnectionClosed closed;
                    closed.reason = why;
                    log.closed(closed);
                }
                refuse(std::move(socket), m_options.tls != nullptr, m_options.maxConnections);
            } else {
                m_active.fetch_add(1, std::memory_order_relaxed);
                // Hand the socket to its worker; from here on it is that thread's.
                asio::post(target.m_io, [this, &target, s = std::move(socket), config = std::move(config)]() mutable {
                    inspect::CaptureSink *capture = m_capture ? &m_capture->sink(target.m_index) : nullptr;
                    auto driver =
                        std::make_shared<SocketDriver>(*this, target, std::move(s), std::move(config), capture);
                    driver->start();
                });
            }
        }
        doAccept(from);
    });
}

void Server::stop(std::chrono::milliseconds grace)
{
    if (!m_started || m_stopped)
        return;
    m_stopped = true;
    // Stop accepting (on the acceptor's own thread), then GOAWAY everywhere.
    asio::post(m_workers[0]->m_io, [this] {
        asio::error_code ignored;
        for (auto &a : m_acceptors)
            a->acceptor.close(ignored);
    });
    for (auto &w : m_workers) {
        asio::post(w->m_io, [worker = w.get()] {
            auto drivers = worker->m_drivers; // shutdown may finish (and erase) a driver
            for (const auto &d : drivers)
                d->shutdown();
        });
    }
    const auto deadline = std::chrono::steady_clock::now() + grace;
    while (m_active.load() > 0 && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    for (auto &w : m_workers) {
        asio::post(w->m_io, [worker = w.get()] {
            auto drivers = worker->m_drivers;
            for (const auto &d : drivers)
                d->abort("server stopped before the connection finished");
        });
        w->m_guard.reset();
    }
    // Let every worker run the aborts, then end its loop.
    for (auto &w : m_workers)
        asio::post(w->m_io, [worker = w.get()] { worker->m_io.stop(); });
    for (auto &w : m_workers)
        w->join();
    // No wake reaches a worker from here on: answers finished on the file
    // pool from now are dropped with their connections (and jobs still
    // queued are dropped by the pool).
    for (auto &w : m_workers) {
        std::lock_guard lock(w->m_wakes->mutex);
        w->m_wakes->open = false;
    }
    if (m_files)
        m_filesLeftBehind = m_files->stop(m_options.fileWaitOnStop);
    m_acceptors.clear(); // their sockets belong to worker 0's io_context
    m_workers.clear();
}

std::string Server::url() const
{
    // Both loopbacks: the IPv4 one, which every client can reach.
    std::string host = m_options.host == "localhost" ? std::string("127.0.0.1") : m_options.host;
    // Listening on every address (0.0.0.0, ::): a browser cannot open that
    // name, and it is not one the host allow-list accepts; this machine's own
    // loopback address of that family is what to open.
    asio::error_code ec;
    const asio::ip::address address = asio::ip::make_address(host, ec);
    if (!ec && address.is_unspecified())
        host = address.is_v4() ? "127.0.0.1" : "::1";
    if (host.find(':') != std::string::npos)
        host = "[" + host + "]";
    return std::string(m_options.tls ? "https" : "http") + "://" + host + ":" + std::to_string(m_port) + "/";
}

} // namespace h2scope::net
