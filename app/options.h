#pragma once
// The command line, parsed into plain values (QCommandLineParser).

#include <QString>
#include <QStringList>

#include <optional>

namespace h2scope::app {

enum class LogMode { Frames, Requests, None };

struct Options {
    QString folder; // absolute; the bundled demo site when none was given
    bool folderIsDemo = false;
    bool folderGiven = false; // a FOLDER argument named it (else the GUI shows the welcome view)
    // GUI launches only (parseOptions(..., true)): why the FOLDER argument cannot be
    // served (missing, not a folder); `folder` is then the demo site and folderGiven false.
    QString folderProblem;
    bool headless = false;
    bool headlessChosen = false;                // --headless given explicitly
    QString host = QStringLiteral("localhost"); // 127.0.0.1 and ::1
    quint16 port = 8443;
    // How many ports from `port` up to try when it is taken (the GUI tries the
    // next ones and says so; the command line keeps 1: a clear error instead).
    unsigned portAttempts = 1;
    QString certFile;
    QString keyFile;
    QString caroot; // --caroot: where the managed local CA lives ("" = H2SCOPE_CAROOT or the data folder)
    bool tls = true;
    QString keylogFile; // --keylog, else SSLKEYLOGFILE
    LogMode log = LogMode::Requests;
    bool logChosen = false;
    QString captureFile; // JSON Lines, written live
    QString harFile;     // written on exit
    unsigned workers = 0;
    unsigned maxConnections = 10000;   // --max-connections: more are refused
    unsigned idleTimeoutSeconds = 120; // --idle-timeout
    bool capture = true;               // --no-capture turns the inspector's events off
    bool listing = false;
    bool allowDotfiles = false;
    bool followSymlinks = false;
    QString pushMode = QStringLiteral("auto"); // off | rules | auto
    unsigned maxPushes = 16;
    bool earlyHints = true;
    bool earlyHintsHttp1 = false;
    bool moduleGraph = true;  // --no-module-graph: push and hint only what the page itself names
    bool liveReload = true;   // --no-live-reload: no watcher, no injected script
    bool spa = false;         // --spa: unknown extension-less paths serve /index.html
    bool custom404 = true;    // --no-custom-404: ignore the folder's 404.html
    QStringList allowedHosts; // --allow-host NAME (repeatable): served besides localhost and own addresses
    bool lan = false;         // --lan: listen on all interfaces, leaf covers the LAN addresses
    // The long names of the options given on the command line ("port", "spa",
    // "no-live-reload", ...): they win over the GUI's remembered per-folder settings.
    QStringList givenOptions;
};

struct ParseOutcome {
    std::optional<Options> options; // empty: exit with `exitCode` after printing `message`
    int exitCode = 0;
    QString message; // for stdout when exitCode == 0 (help, version), else stderr
};

// Parses `arguments` (argv as QStrings). Never exits the process. With
// `guiLaunch`, a FOLDER that does not exist or is not a folder is not an error:
// it is reported in Options::folderProblem, for the window to show.
ParseOutcome parseOptions(const QStringList &arguments, bool guiLaunch = false);

// Where the bundled demo site is: next to an installed binary
// (../share/h2scope/demo), else in the source tree it was built from.
QString demoSiteFolder();

} // namespace h2scope::app
