#pragma once
// The GUI application: one window, the welcome page until a folder is
// chosen, then one ServeController per serving (a new folder, Start, or new
// settings make a new one; the capture of a stopped server stays visible
// until the next start). It applies each folder's remembered settings
// (command-line flags win until the user edits them in the window), picks
// the next free port when the usual one is taken, claims the folder for
// SingleInstance, and turns every failure and first-run fact into a notice
// in the window with what to do.
//
// GUI thread only.

#include "options.h"
#include "servecontroller.h"
#include "singleinstance.h"

#include "serversettings.h"

#include <QObject>
#include <QString>

#include <memory>

class QThread;

namespace h2scope::ui {
class MainWindow;
}

namespace h2scope::app {

class GuiSession final : public QObject {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(GuiSession)

public:
    // How many ports, from the usual one up, a GUI launch tries.
    static constexpr unsigned kPortAttempts = 20;

    // `options`: the command line's. `stdoutSink` gets one line, the URL,
    // each time serving starts (the first stdout line is always the URL).
    GuiSession(Options options, ServeController::LineSink stdoutSink, QObject *parent = nullptr);
    ~GuiSession() override;

    // Shows the window: serves the FOLDER argument at once, else shows the
    // welcome page (with a notice when the FOLDER argument was unusable).
    void begin();

    // Serves `folder` (stopping what is served first). False, with a notice
    // in the window saying why and what to do, when it cannot.
    bool serve(const QString &folder, bool isDemo = false);
    // Stops serving; the capture stays for inspection.
    void stopServing();
    // Stops for good (the application quits).
    Result<void> shutdown();

    ui::MainWindow *window() const { return m_window.get(); }
    ServeController *controller() const { return m_controller.get(); }
    QString url() const;
    QString folder() const { return m_folder; }
    bool isServing() const { return m_controller && m_controller->isRunning(); }

signals:
    void servingStarted(const QString &url);
    // Another launch asked for the served folder; the window was raised.
    void raised();

private:
    Options optionsFor(const QString &folder, bool isDemo, const ui::ServerSettings &settings) const;
    void applyStarted(const Options &options, const ui::ServerSettings &settings);
    void showStartError(const QString &folder, const Error &error);
    void onSettingsChanged(const ui::ServerSettings &settings);
    void onRaiseRequested();
    void checkTrustLater(const QString &caroot);
    void stopController(std::chrono::milliseconds grace);

    Options m_base;
    ServeController::LineSink m_stdout;
    std::unique_ptr<ui::MainWindow> m_window; // declared before the controllers: outlives their log sinks
    std::unique_ptr<ServeController> m_controller;
    SingleInstance m_instance;
    ui::ServerSettings m_settings; // what the served folder is served with
    QString m_folder;              // canonical; "" on the welcome page
    bool m_isDemo = false;
    bool m_userEditedSettings = false; // then the window's settings win over command-line flags
    bool m_capturePaused = false;
    bool m_trustChecked = false;
    QThread *m_trustThread = nullptr;
};

} // namespace h2scope::app
