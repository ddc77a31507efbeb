// Live reload, SPA fallback, custom 404 and the Host allow-list against the
// real h2scope binary: Node's http2 client holds the event stream on the same
// session as the page, and a WebSocket of its own over HTTP/2 (extended
// CONNECT) and HTTP/1.1 (Upgrade); headless Chromium reaches network idle
// with live reload connected and swaps an edited stylesheet in place; curl
// checks injection, fallbacks and Host refusal.

#include "curlfetch.h"
#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QtTest>

using namespace h2scope::testing;

namespace {

const char *const kSseScript = H2SCOPE_SOURCE_DIR "/tests/integration/node/sse.mjs";
const char *const kWebSocketScript = H2SCOPE_SOURCE_DIR "/tests/integration/node/websocket.mjs";
const char *const kCdpScript = H2SCOPE_SOURCE_DIR "/tests/integration/node/cdp-livereload.mjs";
const QByteArray kTag = "<script src=\"/__h2scope/livereload.js\" defer></script>";
const QByteArray kIndex =
    "<!doctype html><title>lr</title><link rel=stylesheet href=/css/site.css>\n<body><p>v1</p></body>\n";

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly | QIODevice::Truncate) && f.write(bytes) == bytes.size();
}

// A Node client as a child process whose JSON lines are read as they come.
class NodeClient final {
public:
    ~NodeClient()
    {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    bool start(const char *script, const QStringList &args)
    {
        m_process.setProgram(QStringLiteral("node"));
        m_process.setArguments(QStringList{QLatin1String(script)} + args);
        m_process.start();
        return m_process.waitForStarted(10000);
    }

    // The next JSON line within `timeoutMs`, or an empty object.
    QJsonObject next(int timeoutMs)
    {
        const QDeadlineTimer deadline(timeoutMs);
        while (!m_process.canReadLine()) {
            if (deadline.hasExpired() || m_process.state() == QProcess::NotRunning)
                return {};
            m_process.waitForReadyRead(static_cast<int>(std::max<qint64>(1, deadline.remainingTime())));
        }
        return QJsonDocument::fromJson(m_process.readLine()).object();
    }

    QString stderrText() { return QString::fromUtf8(m_process.readAllStandardError()); }
    bool finish(int timeoutMs) { return m_process.waitForFinished(timeoutMs) && m_process.exitCode() == 0; }

private:
    QProcess m_process;
};

} // namespace

class TestLiveReloadIntegration final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cssThenReloadEvents();
    void webSocketEvents_data();
    void webSocketEvents();
    void chromiumReachesNetworkIdle();
    void chromiumScreenshotWithVirtualTimeBudget();
    void injectionOnlyInHtml();
    void noLiveReload();
    void rebuiltOrSwappedFolderServesTheNewPage();
    void spaAnd404_data();
    void spaAnd404();
    void foreignHostRefused();

private:
    QTemporaryDir m_caroot;
    QTemporaryDir m_site;
};

void TestLiveReloadIntegration::initTestCase()
{
    QVERIFY(m_caroot.isValid());
    // The managed CA goes to a temporary folder, never the user's real one.
    qputenv("H2SCOPE_CAROOT", m_caroot.path().toLocal8Bit());
    QVERIFY(m_site.isValid());
}

void TestLiveReloadIntegration::init()
{
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("index.html")), kIndex));
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("css/site.css")), "p { color: black; }\n"));
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("app.js")), "console.log('lr');\n"));
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("404.html")), "<html><body>custom missing page</body></html>"));
}

void TestLiveReloadIntegration::cssThenReloadEvents()
{
    H2SCOPE_REQUIRE_CLIENT("node");
    ServerProcess server;
    QVERIFY2(server.start(m_site.path()), qPrintable(server.errorString()));

    NodeClient client;
    QVERIFY(
        client.start(kSseScript, {server.origin(), QStringLiteral("/"), QStringLiteral("2"), QStringLiteral("20000")}));
    const QJsonObject page = client.next(15000);
    QVERIFY2(!page.isEmpty(), qPrintable(client.stderrText()));
    QCOMPARE(page.value(QStringLiteral("page")).toInt(), 200);
    QVERIFY(page.value(QStringLiteral("injected")).toBool());
    const QJsonObject stream = client.next(10000);
    QCOMPARE(stream.value(QStringLiteral("stream")).toInt(), 200);
    QCOMPARE(stream.value(QStringLiteral("contentType")).toString(), QStringLiteral("text/event-stream"));
    // The same HTTP/2 session carries the page and the event stream.
    QVERIFY(stream.value(QStringLiteral("streamId")).toInt() > page.value(QStringLiteral("streamId")).toInt());

    QElapsedTimer clock;
    clock.start();
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("css/site.css")), "p { color: red; }\n"));
    const QJsonObject css = client.next(2000);
    QVERIFY2(!css.isEmpty(), "no event within 2 s of the .css change");
    QVERIFY2(clock.elapsed() <= 2000, qPrintable(QString::number(clock.elapsed())));
    QCOMPARE(css.value(QStringLiteral("event")).toString(), QStringLiteral("css"));
    QCOMPARE(css.value(QStringLiteral("data")).toString(), QStringLiteral("/css/site.css"));

    clock.restart();
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("index.html")), kIndex + "<!-- v2 -->\n"));
    const QJsonObject reload = client.next(2000);
    QVERIFY2(!reload.isEmpty(), "no event within 2 s of the .html change");
    QCOMPARE(reload.value(QStringLiteral("event")).toString(), QStringLiteral("reload"));
    QCOMPARE(reload.value(QStringLiteral("data")).toString(), QStringLiteral("/index.html"));
    QVERIFY2(client.finish(10000), qPrintable(client.stderrText()));

    // The event stream shows in the inspector like any other stream.
    QVERIFY2(server.waitForLog("/__h2scope/livereload", 5000), server.log().right(2000).constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::webSocketEvents_data()
{
    QTest::addColumn<QString>("mode");
    QTest::newRow("HTTP/2 extended CONNECT") << QStringLiteral("h2");
    QTest::newRow("HTTP/1.1 Upgrade") << QStringLiteral("h1");
}

void TestLiveReloadIntegration::webSocketEvents()
{
    QFETCH(QString, mode);
    H2SCOPE_REQUIRE_CLIENT("node");
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {}, QStringLiteral("frames")), qPrintable(server.errorString()));
    NodeClient client;
    QVERIFY(client.start(kWebSocketScript, {server.origin(), mode, QStringLiteral("2"), QStringLiteral("20000")}));
    const QJsonObject open = client.next(15000);
    QVERIFY2(!open.isEmpty(), qPrintable(client.stderrText()));
    QCOMPARE(open.value(QStringLiteral("open")).toInt(), mode == QLatin1String("h2") ? 200 : 101);
    // A Ping is answered with its payload before anything else is sent.
    QCOMPARE(client.next(5000).value(QStringLiteral("pong")).toString(), QStringLiteral("hello"));
    QVERIFY(client.next(5000).value(QStringLiteral("ready")).toBool());

    QVERIFY(writeFile(m_site.filePath(QStringLiteral("css/site.css")), "p { color: red; }\n"));
    const QJsonObject css = client.next(3000);
    QVERIFY2(!css.isEmpty(), qPrintable("no message within 3 s of the .css change " + client.stderrText()));
    QCOMPARE(css.value(QStringLiteral("event")).toString(), QStringLiteral("css"));
    QCOMPARE(css.value(QStringLiteral("data")).toString(), QStringLiteral("/css/site.css"));
    QVERIFY(writeFile(m_site.filePath(QStringLiteral("index.html")), kIndex + "<!-- v2 -->\n"));
    const QJsonObject reload = client.next(3000);
    QCOMPARE(reload.value(QStringLiteral("event")).toString(), QStringLiteral("reload"));
    QCOMPARE(reload.value(QStringLiteral("data")).toString(), QStringLiteral("/index.html"));
    // The client's Close is echoed, and the server ends its side.
    QCOMPARE(client.next(5000).value(QStringLiteral("close")).toInt(), 1000);
    QVERIFY(client.next(5000).value(QStringLiteral("ended")).toBool());
    QVERIFY2(client.finish(10000), qPrintable(client.stderrText()));

    if (mode == QLatin1String("h2")) {
        QVERIFY2(server.waitForLog("[SETTINGS_ENABLE_CONNECT_PROTOCOL(0x08):1]", 5000), server.log().constData());
        QVERIFY2(server.waitForLog(":protocol: websocket", 5000), server.log().constData());
        QVERIFY2(server.waitForLog("CONNECT /__h2scope/livereload -> 200", 5000), server.log().right(3000).constData());
    } else {
        QVERIFY2(server.waitForLog("HTTP/1.1 GET /__h2scope/livereload -> 101", 5000),
                 server.log().right(3000).constData());
    }
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::chromiumReachesNetworkIdle()
{
    // Puppeteer's networkidle0 and Playwright's networkidle wait for
    // Chromium's `networkIdle`, which an open event stream never allows. The
    // certificate is not trusted here (--ignore-certificate-errors); the
    // managed CA's trust is tst_certs' subject.
    H2SCOPE_REQUIRE_CLIENT("node");
    H2SCOPE_REQUIRE_CLIENT("chromium");
    QTemporaryDir profile;
    QVERIFY(profile.isValid());
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {}, QStringLiteral("frames")), qPrintable(server.errorString()));
    NodeClient client;
    QVERIFY(client.start(kCdpScript,
                         {server.origin() + QStringLiteral("/"), m_site.filePath(QStringLiteral("css/site.css")),
                          profile.path(), QStringLiteral("90000")}));
    const QJsonObject idle = client.next(90000);
    QVERIFY2(!idle.isEmpty(), qPrintable("no networkIdle: " + client.stderrText()));
    QCOMPARE(idle.value(QStringLiteral("transport")).toString(), QStringLiteral("websocket"));
    QCOMPARE(idle.value(QStringLiteral("color")).toString(), QStringLiteral("rgb(0, 0, 0)"));
    QVERIFY(!idle.value(QStringLiteral("webSockets")).toArray().isEmpty());
    const QJsonObject swapped = client.next(20000);
    QVERIFY2(swapped.value(QStringLiteral("swapped")).toBool(), qPrintable(client.stderrText()));
    QVERIFY2(swapped.value(QStringLiteral("sameDocument")).toBool(),
             "the page reloaded instead of swapping the stylesheet");
    QVERIFY2(client.finish(20000), qPrintable(client.stderrText()));
    // Over the page's own HTTP/2 connection: an extended CONNECT stream.
    QVERIFY2(server.waitForLog(":protocol: websocket", 5000), server.log().right(4000).constData());
    QVERIFY2(!server.log().contains("HTTP/1.1 GET /__h2scope/livereload"), server.log().right(4000).constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::chromiumScreenshotWithVirtualTimeBudget()
{
    // `chromium --headless --screenshot --virtual-time-budget` waits for the
    // page's network to go quiet before the budget counts: with live reload
    // on an event stream it never returned.
    H2SCOPE_REQUIRE_CLIENT("chromium");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {}, QStringLiteral("requests")), qPrintable(server.errorString()));
    const QString shot = tmp.filePath(QStringLiteral("shot.png"));
    QElapsedTimer clock;
    clock.start();
    const ClientResult r =
        runClient("chromium",
                  {"--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                   "--disable-component-update", "--no-first-run", "--disable-sync",
                   "--user-data-dir=" + tmp.filePath(QStringLiteral("profile")), "--ignore-certificate-errors",
                   "--screenshot=" + shot, "--virtual-time-budget=3000", server.origin() + QStringLiteral("/")},
                  60000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(QFileInfo(shot).size() > 0, qPrintable(r.describe()));
    qInfo("screenshot with --virtual-time-budget=3000 took %lld ms", static_cast<long long>(clock.elapsed()));
    QVERIFY2(server.waitForLog("/__h2scope/livereload", 5000), server.log().right(3000).constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::injectionOnlyInHtml()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {}, QStringLiteral("requests")), qPrintable(server.errorString()));
    const QString base = server.origin();

    const CurlResponse page = curlFetch(base + QStringLiteral("/"), {QStringLiteral("--http2")});
    QCOMPARE(page.status, 200);
    QCOMPARE(page.httpVersion, QStringLiteral("2"));
    QCOMPARE(page.body, htmlAsServed(kIndex).at(1));
    QCOMPARE(page.header("content-length").toLongLong(), qint64(page.body.size()));

    // A Range on the injected page gets all of it.
    const CurlResponse ranged =
        curlFetch(base + QStringLiteral("/index.html"), {QStringLiteral("-r"), QStringLiteral("0-9")});
    QCOMPARE(ranged.status, 200);
    QCOMPARE(ranged.body, htmlAsServed(kIndex).at(1));

    for (const QString &path : {QStringLiteral("/css/site.css"), QStringLiteral("/app.js")}) {
        const CurlResponse asset = curlFetch(base + path);
        QCOMPARE(asset.status, 200);
        QVERIFY2(!asset.body.contains("__h2scope"), qPrintable(path));
    }
    const CurlResponse script = curlFetch(base + QStringLiteral("/__h2scope/livereload.js"));
    QCOMPARE(script.status, 200);
    QVERIFY(script.header("content-type").startsWith("text/javascript"));
    QVERIFY(script.body.contains("WebSocket"));
    QVERIFY(script.body.contains("EventSource")); // the fallback
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::noLiveReload()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {QStringLiteral("--no-live-reload")}, QStringLiteral("requests")),
             qPrintable(server.errorString()));
    const CurlResponse page = curlFetch(server.origin() + QStringLiteral("/"));
    QCOMPARE(page.status, 200);
    QCOMPARE(page.body, kIndex);
    QCOMPARE(curlFetch(server.origin() + QStringLiteral("/__h2scope/livereload.js")).status, 404);
    QCOMPARE(curlFetch(server.origin() + QStringLiteral("/__h2scope/livereload")).status, 404);
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::rebuiltOrSwappedFolderServesTheNewPage()
{
    // What a browser reloads after `rm -rf dist && build`, and after a build
    // that publishes with `mv dist dist.old && mv dist.new dist`: the new page,
    // also once the server's lookup of "/" from before has expired.
    H2SCOPE_REQUIRE_CLIENT("curl");
    QTemporaryDir tmp;
    QVERIFY(tmp.isValid());
    const QString dist = tmp.filePath(QStringLiteral("dist"));
    QVERIFY(QDir().mkpath(dist));
    QVERIFY(writeFile(dist + QStringLiteral("/index.html"), "<p>first build</p>\n"));
    ServerProcess server;
    QVERIFY2(server.start(dist, {QStringLiteral("--no-live-reload")}, QStringLiteral("requests")),
             qPrintable(server.errorString()));
    const QString page = server.origin() + QStringLiteral("/");
    CurlResponse r = curlFetch(page);
    QCOMPARE(r.status, 200);
    QCOMPARE(r.body, QByteArray("<p>first build</p>\n"));

    QTest::qSleep(1200); // past the second for which a lookup is remembered
    QVERIFY(QDir(dist).removeRecursively());
    QVERIFY(QDir().mkpath(dist));
    QVERIFY(writeFile(dist + QStringLiteral("/index.html"), "<p>second build</p>\n"));
    r = curlFetch(page);
    QVERIFY2(r.status == 200, qPrintable(r.summary() + QString::fromUtf8(server.log().right(500))));
    QCOMPARE(r.body, QByteArray("<p>second build</p>\n"));

    QTest::qSleep(1200);
    const QString fresh = tmp.filePath(QStringLiteral("dist.new"));
    QVERIFY(QDir().mkpath(fresh));
    QVERIFY(writeFile(fresh + QStringLiteral("/index.html"), "<p>third build</p>\n"));
    QVERIFY(QDir().rename(dist, tmp.filePath(QStringLiteral("dist.old"))));
    QVERIFY(QDir().rename(fresh, dist));
    r = curlFetch(page);
    QVERIFY2(r.status == 200, qPrintable(r.summary() + QString::fromUtf8(server.log().right(500))));
    QCOMPARE(r.body, QByteArray("<p>third build</p>\n"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::spaAnd404_data()
{
    QTest::addColumn<QStringList>("args");
    QTest::addColumn<int>("routeStatus");
    QTest::addColumn<bool>("custom");
    QTest::newRow("defaults") << QStringList{} << 404 << true;
    QTest::newRow("--spa") << QStringList{QStringLiteral("--spa")} << 200 << true;
    QTest::newRow("--spa --no-custom-404")
        << QStringList{QStringLiteral("--spa"), QStringLiteral("--no-custom-404")} << 200 << false;
    QTest::newRow("--no-custom-404") << QStringList{QStringLiteral("--no-custom-404")} << 404 << false;
}

void TestLiveReloadIntegration::spaAnd404()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    QFETCH(QStringList, args);
    QFETCH(int, routeStatus);
    QFETCH(bool, custom);
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), args, QStringLiteral("requests")), qPrintable(server.errorString()));

    const CurlResponse route = curlFetch(server.origin() + QStringLiteral("/users/42"));
    QCOMPARE(route.status, routeStatus);
    if (routeStatus == 200)
        QVERIFY(route.body.contains("<p>v1</p>"));
    // A missing file with an extension is never a route.
    const CurlResponse missing = curlFetch(server.origin() + QStringLiteral("/missing.png"));
    QCOMPARE(missing.status, 404);
    QCOMPARE(missing.body.contains("custom missing page"), custom);
    QCOMPARE(missing.header("content-length").toLongLong(), qint64(missing.body.size()));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestLiveReloadIntegration::foreignHostRefused()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    ServerProcess server;
    QVERIFY2(server.start(m_site.path(), {QStringLiteral("--allow-host"), QStringLiteral("dev.test")},
                          QStringLiteral("requests")),
             qPrintable(server.errorString()));
    const QString port = QString::number(server.port());
    const QString url = server.origin() + QStringLiteral("/index.html");

    for (const QString &version : {QStringLiteral("--http2"), QStringLiteral("--http1.1")}) {
        const CurlResponse evil = curlFetch(url, {version, QStringLiteral("-H"), QStringLiteral("Host: evil.example")});
        QCOMPARE(evil.status, 421);
        QVERIFY(evil.body.contains("evil.example"));
        const CurlResponse rebound =
            curlFetch(url, {version, QStringLiteral("-H"), QStringLiteral("Host: evil.example:%1").arg(port)});
        QCOMPARE(rebound.status, 421);
    }
    QCOMPARE(curlFetch(url).status, 200); // 127.0.0.1
    const CurlResponse localhost =
        curlFetch(QStringLiteral("https://localhost:%1/index.html").arg(port),
                  {QStringLiteral("--resolve"), QStringLiteral("localhost:%1:127.0.0.1").arg(port)});
    QCOMPARE(localhost.status, 200);
    const CurlResponse added = curlFetch(url, {QStringLiteral("-H"), QStringLiteral("Host: dev.test")});
    QCOMPARE(added.status, 200);
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

QTEST_GUILESS_MAIN(TestLiveReloadIntegration)
#include "tst_livereload.moc"
