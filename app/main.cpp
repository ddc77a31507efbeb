// h2scope: serve a folder over HTTP/2 + TLS and show every frame.
// This file only decides GUI or headless and wires the parts together.

#include "guisession.h"
#include "labcommand.h"
#include "options.h"
#include "servecontroller.h"
#include "signalwatcher.h"
#include "singleinstance.h"

#include <QApplication>
#include <QCoreApplication>
#include <QMessageBox>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#if H2SCOPE_USE_MIMALLOC
#include <mimalloc.h>
#endif

using namespace h2scope;

namespace {

bool argsHave(int argc, char **argv, const char *flag)
{
    for (int i = 1; i < argc; ++i)
        if (std::strcmp(argv[i], flag) == 0)
            return true;
    return false;
}

bool displayAvailable()
{
    if (std::getenv("QT_QPA_PLATFORM"))
        return true; // the caller chose a platform (offscreen, xcb, ...)
#if defined(Q_OS_LINUX) || defined(Q_OS_FREEBSD)
    const char *x = std::getenv("DISPLAY");
    const char *w = std::getenv("WAYLAND_DISPLAY");
    return (x && *x) || (w && *w);
#else
    return true;
#endif
}

void writeOut(const std::string &text)
{
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
}

void writeErr(const QString &text)
{
    const QByteArray b = text.toLocal8Bit() + '\n';
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
    std::fflush(stderr);
}

// A command line the GUI cannot use: said on stderr and in a message box (a
// launch from a desktop has no console). Not under the offscreen platform,
// where nobody could close the box.
void showLaunchError(const QString &message)
{
    const QString platform = QGuiApplication::platformName();
    if (platform == QLatin1String("offscreen") || platform == QLatin1String("minimal"))
        return;
    QMessageBox::critical(nullptr, QStringLiteral("h2scope"), message);
}

// The window: the folder named on the command line at once (or the window
// already serving it, raised), else the welcome page.
int runGui(const app::Options &options)
{
    if (options.folderGiven && app::SingleInstance::askToRaise(options.folder)) {
        writeErr(QStringLiteral("h2scope: %1 is already open in another h2scope window: brought it to the front.")
                     .arg(options.folder));
        return 0;
    }
    app::SignalWatcher signalWatcher;
    app::GuiSession session(options, writeOut);
    int exitCode = 0;
    auto stopAndQuit = [&] {
        Result<void> stopped = session.shutdown();
        if (!stopped) {
            writeErr(QStringLiteral("h2scope: ") + QString::fromStdString(stopped.error().message));
            exitCode = 1;
        }
        QCoreApplication::exit(exitCode);
    };
    QObject::connect(&signalWatcher, &app::SignalWatcher::stopRequested, qApp, stopAndQuit);
    QObject::connect(qApp, &QGuiApplication::lastWindowClosed, qApp, stopAndQuit);
    if (!options.folderGiven)
        writeErr(QStringLiteral("h2scope: no folder given: the window shows the welcome page (choose a folder, drop "
                                "one, or serve the demo site)"));
    session.begin();
    const int rc = QCoreApplication::exec();
    [[maybe_unused]] Result<void> r = session.shutdown();
    return rc != 0 ? rc : exitCode;
}

} // namespace

int main(int argc, char **argv)
{
#if H2SCOPE_USE_MIMALLOC
    // The capture store fills up to its budget (256 MiB) with capture log
    // chunks; in 4 KiB pages that is some 60,000 page faults, which under
    // load cost the server more than the store's own bookkeeping. With 2 MiB pages
    // (transparent huge pages, where the kernel offers them) a quarter as
    // many were measured. The environment (MIMALLOC_LARGE_OS_PAGES=0) still
    // has the last word.
    if (!std::getenv("MIMALLOC_LARGE_OS_PAGES"))
        mi_option_enable(mi_option_large_os_pages);
#endif
    if (argc > 1 && std::strcmp(argv[1], "lab") == 0) {
        QCoreApplication labApp(argc, argv);
        return h2scope::app::runLabCommand(QCoreApplication::arguments().mid(1));
    }
    const bool wantsGui = !argsHave(argc, argv, "--headless") && !argsHave(argc, argv, "--version")
                          && !argsHave(argc, argv, "--help") && !argsHave(argc, argv, "-h");
    const bool gui = wantsGui && displayAvailable();
    std::unique_ptr<QCoreApplication> qapp;
    if (gui)
        qapp = std::make_unique<QApplication>(argc, argv);
    else
        qapp = std::make_unique<QCoreApplication>(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("h2scope"));
    QCoreApplication::setOrganizationName(QStringLiteral("h2scope"));
    QCoreApplication::setApplicationVersion(QStringLiteral(H2SCOPE_VERSION));

    app::ParseOutcome parsed = app::parseOptions(QCoreApplication::arguments(), gui);
    if (!parsed.options) {
        if (parsed.exitCode == 0)
            writeOut(parsed.message.toStdString() + "\n");
        else
            writeErr(parsed.message);
        if (gui && parsed.exitCode != 0)
            showLaunchError(parsed.message);
        return parsed.exitCode;
    }
    app::Options options = *parsed.options;
    if (!gui) {
        if (wantsGui) {
            // No display: serve anyway, with the live frame log, and say how
            // to get the window.
            writeErr(QStringLiteral("h2scope: no display found, serving headless with the live frame log. "
                                    "Run h2scope in a desktop session (or with DISPLAY set) to get the window."));
            if (!options.logChosen)
                options.log = app::LogMode::Frames;
        }
        options.headless = true;
    }

    if (gui)
        return runGui(options);

    app::SignalWatcher signalWatcher;
    app::ServeController controller(options, app::ServeController::LineSink(writeOut));
    Result<void> started = controller.start();
    if (!started) {
        writeErr(QStringLiteral("h2scope: ") + QString::fromStdString(started.error().message));
        return 1;
    }
    // The first line on standard output is always the URL.
    writeOut(controller.url().toStdString() + "\n");

    int exitCode = 0;
    QObject::connect(&signalWatcher, &app::SignalWatcher::stopRequested, qapp.get(), [&] {
        Result<void> stopped = controller.stop();
        if (!stopped) {
            writeErr(QStringLiteral("h2scope: ") + QString::fromStdString(stopped.error().message));
            exitCode = 1;
        }
        QCoreApplication::exit(exitCode);
    });
    const int rc = QCoreApplication::exec();
    [[maybe_unused]] Result<void> r = controller.stop();
    return rc != 0 ? rc : exitCode;
}
