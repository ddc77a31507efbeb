// ui_latency: how responsive the inspector window stays while the server is
// loaded flat out. Serves a folder in-process (as the h2scope app does: hub
// drained every 50 ms on the GUI thread into a CaptureStore that the main
// window shows), prints the URL, then for --seconds measures
//   - the GUI event loop's latency: a 5 ms precise timer records how late
//     each tick is (p50, p99, max);
//   - the frames per second the UI absorbed (frames that reached the store
//     and the window's models), and what the store keeps (nothing is dropped).
//
//   ui_latency [--seconds N] [--folder DIR] [--tls] [--no-window]
// (then load the URL, e.g. with h2load). --no-window keeps the drain and the
// store but shows no window: the baseline the window's own cost adds to.

#include "mainwindow.h"
#include "servecontroller.h"

#include "inspect/capturelog.h"
#include "inspect/capturestore.h"
#include "net/server.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

#include <QApplication>
#include <QElapsedTimer>
#include <QFile>
#include <QTemporaryDir>
#include <QTimer>

#include <algorithm>
#include <cstdio>
#include <vector>

using namespace h2scope;

namespace {

void writeFile(const QString &path, qsizetype size, char fill)
{
    QFile f(path);
    if (f.open(QIODevice::WriteOnly))
        f.write(QByteArray(size, fill));
}

double percentile(std::vector<double> v, double p)
{
    if (v.empty())
        return 0;
    std::sort(v.begin(), v.end());
    const auto i = static_cast<std::size_t>(p * static_cast<double>(v.size() - 1));
    return v[i];
}

} // namespace

int main(int argc, char **argv)
{
    QApplication app(argc, argv);
    QCoreApplication::setOrganizationName(QStringLiteral("h2scope-bench"));
    int seconds = 15;
    QString folder;
    bool tls = false;
    bool withWindow = true;
    const QStringList args = QCoreApplication::arguments();
    for (qsizetype i = 1; i < args.size(); ++i) {
        if (args[i] == QLatin1String("--seconds") && i + 1 < args.size())
            seconds = std::clamp(args[++i].toInt(), 1, 600);
        else if (args[i] == QLatin1String("--folder") && i + 1 < args.size())
            folder = args[++i];
        else if (args[i] == QLatin1String("--tls"))
            tls = true;
        else if (args[i] == QLatin1String("--no-window"))
            withWindow = false;
    }
    QTemporaryDir tmp;
    if (folder.isEmpty()) {
        folder = tmp.path();
        writeFile(folder + QStringLiteral("/small.txt"), 1024, 's');
        writeFile(folder + QStringLiteral("/index.html"), 10 * 1024, 'h');
    }

    site::SiteOptions siteOptions;
    siteOptions.root = folder.toStdString();
    auto site = site::StaticSite::create(siteOptions);
    if (!site) {
        std::fprintf(stderr, "ui_latency: %s\n", site.error().message.c_str());
        return 1;
    }
    net::ServerOptions serverOptions;
    serverOptions.port = 0;
    serverOptions.workers = 1;
    if (tls) {
        auto pem = certs::makeSelfSigned();
        tls::TlsOptions tlsOptions;
        if (pem) {
            tlsOptions.certPem = pem->certPem;
            tlsOptions.keyPem = pem->keyPem;
        }
        auto ctx = tls::TlsContext::create(tlsOptions);
        if (!ctx) {
            std::fprintf(stderr, "ui_latency: %s\n", ctx.error().message.c_str());
            return 1;
        }
        serverOptions.tls = *ctx;
    }
    inspect::CaptureHub hub(net::Server::resolveWorkers(serverOptions.workers));
    net::Server server(serverOptions, **site, &hub);
    if (auto started = server.start(); !started) {
        std::fprintf(stderr, "ui_latency: %s\n", started.error().message.c_str());
        return 1;
    }
    std::printf("%s\n", server.url().c_str());
    std::fflush(stdout);

    inspect::CaptureStore store;
    ui::MainWindow window;
    if (withWindow) {
        window.setStore(&store);
        window.setServing(QString::fromStdString(server.url()), folder, false);
        window.show();
    }

    // The application's drain, as ServeController does it.
    std::vector<inspect::LogAnnouncement> announced;
    QElapsedTimer busy;
    double drainMsTotal = 0;
    QTimer drainTimer;
    drainTimer.setInterval(50);
    QObject::connect(&drainTimer, &QTimer::timeout, &window, [&] {
        busy.start();
        hub.collect(announced);
        const inspect::StoreDelta delta = store.ingest(std::move(announced));
        announced.clear();
        if (!delta.empty())
            window.noteCaptureChanged(delta);
        drainMsTotal += static_cast<double>(busy.nsecsElapsed()) / 1e6;
    });
    drainTimer.start();

    // The probe: how late does a 5 ms timer fire?
    std::vector<double> lateMs;
    lateMs.reserve(static_cast<std::size_t>(seconds) * 250);
    QElapsedTimer probeClock;
    probeClock.start();
    qint64 lastTick = 0;
    QTimer probe;
    probe.setTimerType(Qt::PreciseTimer);
    probe.setInterval(5);
    QObject::connect(&probe, &QTimer::timeout, &window, [&] {
        const qint64 now = probeClock.nsecsElapsed();
        if (lastTick)
            lateMs.push_back(std::max(0.0, static_cast<double>(now - lastTick) / 1e6 - 5.0));
        lastTick = now;
    });
    probe.start();

    QElapsedTimer wall;
    wall.start();
    QTimer::singleShot(seconds * 1000, &app, &QCoreApplication::quit);
    app.exec();
    const double elapsed = static_cast<double>(wall.nsecsElapsed()) / 1e9;
    server.stop(std::chrono::milliseconds(500));

    std::uint64_t frames = 0, streams = 0;
    for (std::uint64_t id : store.connectionIds())
        if (const inspect::ConnectionInfo *c = store.connection(id)) {
            frames += c->counters.framesIn + c->counters.framesOut;
            streams += c->counters.streams;
        }
    std::printf("seconds %.1f, %s\n", elapsed, withWindow ? "window shown" : "no window (baseline)");
    std::printf("event-loop latency ms: p50 %.2f p99 %.2f max %.2f (samples %zu)\n", percentile(lateMs, 0.5),
                percentile(lateMs, 0.99), lateMs.empty() ? 0.0 : *std::max_element(lateMs.begin(), lateMs.end()),
                lateMs.size());
    std::printf("absorbed: %llu frames (%.0f frames/s), %llu streams (%.0f/s), %llu frames stored, none dropped\n",
                static_cast<unsigned long long>(frames), static_cast<double>(frames) / elapsed,
                static_cast<unsigned long long>(streams), static_cast<double>(streams) / elapsed,
                static_cast<unsigned long long>(store.storedFrames()));
    std::printf("GUI thread spent %.1f%% of the time taking the capture in; capture %.1f MiB of %.0f MiB (%.0f bytes "
                "per stream), %llu frames evicted\n",
                100.0 * drainMsTotal / (elapsed * 1000.0), static_cast<double>(store.memoryUsed()) / (1 << 20),
                static_cast<double>(store.budget()) / (1 << 20),
                streams ? static_cast<double>(store.memoryUsed()) / static_cast<double>(streams) : 0.0,
                static_cast<unsigned long long>(store.evictedFrames()));
    return 0;
}
