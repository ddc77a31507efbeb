// h2scope_inspectorshots: makes the README's inspector screenshots. Serves
// the demo site in the real window (the GUI session main() runs), loads it
// with headless Chromium and with nghttp (push), then saves, at the window
// size given (default 1280×800):
//   DIR/requests.png          the Requests tab after the loads
//   DIR/request-details.png   the page's request selected, its details shown
//   DIR/inspector-flow-control.png  the Connections tab, the flow-control graph
// Not a test; run it by hand (Chromium and nghttp on PATH):
//   QT_QPA_PLATFORM=offscreen h2scope_inspectorshots docs
// Settings and the local CA go to a temporary folder.

#include "guisession.h"
#include "options.h"

#include "connectionmodel.h"
#include "mainwindow.h"
#include "requestsmodel.h"
#include "requestsview.h"

#include <QApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QSettings>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTableView>
#include <QTemporaryDir>

#include <cstdio>

using namespace h2scope;

namespace {

bool run(const QString &program, const QStringList &args)
{
    QProcess p;
    p.start(program, args);
    if (!p.waitForFinished(90000)) {
        p.kill();
        p.waitForFinished(2000);
        return false;
    }
    return p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
}

// Lets the window's timer run for `ms`.
void settle(int ms)
{
    QElapsedTimer clock;
    clock.start();
    while (clock.elapsed() < ms)
        QApplication::processEvents(QEventLoop::AllEvents, 50);
}

bool save(QWidget *window, const QString &path)
{
    const bool ok = window->grab().save(path);
    std::fprintf(ok ? stdout : stderr, "%s %s\n", ok ? "wrote" : "could not write", qPrintable(path));
    return ok;
}

} // namespace

int main(int argc, char **argv)
{
    QApplication application(argc, argv);
    const QStringList args = application.arguments();
    if (args.size() < 2) {
        std::fputs("usage: h2scope_inspectorshots DIR [WIDTH HEIGHT]\n", stderr);
        return 2;
    }
    const QString dir = args.at(1);
    const int width = args.size() > 3 ? args.at(2).toInt() : 1280, height = args.size() > 3 ? args.at(3).toInt() : 800;
    QTemporaryDir home;
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, home.filePath(QStringLiteral("settings")));
    qputenv("H2SCOPE_CAROOT", home.filePath(QStringLiteral("ca")).toLocal8Bit());

    app::ParseOutcome parsed =
        app::parseOptions({QStringLiteral("h2scope"), QStringLiteral("--port"), QStringLiteral("0"),
                           QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo")},
                          true);
    if (!parsed.options) {
        std::fprintf(stderr, "h2scope_inspectorshots: %s\n", qPrintable(parsed.message));
        return 2;
    }
    app::GuiSession session(*parsed.options, {});
    session.begin();
    if (!session.isServing()) {
        std::fputs("h2scope_inspectorshots: the demo site is not served\n", stderr);
        return 1;
    }
    ui::MainWindow *window = session.window();
    window->resize(width, height);
    const QString url = session.url();
    QTemporaryDir profile;
    const bool chromium =
        run(QStringLiteral("chromium"),
            {QStringLiteral("--headless"), QStringLiteral("--no-sandbox"), QStringLiteral("--disable-gpu"),
             QStringLiteral("--disable-background-networking"), QStringLiteral("--disable-component-update"),
             QStringLiteral("--no-first-run"), QStringLiteral("--disable-sync"),
             QStringLiteral("--user-data-dir=") + profile.path(), QStringLiteral("--ignore-certificate-errors"),
             QStringLiteral("--virtual-time-budget=2000"), QStringLiteral("--dump-dom"), url});
    const bool nghttp = run(QStringLiteral("nghttp"), {QStringLiteral("-ans"), url});
    if (!chromium || !nghttp) {
        std::fputs("h2scope_inspectorshots: chromium or nghttp failed\n", stderr);
        return 1;
    }
    settle(1500);
    QDir().mkpath(dir);
    bool ok = save(window, dir + QStringLiteral("/requests.png"));

    // The page Chromium loaded: the first request to "/".
    ui::RequestsModel *model = window->requests()->model();
    for (int r = 0; r < model->rowCount(); ++r) {
        if (model->data(model->index(r, ui::RequestsModel::Path)).toString() == QLatin1String("/")) {
            const ui::RequestsModel::Row *row = model->row(r);
            window->openRequest(row->connectionId, row->streamId);
            break;
        }
    }
    settle(300);
    ok = save(window, dir + QStringLiteral("/request-details.png")) && ok;

    // The nghttp connection (the last one), its flow-control windows.
    window->mainTabs()->setCurrentIndex(1);
    ui::ConnectionModel *connections = window->connectionModel();
    window->selectConnection(connections->connectionId(connections->rowCount() - 1));
    for (QTabWidget *tabs : window->findChildren<QTabWidget *>())
        for (int i = 0; i < tabs->count(); ++i)
            if (tabs->tabText(i) == QLatin1String("Flow control"))
                tabs->setCurrentIndex(i);
    settle(1500);
    ok = save(window, dir + QStringLiteral("/inspector-flow-control.png")) && ok;
    (void)session.shutdown();
    return ok ? 0 : 1;
}
