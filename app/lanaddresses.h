#pragma once
// This machine's addresses on the local network, for --lan: the URLs to
// print (and show as a QR code), and the names the leaf certificate must
// cover so that a phone on the same network can connect.

#include <QHostAddress>
#include <QList>
#include <QString>
#include <QStringList>

namespace h2scope::app {

// The up, running, non-loopback interfaces' addresses: IPv4 first, then
// global and unique-local IPv6 (link-local IPv6 is left out: a URL with it
// needs a zone id that no phone can type). Virtual bridges (docker0, virbr*,
// veth*) come last. Empty when there is no network. Any thread.
QList<QHostAddress> lanAddresses();

// The same, as strings usable in a URL host and in a certificate SAN
// ("192.168.1.20", "fd00::5").
QStringList lanAddressStrings();

// "https://192.168.1.20:8443/" or "https://[fd00::5]:8443/".
QString lanUrl(const QHostAddress &address, quint16 port, bool tls = true);

} // namespace h2scope::app
