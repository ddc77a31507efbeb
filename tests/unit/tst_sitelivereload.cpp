// Live reload, SPA fallback, custom 404 and the Host allow-list, through
// StaticSite::handle() on a real folder, plus the hub and the injection.

#include "site/hostallowlist.h"
#include "site/livereload.h"
#include "site/staticsite.h"
#include "site/websocket.h"
#include "sitefiles.h"

#include <QTemporaryDir>
#include <QtTest>

#include <arpa/inet.h>
#include <fstream>
#include <ifaddrs.h>
#include <netinet/in.h>

using namespace h2scope;
using namespace h2scope::site;
using namespace h2scope::testing;

namespace {

const std::string kPage = "<!doctype html>\n<html><body><h1>home</h1>\n</body></html>\n";

std::string readLive(LiveBody &body)
{
    std::string out;
    std::uint8_t buf[4096];
    bool ended = false;
    for (std::size_t n; (n = body.read(buf, sizeof buf, ended)) > 0;)
        out.append(reinterpret_cast<const char *>(buf), n);
    return out;
}

std::string headerOf(const Response &r, const char *name)
{
    const std::string *v = r.header(name);
    return v ? *v : std::string("<none>");
}

Request get(const std::string &target, const std::string &authority = "localhost:8443")
{
    Request r;
    r.method = "GET";
    r.scheme = "https";
    r.authority = authority;
    r.target = target;
    return r;
}

} // namespace

class TestSiteLiveReload : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();

    void injectPlacement();
    void injectsIntoHtmlOnly();
    void injectedValidators();
    void offMeansUntouched();
    void reservedPrefix();
    void eventStreamAndBroadcast();
    void webSocketHandshakes_data();
    void webSocketHandshakes();
    void webSocketSubscribers();
    void spaFallback();
    void custom404();
    void hostOf_data();
    void hostOf();
    void hostRules_data();
    void hostRules();
    void hostRefusalIs421();

private:
    std::unique_ptr<StaticSite> makeSite(bool liveReload, bool spa = false, bool custom404 = true,
                                         std::vector<std::string> hosts = {});

    QTemporaryDir m_dir;
    std::string m_root;
};

void TestSiteLiveReload::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_root = m_dir.path().toStdString();
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("docs")));
    QVERIFY(QDir(m_dir.path()).mkpath(QStringLiteral("__h2scope")));
    writeFile(m_root + "/index.html", kPage);
    writeFile(m_root + "/docs/index.html", "<p>docs, no body tag</p>");
    writeFile(m_root + "/site.css", "body{color:red}\n");
    writeFile(m_root + "/app.js", "console.log(1)\n");
    writeFile(m_root + "/404.html", "<html><body>custom missing</body></html>");
    writeFile(m_root + "/__h2scope/livereload.js", "on disk, never served");
}

std::unique_ptr<StaticSite> TestSiteLiveReload::makeSite(bool liveReload, bool spa, bool custom404,
                                                         std::vector<std::string> hosts)
{
    SiteOptions options;
    options.root = m_root;
    options.pushMode = PushMode::Off;
    options.liveReload = liveReload;
    options.spaFallback = spa;
    options.custom404 = custom404;
    options.allowedHosts = std::move(hosts);
    auto site = StaticSite::create(options);
    if (!site)
        return nullptr;
    return std::move(*site);
}

void TestSiteLiveReload::injectPlacement()
{
    const std::string tag(LiveReload::kScriptTag);
    QCOMPARE(LiveReload::injectScript("<p>a</p></BODY></html>"), "<p>a</p>" + tag + "</BODY></html>");
    // The last </body> wins (an earlier one may sit in a comment).
    QCOMPARE(LiveReload::injectScript("<!-- </body> --></body>"), "<!-- </body> -->" + tag + "</body>");
    QCOMPARE(LiveReload::injectScript("<p>no body"), "<p>no body\n" + tag + "\n");
    QCOMPARE(LiveReload::injectScript(""), tag + "\n");
}

void TestSiteLiveReload::injectsIntoHtmlOnly()
{
    auto site = makeSite(true);
    QVERIFY(site);
    Response page = site->handle(get("/"));
    QCOMPARE(page.status, 200);
    const std::string body = readBody(page);
    QVERIFY(body.find(LiveReload::kScriptTag) != std::string::npos);
    QCOMPARE(body.find(LiveReload::kScriptTag), kPage.find("</body>"));
    QCOMPARE(headerOf(page, "content-length"), std::to_string(body.size()));
    QCOMPARE(body.size(), kPage.size() + LiveReload::kScriptTag.size());

    Response docs = site->handle(get("/docs/"));
    QCOMPARE(readBody(docs), "<p>docs, no body tag</p>\n" + std::string(LiveReload::kScriptTag) + "\n");

    for (const char *path : {"/site.css", "/app.js"}) {
        Response asset = site->handle(get(path));
        QCOMPARE(asset.status, 200);
        QVERIFY2(readBody(asset).find("__h2scope") == std::string::npos, path);
        QCOMPARE(headerOf(asset, "accept-ranges"), std::string("bytes"));
    }
    // HEAD announces the injected length.
    Request head = get("/index.html");
    head.method = "HEAD";
    Response headResponse = site->handle(head);
    QCOMPARE(headerOf(headResponse, "content-length"), std::to_string(body.size()));
    QVERIFY(!headResponse.body);
}

void TestSiteLiveReload::injectedValidators()
{
    auto on = makeSite(true);
    auto off = makeSite(false);
    Response injected = on->handle(get("/index.html"));
    Response plain = off->handle(get("/index.html"));
    const std::string etag = headerOf(injected, "etag");
    QVERIFY(etag != "<none>");
    QVERIFY(etag != headerOf(plain, "etag"));
    QCOMPARE(headerOf(injected, "accept-ranges"), std::string("none"));

    // Its own ETag revalidates it...
    Request conditional = get("/index.html");
    conditional.headers.push_back({"if-none-match", etag});
    QCOMPARE(on->handle(conditional).status, 304);
    // ...the plain file's does not.
    Request stale = get("/index.html");
    stale.headers.push_back({"if-none-match", headerOf(plain, "etag")});
    QCOMPARE(on->handle(stale).status, 200);

    // A Range on an injected page gets the whole page.
    Request ranged = get("/index.html");
    ranged.headers.push_back({"range", "bytes=0-9"});
    Response full = on->handle(ranged);
    QCOMPARE(full.status, 200);
    QVERIFY(!full.header("content-range"));
    QCOMPARE(readBody(full).size(), kPage.size() + LiveReload::kScriptTag.size());
    QVERIFY(!full.note.empty());
    QCOMPARE(off->handle(ranged).status, 206);
}

void TestSiteLiveReload::offMeansUntouched()
{
    auto site = makeSite(false);
    QVERIFY(!site->liveReload());
    Response page = site->handle(get("/index.html"));
    QCOMPARE(readBody(page), kPage);
    QCOMPARE(site->handle(get("/__h2scope/livereload.js")).status, 404);
    QCOMPARE(site->handle(get("/__h2scope/livereload")).status, 404);
}

void TestSiteLiveReload::reservedPrefix()
{
    auto site = makeSite(true);
    Response script = site->handle(get("/__h2scope/livereload.js"));
    QCOMPARE(script.status, 200);
    QCOMPARE(headerOf(script, "content-type"), std::string("text/javascript; charset=utf-8"));
    const std::string js = readBody(script);
    QVERIFY(js.find("new WebSocket(location.origin.replace(/^http/, 'ws') + path)") != std::string::npos);
    QVERIFY(js.find("new EventSource(path)") != std::string::npos); // the fallback
    QVERIFY(js.find("const path = '/__h2scope/livereload';") != std::string::npos);
    QVERIFY(js.find("on disk") == std::string::npos);
    QCOMPARE(headerOf(script, "content-length"), std::to_string(js.size()));
    // Anything else below the prefix is h2scope's, even when a file exists there.
    Response other = site->handle(get("/__h2scope/other"));
    QCOMPARE(other.status, 404);
    Response dotted = site->handle(get("/docs/../__h2scope/x"));
    QCOMPARE(dotted.status, 404);
}

void TestSiteLiveReload::eventStreamAndBroadcast()
{
    auto site = makeSite(true);
    const std::shared_ptr<LiveReload> hub = site->liveReload();
    QVERIFY(hub);
    Response stream = site->handle(get("/__h2scope/livereload"));
    QCOMPARE(stream.status, 200);
    QVERIFY(stream.live);
    QVERIFY(!stream.body);
    QVERIFY(!stream.header("content-length"));
    QCOMPARE(headerOf(stream, "content-type"), std::string("text/event-stream"));
    QCOMPARE(headerOf(stream, "cache-control"), std::string("no-store"));
    QVERIFY(readLive(*stream.live).starts_with("retry: "));
    QCOMPARE(hub->subscriberCount(), std::size_t(1));

    QCOMPARE(hub->notifyChanged({"/css/a.css", "/b.CSS"}), std::size_t(1));
    QCOMPARE(readLive(*stream.live), std::string("event: css\ndata: /css/a.css\n\nevent: css\ndata: /b.CSS\n\n"));
    hub->notifyChanged({"/a.css", "/page.html", "/x.js"});
    QCOMPARE(readLive(*stream.live), std::string("event: reload\ndata: /page.html\n\n"));
    hub->broadcast("reload", "two\nlines");
    QCOMPARE(readLive(*stream.live), std::string("event: reload\ndata: two lines\n\n"));

    // HEAD does not subscribe; dropped and closed streams are pruned.
    Request head = get("/__h2scope/livereload");
    head.method = "HEAD";
    QVERIFY(!site->handle(head).live);
    Response second = site->handle(get("/__h2scope/livereload"));
    QCOMPARE(hub->subscriberCount(), std::size_t(2));
    second.live->close();
    QCOMPARE(hub->subscriberCount(), std::size_t(1));
    std::weak_ptr<LiveBody> first = stream.live;
    stream.live.reset();
    QVERIFY(first.expired());
    QCOMPARE(hub->notifyChanged({"/x.html"}), std::size_t(0));
    QCOMPARE(hub->subscriberCount(), std::size_t(0));

    Response third = site->handle(get("/__h2scope/livereload"));
    hub->closeAll();
    QVERIFY(third.live->closed());
}

void TestSiteLiveReload::webSocketHandshakes_data()
{
    QTest::addColumn<QString>("method");
    QTest::addColumn<QString>("target");
    QTest::addColumn<QString>("upgrade");
    QTest::addColumn<bool>("http1");
    QTest::addColumn<QString>("version");
    QTest::addColumn<QString>("key");
    QTest::addColumn<int>("status");
    const QString key = QStringLiteral("dGhlIHNhbXBsZSBub25jZQ==");
    QTest::newRow("HTTP/2 extended CONNECT") << "CONNECT"
                                             << "/__h2scope/livereload"
                                             << "websocket" << false << "13"
                                             << "" << 200;
    QTest::newRow("HTTP/1.1 Upgrade") << "GET"
                                      << "/__h2scope/livereload"
                                      << "websocket" << true << "13" << key << 101;
    QTest::newRow("version 8") << "GET"
                               << "/__h2scope/livereload"
                               << "websocket" << true << "8" << key << 426;
    QTest::newRow("HTTP/2 without a version") << "CONNECT"
                                              << "/__h2scope/livereload"
                                              << "websocket" << false << ""
                                              << "" << 426;
    QTest::newRow("no key") << "GET"
                            << "/__h2scope/livereload"
                            << "websocket" << true << "13"
                            << "" << 400;
    QTest::newRow("short key") << "GET"
                               << "/__h2scope/livereload"
                               << "websocket" << true << "13"
                               << "c2hvcnQ=" << 400;
    QTest::newRow("another protocol") << "CONNECT"
                                      << "/__h2scope/livereload"
                                      << "webtransport" << false << "13"
                                      << "" << 501;
    QTest::newRow("a page") << "CONNECT"
                            << "/index.html"
                            << "websocket" << false << "13"
                            << "" << 404;
    QTest::newRow("plain CONNECT") << "CONNECT"
                                   << "/__h2scope/livereload"
                                   << "" << false << "13"
                                   << "" << 405;
    // Over HTTP/1.1 an Upgrade the site does not take is ignored: the stream as usual.
    QTest::newRow("h2c upgrade") << "GET"
                                 << "/__h2scope/livereload"
                                 << "h2c" << true << ""
                                 << "" << 200;
}

void TestSiteLiveReload::webSocketHandshakes()
{
    QFETCH(QString, method);
    QFETCH(QString, target);
    QFETCH(QString, upgrade);
    QFETCH(bool, http1);
    QFETCH(QString, version);
    QFETCH(QString, key);
    QFETCH(int, status);
    auto site = makeSite(true);
    Request r = get(target.toStdString());
    r.method = method.toStdString();
    r.upgrade = upgrade.toStdString();
    r.protocol = http1 ? Protocol::Http1 : Protocol::Http2;
    if (!version.isEmpty())
        r.headers.push_back({"sec-websocket-version", version.toStdString()});
    if (!key.isEmpty())
        r.headers.push_back({"sec-websocket-key", key.toStdString()});
    const Response response = site->handle(r);
    QCOMPARE(response.status, status);
    if (status == 101) {
        QCOMPARE(headerOf(response, "sec-websocket-accept"), std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
    }
    if (status == 101 || status == 200) {
        QVERIFY(response.live);
        QCOMPARE(response.live->takesInput(), upgrade == QLatin1String("websocket"));
    } else {
        QVERIFY(!response.live);
    }
    if (status == 426)
        QCOMPARE(headerOf(response, "sec-websocket-version"), std::string("13"));
    // Without live reload there is nothing to connect to.
    QCOMPARE(makeSite(false)->handle(r).status, method == QLatin1String("CONNECT") && upgrade.isEmpty() ? 405 : 404);
}

void TestSiteLiveReload::webSocketSubscribers()
{
    namespace ws = websocket;
    auto site = makeSite(true);
    const std::shared_ptr<LiveReload> hub = site->liveReload();
    Request r = get("/__h2scope/livereload");
    r.method = "CONNECT";
    r.upgrade = "websocket";
    r.headers.push_back({"sec-websocket-version", "13"});
    Response socket = site->handle(r);
    Response events = site->handle(get("/__h2scope/livereload"));
    QVERIFY(socket.live && events.live);
    readLive(*events.live);                          // the retry: line
    QCOMPARE(readLive(*socket.live), std::string()); // nothing until there is news
    QCOMPARE(hub->subscriberCount(), std::size_t(2));

    // One change, each subscriber in its own format.
    QCOMPARE(hub->notifyChanged({"/css/a.css"}), std::size_t(2));
    QCOMPARE(readLive(*socket.live), ws::serverFrame(ws::Opcode::Text, "css\n/css/a.css"));
    QCOMPARE(readLive(*events.live), std::string("event: css\ndata: /css/a.css\n\n"));
    hub->heartbeat();
    QCOMPARE(readLive(*socket.live), ws::serverFrame(ws::Opcode::Ping, {}));
    QCOMPARE(readLive(*events.live), std::string(": ping\n\n"));

    // The client's frames: a Ping answered, a Close echoed and the end.
    const auto masked = [](std::uint8_t first, std::string_view payload) {
        std::string out{static_cast<char>(first), static_cast<char>(0x80 | payload.size()), 1, 2, 3, 4};
        for (std::size_t i = 0; i < payload.size(); ++i)
            out.push_back(static_cast<char>(payload[i] ^ (1 + (i & 3))));
        return out;
    };
    socket.live->receive(masked(0x89, "are you there"));
    QCOMPARE(readLive(*socket.live), ws::serverFrame(ws::Opcode::Pong, "are you there"));
    socket.live->receive(masked(0x81, "a message nobody reads"));
    QCOMPARE(readLive(*socket.live), std::string());
    socket.live->receive(masked(0x88, std::string("\x03\xe9", 2)));
    QCOMPARE(readLive(*socket.live), ws::closeFrame(ws::kGoingAway));
    QVERIFY(socket.live->closed());
    QCOMPARE(hub->subscriberCount(), std::size_t(1));

    // A client that breaks the protocol gets 1002 and the end.
    Response rude = site->handle(r);
    rude.live->receive(std::string("\x81\x02hi", 4)); // not masked
    const std::string closing = readLive(*rude.live);
    QVERIFY2(closing.starts_with(std::string("\x88", 1)) && closing.substr(2, 2) == std::string("\x03\xea", 2),
             closing.c_str());
    QVERIFY(rude.live->closed());

    // Shutdown: WebSockets are told why (1001) before they end.
    Response last = site->handle(r);
    hub->closeAll();
    const std::string goingAway = readLive(*last.live);
    QVERIFY(goingAway.starts_with(ws::closeFrame(ws::kGoingAway).substr(0, 1)));
    QCOMPARE(goingAway.substr(2, 2), std::string("\x03\xe9", 2));
    QVERIFY(last.live->closed());
}

void TestSiteLiveReload::spaFallback()
{
    auto spa = makeSite(true, true);
    Response route = spa->handle(get("/users/42"));
    QCOMPARE(route.status, 200);
    QVERIFY(readBody(route).starts_with("<!doctype html>\n<html><body><h1>home</h1>"));
    QVERIFY(route.note.find("SPA") != std::string::npos);
    QCOMPARE(spa->handle(get("/users/42/")).status, 200);
    // A missing file with an extension is a real 404 (the custom one here).
    Response missing = spa->handle(get("/missing.js"));
    QCOMPARE(missing.status, 404);
    // Refusals stay refusals.
    QCOMPARE(spa->handle(get("/.env")).status, 404);

    auto plain = makeSite(true, false);
    QCOMPARE(plain->handle(get("/users/42")).status, 404);
}

void TestSiteLiveReload::custom404()
{
    auto site = makeSite(true, false, true);
    Response missing = site->handle(get("/nope.html"));
    QCOMPARE(missing.status, 404);
    const std::string body = readBody(missing);
    QVERIFY(body.starts_with("<html><body>custom missing"));
    QVERIFY(body.find(LiveReload::kScriptTag) != std::string::npos);
    QCOMPARE(headerOf(missing, "content-length"), std::to_string(body.size()));
    QVERIFY(!missing.note.empty());

    auto noLive = makeSite(false, false, true);
    Response plain404 = noLive->handle(get("/nope.html"));
    QCOMPARE(readBody(plain404), std::string("<html><body>custom missing</body></html>"));

    auto off = makeSite(true, false, false);
    Response builtin = off->handle(get("/nope.html"));
    QCOMPARE(builtin.status, 404);
    QVERIFY(readBody(builtin).find("custom missing") == std::string::npos);
}

void TestSiteLiveReload::hostOf_data()
{
    QTest::addColumn<QString>("authority");
    QTest::addColumn<QString>("host");
    QTest::newRow("name:port") << "LocalHost:8443"
                               << "localhost";
    QTest::newRow("v4") << "127.0.0.1:1"
                        << "127.0.0.1";
    QTest::newRow("v6") << "[::1]:8443"
                        << "::1";
    QTest::newRow("v6 no port") << "[::1]"
                                << "::1";
    QTest::newRow("zone") << "[fe80::1%25eth0]:1"
                          << "fe80::1";
    QTest::newRow("trailing dot") << "localhost.:1"
                                  << "localhost";
    QTest::newRow("userinfo") << "localhost@evil.example"
                              << "evil.example";
}

void TestSiteLiveReload::hostOf()
{
    QFETCH(QString, authority);
    QFETCH(QString, host);
    QCOMPARE(QString::fromStdString(HostAllowList::hostOf(authority.toStdString())), host);
}

void TestSiteLiveReload::hostRules_data()
{
    QTest::addColumn<QString>("authority");
    QTest::addColumn<bool>("allowed");
    QTest::newRow("localhost") << "localhost:8443" << true;
    QTest::newRow("sub.localhost") << "app.localhost" << true;
    QTest::newRow("127.0.0.1") << "127.0.0.1:8443" << true;
    QTest::newRow("127.1.2.3") << "127.1.2.3" << true;
    QTest::newRow("::1") << "[::1]:8443" << true;
    QTest::newRow("mapped loopback") << "[::ffff:127.0.0.1]" << true;
    QTest::newRow("added name") << "dev.test:443" << true;
    QTest::newRow("wildcard sub") << "a.corp.test" << true;
    QTest::newRow("wildcard bare") << "corp.test" << false;
    QTest::newRow("foreign") << "evil.example" << false;
    QTest::newRow("localhost lookalike") << "localhost.evil.example" << false;
    QTest::newRow("suffix lookalike") << "evillocalhost" << false;
    QTest::newRow("any address") << "0.0.0.0:8443" << false;
    QTest::newRow("foreign ip") << "203.0.113.7" << false;
    QTest::newRow("port only") << ":8443" << false;
}

void TestSiteLiveReload::hostRules()
{
    QFETCH(QString, authority);
    QFETCH(bool, allowed);
    const HostAllowList list({"dev.test", "*.corp.test"});
    QCOMPARE(list.allows(authority.toStdString()), allowed);
    QVERIFY(HostAllowList({}, true).allows(authority.toStdString()));
}

void TestSiteLiveReload::hostRefusalIs421()
{
    auto site = makeSite(true, false, true, {"dev.test"});
    Response refused = site->handle(get("/index.html", "evil.example"));
    QCOMPARE(refused.status, 421);
    QCOMPARE(headerOf(refused, "content-type"), std::string("text/plain; charset=utf-8"));
    QVERIFY(readBody(refused).find("evil.example") != std::string::npos);
    QVERIFY(refused.note.starts_with("refused"));
    // Refused before the path is even looked at, whatever the method.
    Request post = get("/x", "evil.example");
    post.method = "POST";
    QCOMPARE(site->handle(post).status, 421);
    QCOMPARE(site->handle(get("/index.html", "localhost")).status, 200);
    QCOMPARE(site->handle(get("/index.html", "127.0.0.1:9")).status, 200);
    QCOMPARE(site->handle(get("/index.html", "dev.test")).status, 200);
    QCOMPARE(site->handle(get("/index.html", "")).status, 200);

    // This machine's own (non-loopback) addresses are served too.
    const HostAllowList list;
    QVERIFY(list.isOwnAddress("127.0.0.1"));
    QVERIFY(!list.isOwnAddress("203.0.113.7"));
    ifaddrs *addrs = nullptr;
    QCOMPARE(::getifaddrs(&addrs), 0);
    std::string ownV4;
    for (const ifaddrs *it = addrs; it && ownV4.empty(); it = it->ifa_next) {
        if (!it->ifa_addr || it->ifa_addr->sa_family != AF_INET)
            continue;
        char text[INET_ADDRSTRLEN] = {};
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in *>(it->ifa_addr)->sin_addr, text, sizeof text);
        if (!std::string(text).starts_with("127."))
            ownV4 = text;
    }
    ::freeifaddrs(addrs);
    if (ownV4.empty())
        QSKIP("this machine has no non-loopback IPv4 address to test with");
    QVERIFY(list.isOwnAddress(ownV4));
    QCOMPARE(site->handle(get("/index.html", ownV4 + ":8443")).status, 200);
}

QTEST_APPLESS_MAIN(TestSiteLiveReload)
#include "tst_sitelivereload.moc"
