// The protocol lab end to end: an in-process h2scope server on loopback with
// TLS serving the demo site, loaded by the lab's page loader in every mode
// through the emulated 4G link.

#include "lab/folderlab.h"
#include "lab/labjson.h"
#include "lab/labrunner.h"
#include "lab/pageloader.h"
#include "net/server.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QtTest>

#include <memory>

using namespace h2scope;

class TestLab : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void everyModeCompletesOn4g();
    void http2UsesOneConnectionHttp1Several();
    void pushedStreamsAreUsed();
    void earlyHintsStartCssBeforeHtmlEnds();
    void emulatedRttOrdersLoads();
    void jsonHasDocumentedFields();
    void missingPageFails();
    void moduleDemoLoadsLevelByLevel();

private:
    lab::LoadOptions options(lab::LoadMode mode, const char *preset = "4g") const;
    lab::LoadResult load(lab::LoadMode mode, const char *preset = "4g");

    std::unique_ptr<site::StaticSite> m_site;
    std::unique_ptr<net::Server> m_server;
    std::optional<lab::LabReport> m_report;
};

void TestLab::initTestCase()
{
    auto pem = certs::makeSelfSigned();
    QVERIFY2(pem.ok(), pem.ok() ? "" : pem.error().message.c_str());
    tls::TlsOptions to;
    to.certPem = pem->certPem;
    to.keyPem = pem->keyPem;
    auto ctx = tls::TlsContext::create(to);
    QVERIFY2(ctx.ok(), ctx.ok() ? "" : ctx.error().message.c_str());
    site::SiteOptions so;
    so.root = H2SCOPE_SOURCE_DIR "/resources/demo";
    auto site = site::StaticSite::create(so);
    QVERIFY2(site.ok(), site.ok() ? "" : site.error().message.c_str());
    m_site = std::move(*site);
    net::ServerOptions opts;
    opts.port = 0;
    opts.workers = 1;
    opts.tls = *ctx;
    m_server = std::make_unique<net::Server>(opts, *m_site, nullptr);
    auto started = m_server->start();
    QVERIFY2(started.ok(), started.ok() ? "" : started.error().message.c_str());
}

void TestLab::cleanupTestCase()
{
    if (m_server)
        m_server->stop(std::chrono::milliseconds(500));
}

lab::LoadOptions TestLab::options(lab::LoadMode mode, const char *preset) const
{
    lab::LoadOptions o;
    o.port = m_server->port();
    o.page = "/";
    o.mode = mode;
    o.network = *lab::findNetworkPreset(preset);
    o.timeout = std::chrono::milliseconds(20'000);
    return o;
}

lab::LoadResult TestLab::load(lab::LoadMode mode, const char *preset)
{
    auto r = lab::PageLoader::load(options(mode, preset));
    if (!r.ok())
        qFatal("%s load failed: %s", lab::loadModeName(mode), r.error().message.c_str());
    return std::move(*r);
}

void TestLab::everyModeCompletesOn4g()
{
    lab::LabOptions lo;
    lo.load = options(lab::LoadMode::Http2);
    lo.runs = 2;
    auto report = lab::LabRunner::run(lo);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->modes.size(), std::size_t(4));
    const std::vector<std::string> expected{"/css/site.css", "/fonts/dejavu-sans-bold-subset.woff2", "/img/hero.svg",
                                            "/img/icon.png", "/js/app.js"};
    for (const lab::ModeSummary &s : report->modes) {
        QCOMPARE(s.runs.size(), std::size_t(2));
        QVERIFY2(s.assets == expected, lab::loadModeName(s.mode));
        for (const lab::LoadResult &r : s.runs) {
            QVERIFY(r.metrics.pageCompleteUs > r.metrics.ttfbUs);
            for (const lab::ResourceTiming &t : r.resources)
                if (t.needed)
                    QVERIFY2(t.complete && t.status == 200, t.path.c_str());
        }
        // 4G: connect + TLS 1.3 + request is three round trips of 60 ms at least.
        QVERIFY(s.ttfb.min >= 180'000);
    }
    QVERIFY(!report->verdict.empty());
    qInfo("%s", lab::labReportTable(*report).c_str());
    m_report = std::move(*report);
}

void TestLab::http2UsesOneConnectionHttp1Several()
{
    QVERIFY(m_report);
    for (const lab::ModeSummary &s : m_report->modes) {
        if (s.mode == lab::LoadMode::Http1) {
            QVERIFY2(s.connections > 1, "HTTP/1.1 should open parallel connections");
            QVERIFY(s.connections <= 6);
            QCOMPARE(s.tlsHandshakes, s.connections);
        } else {
            QCOMPARE(s.connections, 1u);
            QCOMPARE(s.tlsHandshakes, 1u);
        }
        for (const lab::ConnectionTiming &c : s.runs.front().connections)
            QCOMPARE(QString::fromStdString(c.alpn), s.mode == lab::LoadMode::Http1 ? "http/1.1" : "h2");
    }
}

void TestLab::pushedStreamsAreUsed()
{
    const lab::LoadResult r = load(lab::LoadMode::Http2Push);
    QVERIFY2(r.metrics.pushedStreams >= 2, "the demo's stylesheet and script are pushed");
    QCOMPARE(r.metrics.pushedUsed, r.metrics.pushedStreams);
    QCOMPARE(r.metrics.pushedWasted, 0u);
    for (const lab::ResourceTiming &t : r.resources)
        if (t.path == "/css/site.css" || t.path == "/js/app.js")
            QVERIFY2(t.pushed && t.needed && t.initiator == "push", t.path.c_str());
    // Nothing pushed was requested again: requests = resources not pushed.
    std::uint32_t notPushed = 0;
    for (const lab::ResourceTiming &t : r.resources)
        notPushed += t.pushed ? 0 : 1;
    QCOMPARE(r.metrics.requests, notPushed);
    // Plain HTTP/2 pushes nothing and hears no hints.
    const lab::LoadResult plain = load(lab::LoadMode::Http2);
    QCOMPARE(plain.metrics.pushedStreams, 0u);
    QCOMPARE(plain.metrics.earlyHints, 0u);
}

void TestLab::earlyHintsStartCssBeforeHtmlEnds()
{
    const lab::LoadResult r = load(lab::LoadMode::Http2Hints);
    QVERIFY(r.metrics.earlyHints >= 1);
    const lab::ResourceTiming &html = r.resources.front();
    const lab::ResourceTiming *css = nullptr;
    for (const lab::ResourceTiming &t : r.resources)
        if (t.path == "/css/site.css")
            css = &t;
    QVERIFY(css);
    QCOMPARE(QString::fromStdString(css->initiator), QString("early-hints"));
    QVERIFY2(css->requestUs < html.completeUs, "the CSS request must start before the HTML ends");
    QVERIFY2(css->requestUs < html.responseUs, "the 103 arrives before the 200");
}

void TestLab::emulatedRttOrdersLoads()
{
    // Ordering, not absolute time: a longer RTT gives a later first byte.
    const lab::LoadResult fast = load(lab::LoadMode::Http2, "loopback");
    const lab::LoadResult cable = load(lab::LoadMode::Http2, "cable");
    const lab::LoadResult g4 = load(lab::LoadMode::Http2, "4g");
    QVERIFY(fast.metrics.ttfbUs < cable.metrics.ttfbUs);
    QVERIFY(cable.metrics.ttfbUs < g4.metrics.ttfbUs);
    QVERIFY(cable.metrics.pageCompleteUs < g4.metrics.pageCompleteUs);
}

void TestLab::jsonHasDocumentedFields()
{
    QVERIFY(m_report);
    const std::string json = lab::labReportJson(*m_report);
    QJsonParseError err;
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    const QJsonObject root = doc.object();
    for (const char *k : {"tool", "version", "page", "network", "runs", "verdict", "modes"})
        QVERIFY2(root.contains(k), k);
    QCOMPARE(root["network"].toObject()["rttMs"].toInt(), 60);
    const QJsonArray modes = root["modes"].toArray();
    QCOMPARE(modes.size(), 4);
    for (const QJsonValue &m : modes) {
        const QJsonObject o = m.toObject();
        for (const char *k : {"mode", "label", "ttfbMs", "pageCompleteMs", "connections", "tlsHandshakes", "requests",
                              "earlyHints", "pushedStreams", "pushedUsed", "pushedWasted", "pushedWastedBytes",
                              "bytesUp", "bytesDown", "bytesOnWire", "assets", "medianRun", "runs"})
            QVERIFY2(o.contains(k), k);
        QVERIFY(o["pageCompleteMs"].toObject()["median"].toDouble() > 0);
        const QJsonObject run = o["runs"].toArray().first().toObject();
        QVERIFY(run["resources"].toArray().size() >= 6);
        QVERIFY(run["connectionList"].toArray().size() >= 1);
        const QJsonObject res = run["resources"].toArray().first().toObject();
        for (const char *k : {"path", "as", "initiator", "connection", "stream", "pushed", "needed", "status",
                              "discoveredMs", "requestMs", "responseMs", "completeMs", "bodyBytes", "complete"})
            QVERIFY2(res.contains(k), k);
    }
}

void TestLab::missingPageFails()
{
    lab::LoadOptions o = options(lab::LoadMode::Http2, "loopback");
    o.page = "/no-such-page.html";
    auto r = lab::PageLoader::load(o);
    QVERIFY(!r.ok());
    QCOMPARE(r.error().code, Errc::NotFound);
}

void TestLab::moduleDemoLoadsLevelByLevel()
{
    // The bundled module app: 249 modules five levels deep. The loader
    // follows imports as a browser does (a module's imports only once it has
    // arrived), so plain HTTP/2 pays a round trip per level; pushing or
    // hinting the graph takes those round trips away. Every mode loads the
    // same modules, and nothing pushed is wasted.
    auto pem = certs::makeSelfSigned();
    QVERIFY(pem.ok());
    lab::LabOptions lo;
    lo.load.page = "/";
    lo.load.network = *lab::findNetworkPreset("4g");
    lo.load.timeout = std::chrono::milliseconds(30'000);
    // Three runs, so that the medians compared below are medians: one load
    // slowed by a busy machine (sanitizers, tests alongside) moves none.
    lo.runs = 3;
    auto report = lab::runAgainstFolder(H2SCOPE_SOURCE_DIR "/resources/modules-demo", pem->certPem, pem->keyPem, lo);
    QVERIFY2(report.ok(), report.ok() ? "" : report.error().message.c_str());
    QCOMPARE(report->modes.size(), std::size_t(4));
    const auto mode = [&](lab::LoadMode m) -> const lab::ModeSummary & {
        for (const lab::ModeSummary &s : report->modes)
            if (s.mode == m)
                return s;
        qFatal("no mode %s", lab::loadModeName(m));
    };
    const lab::ModeSummary &h2 = mode(lab::LoadMode::Http2), &push = mode(lab::LoadMode::Http2Push),
                           &hints = mode(lab::LoadMode::Http2Hints), &h1 = mode(lab::LoadMode::Http1);
    QVERIFY2(h2.assets.size() >= 200, qPrintable(QString::number(h2.assets.size())));
    QCOMPARE(push.assets, h2.assets);
    QCOMPARE(hints.assets, h2.assets);
    QCOMPARE(h1.assets, h2.assets);
    QCOMPARE(push.pushedWasted, 0u);
    QVERIFY(push.pushedStreams >= 100);
    const std::int64_t rtt = std::int64_t(lo.load.network.rttMs) * 1000;
    // The page, then five levels of modules: at least six round trips in plain HTTP/2.
    QVERIFY2(h2.pageComplete.median >= 6 * rtt, qPrintable(QString::number(h2.pageComplete.median)));
    QVERIFY2(
        push.pageComplete.median + 3 * rtt <= h2.pageComplete.median,
        qPrintable(QStringLiteral("push %1 us, h2 %2 us").arg(push.pageComplete.median).arg(h2.pageComplete.median)));
    QVERIFY2(
        hints.pageComplete.median + rtt <= h2.pageComplete.median,
        qPrintable(QStringLiteral("hints %1 us, h2 %2 us").arg(hints.pageComplete.median).arg(h2.pageComplete.median)));
}

QTEST_APPLESS_MAIN(TestLab)
#include "tst_lab.moc"
