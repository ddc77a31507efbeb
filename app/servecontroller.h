#pragma once
// Wires one served folder together: certificate, TLS context, static site,
// event hub, server; drains the inspector's events on a timer (the GUI or
// main thread) into the frame log, the JSON Lines capture and the store.

#include "options.h"

#include "inspect/capturestore.h"
#include "inspect/eventhub.h"
#include "inspect/framelog.h"
#include "inspect/jsonlines.h"
#include "net/server.h"
#include "result.h"
#include "site/folderwatcher.h"
#include "site/staticsite.h"

#include <QObject>
#include <QTimer>

#include <chrono>

#include <functional>
#include <memory>
#include <optional>

namespace h2scope::app {

class ServeController final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ServeController)

public:
    using LineSink = std::function<void(const std::string &text)>;

    ServeController(Options options, LineSink logSink, QObject *parent = nullptr);
    ~ServeController() override;

    // Makes the certificate (unless --cert/--key), opens the folder and the
    // capture file, binds and starts serving. When the port is taken it tries
    // the next ones, up to Options::portAttempts ports in all (port() then
    // says which one it got). The error says what to do. Call it once: to
    // serve again with other options, make a new controller.
    Result<void> start();

    // GOAWAY to every connection, at most `grace` for them to finish, then the
    // last events are drained and the HAR written. Safe to call twice. Blocks
    // the calling thread for up to `grace` while browsers hold connections.
    Result<void> stop(std::chrono::milliseconds grace = std::chrono::milliseconds(2000));
    bool isRunning() const { return m_server && !m_stopped; }

    QString url() const;
    // The port listened on (0 before start()).
    quint16 port() const;
    // After start(): whether it created the managed local CA just now (first
    // run), and that CA's folder ("" with --cert/--key, --no-tls or when the
    // local CA could not be used).
    bool createdLocalCa() const { return m_caCreated; }
    QString localCaRoot() const { return m_localCaRoot; }
    // What start() warned about (also printed on stderr): live reload off,
    // no LAN address, a throwaway certificate... One sentence each.
    QStringList warnings() const { return m_warnings; }
    // With --lan, the URLs other devices on the network can open (for the
    // QR code); empty otherwise or before start().
    QStringList lanUrls() const { return m_lanUrls; }
    // Where log text goes (stdout when headless, the window otherwise).
    void setLogSink(LineSink sink) { m_logSink = std::move(sink); }
    const Options &options() const { return m_options; }
    // Null unless a store is kept (GUI or --har).
    inspect::CaptureStore *store() const { return m_store.get(); }
    std::uint64_t droppedEvents() const;
    // Inspector pause (GUI): the hub stops taking events until resumed;
    // what is already captured stays. No-op when capture is off.
    void setCapturePaused(bool paused);

signals:
    // Emitted after each drain that brought events.
    void eventsDrained(int count);

public:
    // How long one 50 ms drain tick may take: with a window, short enough
    // that the event loop answers within the tick (bench/ui_latency measures
    // this same budget); headless, most of the tick, as nothing else waits.
    static constexpr std::chrono::milliseconds kDrainBudgetWindow{20};
    static constexpr std::chrono::milliseconds kDrainBudgetHeadless{40};
    // Events each worker's ring holds with a window: a 50 ms tick's worth
    // at full load (headless uses the hub's small default, woken when half full).
    static constexpr std::size_t kWindowRingCapacity = 65536;

private:
    void drain();
    void warn(const std::string &message);
    void captureFileFailed(const std::string &why); // reports, then stops writing the file

    Options m_options;
    LineSink m_logSink;
    std::unique_ptr<site::StaticSite> m_site;
    std::unique_ptr<site::FolderWatcher> m_watcher; // live reload; null when off or unsupported
    QTimer m_heartbeatTimer;                        // keeps quiet live reload streams from idling out
    QStringList m_lanUrls;
    QStringList m_warnings;
    QString m_localCaRoot;
    bool m_caCreated = false;
    std::unique_ptr<inspect::EventHub> m_hub;
    std::unique_ptr<net::Server> m_server;
    std::unique_ptr<inspect::CaptureStore> m_store;
    std::optional<inspect::JsonLinesWriter> m_jsonl;
    inspect::FrameLogFormatter m_formatter;
    std::int64_t m_wallOffsetNs = 0;
    QTimer m_drainTimer;
    std::vector<inspect::Event> m_batch;
    bool m_stopped = false;
};

} // namespace h2scope::app
