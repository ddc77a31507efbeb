#include "serversettings.h"

#include <QSettings>

#include <algorithm>

namespace h2scope::ui {

ServerSettings ServerSettings::load(const QSettings &s)
{
    ServerSettings d;
    d.host = s.value(QStringLiteral("server/host"), d.host).toString();
    d.port = static_cast<quint16>(s.value(QStringLiteral("server/port"), d.port).toUInt());
    d.pushMode = s.value(QStringLiteral("server/pushMode"), d.pushMode).toString();
    if (d.pushMode != QLatin1String("off") && d.pushMode != QLatin1String("rules") && d.pushMode != QLatin1String("auto"))
        d.pushMode = QStringLiteral("auto");
    d.earlyHints = s.value(QStringLiteral("server/earlyHints"), d.earlyHints).toBool();
    d.captureBudgetMiB = std::max<quint64>(1, s.value(QStringLiteral("server/captureBudgetMiB"), d.captureBudgetMiB).toULongLong());
    d.keylogFile = s.value(QStringLiteral("server/keylogFile"), d.keylogFile).toString();
    return d;
}

void ServerSettings::save(QSettings &s) const
{
    s.setValue(QStringLiteral("server/host"), host);
    s.setValue(QStringLiteral("server/port"), port);
    s.setValue(QStringLiteral("server/pushMode"), pushMode);
    s.setValue(QStringLiteral("server/earlyHints"), earlyHints);
    s.setValue(QStringLiteral("server/captureBudgetMiB"), captureBudgetMiB);
    s.setValue(QStringLiteral("server/keylogFile"), keylogFile);
}

} // namespace h2scope::ui
