#pragma once
// The main window: the welcome page until a folder is served; then the
// server bar, the connections, and for the selected connection its streams
// (waterfall), frames, flow-control windows and the details of whatever is
// selected; a status bar with the capture's vital signs. Notices (errors and
// what to do, first-run advice) sit above both pages; with LAN access on, a
// dock shows the LAN URL as a QR code. Reads a CaptureStore the application fills (or one loaded from a
// saved capture); talks back to the application only through signals.
//
// GUI thread only. The views refresh from a 100 ms timer, in batches.

#include "serversettings.h"

#include "inspect/capturestore.h"

#include <QElapsedTimer>
#include <QMainWindow>
#include <QTimer>

#include <chrono>
#include <functional>
#include <memory>

class QAction;
class QDockWidget;
class QLabel;
class QMenu;
class QPlainTextEdit;
class QSplitter;
class QStackedWidget;
class QTabWidget;
class QTableView;

namespace h2scope::inspect {
class ConnectionIndex;
}

namespace h2scope::ui {

class ConnectionModel;
class DetailsPane;
class FilterBar;
class FlowGraph;
class FrameModel;
class LabView;
class LanPanel;
class NoticeBar;
class RequestsView;
class ServerBar;
class WaterfallView;
class WelcomeView;

class MainWindow final : public QMainWindow {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(MainWindow)

public:
    explicit MainWindow(QWidget *parent = nullptr);
    ~MainWindow() override;

    // ---- what the application tells the window ----
    // Shows the inspector page for `folder`; `url` is "" when it is not being
    // served (it failed to start, or was stopped).
    void setServing(const QString &url, const QString &folder, bool isDemo);
    // Back to the welcome page (no folder).
    void showWelcome();
    bool isShowingWelcome() const;
    // The settings the dialog starts from (the served folder's).
    void setServerSettings(const ServerSettings &settings) { m_settings = settings; }
    // The LAN URLs to show as a QR code; empty hides the dock.
    void setLanUrls(const QStringList &urls);
    // The live capture (may be null: capture off). The window reads it, and
    // clears it or changes its budget when the user asks.
    void setStore(inspect::CaptureStore *store);
    void setServerRunning(bool running);
    void setProtocolStatus(const QString &text);    // "HTTP/2 + HTTP/1.1 over TLS"
    void setCertificateStatus(const QString &text); // "self-signed, valid until …"
    // The local CA folder the Certificates dialog shows ("" = the default one).
    void setCaRoot(const QString &caroot);
    // Appends log text (one or more lines); old lines scroll away.
    void appendLog(const QString &text);
    // After each drain: how many events arrived, how many the hub dropped so far.
    // What the store's last hand-over changed: the views update those rows.
    void noteCaptureChanged(const inspect::StoreDelta &delta);

    // ---- what a user can do, also callable (tests, scripting) ----
    void openCertificates();
    void openSettings(); // modal; OK emits settingsChanged
    // Opens the protocol lab for the served folder (a window of its own);
    // returns it, or null when no folder is served.
    LabView *openLab();
    void selectConnection(std::uint64_t connectionId);
    std::uint64_t selectedConnection() const noexcept { return m_selectedConnection; }
    void setFilterText(const QString &text);
    // Each returns "" on success, else the message shown to the user.
    QString saveCapture(const QString &path) const;
    QString openCapture(const QString &path); // switches the views to the file
    void showLiveCapture();                   // back from a file to the live capture
    QString exportHar(const QString &path) const;
    QString exportFrameLog(const QString &path) const;
    QString exportJsonLines(const QString &path) const;
    QString exportPcapng(const QString &path) const;
    // Runs the refresh the timer would run, now.
    void refreshNow();
    // How long one refresh may spend dissecting the selected connection
    // (the rest waits for the next tick, the status bar says how far it got).
    static constexpr std::chrono::milliseconds kDissectSlice{20};
    // And how long the Requests tab may spend reading the summaries of every connection.
    static constexpr std::chrono::milliseconds kRequestsSlice{8};
    void setDissectSlice(std::chrono::nanoseconds slice) { m_dissectSlice = slice; }
    QString statusText() const;

    // File dialogs go through this (tests replace it): returns a path or "".
    using PathChooser = std::function<QString(const QString &title, const QString &filter, bool save)>;
    void setPathChooser(PathChooser chooser) { m_choosePath = std::move(chooser); }

    ServerSettings serverSettings() const { return m_settings; }
    QString url() const;
    QString servedFolder() const { return m_folder; }
    QString logText() const;

    // The parts, for tests.
    WelcomeView *welcome() const { return m_welcome; }
    NoticeBar *notices() const { return m_notices; }
    LanPanel *lanPanel() const { return m_lanPanel; }
    QDockWidget *lanDock() const { return m_lanDock; }
    ConnectionModel *connectionModel() const { return m_connectionModel; }
    FrameModel *frameModel() const { return m_frameModel; }
    WaterfallView *waterfall() const { return m_waterfall; }
    RequestsView *requests() const { return m_requests; }
    QTabWidget *mainTabs() const { return m_mainTabs; }
    // Shows one request in the Requests tab (false when it is not listed).
    bool openRequest(std::uint64_t connectionId, std::int32_t streamId);
    // The context menu a right click on a row would open (the caller owns
    // it; null for no row), for tests.
    QMenu *contextMenuFor(QTableView *table, int row);
    // Shows one request's frames: its connection in the Connections tab,
    // the frame table filtered to its stream.
    void showRequestFrames(std::uint64_t connectionId, std::int32_t streamId);
    DetailsPane *details() const { return m_details; }
    FlowGraph *flowGraph() const { return m_flow; }
    QTableView *framesView() const { return m_framesView; }
    const inspect::ConnectionIndex *connIndex() const { return m_connIndex.get(); }
    const inspect::CaptureStore *currentStore() const { return m_store; }

signals:
    void startRequested();
    void stopRequested();
    void folderChosen(const QString &folder);
    // "Serve the demo site" on the welcome page.
    void demoRequested();
    // OK in the settings dialog; the capture budget is already applied.
    void settingsChanged(const h2scope::ui::ServerSettings &settings);
    // Pause: the application stops feeding the store (and the hub stops
    // building events) until resumed.
    void capturePausedChanged(bool paused);

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    QString servingTitle() const;
    static QString connectionsHeaderKey();
    void updateFileBanner();
    void setLabAvailable(bool available);
    void buildMenus();
    QWidget *buildInspectorPage();
    QWidget *buildFramesPanel();
    void switchStore(const inspect::CaptureStore *store, bool live);
    void onConnectionRowChanged();
    void attachIndex(); // points the frame table, waterfall and flow graph at m_connIndex
    void detachIndex(); // points them at nothing, then lets the index go
    void onFrameRowChanged();
    // The context menus of the connection list and the frame table (the
    // Requests tab has its own); made for the row at `row`.
    QMenu *connectionMenu(int row);
    QMenu *frameMenu(int row);
    void showEventInFrames(std::size_t eventIndex);
    void followStream();
    void clearCapture();
    void chooseBudget();
    void updateStatus();
    void autoSelectConnection();
    void runFileAction(const QString &title, const QString &filter, bool save,
                       const std::function<QString(const QString &)> &action);
    void restoreLayout();
    void saveLayout() const;

    QStackedWidget *m_pages = nullptr;
    WelcomeView *m_welcome = nullptr;
    QWidget *m_inspectorPage = nullptr;
    NoticeBar *m_notices = nullptr;
    QDockWidget *m_lanDock = nullptr;
    LanPanel *m_lanPanel = nullptr;
    QAction *m_labAction = nullptr;
    ServerBar *m_bar = nullptr;
    QTableView *m_connectionsView = nullptr;
    ConnectionModel *m_connectionModel = nullptr;
    WaterfallView *m_waterfall = nullptr;
    FlowGraph *m_flow = nullptr;
    FilterBar *m_filter = nullptr;
    QTableView *m_framesView = nullptr;
    FrameModel *m_frameModel = nullptr;
    DetailsPane *m_details = nullptr;
    QPlainTextEdit *m_log = nullptr;
    QTabWidget *m_sideTabs = nullptr;
    QTabWidget *m_mainTabs = nullptr; // Requests | Connections
    RequestsView *m_requests = nullptr;
    QSplitter *m_mainSplit = nullptr;
    QSplitter *m_lowerSplit = nullptr;
    QSplitter *m_leftSplit = nullptr;
    QLabel *m_statusConnections = nullptr;
    QLabel *m_statusRates = nullptr;
    QLabel *m_statusMemory = nullptr;
    QLabel *m_fileBanner = nullptr; // shown while a saved capture is
    QString m_fileName;             // the saved capture shown
    bool m_isDemo = false;          // serving the bundled demo site
    QLabel *m_statusDropped = nullptr;
    QAction *m_pauseAction = nullptr;
    QAction *m_liveAction = nullptr;

    inspect::CaptureStore *m_liveStore = nullptr;
    std::unique_ptr<inspect::CaptureStore> m_fileStore;
    const inspect::CaptureStore *m_store = nullptr;
    bool m_viewingFile = false;
    // The store's index of the selected connection, and its revision when the views last read it.
    std::shared_ptr<const inspect::ConnectionIndex> m_connIndex;
    std::uint64_t m_connIndexRevision = 0;
    std::uint64_t m_selectedConnection = 0;
    bool m_userChoseConnection = false;
    bool m_detailsShowConnection = false; // the details pane follows the connection as it grows
    bool m_detailsDirty = false;

    QTimer m_refreshTimer;
    QString m_url;
    QString m_folder;
    QString m_caRoot;
    std::vector<std::uint64_t> m_changedConnections; // since the last refresh, ascending
    std::chrono::nanoseconds m_dissectSlice = kDissectSlice;
    ServerSettings m_settings;
    PathChooser m_choosePath;

    // Rates for the status bar, over the last second.
    QElapsedTimer m_rateClock;
    QElapsedTimer m_detailsClock;
    quint64 m_rateFrames = 0;
    quint64 m_rateRequests = 0;
    double m_framesPerSecond = 0;
    double m_requestsPerSecond = 0;
};

} // namespace h2scope::ui
