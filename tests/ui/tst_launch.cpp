// Launch and first run: the welcome page without a folder, the demo site
// served from it, a FOLDER argument served at once, the next free port when
// the usual one is taken, restarts from the window, and one window per
// folder (a second launch raises the first and exits). The in-process tests
// drive app::GuiSession (what main() runs); the launch tests run the real
// binary under the offscreen platform and fetch what it serves with curl.
// Settings, the local CA and the single-instance sockets stay in a
// temporary directory.

#include "guisession.h"
#include "options.h"

#include "connectionmodel.h"
#include "frametext.h"
#include "labview.h"
#include "lanpanel.h"
#include "mainwindow.h"
#include "noticebar.h"
#include "qrcode.h"
#include "requestsmodel.h"
#include "requestsview.h"
#include "serversettings.h"
#include "welcomeview.h"

#include <QAction>
#include <QDockWidget>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QProcess>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <tuple>

using namespace h2scope;

namespace {

void writeFile(const QString &path, const QByteArray &bytes)
{
    QFile f(path);
    QVERIFY(f.open(QIODevice::WriteOnly));
    QCOMPARE(f.write(bytes), bytes.size());
}

// GET `url` over HTTP/2 with curl (the local CA is not trusted here: -k).
QByteArray fetch(const QString &url)
{
    QProcess curl;
    curl.start(QStringLiteral("curl"),
               {QStringLiteral("-sk"), QStringLiteral("--http2"), QStringLiteral("--max-time"), QStringLiteral("10"),
                QStringLiteral("-w"), QStringLiteral("\n%{http_version} %{http_code}"), url});
    if (!curl.waitForFinished(15000)) {
        curl.kill();
        curl.waitForFinished(2000);
        return {};
    }
    return curl.readAllStandardOutput();
}

app::Options guiOptions(const QStringList &args)
{
    app::ParseOutcome parsed = app::parseOptions(QStringList{QStringLiteral("h2scope")} + args, true);
    if (!parsed.options)
        qFatal("cannot parse %s: %s", qPrintable(args.join(u' ')), qPrintable(parsed.message));
    return *parsed.options;
}

} // namespace

class TestLaunch final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void welcomeWithoutFolder();
    void demoFromWelcomeAndFirstRun();
    void folderArgumentServesIt();
    void windowKeepsEveryFrameOfAFlood();
    void requestsTabListsWhatClientsFetched();
    void missingFolderShowsWhatToDo();
    void usualPortTakenPicksNext();
    void restartFromTheWindow();
    void lanQrCode();
    void binaryServesFolderArgument();
    void binaryWithoutFolderShowsWelcome();
    void secondLaunchRaisesFirstWindow();

private:
    QProcessEnvironment binaryEnvironment() const;
    bool startBinary(QProcess &process, const QStringList &args);

    QTemporaryDir m_dir;
    QString m_site;
    QStringList m_stdout; // lines the in-process sessions wrote as standard output
};

void TestLaunch::initTestCase()
{
    QVERIFY(m_dir.isValid());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, m_dir.filePath(QStringLiteral("settings")));
    qputenv("H2SCOPE_CAROOT", m_dir.filePath(QStringLiteral("ca")).toLocal8Bit());
    QCoreApplication::setOrganizationName(QStringLiteral("h2scope-test"));
    QCoreApplication::setApplicationName(QStringLiteral("h2scope-test"));
    if (QStandardPaths::findExecutable(QStringLiteral("curl")).isEmpty())
        QSKIP("curl is not installed; install it (see .ci/deps) to run this test");
    m_site = m_dir.filePath(QStringLiteral("site"));
    QVERIFY(QDir().mkpath(m_site));
    writeFile(m_site + QStringLiteral("/index.html"),
              "<!doctype html><title>launch test</title><link rel=stylesheet href=style.css><p>served by h2scope</p>");
    writeFile(m_site + QStringLiteral("/style.css"), "p { color: teal }");
    m_site = QFileInfo(m_site).canonicalFilePath();
}

void TestLaunch::welcomeWithoutFolder()
{
    const app::Options options = guiOptions({QStringLiteral("--port"), QStringLiteral("0")});
    QVERIFY(!options.folderGiven);
    m_stdout.clear();
    app::GuiSession session(options,
                            [this](const std::string &line) { m_stdout.append(QString::fromStdString(line)); });
    session.begin();
    QVERIFY(session.window()->isVisible());
    QVERIFY(session.window()->isShowingWelcome());
    QVERIFY(session.window()->welcome()->isVisible());
    QVERIFY(!session.isServing());
    QVERIFY(session.controller() == nullptr);
    QVERIFY(m_stdout.isEmpty()); // no URL: nothing is served
    QVERIFY(!session.window()->findChild<QAction *>(QStringLiteral("protocolLabAction"))->isEnabled());
}

void TestLaunch::demoFromWelcomeAndFirstRun()
{
    QVERIFY(!QFileInfo::exists(m_dir.filePath(QStringLiteral("ca/ca.pem"))));
    m_stdout.clear();
    app::GuiSession session(guiOptions({QStringLiteral("--port"), QStringLiteral("0")}),
                            [this](const std::string &line) { m_stdout.append(QString::fromStdString(line)); });
    session.begin();
    QSignalSpy started(&session, &app::GuiSession::servingStarted);
    session.window()->welcome()->serveDemo(); // "Serve the demo site"
    QCOMPARE(started.count(), 1);
    QVERIFY(session.isServing());
    QVERIFY(!session.window()->isShowingWelcome());
    QCOMPARE(session.folder(), QFileInfo(app::demoSiteFolder()).canonicalFilePath());
    QCOMPARE(session.window()->url(), session.url());
    QCOMPARE(m_stdout, QStringList{session.url() + u'\n'});

    const QByteArray page = fetch(session.url());
    QVERIFY2(page.contains("Northwind Kites"), page.constData());
    QVERIFY2(page.endsWith("\n2 200"), page.right(20).constData());

    // First run: the local CA was created, and the window offers to trust it, saying where it is.
    QVERIFY(QFileInfo::exists(m_dir.filePath(QStringLiteral("ca/ca.pem"))));
    ui::NoticeBar *notices = session.window()->notices();
    QVERIFY2(notices->ids().contains(QStringLiteral("first-run")), qPrintable(notices->ids().join(u',')));
    const QString caroot = QFileInfo(m_dir.filePath(QStringLiteral("ca"))).absoluteFilePath();
    QVERIFY(notices->text(QStringLiteral("first-run")).contains(caroot));
    QVERIFY(notices->text(QStringLiteral("first-run")).contains(QStringLiteral("trust")));
    QVERIFY(session.window()->findChild<QAction *>(QStringLiteral("protocolLabAction"))->isEnabled());
    ui::LabView *lab = session.window()->openLab();
    QVERIFY(lab);
    QCOMPARE(lab->folder(), session.folder());
    QVERIFY(lab->pages().contains(QStringLiteral("/")));
    lab->close();
}

void TestLaunch::windowKeepsEveryFrameOfAFlood()
{
    // The window open (offscreen), h2load flat out at it while its event
    // loop runs: every frame h2load received is in the window's store, no
    // connection is evicted or left "open", and the list shows the totals.
    const QString h2load = QStandardPaths::findExecutable(QStringLiteral("h2load"));
    if (h2load.isEmpty())
        QSKIP("h2load is not installed (package nghttp2-client)");
    writeFile(m_site + QStringLiteral("/small.txt"), QByteArray(1024, 'a'));
    app::GuiSession session(
        guiOptions({QStringLiteral("--port"), QStringLiteral("0"), QStringLiteral("--no-tls"), m_site}), {});
    session.begin();
    QVERIFY(session.isServing());
    constexpr int kRequests = 100000, kConnections = 16;
    QProcess load;
    load.start(h2load, {QStringLiteral("-n"), QString::number(kRequests), QStringLiteral("-c"),
                        QString::number(kConnections), QStringLiteral("-m"), QStringLiteral("32"), QStringLiteral("-N"),
                        QStringLiteral("20"), session.url() + QStringLiteral("small.txt")});
    QVERIFY(load.waitForStarted());
    // The window drains on its own timer: keep the event loop running.
    QTRY_VERIFY_WITH_TIMEOUT(load.state() == QProcess::NotRunning, 240000);
    const QString out = QString::fromUtf8(load.readAllStandardOutput());
    QVERIFY2(out.contains(QStringLiteral("%1 succeeded").arg(kRequests)), qPrintable(out));
    const QRegularExpressionMatch traffic =
        QRegularExpression(QStringLiteral("traffic: \\S+ \\((\\d+)\\) total")).match(out);
    QVERIFY2(traffic.hasMatch(), qPrintable(out));

    const inspect::CaptureStore *store = session.window()->currentStore();
    QVERIFY(store);
    ui::ConnectionModel *model = session.window()->connectionModel();
    const auto totals = [store] {
        std::uint64_t streams = 0, frameBytesOut = 0, open = 0;
        for (std::uint64_t id : store->connectionIds()) {
            const inspect::ConnectionInfo *c = store->connection(id);
            streams += c->counters.streams;
            frameBytesOut += c->counters.frameBytesOut;
            open += c->closed ? 0 : 1;
        }
        return std::tuple{streams, frameBytesOut, open};
    };
    // The last chunks come in with the window's next ticks.
    QTRY_VERIFY_WITH_TIMEOUT(std::get<2>(totals()) == 0 && model->rowCount() == kConnections, 10000);
    const auto [streams, frameBytesOut, open] = totals();
    QCOMPARE(store->connectionCount(), std::size_t(kConnections));
    QCOMPARE(streams, std::uint64_t(kRequests));
    QCOMPARE(frameBytesOut, traffic.captured(1).toULongLong()); // every frame byte h2load received
    QCOMPARE(store->evictedFrames(), std::uint64_t(0));
    QCOMPARE(store->evictedConnections(), std::uint64_t(0));
    std::uint64_t listed = 0;
    for (int row = 0; row < model->rowCount(); ++row) {
        QCOMPARE(model->data(model->index(row, ui::ConnectionModel::State)).toString(), QStringLiteral("closed"));
        listed += model->data(model->index(row, ui::ConnectionModel::Streams)).toString().toULongLong();
    }
    QCOMPARE(listed, std::uint64_t(kRequests));
    // The Requests tab lists every one of them, once it has read on.
    QElapsedTimer catchUp;
    catchUp.start();
    QTRY_COMPARE_WITH_TIMEOUT(session.window()->requests()->model()->rowCount(), kRequests, 60000);
    qInfo("requests tab: %d rows %lld ms after the flood; summaries %zu bytes (%.0f per request), capture %zu bytes",
          session.window()->requests()->model()->rowCount(), static_cast<long long>(catchUp.elapsed()),
          store->summaryBytes(), static_cast<double>(store->summaryBytes()) / kRequests, store->memoryUsed());
}

// Runs `program args`; its standard output, or a null array when it failed.
QByteArray runTool(const QString &program, const QStringList &args, int timeoutMs = 60000,
                   const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment())
{
    QProcess p;
    p.setProcessEnvironment(env);
    p.start(program, args);
    if (!p.waitForFinished(timeoutMs)) {
        p.kill();
        p.waitForFinished(2000);
        return {};
    }
    if (p.exitStatus() != QProcess::NormalExit || p.exitCode() != 0) {
        qWarning("%s failed: %s", qPrintable(program), p.readAllStandardError().constData());
        return {};
    }
    return p.readAllStandardOutput();
}

void TestLaunch::requestsTabListsWhatClientsFetched()
{
    // The window as a user has it, with traffic from nghttp (push on), curl
    // over HTTP/1.1 and headless Chromium: the Requests tab lists each
    // request with its protocol, client and push relation, and the request
    // copied as curl, run again, gets the same status and bytes.
    for (const char *tool : {"nghttp", "chromium"})
        if (QStandardPaths::findExecutable(QLatin1String(tool)).isEmpty())
            QSKIP(qPrintable(QStringLiteral("%1 is not installed (see .ci/deps)").arg(QLatin1String(tool))));
    app::GuiSession session(guiOptions({QStringLiteral("--port"), QStringLiteral("0"), m_site}), {});
    session.begin();
    QVERIFY(session.isServing());
    ui::MainWindow *window = session.window();
    QCOMPARE(window->mainTabs()->currentWidget(), static_cast<QWidget *>(window->requests())); // the first tab
    const QString base = session.url();

    QVERIFY(!runTool(QStringLiteral("nghttp"), {QStringLiteral("-ans"), base + QStringLiteral("index.html")}).isNull());
    // A precompressed file, fetched compressed: the row has both sizes.
    const QByteArray json = QByteArray("{\"rows\": [") + QByteArray("1, ").repeated(400) + "1]}\n";
    writeFile(m_site + QStringLiteral("/data.json"), json);
    runTool(QStringLiteral("gzip"), {QStringLiteral("-kf9"), m_site + QStringLiteral("/data.json")});
    QVERIFY(QFileInfo::exists(m_site + QStringLiteral("/data.json.gz")));
    QCOMPARE(runTool(QStringLiteral("curl"),
                     {QStringLiteral("-sk"), QStringLiteral("--http1.1"), QStringLiteral("--compressed"),
                      QStringLiteral("-o"), QStringLiteral("/dev/null"), QStringLiteral("-w"),
                      QStringLiteral("%{http_code}"), base + QStringLiteral("data.json")}),
             QByteArray("200"));
    QCOMPARE(runTool(QStringLiteral("curl"), {QStringLiteral("-sk"), QStringLiteral("--http1.1"), QStringLiteral("-o"),
                                              QStringLiteral("/dev/null"), QStringLiteral("-w"),
                                              QStringLiteral("%{http_code}"), base + QStringLiteral("style.css")}),
             QByteArray("200"));
    QTemporaryDir profile;
    const QByteArray dom =
        runTool(QStringLiteral("chromium"),
                {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
                 QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
                 QStringLiteral("--no-first-run"), QStringLiteral("--disable-sync"),
                 QStringLiteral("--user-data-dir=") + profile.path(), QStringLiteral("--ignore-certificate-errors"),
                 QStringLiteral("--dump-dom"), base},
                90000);
    QVERIFY2(dom.contains("served by h2scope"), dom.constData());

    // What each client fetched, as rows: method path status protocol client relation.
    ui::RequestsModel *model = window->requests()->model();
    const auto rows = [model] {
        QStringList out;
        for (int r = 0; r < model->rowCount(); ++r) {
            QStringList cells;
            for (int c : {ui::RequestsModel::Method, ui::RequestsModel::Path, ui::RequestsModel::Status,
                          ui::RequestsModel::Protocol, ui::RequestsModel::Client, ui::RequestsModel::Relation})
                cells << model->data(model->index(r, c)).toString();
            out << cells.join(u' ');
        }
        return out;
    };
    const auto has = [&rows](const QString &pattern) {
        const QRegularExpression re(pattern);
        for (const QString &row : rows())
            if (re.match(row).hasMatch())
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(has(QStringLiteral("^GET /index.html 200 h2 nghttp2/\\S+ $")), 10000);
    // nghttp's dependency anchors (idle streams named by PRIORITY frames) are not requests.
    QVERIFY2(!has(QStringLiteral("^ ")), qPrintable(rows().join(u'\n')));
    QTRY_VERIFY2_WITH_TIMEOUT(has(QStringLiteral("^GET /style.css 200 h2 nghttp2/\\S+ pushed by \\d+: completed$")),
                              qPrintable(rows().join(u'\n')), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(has(QStringLiteral("^GET /style.css 200 h1.1 curl/\\S+ $")),
                              qPrintable(rows().join(u'\n')), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(has(QStringLiteral("^GET / 200 h2 (Headless )?Chrome \\d+ sent 103 Early Hints$")),
                              qPrintable(rows().join(u'\n')), 10000);
    QTRY_VERIFY2_WITH_TIMEOUT(has(QStringLiteral("^GET /style.css 200 h2 (Headless )?Chrome \\d+ (hinted by \\d+)?$")),
                              qPrintable(rows().join(u'\n')), 10000);

    const auto jsonRow = [&]() -> QString {
        for (int r = 0; r < model->rowCount(); ++r)
            if (model->data(model->index(r, ui::RequestsModel::Path)).toString() == QLatin1String("/data.json"))
                return model->data(model->index(r, ui::RequestsModel::Size)).toString() + u' '
                       + model->data(model->index(r, ui::RequestsModel::Decoded)).toString();
        return {};
    };
    const qint64 gzSize = QFileInfo(m_site + QStringLiteral("/data.json.gz")).size();
    QTRY_COMPARE_WITH_TIMEOUT(
        jsonRow(), ui::bytesText(std::uint64_t(gzSize)) + u' ' + ui::bytesText(std::uint64_t(json.size())), 10000);

    // Copy as curl, run again (trusting the test's CA): the same status and bytes.
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("CURL_CA_BUNDLE"), m_dir.filePath(QStringLiteral("ca/ca.pem")));
    QFile css(m_site + QStringLiteral("/style.css"));
    QVERIFY(css.open(QIODevice::ReadOnly));
    const QByteArray cssBytes = css.readAll();
    for (const QString &client : {QStringLiteral("curl/"), QStringLiteral("Chrome")}) {
        int row = -1;
        for (int r = 0; r < model->rowCount() && row < 0; ++r)
            if (model->data(model->index(r, ui::RequestsModel::Path)).toString() == QLatin1String("/style.css")
                && model->data(model->index(r, ui::RequestsModel::Client)).toString().contains(client))
                row = r;
        QVERIFY(row >= 0);
        const ui::RequestsModel::Row *which = model->row(row);
        QVERIFY(window->openRequest(which->connectionId, which->streamId));
        const QString command = window->requests()->copyText(ui::RequestsView::Copy::Curl);
        QVERIFY2(command.startsWith(QStringLiteral("curl '")), qPrintable(command));
        const QByteArray out = runTool(
            QStringLiteral("sh"),
            {QStringLiteral("-c"), command + QStringLiteral(" -s --max-time 10 -w '\n%{http_code}'")}, 30000, env);
        QVERIFY2(!out.isNull(), qPrintable(command));
        QCOMPARE(out, cssBytes + "\n200");
    }
}

void TestLaunch::folderArgumentServesIt()
{
    const app::Options options = guiOptions({QStringLiteral("--port"), QStringLiteral("0"), m_site});
    QVERIFY(options.folderGiven);
    app::GuiSession session(options, {});
    session.begin();
    QVERIFY(session.isServing());
    QVERIFY(!session.window()->isShowingWelcome());
    QCOMPARE(session.window()->servedFolder(), m_site);
    QVERIFY(!session.window()->notices()->ids().contains(QStringLiteral("first-run"))); // the CA exists now
    const QByteArray page = fetch(session.url() + QStringLiteral("index.html"));
    QVERIFY2(page.contains("served by h2scope"), page.constData());
    // Remembered: the welcome page lists it next time.
    QSettings qs;
    QCOMPARE(ui::WelcomeView::loadRecent(qs).value(0), m_site);
    session.window()->showWelcome();
    QCOMPARE(session.window()->welcome()->recentFolders().value(0), m_site);
}

void TestLaunch::missingFolderShowsWhatToDo()
{
    const QString missing = m_dir.filePath(QStringLiteral("no-such-folder"));
    const app::Options options = guiOptions({missing});
    QVERIFY(!options.folderGiven);
    QVERIFY(options.folderProblem.contains(QStringLiteral("does not exist")));
    app::GuiSession session(options, {});
    session.begin();
    QVERIFY(session.window()->isShowingWelcome());
    QVERIFY(!session.isServing());
    const QString text = session.window()->notices()->text(QStringLiteral("folder"));
    QVERIFY2(text.contains(missing) && text.contains(QStringLiteral("Choose another folder")), qPrintable(text));
    // A chosen folder that vanished meanwhile says so too, in the window.
    QVERIFY(!session.serve(missing));
    QVERIFY(
        session.window()->notices()->text(QStringLiteral("serve-error")).contains(QStringLiteral("does not exist")));
}

void TestLaunch::usualPortTakenPicksNext()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const quint16 taken = squatter.serverPort();
    {
        QSettings qs;
        ui::ServerSettings s = ui::ServerSettings::loadForFolder(qs, m_site);
        s.port = taken; // this folder's usual port
        s.saveForFolder(qs, m_site);
    }
    app::GuiSession session(guiOptions({m_site}), {});
    session.begin();
    QVERIFY2(session.isServing(), qPrintable(session.window()->notices()->text(QStringLiteral("serve-error"))));
    const quint16 got = session.controller()->port();
    QVERIFY(got > taken && got < taken + app::GuiSession::kPortAttempts);
    const QString notice = session.window()->notices()->text(QStringLiteral("port"));
    QVERIFY2(notice.contains(QString::number(taken)) && notice.contains(QString::number(got)), qPrintable(notice));
    QVERIFY(fetch(session.url()).contains("served by h2scope"));
    QVERIFY(session.shutdown().ok());

    // An explicit --port is a demand: the window says it is taken and what to do.
    app::GuiSession explicitPort(guiOptions({QStringLiteral("--port"), QString::number(taken), m_site}), {});
    explicitPort.begin();
    QVERIFY(!explicitPort.isServing());
    const QString error = explicitPort.window()->notices()->text(QStringLiteral("serve-error"));
    QVERIFY2(error.contains(QStringLiteral("in use")) && error.contains(QStringLiteral("Settings")), qPrintable(error));
    QVERIFY(!explicitPort.window()->isShowingWelcome());
    QCOMPARE(explicitPort.window()->servedFolder(), m_site);
}

void TestLaunch::restartFromTheWindow()
{
    app::GuiSession session(guiOptions({QStringLiteral("--port"), QStringLiteral("0"), m_site}), {});
    session.begin();
    QVERIFY(session.isServing());
    ui::MainWindow *window = session.window();
    QCOMPARE(fetch(session.url() + QStringLiteral("app/route")).right(4), QByteArray(" 404"));

    // Settings from the window: remembered for the folder, and the server restarts with them.
    ui::ServerSettings s = window->serverSettings();
    QCOMPARE(s.port, quint16(0));
    s.spa = true;
    s.pushMode = QStringLiteral("off");
    emit window->settingsChanged(s);
    QVERIFY(session.isServing());
    QVERIFY(session.controller()->options().spa);
    QCOMPARE(session.controller()->options().pushMode, QStringLiteral("off"));
    QVERIFY(window->currentStore() == session.controller()->store());
    QVERIFY(fetch(session.url() + QStringLiteral("app/route")).contains("served by h2scope")); // SPA fallback
    {
        QSettings qs;
        const ui::ServerSettings remembered = ui::ServerSettings::loadForFolder(qs, m_site);
        QVERIFY(remembered.spa);
        QCOMPARE(remembered.pushMode, QStringLiteral("off"));
    }
    // Only the capture budget: no restart.
    const auto *controller = session.controller();
    s.captureBudgetMiB = 64;
    emit window->settingsChanged(s);
    QCOMPARE(session.controller(), controller);

    // Stop, then Start again.
    emit window->stopRequested();
    QVERIFY(!session.isServing());
    QVERIFY(session.url().isEmpty());
    emit window->startRequested();
    QVERIFY(session.isServing());
    QVERIFY(fetch(session.url()).contains("served by h2scope"));

    // Another folder from the window (the folder chooser, a drop).
    emit window->folderChosen(app::demoSiteFolder());
    QVERIFY(session.isServing());
    QCOMPARE(window->servedFolder(), QFileInfo(app::demoSiteFolder()).canonicalFilePath());
    QVERIFY(fetch(session.url()).contains("Northwind Kites"));
}

void TestLaunch::lanQrCode()
{
    ui::MainWindow window;
    window.show();
    QVERIFY(!window.lanDock()->isVisible());
    window.setLanUrls({QStringLiteral("https://192.168.1.20:8443/"), QStringLiteral("https://10.0.0.5:8443/")});
    QVERIFY(window.lanDock()->isVisible());
    QCOMPARE(window.lanPanel()->currentUrl(), QStringLiteral("https://192.168.1.20:8443/"));
    QVERIFY(!window.lanPanel()->qrCode()->image().isNull());
    window.setLanUrls({});
    QVERIFY(!window.lanDock()->isVisible());
}

QProcessEnvironment TestLaunch::binaryEnvironment() const
{
    QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
    env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
    env.insert(QStringLiteral("H2SCOPE_CAROOT"), m_dir.filePath(QStringLiteral("ca")));
    env.insert(QStringLiteral("XDG_CONFIG_HOME"), m_dir.filePath(QStringLiteral("binary-config")));
    env.insert(QStringLiteral("XDG_DATA_HOME"), m_dir.filePath(QStringLiteral("binary-data")));
    return env;
}

bool TestLaunch::startBinary(QProcess &process, const QStringList &args)
{
    process.setProcessEnvironment(binaryEnvironment());
    process.setProgram(QStringLiteral(H2SCOPE_BIN));
    process.setArguments(args);
    process.setStandardInputFile(QProcess::nullDevice());
    process.start();
    return process.waitForStarted(10000);
}

void TestLaunch::binaryServesFolderArgument()
{
    QProcess h2scope;
    QVERIFY(startBinary(h2scope, {QStringLiteral("--port"), QStringLiteral("0"), m_site}));
    QTRY_VERIFY_WITH_TIMEOUT(h2scope.canReadLine() || h2scope.state() != QProcess::Running, 20000);
    const QString url = QString::fromUtf8(h2scope.readLine()).trimmed();
    QVERIFY2(url.startsWith(QStringLiteral("https://127.0.0.1:")), qPrintable(url + h2scope.readAllStandardError()));
    QVERIFY(fetch(url + QStringLiteral("index.html")).contains("served by h2scope"));
    ::kill(static_cast<pid_t>(h2scope.processId()), SIGTERM);
    QVERIFY(h2scope.waitForFinished(15000));
    QCOMPARE(h2scope.exitStatus(), QProcess::NormalExit);
    QCOMPARE(h2scope.exitCode(), 0);
}

void TestLaunch::binaryWithoutFolderShowsWelcome()
{
    QProcess h2scope;
    QVERIFY(startBinary(h2scope, {QStringLiteral("--port"), QStringLiteral("0")}));
    QByteArray err;
    QTRY_VERIFY_WITH_TIMEOUT((err += h2scope.readAllStandardError()).contains("welcome page"), 20000);
    QTest::qWait(500);
    QVERIFY(h2scope.state() == QProcess::Running);
    QVERIFY(h2scope.readAllStandardOutput().isEmpty()); // nothing served, so no URL
    ::kill(static_cast<pid_t>(h2scope.processId()), SIGTERM);
    QVERIFY(h2scope.waitForFinished(15000));
    QCOMPARE(h2scope.exitCode(), 0);
}

void TestLaunch::secondLaunchRaisesFirstWindow()
{
    QProcess first;
    QVERIFY(startBinary(first, {QStringLiteral("--port"), QStringLiteral("0"), m_site}));
    QTRY_VERIFY_WITH_TIMEOUT(first.canReadLine() || first.state() != QProcess::Running, 20000);
    const QString url = QString::fromUtf8(first.readLine()).trimmed();
    QVERIFY2(url.startsWith(QStringLiteral("https://")), qPrintable(url + first.readAllStandardError()));

    // Through a different spelling of the same folder: the canonical path decides.
    QProcess second;
    QElapsedTimer clock;
    clock.start();
    QVERIFY(startBinary(second, {m_site + QStringLiteral("/./")}));
    QVERIFY(second.waitForFinished(15000));
    QCOMPARE(second.exitStatus(), QProcess::NormalExit);
    QCOMPARE(second.exitCode(), 0);
    QVERIFY2(clock.elapsed() < 10000, "the second launch should hand over and exit quickly");
    QVERIFY(second.readAllStandardOutput().isEmpty()); // it served nothing
    QVERIFY(second.readAllStandardError().contains("already open in another h2scope window"));
    QByteArray firstErr;
    QTRY_VERIFY_WITH_TIMEOUT((firstErr += first.readAllStandardError()).contains("raising this window"), 5000);
    QVERIFY(first.state() == QProcess::Running);
    QVERIFY(fetch(url).contains("served by h2scope")); // still serving

    // The in-process session is found the same way.
    ::kill(static_cast<pid_t>(first.processId()), SIGTERM);
    QVERIFY(first.waitForFinished(15000));
    QCOMPARE(first.exitCode(), 0);
    app::GuiSession session(guiOptions({QStringLiteral("--port"), QStringLiteral("0"), m_site}), {});
    session.begin();
    QVERIFY(session.isServing());
    QSignalSpy raised(&session, &app::GuiSession::raised);
    QProcess third;
    QVERIFY(startBinary(third, {m_site}));
    QTRY_VERIFY_WITH_TIMEOUT(third.state() == QProcess::NotRunning, 15000);
    QCOMPARE(third.exitCode(), 0);
    QCOMPARE(raised.count(), 1);
}

QTEST_MAIN(TestLaunch)
#include "tst_launch.moc"
