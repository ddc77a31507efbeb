#pragma once
// ServerSettings: what the settings dialog edits — the command line's
// serving options — remembered with QSettings under "server/".

#include <QMetaType>
#include <QString>

class QSettings;

namespace h2scope::ui {

struct ServerSettings {
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 8443;
    QString pushMode = QStringLiteral("auto"); // off | rules | auto
    bool earlyHints = true;
    quint64 captureBudgetMiB = 256;
    QString keylogFile;                         // empty: none (or SSLKEYLOGFILE)

    // Reads what save() wrote; missing keys keep the defaults above.
    static ServerSettings load(const QSettings &settings);
    void save(QSettings &settings) const;

    bool operator==(const ServerSettings &) const = default;
};

} // namespace h2scope::ui

Q_DECLARE_METATYPE(h2scope::ui::ServerSettings)
