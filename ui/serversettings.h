#pragma once
// ServerSettings: what the settings dialog edits — the command line's
// serving options — remembered with QSettings: under "server/" (the last
// used, as defaults), and per served folder under "folders/<key>/" for what
// belongs to a folder (port, push, early hints, live reload, SPA, 404, LAN).

#include <QMetaType>
#include <QString>

class QSettings;

namespace h2scope::ui {

struct ServerSettings {
    QString host = QStringLiteral("localhost"); // 127.0.0.1 and ::1
    quint16 port = 8443;
    QString pushMode = QStringLiteral("auto"); // off | rules | auto
    bool earlyHints = true;
    bool moduleGraph = true; // push auto follows the module scripts' imports
    quint64 captureBudgetMiB = 256;
    QString keylogFile; // empty: none (or SSLKEYLOGFILE)
    bool liveReload = true;
    bool spa = false;      // unknown extension-less paths serve /index.html
    bool custom404 = true; // the folder's 404.html answers 404s
    bool lan = false;      // listen on all interfaces; opt-in per folder, never a default

    // Reads what save() wrote; missing keys keep the defaults above.
    static ServerSettings load(const QSettings &settings);
    void save(QSettings &settings) const;

    // The settings for serving `folder` (an absolute, canonical path): host,
    // capture budget and key log from "server/", the rest from the folder's
    // group, with the defaults above for a folder never served.
    static ServerSettings loadForFolder(const QSettings &settings, const QString &folder);
    // Writes the folder's part to its group, and everything to "server/".
    void saveForFolder(QSettings &settings, const QString &folder) const;
    // Whether serving with `other` differs from serving with these (the
    // capture budget does not restart a server).
    bool sameServing(const ServerSettings &other) const;

    bool operator==(const ServerSettings &) const = default;
};

} // namespace h2scope::ui

Q_DECLARE_METATYPE(h2scope::ui::ServerSettings)
