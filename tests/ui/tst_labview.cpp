// The lab view end to end: the demo site served in-process by the view's
// own worker, loaded in the four modes on loopback, shown as four
// waterfalls, a table and a verdict, and exported as JSON and PNG.

#include "labview.h"
#include "labwaterfall.h"

#include "lab/loadresult.h"

#include <QFile>
#include <QImage>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTemporaryDir>
#include <QTest>

using namespace h2scope;

class TestLabView : public QObject {
    Q_OBJECT

private slots:
    void offersTheFoldersPages();
    void exportsFailBeforeARun();
    void runsTheFourModesOnLoopback();
    void cancelStopsARun();
    void destroyingARunningViewWaits();
};

namespace {
const QString kDemo = QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo");
}

void TestLabView::offersTheFoldersPages()
{
    ui::LabView view(kDemo);
    const QStringList pages = view.pages();
    QVERIFY2(pages.contains("/"), qPrintable(pages.join(", ")));
    QVERIFY2(pages.contains("/about/"), qPrintable(pages.join(", ")));
    QCOMPARE(pages.front(), QStringLiteral("/"));
    QVERIFY(view.setNetworkPreset("loopback"));
    QVERIFY(view.setNetworkPreset("LTE")); // an alias of 4g
    QVERIFY(!view.setNetworkPreset("dial-up"));
    QVERIFY(!view.setPage("/missing.html"));
    // A network of one's own, as on the command line.
    view.setCustomNetwork(150, 2000, 0.02);
    const lab::NetworkProfile custom = view.network();
    QCOMPARE(custom.name, std::string("custom"));
    QCOMPARE(custom.rttMs, 150u);
    QCOMPARE(custom.bandwidthKbit, std::uint64_t(2000));
    QVERIFY(std::abs(custom.loss - 0.02) < 1e-9);
    QVERIFY(view.setNetworkPreset("4g"));
    QCOMPARE(view.network().name, std::string("4g"));
}

void TestLabView::exportsFailBeforeARun()
{
    ui::LabView view(kDemo);
    QTemporaryDir dir;
    QString error;
    QVERIFY(!view.exportJson(dir.filePath("lab.json"), &error));
    QVERIFY(!error.isEmpty());
    QVERIFY(!view.exportPng(dir.filePath("lab.png"), &error));
    QVERIFY(!QFile::exists(dir.filePath("lab.json")));
}

void TestLabView::runsTheFourModesOnLoopback()
{
    ui::LabView view(kDemo);
    view.resize(1400, 900);
    view.show();
    QVERIFY(view.setPage("/"));
    QVERIFY(view.setNetworkPreset("loopback"));
    view.setRuns(1);
    QSignalSpy finished(&view, &ui::LabView::runFinished);
    QVERIFY(view.run());
    QVERIFY(view.isRunning());
    QVERIFY(!view.run()); // one lab at a time
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 120'000);
    QVERIFY2(finished.front().at(0).toBool(), qPrintable(finished.front().at(1).toString()));
    QVERIFY(!view.isRunning());
    QVERIFY(view.report());

    // Four waterfalls, each with the page and its assets on one time scale.
    QCOMPARE(view.waterfalls().size(), std::size_t(4));
    const std::int64_t span = view.waterfalls().front()->timeSpanUs();
    for (const ui::LabWaterfall *w : view.waterfalls()) {
        QVERIFY2(w->resourceRowCount() >= 5, qPrintable(w->title()));
        QVERIFY(w->rowCount() > w->resourceRowCount()); // connection rows come first
        QCOMPARE(w->timeSpanUs(), span);
        QVERIFY(w->lastTimeUs() <= span);
        QVERIFY2(w->rowText(w->rowCount() - w->resourceRowCount()).contains(" / navigation 200"),
                 qPrintable(w->rowText(w->rowCount() - w->resourceRowCount())));
    }
    QCOMPARE(view.waterfalls()[0]->title(), QStringLiteral("HTTP/1.1"));
    // The push mode's waterfall shows the pushed assets as such.
    const ui::LabWaterfall *push = view.waterfalls()[2];
    QVERIFY(view.report()->modes[2].pushedStreams > 0);
    bool pushedRow = false;
    for (int r = 0; r < push->rowCount(); ++r)
        pushedRow = pushedRow || push->rowText(r).contains(" push ");
    QVERIFY(pushedRow);

    QTableWidget *table = view.summaryTable();
    QCOMPARE(table->rowCount(), 4);
    QStringList names;
    for (int r = 0; r < 4; ++r)
        names << table->item(r, 0)->text();
    QCOMPARE(names, (QStringList{QString::fromUtf8(lab::loadModeLabel(lab::LoadMode::Http1)),
                                 QString::fromUtf8(lab::loadModeLabel(lab::LoadMode::Http2)),
                                 QString::fromUtf8(lab::loadModeLabel(lab::LoadMode::Http2Push)),
                                 QString::fromUtf8(lab::loadModeLabel(lab::LoadMode::Http2Hints))}));
    QVERIFY(table->item(0, 1)->text().endsWith(" ms"));
    QVERIFY(!view.verdictText().isEmpty());
    QVERIFY2(view.verdictText().contains("loopback"), qPrintable(view.verdictText()));

    QTemporaryDir dir;
    QString error;
    const QString jsonPath = dir.filePath("lab.json");
    QVERIFY2(view.exportJson(jsonPath, &error), qPrintable(error));
    QFile json(jsonPath);
    QVERIFY(json.open(QIODevice::ReadOnly));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json.readAll(), &parseError);
    QVERIFY2(parseError.error == QJsonParseError::NoError, qPrintable(parseError.errorString()));
    const QJsonArray modes = doc.object().value("modes").toArray();
    QCOMPARE(modes.size(), 4);
    QCOMPARE(modes[0].toObject().value("mode").toString(), QStringLiteral("http1"));
    QCOMPARE(doc.object().value("network").toObject().value("name").toString(), QStringLiteral("loopback"));
    QCOMPARE(doc.object().value("runs").toInt(), 1);

    const QString pngPath = dir.filePath("lab.png");
    QVERIFY2(view.exportPng(pngPath, &error), qPrintable(error));
    const QImage image(pngPath);
    QVERIFY(!image.isNull());
    QVERIFY(image.width() >= 1000 && image.height() >= 600);
    QVERIFY(!view.exportPng(dir.filePath("no/such/folder/lab.png"), &error));
    QVERIFY(error.contains("Cannot write"));
}

void TestLabView::cancelStopsARun()
{
    ui::LabView view(kDemo);
    QVERIFY(view.setNetworkPreset("slow-3g"));
    view.setRuns(5);
    QSignalSpy finished(&view, &ui::LabView::runFinished);
    QVERIFY(view.run());
    view.cancel();
    QTRY_VERIFY_WITH_TIMEOUT(!finished.isEmpty(), 120'000);
    QCOMPARE(finished.front().at(0).toBool(), false);
    QCOMPARE(finished.front().at(1).toString(), QStringLiteral("Cancelled."));
    QVERIFY(!view.report());
    QVERIFY(!view.isRunning());
}

void TestLabView::destroyingARunningViewWaits()
{
    auto *view = new ui::LabView(kDemo);
    QVERIFY(view->setNetworkPreset("cable"));
    QVERIFY(view->run());
    QTest::qWait(50);
    delete view; // cancels, waits for the load in flight; queued progress is dropped
    QTest::qWait(50);
}

QTEST_MAIN(TestLabView)
#include "tst_labview.moc"
