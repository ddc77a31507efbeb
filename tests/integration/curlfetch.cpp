#include "curlfetch.h"

#include <QFile>
#include <QTemporaryDir>

namespace h2scope::testing {

QByteArray CurlResponse::header(const QByteArray &name) const
{
    for (const auto &[n, v] : headers) {
        if (n == name)
            return v;
    }
    return {};
}

QString CurlResponse::summary() const
{
    QStringList names;
    for (const auto &h : headers)
        names << QString::fromLatin1(h.first + ": " + h.second);
    return QStringLiteral("status %1, HTTP/%2, curl %3, headers [%4]")
        .arg(status)
        .arg(httpVersion, client.describe(), names.join(QStringLiteral("; ")));
}

QList<QByteArray> htmlAsServed(const QByteArray &file)
{
    static const QByteArray tag = "<script src=\"/__h2scope/livereload.js\" defer></script>";
    const qsizetype at = file.toLower().lastIndexOf("</body");
    QByteArray injected;
    if (at >= 0) {
        injected = file.left(at) + tag + file.mid(at);
    } else {
        injected = file;
        if (!injected.isEmpty() && !injected.endsWith('\n'))
            injected += '\n';
        injected += tag + '\n';
    }
    return {file, injected};
}

CurlResponse curlFetch(const QString &url, const QStringList &extraArgs, int timeoutMs)
{
    CurlResponse r;
    QTemporaryDir dir;
    const QString headFile = dir.filePath(QStringLiteral("head"));
    const QString bodyFile = dir.filePath(QStringLiteral("body"));
    QStringList args{QStringLiteral("-sS"),        QStringLiteral("-k"),
                     QStringLiteral("--max-time"), QString::number(timeoutMs / 1000),
                     QStringLiteral("-D"),         headFile,
                     QStringLiteral("-o"),         bodyFile,
                     QStringLiteral("-w"),         QStringLiteral("%{http_version}\\n%{http_code}")};
    args += extraArgs;
    args << url;
    r.client = runClient(QStringLiteral("curl"), args, timeoutMs + 5000);

    const QList<QByteArray> w = r.client.out.trimmed().split('\n');
    if (w.size() == 2) {
        r.httpVersion = QString::fromLatin1(w[0].trimmed());
        r.status = w[1].trimmed().toInt();
    }

    QFile head(headFile);
    if (head.open(QIODevice::ReadOnly)) {
        // Keep the last response head (a 1xx may come first).
        const QList<QByteArray> lines = head.readAll().split('\n');
        for (QByteArray line : lines) {
            line = line.trimmed();
            if (line.startsWith("HTTP/")) {
                r.headers.clear();
                continue;
            }
            const qsizetype colon = line.indexOf(':');
            if (colon <= 0)
                continue;
            r.headers.append({line.left(colon).trimmed().toLower(), line.mid(colon + 1).trimmed()});
        }
    }
    QFile body(bodyFile);
    if (body.open(QIODevice::ReadOnly))
        r.body = body.readAll();
    return r;
}

} // namespace h2scope::testing
