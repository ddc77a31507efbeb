// Hostile clients against the real server (net::Server in this process, on
// 127.0.0.1 with an ephemeral port): floods, rapid reset, stalls, slowloris,
// thousands of connections. While each attack runs, a well-behaved client
// keeps asking for a page and must keep getting 200. Each attack must end
// with the hostile connection closed, the right GOAWAY code where HTTP/2
// has one, and a ConnectionClosed event that says why. Every loop is
// bounded in count and in time; timeouts are shortened so the test is fast.

#include "rawsocket.h"
#include "slowsite.h"

#include "inspect/capturefollower.h"
#include "inspect/capturelog.h"
#include "net/server.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <thread>

using namespace h2scope;
using namespace h2scope::testing;

namespace {

constexpr std::uint32_t PROTOCOL_ERROR = 0x1, INTERNAL_ERROR = 0x2, SETTINGS_TIMEOUT = 0x4, ENHANCE_YOUR_CALM = 0xb;

long rssKiB()
{
    std::ifstream in("/proc/self/status");
    std::string line;
    while (std::getline(in, line))
        if (line.rfind("VmRSS:", 0) == 0)
            return std::atol(line.c_str() + 6);
    return 0;
}

// A running server with its capture hub, dissected by the test thread.
struct Running {
    std::unique_ptr<inspect::CaptureHub> hub;
    std::unique_ptr<net::Server> server;
    inspect::CaptureFollower follower;
    std::vector<inspect::Event> events;

    void collect()
    {
        std::vector<inspect::LogAnnouncement> fresh;
        hub->collect(fresh);
        follower.add(fresh);
        follower.poll(events);
    }
    // The id the server gave the connection from `peer` (seen once opened).
    std::uint64_t idOf(const std::string &peer)
    {
        collect();
        for (const inspect::Event &e : events)
            if (const auto *o = std::get_if<inspect::ConnectionOpened>(&e.data); o && o->peer == peer)
                return e.connectionId;
        return 0;
    }
    // Waits (bounded) for the ConnectionClosed event of connection `id`.
    std::optional<inspect::ConnectionClosed> closedEvent(std::uint64_t id, Ms wait = Ms(5000))
    {
        const auto deadline = SteadyClock::now() + wait;
        do {
            collect();
            for (const inspect::Event &e : events)
                if (const auto *c = std::get_if<inspect::ConnectionClosed>(&e.data); c && e.connectionId == id)
                    return *c;
            std::this_thread::sleep_for(Ms(20));
        } while (SteadyClock::now() < deadline);
        return std::nullopt;
    }
    std::size_t closedWith(const std::string &reasonPart)
    {
        collect();
        std::size_t n = 0;
        for (const inspect::Event &e : events)
            if (const auto *c = std::get_if<inspect::ConnectionClosed>(&e.data))
                n += c->reason.find(reasonPart) != std::string::npos;
        return n;
    }
};

// A well-behaved client asking for /index.html again and again on fresh
// connections while an attack runs (at most 2000 requests, at most 60 s).
class PoliteLoop final {
public:
    explicit PoliteLoop(std::uint16_t port)
        : m_thread([this, port] {
              const auto deadline = SteadyClock::now() + Ms(60000);
              for (int i = 0; i < 2000 && !m_stop && SteadyClock::now() < deadline; ++i) {
                  const int status = politeGet(port);
                  (status == 200 ? m_ok : m_failed)++;
                  std::this_thread::sleep_for(Ms(20));
              }
          })
    {}
    ~PoliteLoop() { stop(); }
    void stop()
    {
        m_stop = true;
        if (m_thread.joinable())
            m_thread.join();
    }
    int ok() const { return m_ok; }
    int failed() const { return m_failed; }

private:
    std::atomic<bool> m_stop{false};
    std::atomic<int> m_ok{0};
    std::atomic<int> m_failed{0};
    std::thread m_thread;
};

// A cleartext server on a free loopback port, with one I/O thread.
net::ServerOptions oneWorker()
{
    net::ServerOptions options;
    options.host = "127.0.0.1";
    options.port = 0;
    options.workers = 1;
    return options;
}

// Connects `socket` to `port` and asks for `path` over HTTP/1.1; true once
// the request waits at `slow`'s gate.
bool sendStuck(RawSocket &socket, std::uint16_t port, testing::SlowSite &slow, const std::string &path)
{
    return socket.connect(port) && socket.sendAll("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n")
           && slow.waitUntilWaiting(1);
}

} // namespace

class TestHostile : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;

    std::unique_ptr<Running> start(net::ServerOptions options = {})
    {
        auto r = std::make_unique<Running>();
        options.host = "127.0.0.1";
        options.port = 0;
        options.workers = 2;
        if (options.handshakeTimeout == net::ServerOptions{}.handshakeTimeout)
            options.handshakeTimeout = Ms(1500);
        if (options.idleTimeout == net::ServerOptions{}.idleTimeout)
            options.idleTimeout = Ms(2000);
        if (options.settingsAckTimeout == net::ServerOptions{}.settingsAckTimeout)
            options.settingsAckTimeout = Ms(1500);
        r->hub = std::make_unique<inspect::CaptureHub>(options.workers);
        r->server = std::make_unique<net::Server>(options, *m_site, r->hub.get());
        auto started = r->server->start();
        if (!started.ok())
            qFatal("server did not start: %s", started.error().message.c_str());
        return r;
    }

    // After an attack: the polite client was served throughout.
    static void checkPolite(PoliteLoop &polite)
    {
        // Attacks are usually cut short quickly: let the loop run a few more.
        const auto deadline = SteadyClock::now() + Ms(5000);
        while (polite.ok() + polite.failed() < 3 && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(Ms(20));
        polite.stop();
        QVERIFY2(polite.ok() >= 3, qPrintable(QStringLiteral("only %1 polite requests served").arg(polite.ok())));
        QCOMPARE(polite.failed(), 0);
    }

    // Common ending of a flood: the server said GOAWAY `code` (if it got it
    // out) and closed, and the close event tells why.
    static void checkClosed(Running &r, RawSocket &s, FrameReader &reader, const std::string &peer,
                            std::vector<std::uint32_t> codes, const std::string &reasonPart)
    {
        std::string rest;
        QVERIFY2(s.waitClosed(rest, Ms(8000)), "the server did not close the hostile connection");
        reader.feed(rest);
        QVERIFY2(reader.goaway(), "no GOAWAY before the close");
        const std::uint32_t code = *reader.goaway();
        QVERIFY2(std::find(codes.begin(), codes.end(), code) != codes.end(), inspect::errorCodeName(code));
        const auto closed = r.closedEvent(r.idOf(peer));
        QVERIFY2(closed, "no ConnectionClosed event for the hostile connection");
        qInfo("GOAWAY %s; closed: %s", inspect::errorCodeName(code), closed->reason.c_str());
        QCOMPARE(closed->goawayCode, std::int32_t(code));
        QVERIFY2(closed->reason.find(reasonPart) != std::string::npos, closed->reason.c_str());
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        std::ofstream(m_dir.filePath("index.html").toStdString()) << "<!doctype html><title>ok</title>";
        { // 1 GiB, sparse: costs no disk
            std::ofstream huge(m_dir.filePath("huge.bin").toStdString(), std::ios::binary);
            huge.seekp((1ll << 30) - 1);
            huge.put('x');
        }
        site::SiteOptions options;
        options.root = m_dir.path().toStdString();
        options.pushMode = site::PushMode::Off;
        auto s = site::StaticSite::create(options);
        QVERIFY(s.ok());
        m_site = std::move(*s);
        // 2000 client sockets + 2000 server sockets + spare.
        rlimit lim{};
        ::getrlimit(RLIMIT_NOFILE, &lim);
        lim.rlim_cur = std::min<rlim_t>(lim.rlim_max, 16384);
        ::setrlimit(RLIMIT_NOFILE, &lim);
    }

    // A disk that stalls one request stalls nothing else: with a single I/O
    // thread, a second connection is served while the first one's file is
    // still being read (on the file pool), and the first is answered once
    // the disk lets go.
    void slowDiskHoldsUpNoOtherConnection()
    {
        std::ofstream(m_dir.filePath("slow.txt").toStdString()) << "slow file\n";
        testing::SlowSite slow(*m_site, "/slow");
        net::ServerOptions options = oneWorker();
        // Shorter than the stall: waiting on the server's own disk is not
        // the client being idle, so it must not end the connection.
        options.idleTimeout = Ms(300);
        net::Server server(options, slow, nullptr);
        QVERIFY(server.start().ok());

        RawSocket waiting;
        QVERIFY2(sendStuck(waiting, server.port(), slow, "/slow.txt"), "the request never reached the file system");

        RawSocket other;
        QVERIFY(other.connect(server.port()));
        QVERIFY(other.sendAll("GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"));
        std::string answer;
        QVERIFY2(other.waitClosed(answer, Ms(5000)), "the other connection was not served while the disk stalled");
        QVERIFY2(answer.starts_with("HTTP/1.1 200"), answer.c_str());

        std::string nothingYet;
        waiting.readFor(nothingYet, Ms(900)); // three idle timeouts
        QVERIFY2(nothingYet.empty(), nothingYet.c_str());
        QVERIFY2(!waiting.peerGone(), "the connection was closed while its answer was being made");
        slow.open();
        std::string late;
        for (int i = 0; i < 50 && late.find("slow file\n") == std::string::npos; ++i)
            waiting.readFor(late, Ms(100));
        QVERIFY2(late.starts_with("HTTP/1.1 200"), late.c_str());
        QVERIFY(late.find("slow file\n") != std::string::npos);
        server.stop(Ms(500));
    }

    // A file system that stops answering (a network mount gone away) does
    // not keep the server from stopping: the read is left behind, said so,
    // and may still finish later against the site, which outlives it.
    void stopDoesNotWaitForADeadDisk()
    {
        std::ofstream(m_dir.filePath("dead.txt").toStdString()) << "never read in time\n";
        testing::SlowSite dead(*m_site, "/dead");
        {
            net::ServerOptions options = oneWorker();
            options.fileWaitOnStop = Ms(200);
            net::Server server(options, dead, nullptr);
            QVERIFY(server.start().ok());
            RawSocket waiting;
            QVERIFY2(sendStuck(waiting, server.port(), dead, "/dead.txt"), "the request never reached the file system");
            const auto start = SteadyClock::now();
            server.stop(Ms(300));
            QVERIFY2(SteadyClock::now() - start < Ms(5000), "stop() waited on the dead disk");
            QCOMPARE(server.filesLeftBehind(), std::size_t(1));
            std::string rest;
            QVERIFY(waiting.waitClosed(rest, Ms(2000)));
        }
        dead.open(); // the disk answers again, long after: the job ends against the site
        QVERIFY(dead.waitUntilHandled(1));
    }

    // HEADERS + RST_STREAM in a loop (CVE-2023-44487).
    void rapidReset()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        RawSocket s;
        QVERIFY(s.connect(r->server->port()));
        QVERIFY(s.sendAll(politeHandshake()));
        FrameReader reader;
        const std::string block = hpack(getRequest());
        const auto deadline = SteadyClock::now() + Ms(10000);
        std::uint32_t id = 1;
        for (int batch = 0; batch < 200 && !reader.goaway() && !s.peerGone() && SteadyClock::now() < deadline;
             ++batch) {
            std::string burst;
            for (int i = 0; i < 100; ++i, id += 2)
                burst += headersFrame(id, block) + rstStream(id, 0x8 /* CANCEL */);
            s.sendAll(burst, Ms(2000));
            std::string in;
            s.readFor(in, Ms(5));
            reader.feed(in);
        }
        // 1000 resets at once, then 33 a second: GOAWAY ENHANCE_YOUR_CALM, and
        // the close event names the attack.
        checkClosed(*r, s, reader, s.localText(), {ENHANCE_YOUR_CALM}, "rapid reset");
        checkPolite(polite);
    }

    // A header block that never ends: CONTINUATION after CONTINUATION.
    void continuationFlood()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        RawSocket s;
        QVERIFY(s.connect(r->server->port()));
        QVERIFY(s.sendAll(politeHandshake() + headersFrame(1, hpack(getRequest()), frame::END_STREAM)));
        FrameReader reader;
        const std::string piece = rawFrame(frame::CONTINUATION, 0, 1, hpack({{"x-flood", "a"}}));
        for (int batch = 0; batch < 100 && !reader.goaway() && !s.peerGone(); ++batch) {
            std::string burst;
            for (int i = 0; i < 100; ++i)
                burst += piece;
            s.sendAll(burst, Ms(2000));
            std::string in;
            s.readFor(in, Ms(5));
            reader.feed(in);
        }
        // Over nghttp2's limit of 8 CONTINUATIONs mem_recv fails; H2Session
        // turns that into GOAWAY PROTOCOL_ERROR (ENHANCE_YOUR_CALM only for FLOODED).
        checkClosed(*r, s, reader, s.localText(), {ENHANCE_YOUR_CALM, PROTOCOL_ERROR}, "CONTINUATION");
        checkPolite(polite);
    }

    // SETTINGS or PING frames faster than their ACKs can leave: the peer
    // does not read, so the ACKs pile up until nghttp2's outbound limit.
    void ackFlood_data()
    {
        QTest::addColumn<bool>("pings");
        QTest::newRow("SETTINGS") << false;
        QTest::newRow("PING") << true;
    }
    void ackFlood()
    {
        QFETCH(bool, pings);
        auto r = start();
        PoliteLoop polite(r->server->port());
        RawSocket s;
        QVERIFY(s.connect(r->server->port(), 4096));
        QVERIFY(s.sendAll(politeHandshake()));
        const std::string peer = s.localText();
        const std::string one = pings ? ping() : settingsFrame({});
        std::string burst;
        for (int i = 0; i < 1000; ++i)
            burst += one;
        const auto deadline = SteadyClock::now() + Ms(15000);
        for (int batch = 0; batch < 1000 && !s.peerGone() && SteadyClock::now() < deadline; ++batch)
            if (!s.sendAll(burst, Ms(1000)))
                break; // refused or stuck: the server stopped reading us
        // The GOAWAY may be stuck behind the ACKs we never read, so judge by
        // the event: flood detected, connection closed.
        const auto closed = r->closedEvent(r->idOf(peer), Ms(8000));
        QVERIFY2(closed, "the flooding connection was not closed");
        qInfo("closed: %s (GOAWAY code %d)", closed->reason.c_str(), closed->goawayCode);
        QVERIFY2(closed->reason.find("flood") != std::string::npos, closed->reason.c_str());
        checkPolite(polite);
    }

    // Header blocks far over SETTINGS_MAX_HEADER_LIST_SIZE: one large
    // literal list, and a small HPACK block that expands (one 4 KiB table
    // entry referenced thousands of times). Each must cost the stream (or
    // the connection), never the server's memory.
    void abusiveHeaderBlocks()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        const long before = rssKiB();
        long peak = before;
        int refusedRounds = 0;
        for (int round = 0; round < 3; ++round) {
            RawSocket s;
            QVERIFY(s.connect(r->server->port()));
            // Literal with incremental indexing, new name: enters the table
            // (4000 = 127 + 3873, a 7-bit prefix integer: 7f a1 1e).
            std::string bomb = hpack(getRequest());
            bomb += std::string("\x40\x06x-bomb\x7f\xa1\x1e", 11) + std::string(4000, 'b');
            bomb += std::string(12000, '\xbe'); // index 62: that entry, 12000 times (48 MB decoded)
            s.sendAll(politeHandshake() + headersFrame(1, bomb));
            std::string in;
            FrameReader reader;
            s.waitClosed(in, Ms(1000));
            bool refused = false;
            for (const ParsedFrame &f : reader.feed(in))
                refused = refused || f.type == frame::RST_STREAM || f.type == frame::GOAWAY;
            refusedRounds += refused;
            r->collect(); // the events hold the decoded fields too
            r->events.clear();
            peak = std::max(peak, rssKiB());
        }
        qInfo("resident memory: %ld KiB before, %ld KiB peak", before, peak);
        QVERIFY2(refusedRounds == 3, "a 48 MB header list was neither reset nor refused");
        const long grown = peak - before;
        QVERIFY2(grown < 200 * 1024, qPrintable(QStringLiteral("resident memory grew by %1 KiB").arg(grown)));
        checkPolite(polite);
    }

    // The client opens no window (SETTINGS_INITIAL_WINDOW_SIZE 0) and
    // never sends WINDOW_UPDATE: the idle timeout ends it.
    void zeroWindowStall()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        RawSocket s;
        QVERIFY(s.connect(r->server->port()));
        QVERIFY(s.sendAll(politeHandshake({{0x4, 0}}) + headersFrame(1, hpack(getRequest("/huge.bin")))));
        std::string in;
        const auto t0 = SteadyClock::now();
        QVERIFY2(s.waitClosed(in, Ms(8000)), "a zero-window stall was never closed");
        QVERIFY(SteadyClock::now() - t0 >= Ms(1500));
        const auto closed = r->closedEvent(r->idOf(s.localText()));
        QVERIFY(closed);
        QVERIFY2(closed->reason.find("idle timeout") != std::string::npos, closed->reason.c_str());
        checkPolite(polite);
    }

    // A huge file asked for with every window wide open, and never read.
    void hugeFileNeverRead()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        const long before = rssKiB();
        RawSocket s;
        QVERIFY(s.connect(r->server->port(), 4096));
        QVERIFY(s.sendAll(politeHandshake({{0x4, 0x7fffffff}}) + windowUpdate(0, 0x7fffffff - 65535)
                          + headersFrame(1, hpack(getRequest("/huge.bin")))));
        const std::string peer = s.localText();
        std::this_thread::sleep_for(Ms(500));
        const auto closed = r->closedEvent(r->idOf(peer), Ms(8000));
        if (!closed) {
            qInfo("id %llu, %zu events, active %zu", (unsigned long long)r->idOf(peer), r->events.size(),
                  r->server->activeConnections());
            for (const auto &e : r->events)
                if (const auto *c = std::get_if<inspect::ConnectionClosed>(&e.data))
                    qInfo("closed %llu: %s out=%llu", (unsigned long long)e.connectionId, c->reason.c_str(),
                          (unsigned long long)c->bytesOut);
        }
        QVERIFY2(closed, "a connection that never reads was never closed");
        QVERIFY2(closed->reason.find("send stalled") != std::string::npos, closed->reason.c_str());
        QVERIFY2(closed->bytesOut < (64u << 20), "the server kept sending into a full socket");
        const long grown = rssKiB() - before;
        QVERIFY2(grown < 64 * 1024, qPrintable(QStringLiteral("resident memory grew by %1 KiB").arg(grown)));
        checkPolite(polite);
    }

    // Our SETTINGS never acknowledged: GOAWAY SETTINGS_TIMEOUT.
    void settingsNeverAcknowledged()
    {
        auto r = start();
        PoliteLoop polite(r->server->port());
        RawSocket s;
        QVERIFY(s.connect(r->server->port()));
        QVERIFY(s.sendAll(kClientPreface + settingsFrame({})));
        FrameReader reader;
        checkClosed(*r, s, reader, s.localText(), {SETTINGS_TIMEOUT}, "SETTINGS timeout");
        checkPolite(polite);
    }

    // Slowloris over TLS: connections that start a handshake (or not even
    // that) and then wait. The handshake timeout closes every one.
    void slowlorisTls()
    {
        const QString curl = QStandardPaths::findExecutable(QStringLiteral("curl"));
        if (curl.isEmpty())
            QSKIP("curl is not installed: the polite TLS client needs it");
        auto pem = certs::makeSelfSigned();
        QVERIFY(pem.ok());
        tls::TlsOptions tlsOptions;
        tlsOptions.certPem = pem->certPem;
        tlsOptions.keyPem = pem->keyPem;
        auto ctx = tls::TlsContext::create(tlsOptions);
        QVERIFY(ctx.ok());
        net::ServerOptions options;
        options.tls = *ctx;
        auto r = start(options);
        std::vector<RawSocket> lorises(200);
        for (std::size_t i = 0; i < lorises.size(); ++i) {
            QVERIFY(lorises[i].connect(r->server->port()));
            if (i % 2) // a TLS record header promising a ClientHello that never comes
                lorises[i].sendAll(std::string("\x16\x03\x01\x02\x00\x01\x00\x01", 8));
        }
        const auto t0 = SteadyClock::now();
        for (int i = 0; i < 3; ++i) {
            QProcess p;
            p.start(curl, {QStringLiteral("-sk"), QStringLiteral("--http2"), QStringLiteral("-o"),
                           QStringLiteral("/dev/null"), QStringLiteral("-w"), QStringLiteral("%{http_code}"),
                           QStringLiteral("--max-time"), QStringLiteral("5"),
                           QString::fromStdString(r->server->url()) + QStringLiteral("index.html")});
            QVERIFY(p.waitForFinished(10000));
            QCOMPARE(p.readAllStandardOutput(), QByteArray("200"));
        }
        for (RawSocket &s : lorises) {
            std::string in;
            QVERIFY2(s.waitClosed(in, Ms(6000)), "a half-open TLS connection outlived the handshake timeout");
        }
        QVERIFY(SteadyClock::now() - t0 >= Ms(1000));
        const auto deadline = SteadyClock::now() + Ms(3000);
        while (r->closedWith("handshake timeout") < lorises.size() && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(Ms(50));
        QCOMPARE(r->closedWith("handshake timeout"), lorises.size());
    }

    // 2000 connections at once, half of them idle h2c sessions and half
    // never saying anything; the polite client is served throughout, and
    // the timeouts reclaim them all.
    void thousandsOfConnections()
    {
        rlimit lim{};
        ::getrlimit(RLIMIT_NOFILE, &lim);
        if (lim.rlim_cur < 4400)
            QSKIP("RLIMIT_NOFILE is too low for 2000 connections on both ends");
        net::ServerOptions options;
        options.handshakeTimeout = Ms(4000);
        options.idleTimeout = Ms(4000);
        options.settingsAckTimeout = Ms(4000);
        auto r = start(options);
        PoliteLoop polite(r->server->port());
        std::vector<RawSocket> conns(2000);
        const auto t0 = SteadyClock::now();
        for (std::size_t i = 0; i < conns.size() && SteadyClock::now() - t0 < Ms(20000); ++i) {
            QVERIFY(conns[i].connect(r->server->port()));
            if (i % 2)
                conns[i].sendAll(politeHandshake());
        }
        const auto deadline = SteadyClock::now() + Ms(3000);
        while (r->server->activeConnections() < 1900 && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(Ms(20));
        QVERIFY2(r->server->activeConnections() >= 1900,
                 qPrintable(QStringLiteral("only %1 connections open").arg(r->server->activeConnections())));
        const int servedBefore = polite.ok();
        std::this_thread::sleep_for(Ms(500));
        QVERIFY2(polite.ok() > servedBefore, "the polite client was not served with 2000 connections open");
        const auto end = SteadyClock::now() + Ms(15000);
        while (r->server->activeConnections() > 0 && SteadyClock::now() < end)
            std::this_thread::sleep_for(Ms(50));
        polite.stop();
        QCOMPARE(r->server->activeConnections(), std::size_t(0));
        QVERIFY(r->closedWith("handshake timeout") >= 1000);
        QVERIFY(r->closedWith("idle timeout") >= 1000);
        QCOMPARE(polite.failed(), 0);
    }

    // Over --max-connections: refused at once with a 503 and a Notice.
    void connectionLimit()
    {
        net::ServerOptions options;
        options.maxConnections = 20;
        options.idleTimeout = Ms(10000);
        options.settingsAckTimeout = Ms(10000);
        auto r = start(options);
        std::vector<RawSocket> held(20);
        for (RawSocket &s : held) {
            QVERIFY(s.connect(r->server->port()));
            QVERIFY(s.sendAll(politeHandshake()));
        }
        const auto deadline = SteadyClock::now() + Ms(3000);
        while (r->server->activeConnections() < 20 && SteadyClock::now() < deadline)
            std::this_thread::sleep_for(Ms(10));
        QCOMPARE(r->server->activeConnections(), std::size_t(20));
        RawSocket extra;
        QVERIFY(extra.connect(r->server->port()));
        std::string in;
        QVERIFY(extra.waitClosed(in, Ms(3000)));
        QVERIFY2(in.rfind("HTTP/1.1 503 ", 0) == 0, in.c_str());
        QVERIFY(in.find("--max-connections") != std::string::npos);
        r->collect();
        bool noticed = false;
        for (const inspect::Event &e : r->events)
            if (const auto *n = std::get_if<inspect::Notice>(&e.data); n && n->code == "connection-limit")
                noticed = true;
        QVERIFY2(noticed, "no connection-limit Notice");
        held.clear();
        const auto end = SteadyClock::now() + Ms(3000);
        while (r->server->activeConnections() > 0 && SteadyClock::now() < end)
            std::this_thread::sleep_for(Ms(10));
        QCOMPARE(politeGet(r->server->port()), 200);
    }
};

QTEST_APPLESS_MAIN(TestHostile)
#include "tst_hostile.moc"
