#pragma once
// The command line, parsed into plain values (QCommandLineParser).

#include <QString>
#include <QStringList>

#include <optional>

namespace h2scope::app {

enum class LogMode { Frames, Requests, None };

struct Options {
    QString folder;          // absolute; the bundled demo site when none was given
    bool folderIsDemo = false;
    bool headless = false;
    bool headlessChosen = false; // --headless given explicitly
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8443;
    QString certFile;
    QString keyFile;
    QString caroot;          // --caroot: where the managed local CA lives ("" = H2SCOPE_CAROOT or the data folder)
    bool tls = true;
    QString keylogFile;      // --keylog, else SSLKEYLOGFILE
    LogMode log = LogMode::Requests;
    bool logChosen = false;
    QString captureFile;     // JSON Lines, written live
    QString harFile;         // written on exit
    unsigned workers = 0;
    unsigned maxConnections = 10000; // --max-connections: more are refused
    unsigned idleTimeoutSeconds = 120; // --idle-timeout
    bool capture = true;     // --no-capture turns the inspector's events off
    bool listing = false;
    bool allowDotfiles = false;
    bool followSymlinks = false;
    QString pushMode = QStringLiteral("auto"); // off | rules | auto
    unsigned maxPushes = 16;
    bool earlyHints = true;
    bool liveReload = true;  // --no-live-reload: no watcher, no injected script
    bool spa = false;        // --spa: unknown extension-less paths serve /index.html
    bool custom404 = true;   // --no-custom-404: ignore the folder's 404.html
    QStringList allowedHosts; // --allow-host NAME (repeatable): served besides localhost and own addresses
    bool lan = false;        // --lan: listen on all interfaces, leaf covers the LAN addresses
};

struct ParseOutcome {
    std::optional<Options> options; // empty: exit with `exitCode` after printing `message`
    int exitCode = 0;
    QString message;     // for stdout when exitCode == 0 (help, version), else stderr
};

// Parses `arguments` (argv as QStrings). Never exits the process.
ParseOutcome parseOptions(const QStringList &arguments);

// Where the bundled demo site is: next to an installed binary
// (../share/h2scope/demo), else in the source tree it was built from.
QString demoSiteFolder();

} // namespace h2scope::app
