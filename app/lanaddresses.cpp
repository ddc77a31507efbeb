#include "lanaddresses.h"

#include <QNetworkInterface>

#include <algorithm>

namespace h2scope::app {

namespace {

bool isVirtualBridge(const QString &name)
{
    return name.startsWith(QLatin1String("docker")) || name.startsWith(QLatin1String("virbr"))
           || name.startsWith(QLatin1String("veth")) || name.startsWith(QLatin1String("br-"));
}

} // namespace

QList<QHostAddress> lanAddresses()
{
    struct Candidate {
        QHostAddress address;
        int rank; // lower first
    };
    QList<Candidate> found;
    const auto interfaces = QNetworkInterface::allInterfaces();
    for (const QNetworkInterface &iface : interfaces) {
        const auto flags = iface.flags();
        if (!flags.testFlag(QNetworkInterface::IsUp) || !flags.testFlag(QNetworkInterface::IsRunning)
            || flags.testFlag(QNetworkInterface::IsLoopBack))
            continue;
        const bool bridge = isVirtualBridge(iface.name());
        for (const QNetworkAddressEntry &entry : iface.addressEntries()) {
            QHostAddress ip = entry.ip();
            if (ip.isLoopback() || ip.isLinkLocal() || ip.isNull() || ip.isMulticast())
                continue;
            ip.setScopeId(QString());
            const bool v4 = ip.protocol() == QAbstractSocket::IPv4Protocol;
            found.append({ip, (bridge ? 2 : 0) + (v4 ? 0 : 1)});
        }
    }
    std::stable_sort(found.begin(), found.end(),
                     [](const Candidate &a, const Candidate &b) { return a.rank < b.rank; });
    QList<QHostAddress> out;
    for (const Candidate &c : found)
        if (!out.contains(c.address))
            out.append(c.address);
    return out;
}

QStringList lanAddressStrings()
{
    QStringList out;
    for (const QHostAddress &a : lanAddresses())
        out.append(a.toString());
    return out;
}

QString lanUrl(const QHostAddress &address, quint16 port, bool tls)
{
    const QString host = address.protocol() == QAbstractSocket::IPv6Protocol
                             ? QStringLiteral("[%1]").arg(address.toString())
                             : address.toString();
    return QStringLiteral("%1://%2:%3/").arg(tls ? QStringLiteral("https") : QStringLiteral("http"), host).arg(port);
}

} // namespace h2scope::app
