// The Requests view (offscreen): its model over a recorded capture with
// HTTP/2 (a page, a pushed stylesheet, a request still open) and HTTP/1.1,
// under QAbstractItemModelTester; sorting every column both ways; the filter
// language with its match count; rows arriving live; a pushed request's
// details with its promise and outcome; and the copy texts.

#include "../unit/rawframes.h"
#include "../unit/timedlog.h"

#include "requestdetail.h"
#include "requestsmodel.h"
#include "requestsview.h"

#include "inspect/capturestore.h"

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QHeaderView>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTableView>
#include <QTemporaryDir>
#include <QTest>

using namespace h2scope;
using namespace h2scope::inspect;
using h2scope::testing::TimedLog;

namespace {

constexpr std::uint64_t ms = 1000000;

// Connection 1 (h2 over TLS): GET /index.html?a=1&b at 10 ms, which pushes
// /style.css (completed) and got a 103 first; GET /app.js, which the 103
// listed; GET /never-closed still open.
// Connection 2 (HTTP/1.1, cleartext): GET /x -> 304 by curl.
std::string h2Log()
{
    TimedLog h2(1);
    ConnectionOpened o;
    o.peer = "127.0.0.1:5000";
    o.local = "127.0.0.1:8443";
    o.tls = true;
    o.alpn = "h2";
    o.protocol = "h2";
    h2.at(1 * ms).opened(o);
    h2.at(1 * ms).client(
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0.0.0 Safari/537.36");
    h2.frame(10 * ms, false, 0x01, 0x05, 1,
             testing::hpack({{":method", "GET"},
                             {":scheme", "https"},
                             {":authority", "localhost:8443"},
                             {":path", "/index.html?a=1&b"},
                             {"accept", "text/html"},
                             {"accept-encoding", "gzip, br"},
                             {"user-agent", "it's a test"}}));
    h2.frame(10 * ms, true, 0x01, 0x04, 1,
             testing::hpack({{":status", "103"},
                             {"link", "</style.css>; rel=preload; as=style, </app.js>; rel=preload; as=script"}}));
    h2.frame(
        11 * ms, true, 0x05, 0x04, 1,
        testing::u32Payload(2)
            + testing::hpack(
                {{":method", "GET"}, {":scheme", "https"}, {":authority", "localhost:8443"}, {":path", "/style.css"}}));
    h2.frame(12 * ms, true, 0x01, 0x04, 1, testing::hpack({{":status", "200"}, {"content-type", "text/html"}}));
    h2.frame(12 * ms, true, 0x01, 0x04, 2, testing::hpack({{":status", "200"}, {"content-type", "text/css"}}));
    h2.data(13 * ms, 0x01, 1, 10240);
    h2.data(13 * ms, 0x01, 2, 100);
    h2.at(14 * ms).decoded(2, 5000); // the stylesheet went out compressed
    h2.at(14 * ms).streamClosed(2, 0, "");
    h2.at(14 * ms).pushOutcome(2, 1, "completed", "", "/style.css");
    h2.at(15 * ms).streamClosed(1, 0, "");
    h2.frame(17 * ms, false, 0x01, 0x05, 5,
             testing::hpack(
                 {{":method", "GET"}, {":scheme", "https"}, {":authority", "localhost:8443"}, {":path", "/app.js"}}));
    h2.frame(17 * ms, true, 0x01, 0x05, 5, testing::hpack({{":status", "200"}, {"content-type", "text/javascript"}}));
    h2.at(17 * ms).streamClosed(5, 0, "");
    h2.frame(
        16 * ms, false, 0x01, 0x05, 3,
        testing::hpack(
            {{":method", "GET"}, {":scheme", "https"}, {":authority", "localhost:8443"}, {":path", "/never-closed"}}));
    return h2.records();
}

std::string h1Log()
{
    TimedLog h1(2);
    ConnectionOpened plain;
    plain.peer = "127.0.0.1:5001";
    plain.tls = false;
    plain.protocol = "http/1.1";
    h1.at(1 * ms).opened(plain);
    h1.at(2 * ms).client("curl/7.88.1");
    Http1Exchange ex{"GET",      "/x",
                     "HTTP/1.1", {{"host", "localhost:8080"}, {"user-agent", "curl/7.88.1"}},
                     304,        {{"etag", "\"1\""}},
                     0,          2 * ms,
                     20 * ms,    1,
                     ""};
    h1.at(22 * ms).http1(ex);
    return h1.records();
}

// The recorded capture: connection 1 (HTTP/2) and, unless `http2Only`, 2 (HTTP/1.1).
bool recorded(CaptureStore &store, bool http2Only = false)
{
    return store.addLog(1, h2Log()).ok() && (http2Only || store.addLog(2, h1Log()).ok());
}

// The view on a finished capture, read to the end.
void showIn(ui::RequestsView &view, const CaptureStore &store)
{
    view.setStore(&store, false);
    view.refresh({});
}

QString cell(const QAbstractItemModel &m, int row, int column)
{
    return m.data(m.index(row, column)).toString();
}

int rowOfPath(const QAbstractItemModel &m, const QString &path)
{
    for (int r = 0; r < m.rowCount(); ++r)
        if (cell(m, r, ui::RequestsModel::Path) == path)
            return r;
    return -1;
}

} // namespace

class TestRequests : public QObject {
    Q_OBJECT

    QTemporaryDir m_settings;

private slots:
    void initTestCase()
    {
        // The column choice is saved: into a folder of the test's own.
        QVERIFY(m_settings.isValid());
        QStandardPaths::setTestModeEnabled(true);
        QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_settings.path());
    }

    void columnChoiceIsKept()
    {
        CaptureStore store;
        {
            ui::RequestsView view;
            view.setStore(&store, false);
            QVERIFY(view.table()->horizontalHeader()->isSectionHidden(ui::RequestsModel::Connection)); // by default
            view.table()->horizontalHeader()->setSectionHidden(ui::RequestsModel::Client, true);
            view.table()->horizontalHeader()->resizeSection(ui::RequestsModel::Path, 333);
        }
        ui::RequestsView again;
        QVERIFY(again.table()->horizontalHeader()->isSectionHidden(ui::RequestsModel::Client));
        QCOMPARE(again.table()->horizontalHeader()->sectionSize(ui::RequestsModel::Path), 333);
        again.table()->horizontalHeader()->setSectionHidden(ui::RequestsModel::Client, false);
    }

    void listsEveryRequestOfBothProtocols()
    {
        CaptureStore store;
        QVERIFY(recorded(store));
        ui::RequestsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store, false);
        QVERIFY(model.refresh());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(ui::RequestsModel::ColumnCount));

        const int page = rowOfPath(model, QStringLiteral("/index.html?a=1&b"));
        const int pushed = rowOfPath(model, QStringLiteral("/style.css"));
        const int open = rowOfPath(model, QStringLiteral("/never-closed"));
        const int h1 = rowOfPath(model, QStringLiteral("/x"));
        QVERIFY(page >= 0 && pushed >= 0 && open >= 0 && h1 >= 0);
        using C = ui::RequestsModel;
        QCOMPARE(cell(model, page, C::Method), QStringLiteral("GET"));
        QCOMPARE(cell(model, page, C::Status), QStringLiteral("200"));
        QCOMPARE(cell(model, page, C::Protocol), QStringLiteral("h2"));
        QCOMPARE(cell(model, page, C::Client), QStringLiteral("Chrome 156"));
        QCOMPARE(cell(model, page, C::Type), QStringLiteral("html"));
        QCOMPARE(cell(model, page, C::Size), QStringLiteral("10.0 KiB"));
        QCOMPARE(cell(model, page, C::Start), QStringLiteral("+9.0 ms"));   // from the first connection's opening
        QCOMPARE(cell(model, page, C::Duration), QStringLiteral("5.0 ms")); // request at 10 ms, closed at 15
        QCOMPARE(cell(model, page, C::Relation), QStringLiteral("sent 103 Early Hints"));
        QCOMPARE(cell(model, pushed, C::Relation), QStringLiteral("pushed by 1: completed"));
        QCOMPARE(cell(model, pushed, C::Type), QStringLiteral("css"));
        QCOMPARE(cell(model, pushed, C::Size), QStringLiteral("100 B"));      // on the wire
        QCOMPARE(cell(model, pushed, C::Decoded), QStringLiteral("4.9 KiB")); // decoded
        QCOMPARE(cell(model, page, C::Decoded), cell(model, page, C::Size));  // sent as it is
        QCOMPARE(cell(model, rowOfPath(model, QStringLiteral("/app.js")), C::Relation), QStringLiteral("hinted by 1"));
        QCOMPARE(cell(model, open, C::Status), QStringLiteral("—"));
        QCOMPARE(cell(model, h1, C::Protocol), QStringLiteral("h1.1"));
        QCOMPARE(cell(model, h1, C::Status), QStringLiteral("304"));
        QCOMPARE(cell(model, h1, C::Client), QStringLiteral("curl/7.88.1"));
        QCOMPARE(model.data(model.index(h1, C::Connection), C::ConnectionIdRole).toULongLong(), 2ull);
        QCOMPARE(model.data(model.index(h1, 0), C::StreamIdRole).toInt(), 1);
        QVERIFY(model.rowText(h1).contains(QStringLiteral("GET\t/x\t304\th1.1")));
    }

    void sortsEveryColumnBothWays()
    {
        CaptureStore store;
        QVERIFY(recorded(store));
        ui::RequestsModel model;
        ui::RequestsProxy proxy;
        proxy.setSourceModel(&model);
        QAbstractItemModelTester tester(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store, false);
        model.refresh();
        for (int c = 0; c < ui::RequestsModel::ColumnCount; ++c) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                proxy.sort(c, order);
                for (int r = 1; r < proxy.rowCount(); ++r) {
                    const QVariant a = proxy.data(proxy.index(r - 1, c), ui::RequestsModel::SortRole);
                    const QVariant b = proxy.data(proxy.index(r, c), ui::RequestsModel::SortRole);
                    const int cmp = QVariant::compare(a, b) == QPartialOrdering::Less      ? -1
                                    : QVariant::compare(a, b) == QPartialOrdering::Greater ? 1
                                                                                           : 0;
                    QVERIFY2(order == Qt::AscendingOrder ? cmp <= 0 : cmp >= 0,
                             qPrintable(QStringLiteral("column %1 rows %2-%3").arg(c).arg(r - 1).arg(r)));
                }
            }
        }
        // Numbers sort as numbers: 10.0 KiB after 100 B.
        proxy.sort(ui::RequestsModel::Size, Qt::DescendingOrder);
        QCOMPARE(cell(proxy, 0, ui::RequestsModel::Path), QStringLiteral("/index.html?a=1&b"));
    }

    void filtersWithTheFrameFilterLanguage_data()
    {
        QTest::addColumn<QString>("filter");
        QTest::addColumn<int>("matches");
        QTest::addColumn<QString>("count");
        QTest::newRow("none") << "" << 5 << "5 requests";
        QTest::newRow("status") << "status:2xx" << 3 << "3 of 5 requests";
        QTest::newRow("status list") << "status:304|200" << 4 << "4 of 5 requests";
        QTest::newRow("pushed") << "pushed" << 1 << "1 of 5 requests";
        QTest::newRow("hinted") << "hinted" << 1 << "1 of 5 requests";
        QTest::newRow("not pushed, 200") << "!pushed status:200" << 2 << "2 of 5 requests";
        QTest::newRow("content type") << "type:css" << 1 << "1 of 5 requests";
        QTest::newRow("path regex") << "path:~^/(x|style)" << 2 << "2 of 5 requests";
        QTest::newRow("free text: protocol") << "h1.1" << 1 << "1 of 5 requests";
        QTest::newRow("free text: client") << "chrome" << 4 << "4 of 5 requests";
        QTest::newRow("stream") << "stream:3" << 1 << "1 of 5 requests";
        QTest::newRow("connection") << "conn:2" << 1 << "1 of 5 requests";
        QTest::newRow("connections") << "conn:1|2 !status:304" << 4 << "4 of 5 requests";
        QTest::newRow("frame-only clause")
            << "dir:in status:304" << 1 << "1 of 5 requests (dir: and flags: are for frames)";
    }

    void filtersWithTheFrameFilterLanguage()
    {
        QFETCH(QString, filter);
        QFETCH(int, matches);
        QFETCH(QString, count);
        CaptureStore store;
        QVERIFY(recorded(store));
        ui::RequestsView view;
        showIn(view, store);
        view.setFilterText(filter);
        QCOMPARE(view.proxy()->rowCount(), matches);
        QCOMPARE(view.countText(), count);
    }

    void rowsArriveLiveInBatches()
    {
        CaptureStore store;
        ui::RequestsModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStore(&store, true);
        QSignalSpy inserted(&model, &QAbstractItemModel::rowsInserted);
        QVERIFY(model.refresh());
        QCOMPARE(model.rowCount(), 0);
        QVERIFY(store.addLog(1, h2Log()).ok());
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(inserted.count(), 1); // one batch
        QCOMPARE(cell(model, rowOfPath(model, QStringLiteral("/never-closed")), ui::RequestsModel::Duration),
                 QStringLiteral("pending"));
        QVERIFY(store.addLog(2, h1Log()).ok());
        model.refresh();
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(inserted.count(), 2);
        // The store lets a connection go: its rows go too.
        store.clear();
        model.refresh();
        QCOMPARE(model.rowCount(), 0);
    }

    void onlyTheRowsThatChangedAreRepainted()
    {
        // A live connection with four requests; one of them is answered:
        // one dataChanged, for its row alone (a flood's connection has
        // 100,000 rows, which a view must not filter and sort again each tick).
        CaptureHub hub(1);
        auto log = std::make_unique<CaptureLog>(hub.sink(0), 1);
        ConnectionOpened o;
        o.peer = "127.0.0.1:5000";
        o.protocol = "h2c";
        log->opened(o);
        const auto frame = [&](bool out, std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                               const std::string &payload) {
            const auto h = testing::frameHeader(std::uint32_t(payload.size()), type, flags, stream);
            log->frame(out, h.data(), {reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size()});
        };
        for (std::uint32_t stream : {1u, 3u, 5u, 7u})
            frame(false, 0x01, 0x05, stream,
                  testing::hpack({{":method", "GET"},
                                  {":scheme", "http"},
                                  {":authority", "localhost"},
                                  {":path", "/r" + std::to_string(stream)}}));
        CaptureStore store;
        const auto take = [&] {
            std::vector<LogAnnouncement> chunks;
            hub.collect(chunks);
            store.ingest(std::move(chunks));
        };
        take();
        ui::RequestsModel model;
        model.setStore(&store, true);
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
        const int answered = model.rowOf(1, 5);
        QVERIFY(answered >= 0);

        QSignalSpy changed(&model, &QAbstractItemModel::dataChanged);
        frame(true, 0x01, 0x05, 5, testing::hpack({{":status", "404"}}));
        log->streamClosed(5, 0, "");
        take();
        model.refresh();
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(changed.count(), 1);
        QCOMPARE(changed[0][0].toModelIndex().row(), answered);
        QCOMPARE(changed[0][1].toModelIndex().row(), answered);
        QCOMPARE(cell(model, answered, ui::RequestsModel::Status), QStringLiteral("404"));
        log.reset();
    }

    void pushedRequestDetails()
    {
        CaptureStore store;
        QVERIFY(recorded(store, true));
        ui::RequestsView view;
        showIn(view, store);
        QVERIFY(view.openRequest(1, 2));
        const QString pushed = view.detailsHtml();
        QVERIFY2(pushed.contains(QStringLiteral("Pushed")), qPrintable(pushed));
        QVERIFY2(pushed.contains(QStringLiteral("with the response to stream 1; completed")), qPrintable(pushed));
        QVERIFY(pushed.contains(QStringLiteral("/style.css")));

        // The page: what it pushed and how that went, its 103, its timing.
        const ui::RequestDetail page = ui::describeRequest(store, 1, 1);
        QVERIFY(page.found);
        QCOMPARE(page.status, 200);
        QCOMPARE(page.promises.size(), std::size_t(1));
        QCOMPARE(page.promises[0].path, std::string("/style.css"));
        QCOMPARE(page.promises[0].outcome, std::string("completed"));
        QCOMPARE(page.informational.size(), std::size_t(1));
        // Its 103 named /style.css (pushed instead: not asked for) and /app.js (asked for on stream 5).
        QCOMPARE(page.hints.size(), std::size_t(2));
        QCOMPARE(page.hints[0].path, std::string("/style.css"));
        QCOMPARE(page.hints[0].usedBy, 0);
        QCOMPARE(page.hints[1].path, std::string("/app.js"));
        QCOMPARE(page.hints[1].usedBy, 5);
        QCOMPARE(page.requestNs, 10 * ms);
        QCOMPARE(page.hintsNs, 10 * ms);
        QCOMPARE(page.responseNs, 12 * ms);
        QCOMPARE(page.firstDataNs, 13 * ms);
        QCOMPARE(page.dataFrames, 1u);
        QVERIFY(view.openRequest(1, 1));
        const QString html = view.detailsHtml();
        QVERIFY(html.contains(QStringLiteral("Pushed with this response")));
        QVERIFY(html.contains(QStringLiteral("(1 of 2 asked for)")));
        QVERIFY(html.contains(QStringLiteral("103 Early Hints")));
        QVERIFY(html.contains(QStringLiteral("rel=preload")));
        QVERIFY(view.openRequest(1, 5));
        QVERIFY(view.detailsHtml().contains(QStringLiteral("by the 103 Early Hints sent on stream 1")));
        QVERIFY(!view.openRequest(1, 99));
        // A wide pane puts the two header lists side by side.
        const ui::RequestDetail detail = ui::describeRequest(store, 1, 1);
        const QString wide = ui::requestDetailHtml(detail, 0, true), narrow = ui::requestDetailHtml(detail, 0, false);
        QVERIFY(wide.contains(QStringLiteral("width=\"50%\"")) && !narrow.contains(QStringLiteral("width=\"50%\"")));
        QVERIFY(wide.indexOf(QStringLiteral("Request headers")) < wide.indexOf(QStringLiteral("Response headers")));
    }

    void keyboard()
    {
        CaptureStore store;
        QVERIFY(recorded(store, true));
        ui::RequestsView view;
        showIn(view, store);
        view.show();
        QVERIFY(QTest::qWaitForWindowActive(&view) || QTest::qWaitForWindowExposed(&view));
        view.focusFilter();
        QVERIFY(view.filterEdit()->hasFocus());
        QTest::keyClicks(view.filterEdit(), QStringLiteral("pushed"));
        QTest::keyClick(view.filterEdit(), Qt::Key_Return);
        QCOMPARE(view.proxy()->rowCount(), 1);
        QTest::keyClick(view.filterEdit(), Qt::Key_Down); // to the table, on its first row
        QVERIFY(view.table()->hasFocus());
        QCOMPARE(view.table()->currentIndex().row(), 0);
        QVERIFY(view.detailsHtml().contains(QStringLiteral("/style.css")));
        QTest::keyClick(view.table(), Qt::Key_C, Qt::ControlModifier);
        QVERIFY2(QApplication::clipboard()->text().contains(QStringLiteral("GET\t/style.css\t200")),
                 qPrintable(QApplication::clipboard()->text()));
    }

    void copyTexts()
    {
        CaptureStore store;
        QVERIFY(recorded(store));
        ui::RequestsView view;
        showIn(view, store);
        QVERIFY(view.openRequest(1, 1));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::Url), QStringLiteral("https://localhost:8443/index.html?a=1&b"));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::Curl),
                 QStringLiteral("curl 'https://localhost:8443/index.html?a=1&b' --http2 -H 'accept: text/html' "
                                "-H 'user-agent: it'\\''s a test' --compressed"));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::Nghttp),
                 QStringLiteral("nghttp -v -H 'accept: text/html' -H 'accept-encoding: gzip, br' "
                                "-H 'user-agent: it'\\''s a test' 'https://localhost:8443/index.html?a=1&b'"));
        const QString fetch = view.copyText(ui::RequestsView::Copy::Fetch);
        QVERIFY2(fetch.startsWith(QStringLiteral("await fetch(\"https://localhost:8443/index.html?a=1&b\", {")),
                 qPrintable(fetch));
        QVERIFY(fetch.contains(QStringLiteral("\"accept\": \"text/html\"")));
        QVERIFY(!fetch.contains(QStringLiteral("user-agent")) && !fetch.contains(QStringLiteral("accept-encoding")));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::RequestHeaders),
                 QStringLiteral("accept: text/html\naccept-encoding: gzip, br\nuser-agent: it's a test\n"));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::ResponseHeaders), QStringLiteral("content-type: text/html\n"));

        QVERIFY(view.openRequest(2, 1));
        QCOMPARE(view.copyText(ui::RequestsView::Copy::Curl),
                 QStringLiteral("curl 'http://localhost:8080/x' --http1.1 -H 'user-agent: curl/7.88.1'"));
        const inspect::HarOptions selection = view.selection();
        QCOMPARE(selection.requests.size(), std::size_t(1));
        QCOMPARE(selection.requests.begin()->first, 2ull);
        QCOMPARE(view.currentConnection().connections, (std::set<std::uint64_t>{2}));
        std::unique_ptr<QMenu> menu(view.makeContextMenu());
        QStringList actions;
        for (QAction *a : menu->actions())
            if (!a->isSeparator())
                actions << a->text();
        QVERIFY(actions.contains(QStringLiteral("Copy as curl")));
        QVERIFY(actions.contains(QStringLiteral("Save HAR of the selected requests…")));
    }
};

QTEST_MAIN(TestRequests)
#include "tst_requests.moc"
