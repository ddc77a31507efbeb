// HTTP/2 through the sans-I/O connection, driven by the in-process client:
// responses, and the inspector's view of every frame.

#include "collectingpublisher.h"
#include "slowsite.h"

#include "clock.h"
#include "net/connection.h"
#include "net/testclient.h"
#include "site/filepool.h"
#include "site/staticsite.h"

#include <QtTest>

#include <QFile>

#include <ctime>
#include <fcntl.h>
#include <fstream>
#include <future>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

using namespace h2scope;
using inspect::Direction;

namespace {

constexpr std::uint8_t DATA = 0x0, HEADERS = 0x1, RST_STREAM = 0x3, SETTINGS = 0x4, GOAWAY = 0x7, CONTINUATION = 0x9;

void writeFile(const QString &path, const std::string &bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

// A site serving `dir` with the default options, reading `clock` if given.
auto siteIn(const QTemporaryDir &dir, const Clock *clock = nullptr)
{
    site::SiteOptions options;
    options.root = dir.path().toStdString();
    options.clock = clock;
    return site::StaticSite::create(options);
}

} // namespace

// A connection whose answers and file reads are made on a file pool of
// `threads`, and a test client that waits for them.
struct PooledConnection {
    PooledConnection(site::Handler &handler, unsigned threads, net::TestClientOptions options = {})
        : pool(threads), conn(config(bell, pool), handler, nullptr), client(conn, withBell(options, bell))
    {}
    static net::ConnectionConfig config(net::Doorbell &bell, site::FilePool &pool)
    {
        net::ConnectionConfig config;
        config.wake = bell.ring();
        config.files = &pool;
        return config;
    }
    static net::TestClientOptions withBell(net::TestClientOptions options, net::Doorbell &bell)
    {
        options.doorbell = &bell;
        return options;
    }

    net::Doorbell bell;
    site::FilePool pool;
    net::Connection conn;
    net::TestClient client;
};

class TestH2Session : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;
    std::string m_big;

    std::unique_ptr<net::Connection> connection(testing::CollectingPublisher *events)
    {
        net::ConnectionConfig config;
        config.id = 7;
        config.peer = "127.0.0.1:1111";
        config.local = "127.0.0.1:8443";
        return std::make_unique<net::Connection>(config, *m_site, events);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        writeFile(m_dir.filePath("index.html"), "<!doctype html><title>t</title>");
        m_big.resize(300000);
        for (std::size_t i = 0; i < m_big.size(); ++i)
            m_big[i] = char((i * 131) % 251);
        writeFile(m_dir.filePath("big.bin"), m_big);
        site::SiteOptions options;
        options.root = m_dir.path().toStdString();
        auto s = site::StaticSite::create(options);
        QVERIFY(s.ok());
        m_site = std::move(*s);
    }

    void getServesTheFile()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        const net::TestResponse r = client.get("/index.html");
        QVERIFY(r.complete);
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body, std::string("<!doctype html><title>t</title>"));
        QVERIFY(r.header("date"));
        QCOMPARE(*r.header("server"), std::string("h2scope"));
        QCOMPARE(*r.header("content-length"), std::string("31"));
        QVERIFY(r.header("content-type")->rfind("text/html", 0) == 0);
        QCOMPARE(conn->protocol(), std::string("h2c"));
    }

    void headersRulesGiveTheSameHeadOverBothProtocols()
    {
        // A `_headers` rule that sets Server, Date or a connection field: the
        // same head over HTTP/2 and HTTP/1.1 (one `server`, the rule's), with
        // only the framing's own fields apart.
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        writeFile(dir.filePath("page.txt"), "hello\n");
        writeFile(dir.filePath("_headers"), "/*\n  Server: my-proxy\n  X-Custom: 1\n  Connection: close\n"
                                            "  Transfer-Encoding: chunked\n");
        site::SiteOptions options;
        options.root = dir.path().toStdString();
        auto created = site::StaticSite::create(options);
        QVERIFY(created.ok());
        site::StaticSite &site = **created;
        net::ConnectionConfig config;
        config.id = 8;
        config.peer = "127.0.0.1:1111";
        config.local = "127.0.0.1:8443";

        // Twice each: the second answer comes from the prepared fields.
        for (int round = 0; round < 2; ++round) {
            net::Connection h2(config, site, nullptr);
            net::TestClient client(h2);
            const net::TestResponse r = client.get("/page.txt");
            QCOMPARE(r.status, 200);
            HeaderList overH2;
            for (const Header &h : r.headers)
                if (h.name != "date" && h.name != "content-length") // the framing's own
                    overH2.push_back(h);

            net::Connection h1(config, site, nullptr);
            const std::string get = "GET /page.txt HTTP/1.1\r\nHost: localhost\r\n\r\n";
            h1.receive(reinterpret_cast<const std::uint8_t *>(get.data()), get.size());
            std::string out;
            while (h1.produce(out, 1 << 20) > 0) {
            }
            const std::size_t end = out.find("\r\n\r\n");
            QVERIFY2(out.starts_with("HTTP/1.1 200 OK\r\n") && end != std::string::npos, out.c_str());
            HeaderList overH1;
            std::size_t at = out.find("\r\n") + 2;
            while (at < end) {
                const std::size_t eol = out.find("\r\n", at);
                const std::string line = out.substr(at, eol - at);
                const std::size_t colon = line.find(": ");
                std::string name = line.substr(0, colon);
                if (name != "date" && name != "content-length")
                    overH1.push_back({name, line.substr(colon + 2)});
                at = eol + 2;
            }
            const auto text = [](const HeaderList &l) {
                std::string t;
                for (const Header &h : l)
                    t += h.name + ": " + h.value + "\n";
                return t;
            };
            QCOMPARE(QString::fromStdString(text(overH1)), QString::fromStdString(text(overH2)));
            QCOMPARE(std::count_if(overH2.begin(), overH2.end(), [](const Header &h) { return h.name == "server"; }),
                     1);
            QCOMPARE(*r.header("server"), std::string("my-proxy"));
            QCOMPARE(*r.header("x-custom"), std::string("1"));
            QVERIFY(!r.header("connection") && !r.header("transfer-encoding"));
            QVERIFY(r.header("date"));
            QVERIFY(out.find("\r\ndate: ") != std::string::npos);
            QVERIFY(out.find("\r\ncontent-length: 6\r\n") != std::string::npos);
            QCOMPARE(*r.header("content-length"), std::string("6"));
        }
    }

    void largeBodyCrossesFlowControlWindows()
    {
        // The client's 64 KiB window forces WINDOW_UPDATE round trips.
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        const net::TestResponse r = client.get("/big.bin");
        QCOMPARE(r.status, 200);
        QCOMPARE(r.body.size(), m_big.size());
        QVERIFY(r.body == m_big);
    }

    void wideWindowsStillRespectTheProduceBudget()
    {
        // Every window wide open: nghttp2 would write DATA frame after DATA
        // frame within one mem_send; each produce() stops once its budget is
        // reached, at most one frame past it, and the body comes out whole.
        auto conn = connection(nullptr);
        net::TestClientOptions options;
        options.initialWindowSize = 0x7fffffff;
        options.connectionWindowSize = 0x7fffffff;
        options.produceBudget = 20000;
        net::TestClient client(*conn, options);
        const net::TestResponse r = client.get("/big.bin");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body == m_big);
        QVERIFY2(client.largestProduce() <= options.produceBudget + 16384 + 9,
                 qPrintable(QString::number(client.largestProduce())));
    }

    void fileShrinkingMidResponseResetsOnlyItsStream()
    {
        const QString path = m_dir.filePath("shrinks.bin");
        writeFile(path, m_big);
        auto conn = connection(nullptr);
        net::TestClientOptions options;
        options.autoWindowUpdate = false; // 64 KiB arrive, then the response waits for the client
        net::TestClient client(*conn, options);
        const std::int32_t id = client.begin("/shrinks.bin");
        QCOMPARE(client.current(id).body.size(), std::size_t(65535));
        QVERIFY(::truncate(path.toLocal8Bit().constData(), 100 * 1024) == 0);
        client.consume(id, 200 * 1024);
        const net::TestResponse r = client.current(id);
        QVERIFY2(r.reset, "the stream was not reset when its file became shorter");
        QVERIFY(!r.complete);
        QVERIFY(r.body.size() <= 100 * 1024);
        QVERIFY(m_big.compare(0, r.body.size(), r.body) == 0); // what did arrive is the file's
        // The connection goes on serving.
        const net::TestResponse next = client.get("/index.html");
        QCOMPARE(next.status, 200);
    }

    void headHasNoBody()
    {
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        const net::TestResponse r = client.request("HEAD", "/big.bin");
        QCOMPARE(r.status, 200);
        QVERIFY(r.body.empty());
        QCOMPARE(*r.header("content-length"), std::to_string(m_big.size()));
    }

    void concurrentStreams()
    {
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        const auto rs = client.getAll({"/index.html", "/big.bin", "/missing", "/index.html"});
        QCOMPARE(rs.size(), std::size_t(4));
        QCOMPARE(rs[0].status, 200);
        QCOMPARE(rs[1].body.size(), m_big.size());
        QCOMPARE(rs[2].status, 404);
        QCOMPARE(rs[3].status, 200);
        QVERIFY(rs[0].streamId != rs[3].streamId);
    }

    void eventsDescribeEveryFrame()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        client.request("GET", "/index.html", {{"accept-language", "de"}, {"x-trace", "42"}});

        const auto opened = events.all<inspect::ConnectionOpened>();
        QCOMPARE(opened.size(), std::size_t(1));
        QCOMPARE(opened[0].protocol, std::string("h2c"));
        QCOMPARE(opened[0].peer, std::string("127.0.0.1:1111"));
        QVERIFY(!opened[0].tls);

        // Our SETTINGS go out with the advertised values.
        const auto settingsOut = events.frames(Direction::Out, SETTINGS);
        QVERIFY(!settingsOut.empty());
        bool maxStreams = false, noPriorities = false;
        for (auto [id, value] : settingsOut.front().settings) {
            maxStreams |= id == 0x3 && value == 100;
            noPriorities |= id == 0x9 && value == 1;
        }
        QVERIFY(maxStreams);
        QVERIFY(noPriorities);
        QVERIFY(!events.frames(Direction::In, SETTINGS).empty());

        const auto headersIn = events.frames(Direction::In, HEADERS);
        QCOMPARE(headersIn.size(), std::size_t(1));
        QCOMPARE(headersIn[0].streamId, 1);
        QCOMPARE(headersIn[0].headers[0].name, std::string_view(":method"));
        QVERIFY(headersIn[0].flags & 0x1); // END_STREAM
        QCOMPARE(int(headersIn[0].rawHeader[3]), int(HEADERS));

        const auto headersOut = events.frames(Direction::Out, HEADERS);
        QCOMPARE(headersOut.size(), std::size_t(1));
        QCOMPARE(headersOut[0].headers[0], (HeaderView{":status", "200"}));
        const auto dataOut = events.frames(Direction::Out, DATA);
        QCOMPARE(dataOut.size(), std::size_t(1));
        QCOMPARE(dataOut[0].length, 31u);
        QVERIFY(dataOut[0].flags & 0x1);
        QVERIFY(dataOut[0].connRemoteWindow > 0);
        // The 9-byte header on the wire says the same as the decoded fields.
        QCOMPARE(int(dataOut[0].rawHeader[2]), 31);

        const auto closed = events.all<inspect::StreamClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QCOMPARE(closed[0].status, 200);
        QCOMPARE(closed[0].bodyBytes, std::uint64_t(31));
        const auto streamOpened = events.all<inspect::StreamOpened>();
        QCOMPARE(streamOpened.size(), std::size_t(1));
        QCOMPARE(streamOpened[0].path, std::string("/index.html"));
        QCOMPARE(streamOpened[0].method, std::string("GET"));
        // The request's own fields, no pseudo-headers, as the client sent them.
        QCOMPARE(streamOpened[0].headers, (HeaderBlock{{"accept-language", "de"}, {"x-trace", "42"}}));
        // One allocation for the request's fields: the HEADERS frame event
        // and the stream it opened share it; likewise the response's HEADERS
        // frame and the stream's close, which lists the fields as sent.
        QVERIFY(streamOpened[0].headers.sharesStorageWith(headersIn[0].headers));
        QVERIFY(closed[0].responseHeaders.sharesStorageWith(headersOut[0].headers));
        QCOMPARE(closed[0].responseHeaders.size() + 1, headersOut[0].headers.size());
        QVERIFY(closed[0].responseHeaders.find("date"));
        QCOMPARE(closed[0].responseHeaders.find("server"), std::optional<std::string_view>("h2scope"));
        QVERIFY(!closed[0].responseHeaders.find(":status"));

        // The stream is reported opened after the HEADERS frame that opened it.
        std::size_t headersAt = 0, openedAt = 0;
        for (std::size_t i = 0; i < events.events().size(); ++i) {
            const auto *f = std::get_if<inspect::FrameEvent>(&events.events()[i].data);
            if (f && f->dir == Direction::In && f->type == HEADERS)
                headersAt = i;
            if (std::holds_alternative<inspect::StreamOpened>(events.events()[i].data))
                openedAt = i;
        }
        QVERIFY(headersAt < openedAt);
        for (std::size_t i = 1; i < events.events().size(); ++i)
            QVERIFY(events.events()[i - 1].timeNs <= events.events()[i].timeNs);
    }

    void continuationFramesAreReported()
    {
        // A 40 KB header value (about 25 KB after Huffman coding) cannot fit one 16 KiB frame: HEADERS + CONTINUATION.
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        const net::TestResponse r = client.get("/index.html", {{"x-big", std::string(40000, 'a')}});
        QCOMPARE(r.status, 200);
        const auto cont = events.frames(Direction::In, CONTINUATION);
        QVERIFY(!cont.empty());
        QVERIFY(cont.back().flags & 0x4); // END_HEADERS on the last one
        const auto headersIn = events.frames(Direction::In, HEADERS);
        QCOMPARE(headersIn.size(), std::size_t(1));
        QVERIFY(!(headersIn[0].flags & 0x4));
        const auto big = headersIn[0].headers.find("x-big");
        QVERIFY(big);
        QCOMPARE(big->size(), std::size_t(40000));
    }

    void shutdownSendsGoaway()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        client.get("/index.html");
        conn->shutdown();
        client.settle();
        QVERIFY(client.goawayReceived());
        QCOMPARE(client.goawayCode(), 0u);
        const auto goaway = events.frames(Direction::Out, GOAWAY);
        QCOMPARE(goaway.size(), std::size_t(1));
        QCOMPARE(goaway[0].lastStreamId, 1);
        QVERIFY(conn->wantsClose());
        conn->close({});
        const auto closed = events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QCOMPARE(closed[0].goawayCode, 0);
        QCOMPARE(closed[0].streams, 1u);
    }

    void badPrefaceFallsBackToHttp1()
    {
        auto conn = connection(nullptr);
        const std::string req = "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n";
        conn->receive(reinterpret_cast<const std::uint8_t *>(req.data()), req.size());
        std::string out;
        conn->produce(out, 1 << 20);
        QCOMPARE(conn->protocol(), std::string("http/1.1"));
        QVERIFY(out.rfind("HTTP/1.1 200", 0) == 0);
        QVERIFY(out.find("<!doctype html><title>t</title>") != std::string::npos);
    }

    void garbageAfterPrefaceGetsGoaway()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        std::string bytes = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        // A DATA frame on stream 0 is a connection error (PROTOCOL_ERROR).
        bytes += std::string("\x00\x00\x04\x00\x00\x00\x00\x00\x00"
                             "abcd",
                             13);
        conn->receive(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
        std::string out;
        while (conn->produce(out, 1 << 20) > 0) {
        }
        const auto goaway = events.frames(Direction::Out, GOAWAY);
        QVERIFY(!goaway.empty());
        QCOMPARE(goaway.back().errorCode, 1u); // PROTOCOL_ERROR
        QVERIFY(conn->wantsClose());
    }

    void rstStreamIsReported()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        // A request with a forbidden connection-specific header is reset.
        const net::TestResponse r = client.get("/index.html", {{"connection", "keep-alive"}});
        QVERIFY(r.reset || r.status == 0);
        const auto rst = events.frames(Direction::Out, RST_STREAM);
        QVERIFY(!rst.empty());
        QCOMPARE(rst[0].errorCode, 1u);
    }

    // A file that takes long to read holds up its own stream and nothing
    // else: the connection's other streams are answered meanwhile, because
    // the answer is made on the file pool, not on the connection's thread
    // (here the test's thread, which would block in begin() otherwise).
    void aSlowFileHoldsUpNoOtherStream()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("slow.txt"), "slow");
        writeFile(dir.filePath("fast.txt"), "fast");
        auto site = siteIn(dir);
        QVERIFY(site.ok());
        testing::SlowSite slow(**site, "/slow");
        PooledConnection pooled(slow, 2);
        net::TestClient &client = pooled.client;

        const std::int32_t slowId = client.begin("/slow.txt");
        QVERIFY2(slow.waitUntilWaiting(1), "the slow request never reached the file system");
        for (int i = 0; i < 3; ++i) { // the first from the pool, then from memory
            const net::TestResponse fast = client.get("/fast.txt");
            QCOMPARE(fast.status, 200);
            QCOMPARE(fast.body, std::string("fast"));
        }
        QVERIFY(!client.current(slowId).complete);
        QVERIFY2(pooled.conn.answering(), "waiting on the file system, the connection would count as idle");

        slow.open();
        const net::TestResponse done = client.finish(slowId);
        QVERIFY(done.complete);
        QCOMPARE(done.status, 200);
        QCOMPARE(done.body, std::string("slow"));
        QVERIFY(!pooled.conn.answering());
    }

    // A stream the client resets while its answer waits for a pool thread
    // costs the file system nothing: its job is skipped (a flood of
    // requests reset at once makes no work on the disk). Here the pool's
    // one thread is held by a slow file while the reset stream waits.
    void aResetStreamsWaitingAnswerIsNeverMade()
    {
        QTemporaryDir dir;
        for (const char *name : {"slow.txt", "dropped.txt", "after.txt"})
            writeFile(dir.filePath(name), name);
        auto site = siteIn(dir);
        QVERIFY(site.ok());
        testing::SlowSite slow(**site, "/slow");
        testing::CountingSite counted(slow);
        PooledConnection pooled(counted, 1);
        net::TestClient &client = pooled.client;

        const std::int32_t slowId = client.begin("/slow.txt");
        QVERIFY(slow.waitUntilWaiting(1));
        const std::int32_t droppedId = client.begin("/dropped.txt"); // a first fetch: made on the pool
        client.cancel(droppedId);
        QVERIFY(client.current(droppedId).reset);
        slow.open();
        QCOMPARE(client.finish(slowId).body, std::string("slow.txt"));
        QCOMPARE(client.get("/after.txt").body, std::string("after.txt")); // queued after the dropped one
        QVERIFY(!pooled.conn.answering());
        QCOMPARE(counted.made(), (std::vector<std::string>{"/slow.txt", "/after.txt"}));
    }

    // A client that closes its side of the connection (a half-close) still
    // gets the answer being made on the file pool: the connection waits for
    // it instead of closing with nothing left that nghttp2 knows of.
    void aHalfClosedClientStillGetsItsAnswer()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("slow.txt"), "slow");
        auto site = siteIn(dir);
        QVERIFY(site.ok());
        testing::SlowSite slow(**site, "/slow");
        PooledConnection pooled(slow, 2);
        const std::int32_t id = pooled.client.begin("/slow.txt");
        QVERIFY(slow.waitUntilWaiting(1));
        pooled.conn.peerClosed();
        QVERIFY2(!pooled.conn.wantsClose(), "ready to close with an answer still in the making");
        slow.open();
        const net::TestResponse done = pooled.client.finish(id);
        QVERIFY(done.complete);
        QCOMPARE(done.body, std::string("slow"));
        QVERIFY(pooled.conn.wantsClose());
    }

    // The bytes of a file streamed from disk are read on the file pool too:
    // while a read waits (here: behind a job that holds the pool's only
    // thread, as a stalled disk would), its stream waits and a response
    // from memory on the same connection is sent in full.
    void aSlowBodyReadHoldsUpNoOtherStream()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("big.bin"), m_big); // just written: streamed, not snapshotted
        writeFile(dir.filePath("small.txt"), "small");
        const QByteArray small = QFile::encodeName(dir.filePath("small.txt"));
        const timespec past[2] = {{std::time(nullptr) - 60, 0}, {std::time(nullptr) - 60, 0}};
        QCOMPARE(::utimensat(AT_FDCWD, small.constData(), past, 0), 0); // settled: served from memory
        ManualClock clock; // still: what the site looked up stays fresh, however slow the machine
        clock.setUnixSeconds(std::time(nullptr));
        auto site = siteIn(dir, &clock);
        QVERIFY(site.ok());
        net::TestClientOptions clientOptions;
        clientOptions.initialWindowSize = 1u << 20;
        clientOptions.connectionWindowSize = 4 << 20;
        PooledConnection pooled(**site, 1, clientOptions);
        net::TestClient &client = pooled.client;
        QCOMPARE(client.get("/big.bin").body.size(), m_big.size()); // both answers prepared
        QCOMPARE(client.get("/small.txt").body, std::string("small"));

        std::promise<void> release;
        pooled.pool.post(&release,
                         [stalled = release.get_future().share()] { stalled.wait_for(std::chrono::seconds(10)); });
        const std::int32_t bigId = client.begin("/big.bin");
        const net::TestResponse fromMemory = client.get("/small.txt");
        QCOMPARE(fromMemory.body, std::string("small"));
        QCOMPARE(client.current(bigId).status, 200); // its head is out; its bytes wait on the disk
        QVERIFY(client.current(bigId).body.empty());
        QVERIFY(!client.current(bigId).complete);

        release.set_value();
        const net::TestResponse big = client.finish(bigId);
        QVERIFY(big.complete);
        QVERIFY(big.body == m_big);
    }

    // A page answered on the file pool brings its pushes along: the
    // promises go out before the page, with the assets' answers.
    void pushesComeWithAPageMadeOnThePool()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("page.html"), "<!doctype html><link rel=stylesheet href=style.css><p>hi");
        writeFile(dir.filePath("style.css"), "p{color:red}");
        auto site = siteIn(dir);
        QVERIFY(site.ok());
        PooledConnection pooled(**site, 2);
        net::TestClient &client = pooled.client;

        const net::TestResponse page = client.get("/page.html");
        QCOMPARE(page.status, 200);
        QCOMPARE(page.pushPromises.size(), std::size_t(1));
        QCOMPARE(page.pushPromises[0].path, std::string("/style.css"));
        const auto pushed = client.pushedResponses().find("/style.css");
        QVERIFY(pushed != client.pushedResponses().end());
        QCOMPARE(pushed->second.status, 200);
        QCOMPARE(pushed->second.body, std::string("p{color:red}"));
    }

    // A page answered from memory (its assets found before) to a client that
    // takes pushes: the pushes' answers may need the file system, so page
    // and pushes are made on the pool; the connection's thread (the test's)
    // reads nothing.
    void pushesOfAPageKnownInMemoryAreMadeOnThePool()
    {
        QTemporaryDir dir;
        writeFile(dir.filePath("page.html"), "<!doctype html><link rel=stylesheet href=style.css><p>hi");
        writeFile(dir.filePath("style.css"), "p{color:red}");
        ManualClock clock; // still: what the site looked up stays fresh, however slow the machine
        clock.setUnixSeconds(std::time(nullptr));
        auto site = siteIn(dir, &clock);
        QVERIFY(site.ok());
        testing::CountingSite counted(**site);
        for (int connection = 0; connection < 2; ++connection) { // the second finds the page known
            if (connection == 1) {
                site::Response known;
                site::Request again;
                again.method = "GET";
                again.authority = "localhost";
                again.target = "/page.html";
                QVERIFY2((*site)->handleNow(again, known), "the page is not known in memory: the test proves nothing");
                QCOMPARE(known.pushPromises.size(), std::size_t(1));
            }
            PooledConnection pooled(counted, 2);
            const net::TestResponse page = pooled.client.get("/page.html");
            QCOMPARE(page.status, 200);
            QCOMPARE(page.pushPromises.size(), std::size_t(1));
            const auto pushed = pooled.client.pushedResponses().find("/style.css");
            QVERIFY(pushed != pooled.client.pushedResponses().end());
            QCOMPARE(pushed->second.body, std::string("p{color:red}"));
        }
        QVERIFY2(!counted.madeOn(std::this_thread::get_id()), "an answer was made on the connection's thread");
        // The page known in memory is not made again on the pool: only its push.
        QCOMPARE(counted.made(), (std::vector<std::string>{"/page.html", "/style.css", "/style.css"}));
    }

    // The requests read in one batch of bytes see the folder in one state:
    // they come to the site with one Freshness, and the next batch's with
    // another. On the file pool each answer (a page and its pushes) gets a
    // Freshness of its own, unlike any batch's.
    void requestsReadTogetherShareOneFreshness()
    {
        testing::CountingSite counted(*m_site);
        {
            net::Connection conn({}, counted, nullptr);
            net::TestClient client(conn);
            const std::vector<net::TestResponse> together = client.getAll({"/index.html", "/big.bin"});
            QCOMPARE(together.size(), std::size_t(2));
            QCOMPARE(together[1].status, 200);
            QCOMPARE(client.get("/index.html").status, 200);
        }
        std::vector<testing::CountingSite::Asked> asked = counted.asked();
        QVERIFY(asked.size() >= 3);
        QCOMPARE(asked.front().target, std::string("/index.html"));
        QCOMPARE(asked.back().target, std::string("/index.html"));
        const site::Freshness first = asked.front().freshness;
        QVERIFY(first != site::Freshness());
        QCOMPARE(asked[1].target, std::string("/big.bin")); // read with the page
        QVERIFY(asked[1].freshness == first);
        QVERIFY(asked.back().freshness != site::Freshness());
        QVERIFY(asked.back().freshness != first); // read later, in bytes of its own

        testing::CountingSite pooledSite(*m_site);
        {
            PooledConnection pooled(pooledSite, 2);
            const std::vector<net::TestResponse> together = pooled.client.getAll({"/no-such-a", "/no-such-b"});
            QCOMPARE(together.size(), std::size_t(2));
            QCOMPARE(together[0].status, 404);
            QCOMPARE(together[1].status, 404);
        }
        // Asked of memory on the connection's thread (both with the batch's
        // Freshness), and made on the pool, each with its own; the pool may
        // make the first before the second is asked of memory.
        std::vector<site::Freshness> ofMemory, made;
        for (const testing::CountingSite::Asked &a : pooledSite.asked())
            (a.made ? made : ofMemory).push_back(a.freshness);
        QCOMPARE(ofMemory.size(), std::size_t(2));
        QCOMPARE(made.size(), std::size_t(2));
        QVERIFY(ofMemory[0] != site::Freshness());
        QVERIFY(ofMemory[1] == ofMemory[0]);
        for (const site::Freshness &f : made)
            QVERIFY(f != site::Freshness() && f != ofMemory[0]);
        QVERIFY(made[0] != made[1]);
    }
};

QTEST_APPLESS_MAIN(TestH2Session)
#include "tst_h2session.moc"
