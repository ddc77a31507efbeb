// The live inspector over a real capture: a folder served in-process over
// TLS, fetched by nghttp (push on, then push off), the events drained into a
// CaptureStore and shown by the window's models and views.

#include "connectionmodel.h"
#include "detailspane.h"
#include "flowgraph.h"
#include "framefilter.h"
#include "framemodel.h"
#include "frametext.h"
#include "mainwindow.h"
#include "requestsmodel.h"
#include "requestsview.h"
#include "serversettings.h"
#include "settingsdialog.h"
#include "waterfallview.h"

#include "inspect/capturelog.h"
#include "inspect/capturestore.h"
#include "inspect/connectionindex.h"

#include "net/server.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"
#include <cmath>
#include <cstring>

#include <QAbstractItemModelTester>
#include <QAction>
#include <QDir>
#include <QFile>
#include <QHeaderView>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QProcess>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QStatusBar>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace h2scope;

namespace {

// A connection from 127.0.0.1:1 to 127.0.0.1:2 speaking `protocol`, opened in `log`.
void logOpened(inspect::CaptureLog &log, const char *protocol)
{
    inspect::ConnectionOpened opened;
    opened.peer = "127.0.0.1:1";
    opened.local = "127.0.0.1:2";
    opened.protocol = protocol;
    log.opened(opened);
}

// Makes sure the page promises its assets whatever the push policy decides,
// so this test is about the inspector, not about push discovery.
class PushingSite final : public site::Handler {
public:
    explicit PushingSite(site::Handler &inner) : m_inner(inner) {}
    site::Response handle(const site::Request &request) override
    {
        site::Response r = m_inner.handle(request);
        if ((request.target == "/" || request.target == "/index.html") && r.status == 200 && r.pushPromises.empty())
            r.pushPromises = {"/style.css", "/app.js"};
        return r;
    }

private:
    site::Handler &m_inner;
};

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

// nghttp opens idle streams 3..11 with PRIORITY frames first, so the page
// is not necessarily stream 1: find it by its path.
std::int32_t pageStream(const inspect::ConnectionIndex &connIndex)
{
    for (const auto &[id, s] : connIndex.streams())
        if (!s.pushed && s.path == "/index.html")
            return id;
    return 0;
}

int rowStartingWith(const ui::WaterfallView &view, const QString &prefix)
{
    for (int r = 0; r < view.rowCount(); ++r)
        if (view.rowText(r).startsWith(prefix))
            return r;
    return -1;
}

QString cell(const QAbstractItemModel &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

} // namespace

class TestInspector : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void connectionsAppear();
    void pushedStreamsAndOutcomes();
    void framesHaveTypesAndValues();
    void pushDisabledBanner();
    void detailsShowHeaderBlockAndSettings();
    void waterfallClickSelectsFrame();
    void contextMenusLeadToRequests();
    void modelsPassTesterWhileCaptureGrows();
    void largeConnectionIsDissectedInSlices();
    void http1ExchangesAreWaterfallRows();
    void filters_data();
    void filters();
    void filterErrors();
    void saveThenOpenRoundTrip();
    void harExportFromAction();
    void flowControlWindows();
    void settingsRoundTrip();

private:
    std::uint64_t connectionWithPush(bool wantPush) const;

    QTemporaryDir m_dir;
    inspect::CaptureStore m_store;
    std::uint64_t m_pushConn = 0;   // nghttp with push
    std::uint64_t m_noPushConn = 0; // nghttp --no-push
};

void TestInspector::initTestCase()
{
    // The window remembers its layout with QSettings: keep that out of the user's.
    QStandardPaths::setTestModeEnabled(true);
    QCoreApplication::setOrganizationName(QStringLiteral("h2scope-tests"));
    QCoreApplication::setApplicationName(QStringLiteral("tst_inspector"));
    const QString nghttp = QStandardPaths::findExecutable(QStringLiteral("nghttp"));
    if (nghttp.isEmpty())
        QSKIP("nghttp is not installed (apt-get install nghttp2-client); .ci/deps installs it");
    QVERIFY(m_dir.isValid());
    const QString root = m_dir.filePath(QStringLiteral("site"));
    QVERIFY(QDir().mkpath(root));
    writeFile(root + QStringLiteral("/index.html"),
              "<!doctype html><html><head><link rel=stylesheet href=\"/style.css\">"
              "<script src=\"/app.js\" defer></script></head><body><h1>hi</h1></body></html>\n");
    writeFile(root + QStringLiteral("/style.css"), QByteArray(40000, 'c'));
    writeFile(root + QStringLiteral("/app.js"), QByteArray(70000, 'j'));

    site::SiteOptions siteOptions;
    siteOptions.root = root.toStdString();
    auto site = site::StaticSite::create(siteOptions);
    QVERIFY2(site.ok(), site ? "" : site.error().message.c_str());
    PushingSite pushing(**site);

    auto pem = certs::makeSelfSigned();
    QVERIFY(pem.ok());
    tls::TlsOptions tlsOptions;
    tlsOptions.certPem = pem->certPem;
    tlsOptions.keyPem = pem->keyPem;
    auto ctx = tls::TlsContext::create(tlsOptions);
    QVERIFY(ctx.ok());

    inspect::CaptureHub hub(1);
    net::ServerOptions serverOptions;
    serverOptions.port = 0;
    serverOptions.workers = 1;
    serverOptions.tls = *ctx;
    net::Server server(serverOptions, pushing, &hub);
    auto started = server.start();
    QVERIFY2(started.ok(), started ? "" : started.error().message.c_str());
    const QString url = QString::fromStdString(server.url()) + QStringLiteral("index.html");

    const auto fetch = [&](const QStringList &extra) {
        QProcess p;
        p.start(nghttp, QStringList{QStringLiteral("-nv")} + extra + QStringList{url});
        QVERIFY(p.waitForFinished(20000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
    };
    fetch({});
    fetch({QStringLiteral("--no-push")});
    server.stop(std::chrono::milliseconds(1000));

    std::vector<inspect::LogAnnouncement> logs;
    hub.collect(logs);
    QVERIFY(!logs.empty());
    const inspect::StoreDelta delta = m_store.ingest(std::move(logs));
    QCOMPARE(delta.added.size(), std::size_t{2});
    QCOMPARE(m_store.connectionCount(), std::size_t{2});
    const std::vector<std::uint64_t> ids = m_store.connectionIds();
    m_pushConn = ids[0];
    m_noPushConn = ids[1];
}

void TestInspector::cleanupTestCase() {}

void TestInspector::connectionsAppear()
{
    ui::ConnectionModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setStore(&m_store, false);
    QCOMPARE(model.rowCount(), 2);
    QCOMPARE(model.connectionId(0), m_pushConn);
    QCOMPARE(cell(model, 0, ui::ConnectionModel::Alpn), QStringLiteral("h2"));
    QVERIFY(cell(model, 0, ui::ConnectionModel::Tls).startsWith(QStringLiteral("TLSv1.")));
    QVERIFY(!cell(model, 0, ui::ConnectionModel::Cipher).isEmpty());
    QVERIFY(cell(model, 0, ui::ConnectionModel::Peer).startsWith(QStringLiteral("127.0.0.1:")));
    // Who the client is, from its first request's user-agent (nghttp here).
    QVERIFY2(cell(model, 0, ui::ConnectionModel::Client).startsWith(QStringLiteral("nghttp2/")),
             qPrintable(cell(model, 0, ui::ConnectionModel::Client)));
    QCOMPARE(ui::clientName("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                            "Chrome/120.0.6099.224 Safari/537.36"),
             QStringLiteral("Chrome 120"));
    QCOMPARE(ui::clientName("Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
                            "HeadlessChrome/120.0.6099.224 Safari/537.36"),
             QStringLiteral("Headless Chrome 120"));
    QCOMPARE(ui::clientName("Mozilla/5.0 (X11; Linux x86_64; rv:121.0) Gecko/20100101 Firefox/121.0"),
             QStringLiteral("Firefox 121"));
    QCOMPARE(ui::clientName("Mozilla/5.0 (Macintosh; Intel Mac OS X 14_2) AppleWebKit/605.1.15 (KHTML, like Gecko) "
                            "Version/17.2 Safari/605.1.15"),
             QStringLiteral("Safari 17"));
    QCOMPARE(ui::clientName("curl/7.88.1"), QStringLiteral("curl/7.88.1"));
    QCOMPARE(ui::clientName("h2load nghttp2/1.52.0"), QStringLiteral("h2load"));
    QCOMPARE(ui::clientName(""), QString());
    QCOMPARE(cell(model, 0, ui::ConnectionModel::State), QStringLiteral("closed"));
    QVERIFY2(cell(model, 0, ui::ConnectionModel::Streams).contains(QStringLiteral("2 pushed")),
             qPrintable(cell(model, 0, ui::ConnectionModel::Streams)));
    QVERIFY(!cell(model, 0, ui::ConnectionModel::CloseReason).isEmpty());

    // A refresh repaints only the rows the store's delta names (both
    // connections are closed, so no age runs): nothing, then the second row.
    QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
    model.refresh();
    QCOMPARE(changed.count(), 0);
    model.refresh({m_noPushConn});
    QCOMPARE(changed.count(), 1);
    QCOMPARE(changed[0][0].toModelIndex().row(), 1);
    QCOMPARE(changed[0][1].toModelIndex().row(), 1);
}

void TestInspector::pushedStreamsAndOutcomes()
{
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_pushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    const std::int32_t pageId = pageStream(connIndex);
    const inspect::StreamSummary *page = connIndex.stream(pageId);
    QVERIFY(page);
    QCOMPARE(page->method, std::string("GET"));
    QCOMPARE(page->status, 200);
    QVERIFY(!connIndex.peerDisabledPush());
    int pushed = 0;
    for (const auto &[id, s] : connIndex.streams()) {
        if (!s.pushed)
            continue;
        ++pushed;
        QCOMPARE(id % 2, 0);
        QCOMPARE(s.parentId, pageId);
        QCOMPARE(s.pushOutcome, std::string("completed"));
        QCOMPARE(s.status, 200);
        QVERIFY(s.path == "/style.css" || s.path == "/app.js");
        QVERIFY(s.promiseNs > 0);
    }
    QCOMPARE(pushed, 2);
    // Display order: the page, then what it promised.
    const std::vector<std::int32_t> order = connIndex.displayOrder();
    const auto at = std::find(order.begin(), order.end(), pageId);
    QVERIFY(at != order.end() && at + 2 < order.end());
    QVERIFY(connIndex.stream(at[1])->pushed && connIndex.stream(at[2])->pushed);

    ui::WaterfallView view;
    view.resize(1200, 400);
    view.setSource(&m_store, &connIndex);
    QCOMPARE(view.rowCount(), 1 + static_cast<int>(connIndex.streams().size()));
    QCOMPARE(view.rowText(0), QStringLiteral("connection (stream 0)"));
    const int pageRow = rowStartingWith(view, QStringLiteral("stream %1 ").arg(pageId));
    QVERIFY(pageRow > 0);
    QCOMPARE(view.rowText(pageRow), QStringLiteral("stream %1 GET /index.html 200").arg(pageId)); // no preloads: no 103
    QVERIFY2(view.rowText(pageRow + 1).endsWith(QStringLiteral("200 push completed")),
             qPrintable(view.rowText(pageRow + 1)));
    QVERIFY2(view.rowText(pageRow + 2).endsWith(QStringLiteral("200 push completed")),
             qPrintable(view.rowText(pageRow + 2)));
    QVERIFY(view.bannerText().isEmpty());
    // Painting works (and paints something where the first frame is).
    QImage image(view.size(), QImage::Format_ARGB32);
    view.render(&image);
}

void TestInspector::framesHaveTypesAndValues()
{
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_pushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    const std::int32_t pageId = pageStream(connIndex);
    QVERIFY(pageId > 0);
    ui::FrameModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&m_store, &connIndex);
    QCOMPARE(static_cast<std::size_t>(model.rowCount()), connIndex.frames().size());
    bool settingsIn = false, settingsOut = false, request = false, promise = false, pushedResponse = false,
         endData = false, windowUpdate = false;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString type = cell(model, r, ui::FrameModel::Type);
        const QString dir = cell(model, r, ui::FrameModel::Direction);
        const QString summary = cell(model, r, ui::FrameModel::Summary);
        const int stream = model.data(model.index(r, ui::FrameModel::Stream)).toInt();
        QCOMPARE(cell(model, r, ui::FrameModel::Index).toInt(), r + 1);
        if (type == QLatin1String("SETTINGS") && !summary.contains(QLatin1String("ACK")))
            (dir.contains(QLatin1String("in")) ? settingsIn : settingsOut) = true;
        if (type == QLatin1String("HEADERS") && stream == pageId && dir.contains(QLatin1String("in")))
            request = summary == QLatin1String("GET /index.html");
        if (type == QLatin1String("PUSH_PROMISE")) {
            QCOMPARE(stream, pageId);
            QVERIFY2(summary.startsWith(QStringLiteral("PUSH_PROMISE → ")), qPrintable(summary));
            promise = promise || summary.endsWith(QLatin1String(" /style.css"));
        }
        if (type == QLatin1String("HEADERS") && stream % 2 == 0 && summary.startsWith(QLatin1String(":status 200")))
            pushedResponse = true;
        if (type == QLatin1String("DATA")
            && cell(model, r, ui::FrameModel::Flags).contains(QLatin1String("END_STREAM")))
            endData = true;
        if (type == QLatin1String("WINDOW_UPDATE"))
            windowUpdate = windowUpdate || summary.startsWith(QLatin1String("WINDOW_UPDATE +"));
    }
    QVERIFY(settingsIn);
    QVERIFY(settingsOut);
    QVERIFY(request);
    QVERIFY(promise);
    QVERIFY(pushedResponse);
    QVERIFY(endData);
    QVERIFY(windowUpdate);
    // Times read as milliseconds to the microsecond ("165.549"), rising.
    const QRegularExpression millis(QStringLiteral("^\\d+\\.\\d{3}$"));
    double previous = -1;
    for (int r = 0; r < model.rowCount(); ++r) {
        const QString t = cell(model, r, ui::FrameModel::Time);
        QVERIFY2(millis.match(t).hasMatch(), qPrintable(t));
        QVERIFY(t.toDouble() >= previous);
        previous = t.toDouble();
    }
    // The CSS response names its type and length.
    bool css = false;
    for (int r = 0; r < model.rowCount(); ++r)
        css = css || cell(model, r, ui::FrameModel::Summary) == QLatin1String(":status 200 text/css 40000 B");
    QVERIFY(css);
}

void TestInspector::pushDisabledBanner()
{
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_noPushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    QVERIFY(connIndex.peerDisabledPush());
    for (const auto &[id, s] : connIndex.streams())
        QVERIFY2(!s.pushed, "nothing may be pushed to a client that disabled push");
    const inspect::StreamSummary *page = connIndex.stream(pageStream(connIndex));
    QVERIFY(page);
    QVERIFY2(page->skippedNote.find("ENABLE_PUSH=0") != std::string::npos, page->skippedNote.c_str());
    ui::WaterfallView view;
    view.resize(1200, 400);
    view.setSource(&m_store, &connIndex);
    QVERIFY(view.bannerText().contains(QLatin1String("browsers no longer accept server push")));
    // The axis names its grid, a round step, not "644 µs per 100 px".
    for (int zoom = 0; zoom < 3; ++zoom) {
        const double step = view.gridStepNs();
        const double mantissa = step / std::pow(10.0, std::floor(std::log10(step)));
        QVERIFY2(std::abs(mantissa - 1) < 1e-6 || std::abs(mantissa - 2) < 1e-6 || std::abs(mantissa - 5) < 1e-6,
                 qPrintable(view.axisTitle()));
        QVERIFY2(view.axisTitle().contains(ui::durationText(static_cast<std::uint64_t>(step))),
                 qPrintable(view.axisTitle()));
        view.resize(view.width() / 2 + 200, 400);
        view.fitAll();
    }
    // The banner says it once: no "push skipped" row under each page (under
    // h2load that doubled the waterfall); the page's own row says it.
    bool skippedRow = false, markedPage = false;
    for (int r = 0; r < view.rowCount(); ++r) {
        skippedRow = skippedRow || view.rowText(r).startsWith(QLatin1String("push skipped"));
        markedPage = markedPage
                     || (view.rowText(r).startsWith(QStringLiteral("stream %1 ").arg(page->id))
                         && view.rowText(r).endsWith(QLatin1String("push skipped")));
    }
    QVERIFY(!skippedRow);
    QVERIFY(markedPage);
}

void TestInspector::detailsShowHeaderBlockAndSettings()
{
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_pushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    // Both SETTINGS were acknowledged, and the ACK time is shown.
    int acked = 0;
    for (const inspect::SettingsExchange &x : connIndex.settings())
        acked += x.ackNs >= x.sentNs && x.ackNs != 0 ? 1 : 0;
    QVERIFY(acked >= 2);
    const QString conn = ui::DetailsPane::connectionHtml(m_store, connIndex);
    QVERIFY(conn.contains(QLatin1String("ALPN")));
    QVERIFY(conn.contains(QLatin1String("acknowledged after")));
    QVERIFY(conn.contains(QLatin1String("MAX_CONCURRENT_STREAMS")));

    QVERIFY(connIndex.stream(pageStream(connIndex)));
    // A PUSH_PROMISE says what became of its promise.
    bool promiseShown = false;
    for (std::size_t idx : connIndex.stream(pageStream(connIndex))->frames) {
        const auto &f = std::get<inspect::FrameEvent>(m_store.event(m_pushConn, idx)->data);
        const inspect::StreamSummary *promised = connIndex.stream(f.promisedStreamId);
        if (f.type != 0x5 || !promised || promised->pushOutcome.empty())
            continue;
        const QString html = ui::DetailsPane::frameHtml(m_store, connIndex, idx);
        promiseShown =
            html.contains(QLatin1String("outcome")) && html.contains(ui::pushOutcomeText(promised->pushOutcome));
        QVERIFY2(promiseShown, qPrintable(html));
        break;
    }
    QVERIFY(promiseShown);
    for (std::size_t idx : connIndex.stream(pageStream(connIndex))->frames) {
        const auto &f = std::get<inspect::FrameEvent>(m_store.event(m_pushConn, idx)->data);
        if (f.type != 0x1 || f.dir != inspect::Direction::Out || !f.headers.find(":status"))
            continue;
        const QString html = ui::DetailsPane::frameHtml(m_store, connIndex, idx);
        QVERIFY(html.contains(QStringLiteral("compressed %1 B").arg(ui::headerBlockFragmentSize(f))));
        QVERIFY(html.contains(QStringLiteral("decoded %1 B").arg(f.headerBlockDecodedSize)));
        QVERIFY(html.indexOf(QLatin1String(":status")) < html.indexOf(QLatin1String("content-type")));
        QString hex;
        for (int i = 0; i < 3; ++i)
            hex += QStringLiteral("%1 ").arg(f.rawHeader[static_cast<std::size_t>(i)], 2, 16, QLatin1Char('0'));
        QVERIFY2(html.contains(hex.trimmed()), qPrintable(hex));
        return;
    }
    QFAIL("no response HEADERS on the page's stream");
}

void TestInspector::waterfallClickSelectsFrame()
{
    ui::MainWindow window;
    window.setStore(&m_store);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // At 1280x800 the connection list shows every peer and cipher whole.
    {
        window.refreshNow();
        auto *connections = window.findChild<QTableView *>(QStringLiteral("connectionsView"));
        QVERIFY(connections && connections->model()->rowCount() > 0);
        const QFontMetrics fm = connections->fontMetrics();
        for (int r = 0; r < connections->model()->rowCount(); ++r)
            for (int c : {int(ui::ConnectionModel::Peer), int(ui::ConnectionModel::Cipher)}) {
                const QString text = connections->model()->index(r, c).data().toString();
                QVERIFY2(fm.horizontalAdvance(text) < connections->horizontalHeader()->sectionSize(c),
                         qPrintable(text));
            }
    }
    window.selectConnection(m_pushConn);
    window.refreshNow();
    QCOMPARE(window.selectedConnection(), m_pushConn);
    const inspect::StreamSummary *page = window.connIndex()->stream(pageStream(*window.connIndex()));
    QVERIFY(page && !page->frames.empty());
    const std::size_t target = page->frames.front(); // the request HEADERS
    window.waterfall()->fitAll();
    const QPoint at = window.waterfall()->pointOfEvent(target);
    QVERIFY(at.x() >= 0);
    QCOMPARE(window.waterfall()->frameAt(at), target);
    QTest::mouseClick(window.waterfall()->viewport(), Qt::LeftButton, {}, at);
    const int row = window.framesView()->currentIndex().row();
    QVERIFY(row >= 0);
    QCOMPARE(window.frameModel()->eventIndex(row), target);
    QVERIFY(window.details()->toHtml().contains(QLatin1String("HEADERS received")));
}

void TestInspector::contextMenusLeadToRequests()
{
    // From a connection to its requests, from a frame to its request, from
    // a stream's label in the waterfall to its request's details.
    ui::MainWindow window;
    window.setStore(&m_store);
    window.resize(1280, 800);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    // The keyboard: Ctrl+2 and Ctrl+1 switch the tabs, Ctrl+F finds the filter of the one shown.
    QTest::keyClick(&window, Qt::Key_2, Qt::ControlModifier);
    QCOMPARE(window.mainTabs()->currentIndex(), 1);
    QTest::keyClick(&window, Qt::Key_1, Qt::ControlModifier);
    QCOMPARE(window.mainTabs()->currentWidget(), static_cast<QWidget *>(window.requests()));
    QTest::keyClick(&window, Qt::Key_F, Qt::ControlModifier);
    QVERIFY(window.requests()->filterEdit()->hasFocus());
    window.mainTabs()->setCurrentIndex(1);
    window.selectConnection(m_pushConn);
    window.refreshNow();
    const auto trigger = [](QMenu *menu, const QString &prefix) {
        std::unique_ptr<QMenu> owned(menu);
        QVERIFY(menu);
        for (QAction *a : menu->actions())
            if (a->text().startsWith(prefix)) {
                a->trigger();
                return;
            }
        QFAIL(qPrintable("no action " + prefix));
    };
    auto *connections = window.findChild<QTableView *>(QStringLiteral("connectionsView"));
    trigger(window.contextMenuFor(connections, window.connectionModel()->rowOf(m_pushConn)),
            QStringLiteral("Show its requests"));
    QCOMPARE(window.mainTabs()->currentWidget(), static_cast<QWidget *>(window.requests()));
    QCOMPARE(window.requests()->filterText(), QStringLiteral("conn:%1").arg(m_pushConn));
    QVERIFY(window.requests()->proxy()->rowCount() > 0);
    for (int r = 0; r < window.requests()->proxy()->rowCount(); ++r)
        QCOMPARE(window.requests()->proxy()->index(r, 0).data(ui::RequestsModel::ConnectionIdRole).toULongLong(),
                 m_pushConn);

    window.mainTabs()->setCurrentIndex(1);
    const std::int32_t page = pageStream(*window.connIndex());
    const std::size_t headers = window.connIndex()->stream(page)->frames.front();
    window.setFilterText(QString());
    trigger(window.contextMenuFor(window.framesView(), window.frameModel()->rowOfEvent(headers)),
            QStringLiteral("Show request of stream"));
    QCOMPARE(window.mainTabs()->currentWidget(), static_cast<QWidget *>(window.requests()));
    QVERIFY2(window.requests()->detailsHtml().contains(QStringLiteral("stream %1").arg(page)),
             qPrintable(window.requests()->detailsHtml()));

    window.mainTabs()->setCurrentIndex(1);
    window.waterfall()->fitAll();
    const QPoint bar = window.waterfall()->pointOfEvent(headers);
    QVERIFY(bar.y() >= 0);
    QTest::mouseClick(window.waterfall()->viewport(), Qt::LeftButton, {}, QPoint(20, bar.y()));
    QCOMPARE(window.mainTabs()->currentWidget(), static_cast<QWidget *>(window.requests()));
    QVERIFY(window.requests()->detailsHtml().contains(QStringLiteral("stream %1").arg(page)));
}

void TestInspector::http1ExchangesAreWaterfallRows()
{
    // An HTTP/1.1 connection has no frames, but each exchange is a row of
    // the waterfall with its method, path and status (it used to show an
    // empty view and "streams 1").
    inspect::CaptureHub hub(1);
    {
        inspect::CaptureLog log(hub.sink(0), 5);
        logOpened(log, "http/1.1");
        for (std::uint32_t i = 1; i <= 2; ++i) {
            inspect::Http1Exchange x;
            x.method = "GET";
            x.target = i == 1 ? "/" : "/a.css";
            x.version = "HTTP/1.1";
            x.status = 200;
            x.responseHeaders = HeaderBlock({{"content-type", i == 1 ? "text/html" : "text/css"}});
            x.bodyBytes = 100 * i;
            x.startNs = inspect::nowNs();
            x.durationNs = 1000;
            x.sequence = i;
            log.http1(x);
        }
        log.closed({});
    }
    std::vector<inspect::LogAnnouncement> logs;
    hub.collect(logs);
    inspect::CaptureStore store;
    store.ingest(std::move(logs));
    const auto index = store.index(5);
    QVERIFY(index);
    QCOMPARE(index->streams().size(), std::size_t(2));
    const inspect::StreamSummary *second = index->stream(2);
    QVERIFY(second && second->http1 && !second->pushed);
    QCOMPARE(second->path, std::string("/a.css"));
    QCOMPARE(second->status, 200);
    QCOMPARE(second->contentType, std::string("text/css"));
    ui::WaterfallView view;
    view.resize(900, 300);
    view.setSource(&store, index.get());
    QStringList rows;
    for (int r = 0; r < view.rowCount(); ++r)
        rows << view.rowText(r);
    QVERIFY2(rows.contains(QStringLiteral("HTTP/1.1 #1 GET / 200")), qPrintable(rows.join(u'|')));
    QVERIFY2(rows.contains(QStringLiteral("HTTP/1.1 #2 GET /a.css 200")), qPrintable(rows.join(u'|')));
}

void TestInspector::largeConnectionIsDissectedInSlices()
{
    // A connection of 20,000 frames, and a window that may dissect for no
    // time at all per refresh (so each takes its least, 512 records): the
    // frames arrive over several refreshes, the status bar says how far it
    // got, and in the end every frame is listed.
    inspect::CaptureHub hub(1);
    constexpr int kFrames = 20000;
    {
        inspect::CaptureLog log(hub.sink(0), 1);
        logOpened(log, "h2c");
        const std::uint8_t ping[9] = {0, 0, 8, 0x6, 0, 0, 0, 0, 0};
        const std::uint8_t opaque[8] = {1, 2, 3, 4, 5, 6, 7, 8};
        for (int i = 0; i < kFrames; ++i)
            log.frame(false, ping, opaque);
        // Left open (no closed record): the budget then truncates it below
        // instead of evicting it whole.
    }
    std::vector<inspect::LogAnnouncement> logs;
    hub.collect(logs);
    inspect::CaptureStore store;
    store.ingest(std::move(logs));
    ui::MainWindow window;
    QAbstractItemModelTester frameTester(window.frameModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setDissectSlice(std::chrono::nanoseconds(1));
    window.setStore(&store);
    QCOMPARE(window.selectedConnection(), std::uint64_t(1));
    QVERIFY2(window.frameModel()->rowCount() < kFrames, qPrintable(QString::number(window.frameModel()->rowCount())));
    QVERIFY2(window.statusText().contains(QLatin1String("dissecting connection 1")), qPrintable(window.statusText()));
    int refreshes = 0;
    while (window.frameModel()->rowCount() < kFrames && refreshes < 1000) {
        window.refreshNow();
        ++refreshes;
    }
    QVERIFY(refreshes > 1);
    QCOMPARE(window.frameModel()->rowCount(), kFrames);
    window.refreshNow();
    QVERIFY2(!window.statusText().contains(QLatin1String("dissecting")), qPrintable(window.statusText()));

    // The view's dissection is bounded: the oldest frames' details are let
    // go and the table says where they still are; an export writes them all.
    store.setDissectionLimit(64u << 10);
    store.ingest();
    window.refreshNow();
    QCOMPARE(window.frameModel()->rowCount(), kFrames);
    QVERIFY(store.firstEventIndex(1) > 0);
    const QString oldest = window.frameModel()->data(window.frameModel()->index(0, ui::FrameModel::Summary)).toString();
    QVERIFY2(oldest.startsWith(QLatin1String("(not kept for display")), qPrintable(oldest));
    const QString newest =
        window.frameModel()->data(window.frameModel()->index(kFrames - 1, ui::FrameModel::Summary)).toString();
    QVERIFY2(!newest.startsWith(QLatin1Char('(')), qPrintable(newest));
    const QString whole = m_dir.filePath(QStringLiteral("whole.txt"));
    QCOMPARE(window.exportFrameLog(whole), QString());
    QFile wholeText(whole);
    QVERIFY(wholeText.open(QIODevice::ReadOnly));
    QCOMPARE(wholeText.readAll().count("recv PING frame"), qsizetype(kFrames));
    store.setDissectionLimit(0);

    // The budget truncates it: the exports say so.
    store.setBudget(store.memoryUsed() / 2);
    QVERIFY(store.connection(1));
    const std::uint64_t evicted = store.connection(1)->evictedFrames;
    QVERIFY(evicted > 0);
    const QString log = m_dir.filePath(QStringLiteral("truncated.txt"));
    QCOMPARE(window.exportFrameLog(log), QString());
    QFile text(log);
    QVERIFY(text.open(QIODevice::ReadOnly));
    QVERIFY(
        text.readAll().contains(QStringLiteral("frames 1-%1 of this connection were evicted").arg(evicted).toUtf8()));
    const QString jsonl = m_dir.filePath(QStringLiteral("truncated.jsonl"));
    QCOMPARE(window.exportJsonLines(jsonl), QString());
    QFile lines(jsonl);
    QVERIFY(lines.open(QIODevice::ReadOnly));
    QVERIFY(lines.readLine().contains("\"code\":\"capture-truncated\""));
}

void TestInspector::modelsPassTesterWhileCaptureGrows()
{
    // Feed the window the same capture in small batches, as the drain timer
    // would, with a filter on; both models are checked after every change.
    inspect::CaptureStore growing;
    ui::MainWindow window;
    QAbstractItemModelTester connTester(window.connectionModel(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
    QAbstractItemModelTester frameTester(window.frameModel(), QAbstractItemModelTester::FailureReportingMode::QtTest);
    window.setStore(&growing);
    // Each connection's log, committed a few records at a time, as a live
    // connection's writer would.
    struct Live {
        std::shared_ptr<inspect::LogChunk> chunk;
        std::vector<std::size_t> ends; // record boundaries
        std::size_t next = 0;
    };
    std::vector<Live> live;
    std::vector<inspect::LogAnnouncement> announced;
    for (std::uint64_t id : m_store.connectionIds()) {
        std::string bytes;
        for (const auto &c : *m_store.chunks(id))
            bytes.append(reinterpret_cast<const char *>(c->data()), c->committed());
        Live l;
        l.chunk = std::make_shared<inspect::LogChunk>(bytes.size());
        std::memcpy(l.chunk->writable(), bytes.data(), bytes.size());
        for (std::size_t at = 0; at < bytes.size();) {
            inspect::RecordView r;
            std::size_t size = 0;
            QVERIFY(inspect::parseRecord(l.chunk->data() + at, bytes.size() - at, r, size));
            at += size;
            l.ends.push_back(at);
        }
        announced.push_back({id, l.chunk});
        live.push_back(std::move(l));
    }
    growing.ingest(std::move(announced));
    int step = 0;
    for (bool more = true; more;) {
        more = false;
        for (Live &l : live) {
            l.next = std::min(l.next + 7, l.ends.size());
            l.chunk->commit(l.ends.empty() ? 0 : l.ends[l.next - 1]);
            if (l.next == l.ends.size())
                l.chunk->seal();
            else
                more = true;
        }
        window.noteCaptureChanged(growing.ingest());
        window.refreshNow();
        if (++step == 5)
            window.setFilterText(QStringLiteral("type:DATA|HEADERS"));
    }
    QCOMPARE(window.connectionModel()->rowCount(), 2);
    // The window picked the newest connection with requests by itself.
    QCOMPARE(window.selectedConnection(), m_noPushConn);
    for (int r = 0; r < window.frameModel()->rowCount(); ++r) {
        const QString type = cell(*window.frameModel(), r, ui::FrameModel::Type);
        QVERIFY(type == QLatin1String("DATA") || type == QLatin1String("HEADERS"));
    }
    QVERIFY(window.frameModel()->rowCount() > 0);
    window.setFilterText(QString());
    QCOMPARE(static_cast<std::size_t>(window.frameModel()->rowCount()), window.connIndex()->frames().size());
    // Clear empties everything, and the models say so properly.
    growing.clear();
    window.refreshNow();
    QCOMPARE(window.connectionModel()->rowCount(), 0);
    QCOMPARE(window.frameModel()->rowCount(), 0);
}

void TestInspector::filters_data()
{
    QTest::addColumn<QString>("filter");
    QTest::addColumn<QString>("column");  // which column every row must satisfy
    QTest::addColumn<QString>("pattern"); // regex over that column
    QTest::newRow("type") << "type:DATA"
                          << "Type"
                          << "^DATA$";
    QTest::newRow("types") << "type:data|headers"
                           << "Type"
                           << "^(DATA|HEADERS)$";
    QTest::newRow("dir") << "dir:out"
                         << "Direction"
                         << "out";
    QTest::newRow("stream") << "stream:PAGE"
                            << "Stream"
                            << "^PAGE$";
    QTest::newRow("flags") << "flags:END_STREAM"
                           << "Flags"
                           << "END_STREAM";
    QTest::newRow("pushed") << "pushed type:HEADERS"
                            << "Stream"
                            << "^[24]$";
    QTest::newRow("status") << "status:2xx type:HEADERS dir:out"
                            << "Summary"
                            << "^(:status 200|PUSH)";
    QTest::newRow("path") << "path:~\\.css$ type:HEADERS dir:out"
                          << "Summary"
                          << "text/css";
    QTest::newRow("not") << "!type:DATA"
                         << "Type"
                         << "^(?!DATA$)";
    QTest::newRow("word") << "window_update"
                          << "Type"
                          << "^WINDOW_UPDATE$";
}

void TestInspector::filters()
{
    QFETCH(QString, filter);
    QFETCH(QString, column);
    QFETCH(QString, pattern);
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_pushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    filter.replace(QLatin1String("PAGE"), QString::number(pageStream(connIndex)));
    pattern.replace(QLatin1String("PAGE"), QString::number(pageStream(connIndex)));
    ui::FrameModel model;
    QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
    model.setSource(&m_store, &connIndex);
    const int all = model.rowCount();
    const ui::FrameFilter f = ui::FrameFilter::parse(filter);
    QVERIFY2(f.error().isEmpty(), qPrintable(f.error()));
    model.setFilter(f);
    QVERIFY2(model.rowCount() > 0, "the filter must keep some frames");
    QVERIFY(model.rowCount() < all);
    const int col = column == QLatin1String("Type")        ? ui::FrameModel::Type
                    : column == QLatin1String("Direction") ? ui::FrameModel::Direction
                    : column == QLatin1String("Stream")    ? ui::FrameModel::Stream
                    : column == QLatin1String("Flags")     ? ui::FrameModel::Flags
                                                           : ui::FrameModel::Summary;
    const QRegularExpression re(pattern);
    for (int r = 0; r < model.rowCount(); ++r)
        QVERIFY2(re.match(cell(model, r, col)).hasMatch(), qPrintable(cell(model, r, col)));
}

void TestInspector::filterErrors()
{
    QVERIFY(!ui::FrameFilter::parse(QStringLiteral("type:NOPE")).error().isEmpty());
    QVERIFY(!ui::FrameFilter::parse(QStringLiteral("colour:red")).error().isEmpty());
    QVERIFY(!ui::FrameFilter::parse(QStringLiteral("path:~(")).error().isEmpty());
    QVERIFY(!ui::FrameFilter::parse(QStringLiteral("stream:x")).error().isEmpty());
    QVERIFY(ui::FrameFilter::parse(QStringLiteral("type:NOPE")).isEmpty()); // a bad filter hides nothing
    QVERIFY(ui::FrameFilter::vocabulary().contains(QStringLiteral("type:PUSH_PROMISE")));
}

void TestInspector::saveThenOpenRoundTrip()
{
    ui::MainWindow window;
    window.setStore(&m_store);
    window.selectConnection(m_pushConn);
    window.refreshNow();
    QStringList before;
    const auto snapshot = [&window] {
        QStringList rows;
        const QAbstractItemModel &m = *window.frameModel();
        for (int r = 0; r < m.rowCount(); ++r) {
            QStringList cells;
            for (int c = 0; c < m.columnCount(); ++c)
                cells << cell(m, r, c);
            rows << cells.join(u'\t');
        }
        return rows;
    };
    before = snapshot();
    QVERIFY(before.size() > 10);
    const QString path = m_dir.filePath(QStringLiteral("capture.h2cap"));
    QCOMPARE(window.saveCapture(path), QString());
    // Not serving: the lab says why it is greyed out, and File opens a folder first.
    const QAction *lab = window.findChild<QAction *>(QStringLiteral("protocolLabAction"));
    QVERIFY(lab && !lab->isEnabled() && lab->text().contains(QLatin1String("serve a folder first")));
    QVERIFY(window.findChild<QAction *>(QStringLiteral("openFolderAction")));
    QCOMPARE(window.openCapture(path), QString());
    QVERIFY(window.currentStore() != &m_store);
    QCOMPARE(window.currentStore()->connectionCount(), std::size_t{2});
    // A file has no budget: the status bar says what it holds, not "of 1048576 MiB".
    window.refreshNow();
    bool fileMemory = false;
    for (const QLabel *l : window.statusBar()->findChildren<QLabel *>()) {
        QVERIFY2(!l->text().contains(QLatin1String("1048576")), qPrintable(l->text()));
        fileMemory = fileMemory || l->text().startsWith(QLatin1String("file: "));
    }
    QVERIFY(fileMemory);
    // A banner says the view is a file, with the way back when there is a live capture.
    const QLabel *banner = window.findChild<QLabel *>(QStringLiteral("fileBanner"));
    QVERIFY(banner && !banner->isHidden());
    QVERIFY2(banner->text().contains(QLatin1String("capture.h2cap")), qPrintable(banner->text()));
    QVERIFY(window.windowTitle().contains(QLatin1String("saved capture")));
    // The live capture is behind it (setStore): the banner links back to it.
    QVERIFY2(banner->text().contains(QLatin1String("Back to the live capture")), qPrintable(banner->text()));
    window.showLiveCapture();
    QVERIFY(banner->isHidden());
    QVERIFY(window.currentStore() == &m_store);
    QCOMPARE(window.openCapture(path), QString());
    window.selectConnection(m_pushConn);
    window.refreshNow();
    QCOMPARE(snapshot(), before);
    const int rows = window.waterfall()->rowCount();
    QVERIFY(rows > 3);
    const std::shared_ptr<const inspect::ConnectionIndex> dPtr = m_store.index(m_pushConn);
    QVERIFY(dPtr);
    const inspect::ConnectionIndex &d = *dPtr;
    ui::WaterfallView v;
    v.setSource(&m_store, &d);
    QCOMPARE(v.rowCount(), rows);
    for (int r = 0; r < rows; ++r)
        QCOMPARE(window.waterfall()->rowText(r), v.rowText(r));
    QVERIFY(!window.openCapture(m_dir.filePath(QStringLiteral("missing.h2cap"))).isEmpty());
    // JSON Lines and pcapng are exports: the first is refused with a reason
    // when opened, the second is a pcapng section.
    const QString jsonl = m_dir.filePath(QStringLiteral("export.jsonl"));
    QCOMPARE(window.exportJsonLines(jsonl), QString());
    QVERIFY(window.openCapture(jsonl).contains(QLatin1String("JSON Lines")));
    const QString pcap = m_dir.filePath(QStringLiteral("export.pcapng"));
    QCOMPARE(window.exportPcapng(pcap), QString());
    QFile pcapFile(pcap);
    QVERIFY(pcapFile.open(QIODevice::ReadOnly));
    QCOMPARE(pcapFile.read(4), QByteArray("\x0a\x0d\x0d\x0a", 4));
}

void TestInspector::harExportFromAction()
{
    ui::MainWindow window;
    window.setStore(&m_store);
    const QString path = m_dir.filePath(QStringLiteral("capture.har"));
    window.setPathChooser([&path](const QString &, const QString &, bool save) { return save ? path : QString(); });
    auto *action = window.findChild<QAction *>(QStringLiteral("exportHarAction"));
    QVERIFY(action);
    action->trigger();
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll());
    const QJsonArray entries =
        doc.object().value(QLatin1String("log")).toObject().value(QLatin1String("entries")).toArray();
    // Two page loads and two pushes.
    QCOMPARE(entries.size(), 4);
    int pushed = 0;
    for (const QJsonValue &e : entries)
        pushed += e.toObject().value(QLatin1String("_was_pushed")).toBool() ? 1 : 0;
    QCOMPARE(pushed, 2);
}

void TestInspector::flowControlWindows()
{
    const std::shared_ptr<const inspect::ConnectionIndex> connIndexPtr = m_store.index(m_pushConn);
    QVERIFY(connIndexPtr);
    const inspect::ConnectionIndex &connIndex = *connIndexPtr;
    QVERIFY(!connIndex.windows().empty());
    // 110 kB of pushed bodies against nghttp's 64 KiB connection window: our
    // send window runs dry, and each connection WINDOW_UPDATE from the client
    // refills it by exactly its increment.
    const std::vector<inspect::WindowSample> &w = connIndex.windows();
    bool dry = false;
    int updates = 0;
    std::size_t sample = 0;
    for (std::size_t idx : connIndex.frames()) {
        const auto &f = std::get<inspect::FrameEvent>(m_store.event(m_pushConn, idx)->data);
        QVERIFY(sample < w.size());
        dry = dry || w[sample].connRemote == 0;
        if (f.type == 0x8 && f.dir == inspect::Direction::In && f.streamId == 0 && sample > 0) {
            QCOMPARE(w[sample].connRemote, w[sample - 1].connRemote + static_cast<std::int32_t>(f.windowIncrement));
            ++updates;
        }
        ++sample;
    }
    QVERIFY(dry);
    QVERIFY(updates >= 1);
    ui::FlowGraph graph;
    graph.resize(600, 200);
    graph.setSource(&connIndex, pageStream(connIndex));
    QImage image(graph.size(), QImage::Format_ARGB32);
    image.fill(Qt::white);
    graph.render(&image);
    QVERIFY(graph.stallCount() >= 1);
    // The value labels fit their margin whatever the size ("024.0 MiB" was
    // cut from "1024.0 MiB"), and the grids step in round values.
    const QFontMetrics fm = graph.fontMetrics();
    for (std::int64_t v : {std::int64_t(65535), std::int64_t(16) << 20, (std::int64_t(1) << 31) - 1})
        QVERIFY(ui::FlowGraph::labelMargin(fm, v) > fm.horizontalAdvance(ui::bytesText(static_cast<std::uint64_t>(v))));
    QCOMPARE(ui::roundStep(0.3), 1.0);
    QCOMPARE(ui::roundStep(3), 5.0);
    QCOMPARE(ui::roundStep(120), 200.0);
    QCOMPARE(ui::roundStep(4194304), 5000000.0);
}

void TestInspector::settingsRoundTrip()
{
    ui::ServerSettings s;
    s.host = QStringLiteral("0.0.0.0");
    s.port = 9443;
    s.pushMode = QStringLiteral("rules");
    s.earlyHints = false;
    s.moduleGraph = false;
    s.captureBudgetMiB = 64;
    s.keylogFile = QStringLiteral("/tmp/keys.log");
    {
        QSettings qs(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
        s.save(qs);
    }
    QSettings qs(m_dir.filePath(QStringLiteral("settings.ini")), QSettings::IniFormat);
    QCOMPARE(ui::ServerSettings::load(qs), s);
    ui::SettingsDialog dialog(s);
    QCOMPARE(dialog.settings(), s);
    // Every label with a mnemonic has a buddy to jump to, so none shows a literal "&".
    for (const QLabel *label : dialog.findChildren<QLabel *>())
        if (label->text().contains(u'&'))
            QVERIFY2(label->buddy(), qPrintable(label->text()));
    qs.setValue(QStringLiteral("server/pushMode"), QStringLiteral("sometimes"));
    QCOMPARE(ui::ServerSettings::load(qs).pushMode, QStringLiteral("auto")); // nonsense falls back
}

QTEST_MAIN(TestInspector)
#include "tst_inspector.moc"
