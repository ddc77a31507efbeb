// h2scope: serve a folder over HTTP/2 + TLS and show every frame.
// This file only decides GUI or headless and wires the parts together.

#include "labcommand.h"
#include "options.h"
#include "servecontroller.h"
#include "signalwatcher.h"

#include "mainwindow.h"

#include <QApplication>
#include <QCoreApplication>
#include <QDir>
#include <QTimer>

#include <cstdio>
#include <cstring>
#include <cstdlib>
#include <memory>

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

} // namespace

int main(int argc, char **argv)
{
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

    app::ParseOutcome parsed = app::parseOptions(QCoreApplication::arguments());
    if (!parsed.options) {
        if (parsed.exitCode == 0)
            writeOut(parsed.message.toStdString() + "\n");
        else
            writeErr(parsed.message);
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

    app::SignalWatcher signalWatcher;
    app::ServeController controller(options, options.headless ? app::ServeController::LineSink(writeOut)
                                                             : app::ServeController::LineSink());
    Result<void> started = controller.start();
    if (!started) {
        writeErr(QStringLiteral("h2scope: ") + QString::fromStdString(started.error().message));
        return 1;
    }
    // The first line on standard output is always the URL.
    writeOut(controller.url().toStdString() + "\n");

    int exitCode = 0;
    auto stopAndQuit = [&] {
        Result<void> stopped = controller.stop();
        if (!stopped) {
            writeErr(QStringLiteral("h2scope: ") + QString::fromStdString(stopped.error().message));
            exitCode = 1;
        }
        QCoreApplication::exit(exitCode);
    };
    QObject::connect(&signalWatcher, &app::SignalWatcher::stopRequested, qapp.get(), stopAndQuit);

    std::unique_ptr<ui::MainWindow> window;
    if (!options.headless) {
        window = std::make_unique<ui::MainWindow>();
        window->setServing(controller.url(), options.folder, options.folderIsDemo);
        window->setStore(controller.store());
        window->setCaRoot(options.caroot);
        window->setProtocolStatus(options.tls ? QStringLiteral("HTTP/2 and HTTP/1.1 over TLS (ALPN h2, http/1.1)")
                                              : QStringLiteral("cleartext: h2c (prior knowledge) and HTTP/1.1"));
        window->setCertificateStatus(!options.tls ? QString()
                                     : options.certFile.isEmpty()
                                         ? QStringLiteral("Certificate: a throwaway self-signed one for localhost "
                                                          "(browsers warn until the local CA is trusted)")
                                         : QStringLiteral("Certificate: %1").arg(options.certFile));
        QObject::connect(window.get(), &ui::MainWindow::capturePausedChanged, &controller,
                         &app::ServeController::setCapturePaused);
        QObject::connect(window.get(), &ui::MainWindow::stopRequested, &controller, [&] {
            [[maybe_unused]] Result<void> r = controller.stop();
            window->setServerRunning(false);
            window->appendLog(QStringLiteral("Stopped serving. The capture stays open for inspection.\n"));
        });
        // TODO(lead): startRequested / folderChosen / settingsChanged need a
        // ServeController that can start again (with new options); until then
        // the window says so.
        QObject::connect(window.get(), &ui::MainWindow::startRequested, window.get(), [&] {
            window->appendLog(QStringLiteral("Starting again from the window is not wired yet: restart h2scope.\n"));
        });
        QObject::connect(&controller, &app::ServeController::eventsDrained, window.get(), [&](int count) {
            window->noteEvents(count, controller.droppedEvents());
        });
        app::ServeController::LineSink sink = [w = window.get()](const std::string &text) {
            w->appendLog(QString::fromStdString(text));
        };
        // The window shows the request log live (the full inspector replaces it).
        controller.setLogSink(std::move(sink));
        QObject::connect(qobject_cast<QApplication *>(qapp.get()), &QGuiApplication::lastWindowClosed, qapp.get(),
                         stopAndQuit);
        window->show();
    }
    const int rc = QCoreApplication::exec();
    [[maybe_unused]] Result<void> r = controller.stop();
    return rc != 0 ? rc : exitCode;
}
