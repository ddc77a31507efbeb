#pragma once

// One HTTP exchange made with the curl command-line client, as the test sees it.

#include "serverprocess.h"

#include <QByteArray>
#include <QList>
#include <QPair>
#include <QString>
#include <QStringList>

namespace h2scope::testing {

struct CurlResponse {
    ClientResult client;                          // curl's own exit code and stderr
    int status = 0;                               // 0 when no response was received
    QString httpVersion;                          // curl's %{http_version}: "2", "1.1", ...
    QList<QPair<QByteArray, QByteArray>> headers; // names lower-cased, in order
    QByteArray body;

    // The first value of header `name` (lower-case), or a null QByteArray.
    QByteArray header(const QByteArray &name) const;
    bool hasHeader(const QByteArray &name) const { return !header(name).isNull(); }
    // Status, version and header names for failure messages.
    QString summary() const;
};

// The bodies an HTML file may be served as: its bytes, or - with live reload
// on - its bytes with the live-reload script tag before the last "</body" (or
// appended on a line of its own when there is none). Anything else is wrong.
QList<QByteArray> htmlAsServed(const QByteArray &file);

// Runs `curl -sS -k -D ... -o ... -w ... <extraArgs> <url>` with a bounded
// timeout and parses the last response head curl saw.
CurlResponse curlFetch(const QString &url, const QStringList &extraArgs = {}, int timeoutMs = 30000);

} // namespace h2scope::testing
