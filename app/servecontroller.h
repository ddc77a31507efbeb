#pragma once
// Wires one served folder together: certificate, TLS context, static site,
// capture hub, server; on a timer (the GUI or main thread) takes the capture
// logs' new chunks into the store, and dissects what the frame log and the
// JSON Lines capture need.

#include "options.h"

#include "inspect/capturefollower.h"
#include "inspect/capturelog.h"
#include "inspect/capturestore.h"
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
    // Inspector pause (GUI): connections record only their opening and
    // closing until resumed; what is already captured stays. No-op when
    // capture is off.
    void setCapturePaused(bool paused);

signals:
    // Emitted after each drain that changed the store (the window updates
    // exactly the connections `delta` names).
    void captureChanged(const inspect::StoreDelta &delta);

private:
    void drain();
    void writeEvents(const std::vector<inspect::Event> &batch);
    Result<std::shared_ptr<tls::TlsContext>> makeTls(); // the managed leaf, --cert/--key, or a throwaway
    void warn(const std::string &message);
    void captureFileFailed(const std::string &why); // reports, then stops writing the file

    Options m_options;
    LineSink m_logSink;
    std::unique_ptr<site::StaticSite> m_site;
    // The site, when file reads were still running on it as serving stopped:
    // never destroyed, since they may return at any time.
    std::unique_ptr<site::StaticSite> m_siteLeftBehind;
    std::unique_ptr<site::FolderWatcher> m_watcher; // live reload; null when off or unsupported
    QTimer m_heartbeatTimer;                        // keeps quiet live reload streams from idling out
    QStringList m_lanUrls;
    QStringList m_warnings;
    QString m_localCaRoot;
    bool m_caCreated = false;
    std::unique_ptr<inspect::CaptureHub> m_hub;
    std::unique_ptr<net::Server> m_server;
    std::unique_ptr<inspect::CaptureStore> m_store;
    std::optional<inspect::JsonLinesWriter> m_jsonl;
    inspect::FrameLogFormatter m_formatter;
    std::optional<inspect::CaptureFollower> m_follower; // the frame log's and the JSON Lines' dissection
    std::int64_t m_wallOffsetNs = 0;
    QTimer m_drainTimer;
    std::vector<inspect::LogAnnouncement> m_announced;
    std::vector<inspect::Event> m_batch;
    bool m_stopped = false;
};

} // namespace h2scope::app
