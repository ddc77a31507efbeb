// curl against the real server: HTTP/2 and HTTP/1.1, over TLS and cleartext.
// The fixture folder is built by the test, so every byte is known.

#include "curlfetch.h"
#include "serverprocess.h"

#include <QDateTime>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QLocale>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QtTest>

#include <memory>

using namespace h2scope::testing;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

QByteArray randomBytes(qsizetype n)
{
    QByteArray b(n, Qt::Uninitialized);
    QRandomGenerator gen(20240401);
    for (qsizetype i = 0; i < n; ++i)
        b[i] = static_cast<char>(gen.bounded(256));
    return b;
}

// RFC 9110 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
bool isHttpDate(const QByteArray &v)
{
    const QDateTime t =
        QLocale::c().toDateTime(QString::fromLatin1(v), QStringLiteral("ddd, dd MMM yyyy HH:mm:ss 'GMT'"));
    return t.isValid();
}

struct Part {
    QByteArray contentRange;
    QByteArray body;
};

// Splits a multipart/byteranges body by its boundary; empty on a malformed body.
QList<Part> parseMultipart(const QByteArray &body, const QByteArray &boundary)
{
    QList<Part> parts;
    const QByteArray delim = "--" + boundary;
    qsizetype pos = body.indexOf(delim);
    while (pos >= 0) {
        pos += delim.size();
        if (body.mid(pos, 2) == "--")
            return parts; // closing delimiter
        if (body.mid(pos, 2) != "\r\n")
            return {};
        pos += 2;
        const qsizetype headEnd = body.indexOf("\r\n\r\n", pos);
        if (headEnd < 0)
            return {};
        Part part;
        for (const QByteArray &line : body.mid(pos, headEnd - pos).split('\n')) {
            const QByteArray l = line.trimmed();
            if (l.toLower().startsWith("content-range:"))
                part.contentRange = l.mid(14).trimmed();
        }
        const qsizetype dataStart = headEnd + 4;
        const qsizetype next = body.indexOf("\r\n" + delim, dataStart);
        if (next < 0)
            return {};
        part.body = body.mid(dataStart, next - dataStart);
        parts.append(part);
        pos = next + 2;
    }
    return {};
}

} // namespace

class TestCurl final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();

    void getFiles_data();
    void getFiles();
    void head_data();
    void head();
    void singleRange_data();
    void singleRange();
    void multiRange_data();
    void multiRange();
    void unsatisfiableRange_data();
    void unsatisfiableRange();
    void conditionalGet_data();
    void conditionalGet();
    void postIsRejected_data();
    void postIsRejected();
    void directoryRedirect_data();
    void directoryRedirect();
    void precompressed_data();
    void precompressed();
    void precompressedBrotli_data();
    void precompressedBrotli();
    void demoSite();
    void missingFile_data();
    void missingFile();
    void repeatedFetchesAnswerAlikeAndSeeEdits_data();
    void repeatedFetchesAnswerAlikeAndSeeEdits();

private:
    void addProtocolRows();
    QString base() const;             // origin of the server the current row uses
    QStringList protocolArgs() const; // curl's protocol flags for the current row

    QTemporaryDir m_root;
    std::unique_ptr<ServerProcess> m_tls;
    std::unique_ptr<ServerProcess> m_clear;
    QByteArray m_big;
};

void TestCurl::initTestCase()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    QVERIFY(m_root.isValid());
    const QString r = m_root.path();
    m_big = randomBytes(1024 * 1024 + 12345);
    QVERIFY(writeFile(r + "/index.html", "<!doctype html>\n<html><head><meta charset=\"utf-8\"><title>fixture</title>"
                                         "<link rel=\"stylesheet\" href=\"/style.css\"><script src=\"/app.js\" defer>"
                                         "</script></head><body><p>caf\xc3\xa9 fixture</p></body></html>\n"));
    QVERIFY(writeFile(r + "/big.bin", m_big));
    QByteArray js;
    for (int i = 0; i < 200; ++i)
        js += "export function f" + QByteArray::number(i) + "(x) { return x * " + QByteArray::number(i) + "; }\n";
    QVERIFY(writeFile(r + "/app.js", js));
    QByteArray css;
    for (int i = 0; i < 400; ++i)
        css += ".c" + QByteArray::number(i) + " { color: #123456; margin: " + QByteArray::number(i % 7) + "px; }\n";
    QVERIFY(writeFile(r + "/style.css", css));
    QVERIFY(writeFile(r + "/sub/index.html", "<!doctype html><title>sub</title>\n"));
    QVERIFY(writeFile(r + "/sub/data.json", "{\"ok\": true}\n"));

    // The .gz sibling is made with gzip(1), as a user would.
    H2SCOPE_REQUIRE_CLIENT("gzip");
    const ClientResult gz = runClient(
        QStringLiteral("gzip"), {QStringLiteral("-9"), QStringLiteral("-k"), QStringLiteral("-n"), r + "/style.css"});
    QVERIFY2(gz.ok(), qPrintable(gz.describe()));
    QVERIFY(QFileInfo::exists(r + "/style.css.gz"));
    // A .br sibling: served verbatim, so its bytes only need to be recognisable.
    QVERIFY(writeFile(r + "/app.js.br", "\x1b\x03brotli-sibling-of-app.js"));

    m_tls = std::make_unique<ServerProcess>();
    QVERIFY2(m_tls->start(r), qPrintable(m_tls->errorString()));
    QCOMPARE(m_tls->url().scheme(), QStringLiteral("https"));
    m_clear = std::make_unique<ServerProcess>();
    QVERIFY2(m_clear->start(r, {QStringLiteral("--no-tls")}), qPrintable(m_clear->errorString()));
    QCOMPARE(m_clear->url().scheme(), QStringLiteral("http"));
}

void TestCurl::cleanupTestCase()
{
    for (auto *s : {m_tls.get(), m_clear.get()}) {
        if (!s)
            continue;
        QVERIFY2(s->stop(), qPrintable(s->errorString()));
        QCOMPARE(s->exitCode(), 0);
    }
}

void TestCurl::addProtocolRows()
{
    QTest::addColumn<QString>("proto");
    QTest::newRow("h2-tls") << QStringLiteral("h2");
    QTest::newRow("http1.1-tls") << QStringLiteral("h1");
    QTest::newRow("h2c-prior-knowledge") << QStringLiteral("h2c");
    QTest::newRow("http1.1-cleartext") << QStringLiteral("h1c");
}

QString TestCurl::base() const
{
    QFETCH(QString, proto);
    return proto.endsWith(QLatin1Char('c')) ? m_clear->origin() : m_tls->origin();
}

QStringList TestCurl::protocolArgs() const
{
    QFETCH(QString, proto);
    if (proto == QLatin1String("h2"))
        return {QStringLiteral("--http2")};
    if (proto == QLatin1String("h2c"))
        return {QStringLiteral("--http2-prior-knowledge")};
    return {QStringLiteral("--http1.1")};
}

void TestCurl::getFiles_data()
{
    addProtocolRows();
}

void TestCurl::getFiles()
{
    QFETCH(QString, proto);
    const QString expectedVersion = proto.startsWith(QLatin1String("h2")) ? QStringLiteral("2") : QStringLiteral("1.1");
    struct Case {
        const char *urlPath;
        const char *file;
        const char *typePrefix;
        bool text;
    };
    const Case cases[] = {
        {"/", "index.html", "text/html", true},
        {"/index.html", "index.html", "text/html", true},
        {"/app.js", "app.js", "javascript", true},
        {"/style.css", "style.css", "text/css", true},
        {"/big.bin", "big.bin", "application/octet-stream", false},
        {"/sub/data.json", "sub/data.json", "application/json", false},
    };
    for (const Case &c : cases) {
        QFile f(m_root.filePath(QString::fromLatin1(c.file)));
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray expected = f.readAll();
        const CurlResponse res = curlFetch(base() + QLatin1String(c.urlPath), protocolArgs());
        const QByteArray where = QByteArray(c.urlPath) + ": " + res.summary().toUtf8();
        QVERIFY2(res.client.ok(), where.constData());
        QVERIFY2(res.status == 200, where.constData());
        QVERIFY2(res.httpVersion == expectedVersion, where.constData());
        const bool html = QByteArray(c.typePrefix) == "text/html";
        QVERIFY2(html ? htmlAsServed(expected).contains(res.body) : res.body == expected,
                 (where + " (body differs: " + QByteArray::number(res.body.size()) + " bytes received, "
                  + QByteArray::number(expected.size()) + " expected)")
                     .constData());
        QVERIFY2(res.header("content-length") == QByteArray::number(res.body.size()), where.constData());
        const QByteArray type = res.header("content-type").toLower();
        QVERIFY2(type.contains(c.typePrefix), where.constData());
        if (c.text)
            QVERIFY2(type.contains("charset=utf-8"), where.constData());
        const QByteArray etag = res.header("etag");
        QVERIFY2(etag.size() >= 3 && etag.startsWith('"') && etag.endsWith('"'),
                 ("strong ETag expected; " + where).constData());
        QVERIFY2(isHttpDate(res.header("last-modified")), where.constData());
        QVERIFY2(res.header("cache-control").toLower().contains("no-cache"), where.constData());
        QVERIFY2(res.header("x-content-type-options").toLower() == "nosniff", where.constData());
    }
}

void TestCurl::head_data()
{
    addProtocolRows();
}

void TestCurl::head()
{
    const CurlResponse res = curlFetch(base() + "/big.bin", protocolArgs() << QStringLiteral("--head"));
    QVERIFY2(res.client.ok() && res.status == 200, qPrintable(res.summary()));
    QCOMPARE(res.header("content-length"), QByteArray::number(m_big.size()));
    QVERIFY(res.hasHeader("etag"));
    // With --head curl writes the response head to -o: nothing of the file may follow.
    QVERIFY2(res.body.startsWith("HTTP/") && !res.body.contains(m_big.left(32)) && res.body.size() < 4096,
             res.body.left(300).constData());

    // Over cleartext HTTP/1.1 the bytes on the wire show it: the head, then nothing.
    QFETCH(QString, proto);
    if (proto == QLatin1String("h1c")) {
        QTcpSocket s;
        s.connectToHost(QStringLiteral("127.0.0.1"), static_cast<quint16>(m_clear->port()));
        QVERIFY(s.waitForConnected(5000));
        s.write("HEAD /big.bin HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n");
        QByteArray raw;
        const QDeadlineTimer deadline(5000);
        while (!deadline.hasExpired() && s.state() == QAbstractSocket::ConnectedState) {
            if (s.waitForReadyRead(100))
                raw += s.readAll();
        }
        raw += s.readAll();
        QVERIFY2(raw.startsWith("HTTP/1.1 200"), raw.left(200).constData());
        QVERIFY2(raw.endsWith("\r\n\r\n"), "bytes after the head of a HEAD response");
    }
}

void TestCurl::singleRange_data()
{
    addProtocolRows();
}

void TestCurl::singleRange()
{
    const CurlResponse res =
        curlFetch(base() + "/big.bin", protocolArgs() << QStringLiteral("-r") << QStringLiteral("1000-1999"));
    QVERIFY2(res.client.ok() && res.status == 206, qPrintable(res.summary()));
    QCOMPARE(res.header("content-range"), "bytes 1000-1999/" + QByteArray::number(m_big.size()));
    QCOMPARE(res.header("content-length"), QByteArray("1000"));
    QVERIFY(res.body == m_big.mid(1000, 1000));

    // A suffix range: the last 500 bytes.
    const CurlResponse tail =
        curlFetch(base() + "/big.bin", protocolArgs() << QStringLiteral("-r") << QStringLiteral("-500"));
    QVERIFY2(tail.status == 206, qPrintable(tail.summary()));
    QVERIFY(tail.body == m_big.right(500));
}

void TestCurl::multiRange_data()
{
    addProtocolRows();
}

void TestCurl::multiRange()
{
    const CurlResponse res = curlFetch(
        base() + "/big.bin", protocolArgs() << QStringLiteral("-r") << QStringLiteral("0-9,100-199,1048576-1048600"));
    QVERIFY2(res.client.ok() && res.status == 206, qPrintable(res.summary()));
    const QByteArray type = res.header("content-type");
    QVERIFY2(type.startsWith("multipart/byteranges"), type.constData());
    const QRegularExpression boundaryRe(QStringLiteral("boundary=\"?([^\";]+)\"?"));
    const QRegularExpressionMatch m = boundaryRe.match(QString::fromLatin1(type));
    QVERIFY2(m.hasMatch(), type.constData());
    QCOMPARE(res.header("content-length"), QByteArray::number(res.body.size()));

    const QList<Part> parts = parseMultipart(res.body, m.captured(1).toLatin1());
    QCOMPARE(parts.size(), 3);
    const QByteArray total = "/" + QByteArray::number(m_big.size());
    QCOMPARE(parts[0].contentRange, "bytes 0-9" + total);
    QVERIFY(parts[0].body == m_big.mid(0, 10));
    QCOMPARE(parts[1].contentRange, "bytes 100-199" + total);
    QVERIFY(parts[1].body == m_big.mid(100, 100));
    QCOMPARE(parts[2].contentRange, "bytes 1048576-1048600" + total);
    QVERIFY(parts[2].body == m_big.mid(1048576, 25));
}

void TestCurl::unsatisfiableRange_data()
{
    addProtocolRows();
}

void TestCurl::unsatisfiableRange()
{
    const QString from = QString::number(m_big.size() + 10);
    const CurlResponse res =
        curlFetch(base() + "/big.bin", protocolArgs() << QStringLiteral("-r") << from + "-" + from);
    QVERIFY2(res.status == 416, qPrintable(res.summary()));
    QCOMPARE(res.header("content-range"), "bytes */" + QByteArray::number(m_big.size()));
}

void TestCurl::conditionalGet_data()
{
    addProtocolRows();
}

void TestCurl::conditionalGet()
{
    const CurlResponse first = curlFetch(base() + "/app.js", protocolArgs());
    QVERIFY2(first.status == 200, qPrintable(first.summary()));
    const QByteArray etag = first.header("etag");
    QVERIFY(!etag.isEmpty());

    const CurlResponse again = curlFetch(
        base() + "/app.js",
        protocolArgs() << QStringLiteral("-H") << QStringLiteral("If-None-Match: %1").arg(QString::fromLatin1(etag)));
    QVERIFY2(again.status == 304, qPrintable(again.summary()));
    QVERIFY(again.body.isEmpty());
    QCOMPARE(again.header("etag"), etag);

    // A different tag is not a match.
    const CurlResponse other = curlFetch(
        base() + "/app.js", protocolArgs() << QStringLiteral("-H") << QStringLiteral("If-None-Match: \"not-the-tag\""));
    QVERIFY2(other.status == 200, qPrintable(other.summary()));

    // If-Modified-Since with the Last-Modified value.
    const CurlResponse since = curlFetch(
        base() + "/app.js",
        protocolArgs() << QStringLiteral(
            "-H") << QStringLiteral("If-Modified-Since: %1").arg(QString::fromLatin1(first.header("last-modified"))));
    QVERIFY2(since.status == 304, qPrintable(since.summary()));
    QVERIFY(since.body.isEmpty());
}

void TestCurl::postIsRejected_data()
{
    addProtocolRows();
}

void TestCurl::postIsRejected()
{
    const CurlResponse res =
        curlFetch(base() + "/index.html", protocolArgs() << QStringLiteral("-X") << QStringLiteral("POST")
                                                         << QStringLiteral("--data-binary") << QStringLiteral("x=1"));
    QVERIFY2(res.status == 405, qPrintable(res.summary()));
    QCOMPARE(res.header("allow").toUpper().replace(" ", ""), QByteArray("GET,HEAD"));
}

void TestCurl::directoryRedirect_data()
{
    addProtocolRows();
}

void TestCurl::directoryRedirect()
{
    const CurlResponse res = curlFetch(base() + "/sub", protocolArgs());
    QVERIFY2(res.status == 301, qPrintable(res.summary()));
    const QByteArray location = res.header("location");
    QVERIFY2(location == "/sub/" || location.endsWith(":" + QByteArray::number(QUrl(base()).port()) + "/sub/"),
             location.constData());

    const CurlResponse dir = curlFetch(base() + "/sub/", protocolArgs());
    QVERIFY2(dir.status == 200, qPrintable(dir.summary()));
    QVERIFY2(htmlAsServed("<!doctype html><title>sub</title>\n").contains(dir.body), dir.body.constData());
}

void TestCurl::precompressed_data()
{
    addProtocolRows();
}

void TestCurl::precompressed()
{
    QFile plainFile(m_root.filePath(QStringLiteral("style.css")));
    QFile gzFile(m_root.filePath(QStringLiteral("style.css.gz")));
    QVERIFY(plainFile.open(QIODevice::ReadOnly) && gzFile.open(QIODevice::ReadOnly));
    const QByteArray plain = plainFile.readAll();
    const QByteArray gz = gzFile.readAll();

    const CurlResponse zipped = curlFetch(
        base() + "/style.css", protocolArgs() << QStringLiteral("-H") << QStringLiteral("Accept-Encoding: gzip"));
    QVERIFY2(zipped.status == 200, qPrintable(zipped.summary()));
    QCOMPARE(zipped.header("content-encoding"), QByteArray("gzip"));
    QVERIFY2(zipped.header("vary").toLower().contains("accept-encoding"), qPrintable(zipped.summary()));
    QVERIFY2(zipped.header("content-type").startsWith("text/css"), qPrintable(zipped.summary()));
    QVERIFY2(zipped.body == gz, "the .gz sibling's bytes are sent as they are");

    // curl --compressed decodes it back to the original.
    const CurlResponse decoded = curlFetch(base() + "/style.css", protocolArgs() << QStringLiteral("--compressed"));
    QVERIFY2(decoded.status == 200, qPrintable(decoded.summary()));
    QVERIFY(decoded.body == plain);

    const CurlResponse identity = curlFetch(
        base() + "/style.css", protocolArgs() << QStringLiteral("-H") << QStringLiteral("Accept-Encoding: identity"));
    QVERIFY2(identity.status == 200, qPrintable(identity.summary()));
    QVERIFY(!identity.hasHeader("content-encoding"));
    QVERIFY2(identity.header("vary").toLower().contains("accept-encoding"), qPrintable(identity.summary()));
    QVERIFY(identity.body == plain);
}

void TestCurl::precompressedBrotli_data()
{
    addProtocolRows();
}

void TestCurl::precompressedBrotli()
{
    const CurlResponse br =
        curlFetch(base() + "/app.js", protocolArgs() << QStringLiteral("-H") << QStringLiteral("Accept-Encoding: br"));
    QVERIFY2(br.status == 200, qPrintable(br.summary()));
    QCOMPARE(br.header("content-encoding"), QByteArray("br"));
    QVERIFY2(br.header("vary").toLower().contains("accept-encoding"), qPrintable(br.summary()));
    QVERIFY2(br.header("content-type").contains("javascript"), qPrintable(br.summary()));
    QCOMPARE(br.body, QByteArray("\x1b\x03brotli-sibling-of-app.js"));
    QCOMPARE(br.header("content-length"), QByteArray::number(br.body.size()));

    // No gzip sibling for app.js: a gzip-only client gets the original.
    const CurlResponse gz = curlFetch(base() + "/app.js", protocolArgs() << QStringLiteral("-H")
                                                                         << QStringLiteral("Accept-Encoding: gzip"));
    QVERIFY2(gz.status == 200 && !gz.hasHeader("content-encoding"), qPrintable(gz.summary()));
    QFile f(m_root.filePath(QStringLiteral("app.js")));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QVERIFY(gz.body == f.readAll());
}

void TestCurl::demoSite()
{
    // The bundled demo site: every kind of file it has, with the right type.
    ServerProcess demo;
    QVERIFY2(demo.start(QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo")), qPrintable(demo.errorString()));
    struct Case {
        const char *path;
        const char *file;
        const char *type;
    };
    const Case cases[] = {
        {"/", "index.html", "text/html"},
        {"/about/", "about/index.html", "text/html"},
        {"/css/site.css", "css/site.css", "text/css"},
        {"/js/app.js", "js/app.js", "javascript"},
        {"/img/hero.svg", "img/hero.svg", "image/svg+xml"},
        {"/img/icon.png", "img/icon.png", "image/png"},
        {"/fonts/dejavu-sans-bold-subset.woff2", "fonts/dejavu-sans-bold-subset.woff2", "font/woff2"},
        {"/data/sample.json", "data/sample.json", "application/json"},
    };
    for (const Case &c : cases) {
        QFile f(QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo/") + QLatin1String(c.file));
        QVERIFY2(f.open(QIODevice::ReadOnly), c.file);
        const CurlResponse res = curlFetch(demo.origin() + QLatin1String(c.path), {QStringLiteral("--http2")});
        QVERIFY2(res.status == 200, qPrintable(QLatin1String(c.path) + QLatin1String(": ") + res.summary()));
        QVERIFY2(res.header("content-type").contains(c.type), qPrintable(res.summary()));
        const QByteArray file = f.readAll();
        const bool html = QByteArray(c.type) == "text/html";
        QVERIFY2(html ? htmlAsServed(file).contains(res.body) : res.body == file, c.path);
    }
    const CurlResponse about = curlFetch(demo.origin() + "/about", {QStringLiteral("--http2")});
    QVERIFY2(about.status == 301, qPrintable(about.summary()));
    QVERIFY2(demo.stop(), qPrintable(demo.errorString()));
    QCOMPARE(demo.exitCode(), 0);
}

void TestCurl::missingFile_data()
{
    addProtocolRows();
}

void TestCurl::missingFile()
{
    const CurlResponse res = curlFetch(base() + "/no-such-file.txt", protocolArgs());
    QVERIFY2(res.status == 404, qPrintable(res.summary()));
}

void TestCurl::repeatedFetchesAnswerAlikeAndSeeEdits_data()
{
    addProtocolRows();
}

// The first fetch of a file is answered the general way, later ones from the
// fields prepared then: through a real client the answers must not differ
// (but for date), and edits, deletions and a new sibling must show.
void TestCurl::repeatedFetchesAnswerAlikeAndSeeEdits()
{
    QFETCH(QString, proto);
    const QString name = QStringLiteral("/fresh-%1.txt").arg(proto);
    const QString path = m_root.path() + name;
    QVERIFY(writeFile(path, "first version of the file\n"));
    const QStringList gzip = protocolArgs() << QStringLiteral("-H") << QStringLiteral("Accept-Encoding: gzip");
    const auto withoutDate = [](const CurlResponse &r) {
        auto headers = r.headers;
        headers.removeIf([](const auto &h) { return h.first == "date"; });
        return headers;
    };

    const CurlResponse first = curlFetch(base() + name, gzip);
    QVERIFY2(first.status == 200, qPrintable(first.summary()));
    for (int i = 0; i < 2; ++i) {
        const CurlResponse again = curlFetch(base() + name, gzip);
        QVERIFY2(again.status == 200, qPrintable(again.summary()));
        QCOMPARE(again.body, first.body);
        QCOMPARE(withoutDate(again), withoutDate(first));
    }

    // An edit (another size) is seen by the next request.
    QVERIFY(writeFile(path, "second, longer version of the file\n"));
    const CurlResponse edited = curlFetch(base() + name, gzip);
    QCOMPARE(edited.body, QByteArray("second, longer version of the file\n"));
    QVERIFY(edited.header("etag") != first.header("etag"));
    QCOMPARE(edited.header("content-length"), QByteArray::number(edited.body.size()));

    // A precompressed sibling made now is offered once the folder's lookups
    // are renewed (they are cached for a second).
    const QByteArray sibling = "\x1f\x8b-sibling-of-" + name.toUtf8();
    QVERIFY(writeFile(path + ".gz", sibling));
    QTest::qWait(1200);
    const CurlResponse zipped = curlFetch(base() + name, gzip);
    QCOMPARE(zipped.header("content-encoding"), QByteArray("gzip"));
    QCOMPARE(zipped.header("vary"), QByteArray("accept-encoding"));
    QCOMPARE(zipped.body, sibling);

    QVERIFY(QFile::remove(path + ".gz") && QFile::remove(path));
    const CurlResponse gone = curlFetch(base() + name, gzip);
    QCOMPARE(gone.status, 404);
}

QTEST_GUILESS_MAIN(TestCurl)
#include "tst_curl.moc"
