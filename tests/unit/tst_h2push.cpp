// Server push and 103 Early Hints in the HTTP/2 session, through the
// in-process client: what is promised, with which headers, and what became
// of every promise.

#include "collectingpublisher.h"

#include "net/connection.h"
#include "net/testclient.h"
#include "site/staticsite.h"

#include <QtTest>

#include <fstream>

using namespace h2scope;

namespace {

void writeFile(const QString &path, const std::string &bytes)
{
    std::ofstream(path.toStdString(), std::ios::binary) << bytes;
}

// The static site, plus a fixed push list for "/" and "/index.html", the way
// a handler uses response.pushPromises().
class PushingSite final : public site::Handler {
public:
    explicit PushingSite(site::Handler &inner) : m_inner(inner) {}
    std::vector<std::string> pushes{"/a.css", "/b.js", "/missing.png"};

    site::Response handle(const site::Request &request) override
    {
        site::Response r = m_inner.handle(request);
        r.pushPromises.clear();
        r.preloads.clear();
        if (request.target == "/" || request.target == "/index.html") {
            r.pushPromises = pushes;
            r.preloads = {{"/a.css", "style", "", false, false}, {"/b.js", "script", "", false, false}};
        }
        return r;
    }

private:
    site::Handler &m_inner;
};

const HeaderList kBrowserHeaders = {
    {"accept", "text/html,application/xhtml+xml"},
    {"accept-encoding", "gzip, br"},
    {"accept-language", "en"},
    {"user-agent", "test-agent/1"},
    {"cookie", "secret=1"},
    {"x-custom", "no"},
};

} // namespace

class TestH2Push : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_static;
    std::unique_ptr<PushingSite> m_site;

    std::unique_ptr<net::Connection> connection(testing::CollectingPublisher *events, h2::H2Options h2 = {})
    {
        net::ConnectionConfig config;
        config.id = 1;
        config.h2 = h2;
        return std::make_unique<net::Connection>(config, *m_site, events);
    }

    template <typename T> static std::vector<T> outcomes(const testing::CollectingPublisher &events)
    {
        return events.all<T>();
    }

private slots:
    void initTestCase()
    {
        writeFile(m_dir.filePath("index.html"), "<link rel=stylesheet href=/a.css><script src=/b.js></script>");
        writeFile(m_dir.filePath("a.css"), "body{color:red}");
        writeFile(m_dir.filePath("b.js"), std::string(100000, 'j')); // larger than the client's window
        site::SiteOptions o;
        o.root = m_dir.path().toStdString();
        auto s = site::StaticSite::create(o);
        QVERIFY(s.ok());
        m_static = std::move(*s);
        m_site = std::make_unique<PushingSite>(*m_static);
    }

    void promisesCopyTheRequestHeadersAndNothingElse()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClient client(*conn);
        const net::TestResponse r = client.get("/index.html", kBrowserHeaders);
        QCOMPARE(r.status, 200);
        // /missing.png does not exist: a promise is never made for it.
        QCOMPARE(client.pushPromises().size(), std::size_t(2));
        const net::TestPushPromise &css = client.pushPromises()[0];
        QCOMPARE(css.path, std::string("/a.css"));
        QCOMPARE(css.parentStreamId, 1);
        QCOMPARE(css.promisedStreamId % 2, 0);
        const HeaderList expected = {
            {":method", "GET"},
            {":scheme", "http"},
            {":authority", "localhost"},
            {":path", "/a.css"},
            {"accept", kBrowserHeaders[0].value},
            {"accept-encoding", "gzip, br"},
            {"accept-language", "en"},
            {"user-agent", "test-agent/1"},
        };
        QCOMPARE(css.headers, expected);

        // The pushed responses are built as if requested: same bytes, same validators.
        QCOMPARE(client.pushedResponses().at("/a.css").body, std::string("body{color:red}"));
        QCOMPARE(client.pushedResponses().at("/b.js").body.size(), std::size_t(100000));
        QVERIFY(client.pushedResponses().at("/a.css").header("etag"));
        QVERIFY(client.pushedResponses().at("/a.css").header("content-type")->rfind("text/css", 0) == 0);

        const auto opened = events.all<inspect::StreamOpened>();
        int pushedOpened = 0;
        for (const auto &o : opened)
            if (o.pushed) {
                ++pushedOpened;
                QCOMPARE(o.parentStreamId, 1);
            }
        QCOMPARE(pushedOpened, 2);
        const auto done = events.all<inspect::PushOutcome>();
        QCOMPARE(done.size(), std::size_t(2));
        int completed = 0;
        for (const auto &d : done)
            completed += d.outcome == "completed";
        QCOMPARE(completed, 2);
        bool skipped = false;
        for (const auto &n : events.all<inspect::Notice>())
            skipped |= n.code == "push-skipped" && n.text.find("/missing.png") != std::string::npos;
        QVERIFY(skipped);
    }

    void clientDisabledPush()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClientOptions o;
        o.enablePush = false;
        net::TestClient client(*conn, o);
        const net::TestResponse r = client.get("/index.html", kBrowserHeaders);
        QCOMPARE(r.status, 200);
        QVERIFY(client.pushPromises().empty());
        bool skipped = false;
        for (const auto &n : events.all<inspect::Notice>())
            skipped |= n.code == "push-skipped" && n.text.find("ENABLE_PUSH=0") != std::string::npos;
        QVERIFY(skipped);
        // Early hints took push's place.
        QCOMPARE(r.informational.size(), std::size_t(1));
    }

    void neverTwiceNorWhatWasAlreadyRequested()
    {
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        client.get("/b.js");
        client.get("/index.html");
        std::vector<std::string> paths;
        for (const auto &p : client.pushPromises())
            paths.push_back(p.path);
        QCOMPARE(paths, (std::vector<std::string>{"/a.css"}));
        client.get("/");
        QCOMPARE(client.pushPromises().size(), std::size_t(1)); // nothing pushed twice
    }

    void limitPerRequest()
    {
        h2::H2Options h2;
        h2.maxPushesPerRequest = 1;
        auto conn = connection(nullptr, h2);
        net::TestClient client(*conn);
        client.get("/index.html");
        QCOMPARE(client.pushPromises().size(), std::size_t(1));
    }

    void noPushForHeadOrErrors()
    {
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        client.request("HEAD", "/index.html");
        client.get("/nope.html");
        QVERIFY(client.pushPromises().empty());
    }

    void cancelledPushIsRecorded()
    {
        testing::CollectingPublisher events;
        auto conn = connection(&events);
        net::TestClientOptions o;
        o.cancelPushes = {"/b.js"};
        net::TestClient client(*conn, o);
        client.get("/index.html");
        bool cancelled = false;
        for (const auto &d : events.all<inspect::PushOutcome>()) {
            if (d.path == "/b.js") {
                cancelled = d.outcome == "cancelled" && d.resetAtNs > 0;
                QVERIFY(d.bodyBytes < 100000);
            }
        }
        QVERIFY(cancelled);
        QCOMPARE(client.pushedResponses().at("/b.js").resetCode, 8u); // CANCEL
    }

    void earlyHintsForNavigationsOnly()
    {
        auto conn = connection(nullptr);
        net::TestClient client(*conn);
        const net::TestResponse nav = client.get("/index.html", {{"sec-fetch-mode", "navigate"}});
        QCOMPARE(nav.status, 200);
        QCOMPARE(nav.informational.size(), std::size_t(1));
        std::vector<std::string> links;
        for (const Header &h : nav.informational[0])
            if (h.name == "link")
                links.push_back(h.value);
        QCOMPARE(links,
                 (std::vector<std::string>{"</a.css>; rel=preload; as=style", "</b.js>; rel=preload; as=script"}));

        auto conn2 = connection(nullptr);
        net::TestClient client2(*conn2);
        const net::TestResponse sub = client2.get("/index.html", {{"accept", "*/*"}});
        QVERIFY(sub.informational.empty());
    }

    void earlyHintsOverHttp1OnlyWhenAskedFor()
    {
        const std::string req = "GET /index.html HTTP/1.1\r\nHost: localhost\r\nsec-fetch-mode: navigate\r\n\r\n";
        for (bool optIn : {false, true}) {
            net::ConnectionConfig config;
            config.earlyHintsHttp1 = optIn;
            net::Connection conn(config, *m_site, nullptr);
            conn.receive(reinterpret_cast<const std::uint8_t *>(req.data()), req.size());
            std::string out;
            while (conn.produce(out, 1 << 20) > 0) {
            }
            if (!optIn) {
                QVERIFY(out.rfind("HTTP/1.1 200 OK\r\n", 0) == 0);
                QVERIFY(out.find("103") == std::string::npos);
                continue;
            }
            const std::string expected = "HTTP/1.1 103 Early Hints\r\nlink: </a.css>; rel=preload; as=style\r\n"
                                         "link: </b.js>; rel=preload; as=script\r\n\r\nHTTP/1.1 200 OK\r\n";
            QCOMPARE(out.substr(0, expected.size()), expected);
        }
    }

    void earlyHintsCanBeSwitchedOff()
    {
        h2::H2Options h2;
        h2.earlyHints = false;
        auto conn = connection(nullptr, h2);
        net::TestClient client(*conn);
        const net::TestResponse nav = client.get("/index.html", {{"sec-fetch-mode", "navigate"}});
        QVERIFY(nav.informational.empty());
    }
};

QTEST_APPLESS_MAIN(TestH2Push)
#include "tst_h2push.moc"
