#include "serversettings.h"

#include <QCryptographicHash>
#include <QSettings>

#include <algorithm>

namespace h2scope::ui {

ServerSettings ServerSettings::load(const QSettings &s)
{
    ServerSettings d;
    d.host = s.value(QStringLiteral("server/host"), d.host).toString();
    d.port = static_cast<quint16>(s.value(QStringLiteral("server/port"), d.port).toUInt());
    d.pushMode = s.value(QStringLiteral("server/pushMode"), d.pushMode).toString();
    if (d.pushMode != QLatin1String("off") && d.pushMode != QLatin1String("rules")
        && d.pushMode != QLatin1String("auto"))
        d.pushMode = QStringLiteral("auto");
    d.earlyHints = s.value(QStringLiteral("server/earlyHints"), d.earlyHints).toBool();
    d.moduleGraph = s.value(QStringLiteral("server/moduleGraph"), d.moduleGraph).toBool();
    d.captureBudgetMiB =
        std::max<quint64>(1, s.value(QStringLiteral("server/captureBudgetMiB"), d.captureBudgetMiB).toULongLong());
    d.keylogFile = s.value(QStringLiteral("server/keylogFile"), d.keylogFile).toString();
    d.liveReload = s.value(QStringLiteral("server/liveReload"), d.liveReload).toBool();
    d.spa = s.value(QStringLiteral("server/spa"), d.spa).toBool();
    d.custom404 = s.value(QStringLiteral("server/custom404"), d.custom404).toBool();
    d.lan = s.value(QStringLiteral("server/lan"), d.lan).toBool();
    return d;
}

namespace {

// A folder's group: a hash, since a path may hold characters QSettings keys cannot.
QString folderGroup(const QString &folder)
{
    const QByteArray hash = QCryptographicHash::hash(folder.toUtf8(), QCryptographicHash::Sha256).toHex();
    return QStringLiteral("folders/") + QString::fromLatin1(hash.left(24)) + u'/';
}

} // namespace

ServerSettings ServerSettings::loadForFolder(const QSettings &s, const QString &folder)
{
    const ServerSettings global = load(s);
    ServerSettings d;
    d.host = global.host;
    d.captureBudgetMiB = global.captureBudgetMiB;
    d.keylogFile = global.keylogFile;
    const QString g = folderGroup(folder);
    d.port = static_cast<quint16>(s.value(g + QStringLiteral("port"), d.port).toUInt());
    d.pushMode = s.value(g + QStringLiteral("pushMode"), d.pushMode).toString();
    if (d.pushMode != QLatin1String("off") && d.pushMode != QLatin1String("rules")
        && d.pushMode != QLatin1String("auto"))
        d.pushMode = QStringLiteral("auto");
    d.earlyHints = s.value(g + QStringLiteral("earlyHints"), d.earlyHints).toBool();
    d.moduleGraph = s.value(g + QStringLiteral("moduleGraph"), d.moduleGraph).toBool();
    d.liveReload = s.value(g + QStringLiteral("liveReload"), d.liveReload).toBool();
    d.spa = s.value(g + QStringLiteral("spa"), d.spa).toBool();
    d.custom404 = s.value(g + QStringLiteral("custom404"), d.custom404).toBool();
    d.lan = s.value(g + QStringLiteral("lan"), d.lan).toBool();
    return d;
}

void ServerSettings::saveForFolder(QSettings &s, const QString &folder) const
{
    save(s);
    const QString g = folderGroup(folder);
    s.setValue(g + QStringLiteral("path"), folder); // for a person reading the file
    s.setValue(g + QStringLiteral("port"), port);
    s.setValue(g + QStringLiteral("pushMode"), pushMode);
    s.setValue(g + QStringLiteral("earlyHints"), earlyHints);
    s.setValue(g + QStringLiteral("moduleGraph"), moduleGraph);
    s.setValue(g + QStringLiteral("liveReload"), liveReload);
    s.setValue(g + QStringLiteral("spa"), spa);
    s.setValue(g + QStringLiteral("custom404"), custom404);
    s.setValue(g + QStringLiteral("lan"), lan);
}

bool ServerSettings::sameServing(const ServerSettings &other) const
{
    ServerSettings a = *this;
    a.captureBudgetMiB = other.captureBudgetMiB;
    return a == other;
}

void ServerSettings::save(QSettings &s) const
{
    s.setValue(QStringLiteral("server/host"), host);
    s.setValue(QStringLiteral("server/port"), port);
    s.setValue(QStringLiteral("server/pushMode"), pushMode);
    s.setValue(QStringLiteral("server/earlyHints"), earlyHints);
    s.setValue(QStringLiteral("server/moduleGraph"), moduleGraph);
    s.setValue(QStringLiteral("server/captureBudgetMiB"), captureBudgetMiB);
    s.setValue(QStringLiteral("server/keylogFile"), keylogFile);
    s.setValue(QStringLiteral("server/liveReload"), liveReload);
    s.setValue(QStringLiteral("server/spa"), spa);
    s.setValue(QStringLiteral("server/custom404"), custom404);
    s.setValue(QStringLiteral("server/lan"), lan);
}

} // namespace h2scope::ui
