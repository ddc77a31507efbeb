// The command line as a user meets it: the URL on the first stdout line,
// --version, clear one-line errors, certificates and key logs, and a clean
// stop on SIGTERM/SIGINT that writes the HAR and capture files.

#include "curlfetch.h"
#include "serverprocess.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QtTest>

#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>

using namespace h2scope::testing;

namespace {

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

// A failing start must say what went wrong on exactly one stderr line.
void verifyOneLineError(const ClientResult &r, const QString &mustMention)
{
    QVERIFY2(r.finished, qPrintable(r.describe()));
    QVERIFY2(r.exitCode != 0, qPrintable(r.describe()));
    const QByteArray err = r.err.trimmed();
    QVERIFY2(!err.isEmpty(), "no error message on stderr");
    QVERIFY2(!err.contains('\n'), "the error must be one line, got:\n" + err);
    if (!mustMention.isEmpty())
        QVERIFY2(err.contains(mustMention.toUtf8()),
                 qPrintable(QStringLiteral("\"%1\" does not mention %2").arg(QString::fromUtf8(err), mustMention)));
}

// /dev/full takes an open and fails every write with ENOSPC: a full disk on demand.
bool haveDevFull(struct stat &st)
{
    return ::stat("/dev/full", &st) == 0 && S_ISCHR(st.st_mode);
}

} // namespace

class TestCli final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void firstLineIsTheUrl();
    void cleartextUrl();
    void requestLogNamesEachRequest();
    void frameLogIsInWireOrder();
    void version();
    void portInUse();
    void missingFolder();
    void hostThatIsNoAddress();
    void unreadableCertificate();
    void ownCertificateAndKeylog();
    void listing();
    void ipv6Loopback();
    void everyAddressPrintsALoopbackUrl_data();
    void everyAddressPrintsALoopbackUrl();
    void stopWritesHarAndCapture_data();
    void stopWritesHarAndCapture();
    void captureOnAFullDiskSaysSoAndServesOn();
    void harDestinationIsCheckedAtStart();
    void harOnAFullDiskSaysSoAndKeepsTheDevice();
    void harIntoAPipeIsWrittenInPlace();
    void keylogOnAFullDiskSaysSoAndServesOn();

private:
    QTemporaryDir m_root;
};

void TestCli::initTestCase()
{
    QVERIFY(m_root.isValid());
    QVERIFY(writeFile(m_root.filePath(QStringLiteral("index.html")), "<!doctype html><title>cli</title>\n"));
    QVERIFY(writeFile(m_root.filePath(QStringLiteral("a.txt")), "alpha\n"));
    QVERIFY2(QFileInfo(h2scopeBinary()).isExecutable(), qPrintable(h2scopeBinary()));
}

void TestCli::firstLineIsTheUrl()
{
    ServerProcess server;
    QVERIFY2(server.start(m_root.path()), qPrintable(server.errorString()));
    const QString firstLine = QString::fromUtf8(server.log().split('\n').first()).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^https://127\\.0\\.0\\.1:\\d+/$")).match(firstLine).hasMatch(),
             qPrintable(firstLine));
    QVERIFY(server.port() > 0 && server.port() != 8443);

    H2SCOPE_REQUIRE_CLIENT("curl");
    const CurlResponse res = curlFetch(server.url().toString() + QStringLiteral("a.txt"));
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QCOMPARE(res.body, QByteArray("alpha\n"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::cleartextUrl()
{
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--no-tls")}), qPrintable(server.errorString()));
    const QString firstLine = QString::fromUtf8(server.log().split('\n').first()).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^http://127\\.0\\.0\\.1:\\d+/$")).match(firstLine).hasMatch(),
             qPrintable(firstLine));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::requestLogNamesEachRequest()
{
    // --log requests prints one line per request when it completes, with its
    // method and path (the formatter learns them from the stream's opening,
    // which itself is not printed) and no frames.
    H2SCOPE_REQUIRE_CLIENT("curl");
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {}, QStringLiteral("requests")), qPrintable(server.errorString()));
    const CurlResponse res = curlFetch(server.url().toString() + QStringLiteral("a.txt"));
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QVERIFY2(server.waitForLog("GET /a.txt -> 200"), server.log().constData());
    QVERIFY2(!server.log().contains(" frame <"), server.log().constData());
    QVERIFY2(!server.log().contains("opened: GET"), server.log().constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::frameLogIsInWireOrder()
{
    // --log frames prints what happened in the order it happened: the
    // request's HEADERS before the notice about it (push skipped: curl
    // disables push), the response's last DATA before the stream's summary.
    H2SCOPE_REQUIRE_CLIENT("curl");
    QVERIFY(writeFile(m_root.filePath(QStringLiteral("page.html")),
                      "<!doctype html><link rel=stylesheet href=/a.css><title>p</title>\n"));
    QVERIFY(writeFile(m_root.filePath(QStringLiteral("a.css")), "p{}\n"));
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--no-tls")}, QStringLiteral("frames")),
             qPrintable(server.errorString()));
    const CurlResponse res =
        curlFetch(server.url().toString() + QStringLiteral("page.html"), {QStringLiteral("--http2-prior-knowledge")});
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QVERIFY2(server.waitForLog("GET /page.html -> 200"), server.log().constData());
    const QByteArray log = server.log();
    const qsizetype headers = log.indexOf("recv HEADERS frame <length=");
    const qsizetype skipped = log.indexOf("notice push-skipped (stream 1)");
    const qsizetype data = log.indexOf("send DATA frame <length=");
    const qsizetype summary = log.indexOf("stream 1 GET /page.html -> 200");
    QVERIFY2(headers >= 0 && skipped >= 0 && data >= 0 && summary >= 0, log.constData());
    QVERIFY2(headers < skipped, log.constData());
    QVERIFY2(data < summary, log.constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
}

void TestCli::version()
{
    const ClientResult r = runClient(h2scopeBinary(), {QStringLiteral("--version")}, 10000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(QRegularExpression(QStringLiteral("\\b\\d+\\.\\d+\\.\\d+\\b")).match(QString::fromUtf8(r.out)).hasMatch(),
             r.out.constData());
}

void TestCli::portInUse()
{
    QTcpServer squatter;
    QVERIFY(squatter.listen(QHostAddress::LocalHost, 0));
    const QString port = QString::number(squatter.serverPort());
    // A start that cannot bind issues no certificate: the CA folder stays empty.
    QTemporaryDir caroot;
    const ClientResult r = runClient(h2scopeBinary(),
                                     {QStringLiteral("--headless"), QStringLiteral("--port"), port,
                                      QStringLiteral("--caroot"), caroot.path(), m_root.path()},
                                     15000);
    verifyOneLineError(r, port);
    QVERIFY(r.out.trimmed().isEmpty() || !r.out.contains(QByteArray(":" + port.toLatin1() + "/")));
    QVERIFY2(QDir(caroot.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot | QDir::Hidden).isEmpty(),
             qPrintable(QDir(caroot.path()).entryList(QDir::AllEntries | QDir::NoDotAndDotDot).join(u' ')));
    QVERIFY2(!r.err.contains("issued the certificate"), r.err.constData());
}

void TestCli::missingFolder()
{
    const QString missing = m_root.filePath(QStringLiteral("does-not-exist"));
    const ClientResult r = runClient(
        h2scopeBinary(), {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"), missing}, 15000);
    verifyOneLineError(r, missing);
}

void TestCli::hostThatIsNoAddress()
{
    // Refused before anything acts on it: no certificate issued for it.
    QTemporaryDir caroot;
    const ClientResult r = runClient(h2scopeBinary(),
                                     {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                                      QStringLiteral("--caroot"), caroot.path(), QStringLiteral("--host"),
                                      QStringLiteral("example.invalid"), m_root.path()},
                                     15000);
    verifyOneLineError(r, QStringLiteral("example.invalid"));
    QVERIFY2(r.err.contains("is not an IP address"), r.err.constData());
    QVERIFY2(QDir(caroot.path()).entryList(QDir::Files | QDir::NoDotAndDotDot).isEmpty(),
             qPrintable(QDir(caroot.path()).entryList().join(u' ')));
}

void TestCli::unreadableCertificate()
{
    const QString cert = m_root.filePath(QStringLiteral("no-cert.pem"));
    const QString key = m_root.filePath(QStringLiteral("no-key.pem"));
    const ClientResult r = runClient(h2scopeBinary(),
                                     {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                                      QStringLiteral("--cert"), cert, QStringLiteral("--key"), key, m_root.path()},
                                     15000);
    verifyOneLineError(r, QString());
    QVERIFY2(r.err.contains("no-cert.pem") || r.err.contains("no-key.pem"), r.err.constData());

    // A file that exists but is not a certificate fails the same way.
    const QString garbage = m_root.filePath(QStringLiteral("garbage.pem"));
    QVERIFY(writeFile(garbage, "this is not PEM\n"));
    const ClientResult g =
        runClient(h2scopeBinary(),
                  {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                   QStringLiteral("--cert"), garbage, QStringLiteral("--key"), garbage, m_root.path()},
                  15000);
    verifyOneLineError(g, QString());
}

void TestCli::ownCertificateAndKeylog()
{
    H2SCOPE_REQUIRE_CLIENT("openssl");
    H2SCOPE_REQUIRE_CLIENT("curl");
    QTemporaryDir dir;
    const QString cert = dir.filePath(QStringLiteral("cert.pem"));
    const QString key = dir.filePath(QStringLiteral("key.pem"));
    const QString keylog = dir.filePath(QStringLiteral("keys.log"));
    const ClientResult gen =
        runClient(QStringLiteral("openssl"),
                  {QStringLiteral("req"), QStringLiteral("-x509"), QStringLiteral("-newkey"), QStringLiteral("ec"),
                   QStringLiteral("-pkeyopt"), QStringLiteral("ec_paramgen_curve:prime256v1"), QStringLiteral("-nodes"),
                   QStringLiteral("-keyout"), key, QStringLiteral("-out"), cert, QStringLiteral("-days"),
                   QStringLiteral("2"), QStringLiteral("-subj"), QStringLiteral("/CN=localhost"),
                   QStringLiteral("-addext"), QStringLiteral("subjectAltName=DNS:localhost,IP:127.0.0.1")},
                  30000);
    QVERIFY2(gen.ok(), qPrintable(gen.describe()));

    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--cert"), cert, QStringLiteral("--key"), key,
                                          QStringLiteral("--keylog"), keylog}),
             qPrintable(server.errorString()));
    // Verified TLS (no -k): our certificate is the one served.
    ClientResult r =
        runClient(QStringLiteral("curl"),
                  {QStringLiteral("-sS"), QStringLiteral("--http2"), QStringLiteral("--cacert"), cert,
                   QStringLiteral("--max-time"), QStringLiteral("15"), server.origin() + QStringLiteral("/a.txt")},
                  20000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QCOMPARE(r.out, QByteArray("alpha\n"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);

    QFile f(keylog);
    QVERIFY2(f.open(QIODevice::ReadOnly), "--keylog file was not written");
    const QByteArray keys = f.readAll();
    QVERIFY2(keys.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET") || keys.contains("CLIENT_RANDOM"), keys.constData());
}

void TestCli::listing()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    QTemporaryDir dir;
    QVERIFY(writeFile(dir.filePath(QStringLiteral("files/alpha.txt")), "a\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("files/nested/beta.txt")), "b\n"));
    QVERIFY(writeFile(dir.filePath(QStringLiteral("files/.hidden-gamma")), "g\n"));
    ServerProcess server;
    QVERIFY2(server.start(dir.path(), {QStringLiteral("--listing")}), qPrintable(server.errorString()));
    const CurlResponse res = curlFetch(server.origin() + QStringLiteral("/files/"), {QStringLiteral("--http2")});
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QVERIFY2(res.header("content-type").startsWith("text/html"), qPrintable(res.summary()));
    QVERIFY2(res.body.contains("alpha.txt"), res.body.constData());
    QVERIFY2(res.body.contains("nested/"), res.body.constData());
    QVERIFY2(!res.body.contains(".hidden-gamma"), "a listing must not show dotfiles");
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::ipv6Loopback()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHostIPv6, 0))
            QSKIP("this machine has no IPv6 loopback (::1)");
    }
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--host"), QStringLiteral("::1")}),
             qPrintable(server.errorString()));
    const QString firstLine = QString::fromUtf8(server.log().split('\n').first()).trimmed();
    QVERIFY2(QRegularExpression(QStringLiteral("^https://\\[::1\\]:\\d+/$")).match(firstLine).hasMatch(),
             qPrintable(firstLine));
    const CurlResponse res = curlFetch(firstLine + QStringLiteral("a.txt"), {QStringLiteral("--http2")});
    QVERIFY2(res.status == 200 && res.httpVersion == QLatin1String("2"), qPrintable(res.summary()));
    QCOMPARE(res.body, QByteArray("alpha\n"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::everyAddressPrintsALoopbackUrl_data()
{
    QTest::addColumn<QString>("host");
    QTest::addColumn<QString>("urlPattern");
    QTest::newRow("0.0.0.0") << QStringLiteral("0.0.0.0") << QStringLiteral("^https://127\\.0\\.0\\.1:\\d+/$");
    QTest::newRow("::") << QStringLiteral("::") << QStringLiteral("^https://\\[::1\\]:\\d+/$");
}

void TestCli::everyAddressPrintsALoopbackUrl()
{
    // The first line is a URL to open: "https://0.0.0.0:8443/" is no address a
    // browser should use, and the host allow-list answers it 421.
    QFETCH(QString, host);
    QFETCH(QString, urlPattern);
    H2SCOPE_REQUIRE_CLIENT("curl");
    if (host.contains(u':')) {
        QTcpServer probe;
        if (!probe.listen(QHostAddress::LocalHostIPv6, 0))
            QSKIP("this machine has no IPv6 loopback (::1)");
    }
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--host"), host}), qPrintable(server.errorString()));
    const QString firstLine = QString::fromUtf8(server.log().split('\n').first()).trimmed();
    QVERIFY2(QRegularExpression(urlPattern).match(firstLine).hasMatch(), qPrintable(firstLine));
    const CurlResponse res = curlFetch(firstLine + QStringLiteral("a.txt"));
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QCOMPARE(res.body, QByteArray("alpha\n"));
    // Every address means both families: "::" takes IPv4 clients too.
    const CurlResponse v4 =
        curlFetch(QStringLiteral("https://127.0.0.1:%1/a.txt").arg(QUrl(firstLine).port()), {QStringLiteral("-k")});
    QVERIFY2(v4.status == 200, qPrintable(v4.summary()));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::stopWritesHarAndCapture_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestCli::stopWritesHarAndCapture()
{
    QFETCH(int, signal);
    H2SCOPE_REQUIRE_CLIENT("curl");
    QTemporaryDir dir;
    const QString har = dir.filePath(QStringLiteral("session.har"));
    const QString capture = dir.filePath(QStringLiteral("capture.jsonl"));
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--har"), har, QStringLiteral("--capture"), capture}),
             qPrintable(server.errorString()));
    for (const char *path : {"/", "/a.txt"}) {
        const CurlResponse res = curlFetch(server.origin() + QLatin1String(path), {QStringLiteral("--http2")});
        QVERIFY2(res.status == 200, qPrintable(res.summary()));
    }
    const CurlResponse h1 = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http1.1")});
    QVERIFY2(h1.status == 200, qPrintable(h1.summary()));
    QVERIFY2(server.waitForLog("GET /a.txt -> 200", 5000), server.log().right(2000).constData());

    QVERIFY2(server.stop(15000, signal), qPrintable(server.errorString()));
    QVERIFY(server.exitedNormally());
    QCOMPARE(server.exitCode(), 0);
    // What the store kept is said on the way out: three connections here.
    QVERIFY2(QRegularExpression(QStringLiteral("capture kept: 3 connection\\(s\\), \\d+ frame\\(s\\) in [\\d.]+ MiB"))
                 .match(QString::fromUtf8(server.stderrText()))
                 .hasMatch(),
             server.stderrText().constData());

    QFile harFile(har);
    QVERIFY2(harFile.open(QIODevice::ReadOnly), "--har file was not written on exit");
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(harFile.readAll(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    const QJsonObject log = doc.object().value(QStringLiteral("log")).toObject();
    QVERIFY(!log.isEmpty());
    QVERIFY(!log.value(QStringLiteral("version")).toString().isEmpty());
    const QJsonArray entries = log.value(QStringLiteral("entries")).toArray();
    QVERIFY2(entries.size() >= 3, qPrintable(QString::number(entries.size())));
    int aTxt = 0;
    for (const QJsonValue &e : entries) {
        const QJsonObject o = e.toObject();
        const QString url = o.value(QStringLiteral("request")).toObject().value(QStringLiteral("url")).toString();
        if (url.endsWith(QLatin1String("/a.txt"))) {
            ++aTxt;
            QCOMPARE(o.value(QStringLiteral("response")).toObject().value(QStringLiteral("status")).toInt(), 200);
        }
    }
    QCOMPARE(aTxt, 2);

    QFile capFile(capture);
    QVERIFY2(capFile.open(QIODevice::ReadOnly), "--capture file was not written");
    int lines = 0;
    for (const QByteArray &line : capFile.readAll().split('\n')) {
        if (line.trimmed().isEmpty())
            continue;
        const QJsonDocument ev = QJsonDocument::fromJson(line, &err);
        QVERIFY2(err.error == QJsonParseError::NoError && ev.isObject(), line.left(300).constData());
        ++lines;
    }
    QVERIFY2(lines >= 10, qPrintable(QString::number(lines)));
}

void TestCli::captureOnAFullDiskSaysSoAndServesOn()
{
    // /dev/full takes the file's open but fails every write with ENOSPC: the
    // server must say so once, on standard error whatever the log mode, and
    // go on serving.
    H2SCOPE_REQUIRE_CLIENT("curl");
    struct stat st {};
    if (!haveDevFull(st))
        QSKIP("no /dev/full device on this system");
    ServerProcess server;
    QVERIFY2(
        server.start(m_root.path(), {QStringLiteral("--capture"), QStringLiteral("/dev/full")}, QStringLiteral("none")),
        qPrintable(server.errorString()));
    const QByteArray said = "the capture file gets no more events";
    for (int i = 0; i < 100 && !server.stderrText().contains(said); ++i) {
        const CurlResponse res = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http2")});
        QVERIFY2(res.status == 200, qPrintable(res.summary()));
        QTest::qWait(50);
    }
    const QByteArray err = server.stderrText();
    QVERIFY2(err.contains(said), err.constData());
    QVERIFY2(err.contains("/dev/full") && err.contains("No space left on device"), err.constData());
    QCOMPARE(err.count(said), qsizetype(1));
    const CurlResponse after = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http2")});
    QVERIFY2(after.status == 200, qPrintable(after.summary()));
    QCOMPARE(after.body, QByteArray("alpha\n"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestCli::harDestinationIsCheckedAtStart()
{
    // The HAR is written at exit: a place it can never go is said before serving.
    QTemporaryDir dir;
    const QString missing = dir.filePath(QStringLiteral("no-such-folder/session.har"));
    const ClientResult r = runClient(h2scopeBinary(),
                                     {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                                      QStringLiteral("--har"), missing, m_root.path()},
                                     15000);
    verifyOneLineError(r, missing);
    QVERIFY2(r.err.contains("No such file or directory"), r.err.constData());
    QVERIFY2(!r.out.contains("https://"), r.out.constData());

    const ClientResult f = runClient(h2scopeBinary(),
                                     {QStringLiteral("--headless"), QStringLiteral("--port"), QStringLiteral("0"),
                                      QStringLiteral("--har"), dir.path(), m_root.path()},
                                     15000);
    verifyOneLineError(f, dir.path());
    QVERIFY2(f.err.contains("it is a folder"), f.err.constData());
}

void TestCli::harOnAFullDiskSaysSoAndKeepsTheDevice()
{
    // /dev/full opens and fails every write with ENOSPC. The exit must say the
    // HAR was not written, with a non-zero code, and leave the device alone
    // (an atomic save would rename a regular file over it).
    H2SCOPE_REQUIRE_CLIENT("curl");
    struct stat before {};
    if (!haveDevFull(before))
        QSKIP("no /dev/full device on this system");
    ServerProcess server;
    QVERIFY2(
        server.start(m_root.path(), {QStringLiteral("--har"), QStringLiteral("/dev/full")}, QStringLiteral("none")),
        qPrintable(server.errorString()));
    const CurlResponse res = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http2")});
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QVERIFY(server.exitCode() != 0);
    const QByteArray err = server.stderrText();
    QVERIFY2(err.contains("cannot write the HAR file /dev/full: No space left on device"), err.constData());
    struct stat after {};
    QVERIFY(::stat("/dev/full", &after) == 0);
    QVERIFY2(S_ISCHR(after.st_mode) && after.st_rdev == before.st_rdev, "/dev/full is no longer the device");
}

void TestCli::harIntoAPipeIsWrittenInPlace()
{
    // A FIFO (what `--har /dev/stdout | jq` amounts to) gets the HAR through
    // it and stays a FIFO.
    H2SCOPE_REQUIRE_CLIENT("curl");
    H2SCOPE_REQUIRE_CLIENT("cat");
    QTemporaryDir dir;
    const QString fifo = dir.filePath(QStringLiteral("har.pipe"));
    QVERIFY(::mkfifo(QFile::encodeName(fifo).constData(), 0600) == 0);
    QProcess reader;
    reader.start(QStringLiteral("cat"), {fifo});
    QVERIFY(reader.waitForStarted(5000));
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--har"), fifo}, QStringLiteral("none")),
             qPrintable(server.errorString()));
    const CurlResponse res = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http2")});
    QVERIFY2(res.status == 200, qPrintable(res.summary()));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
    QVERIFY(reader.waitForFinished(10000));
    const QJsonDocument har = QJsonDocument::fromJson(reader.readAllStandardOutput());
    const QJsonArray entries =
        har.object().value(QStringLiteral("log")).toObject().value(QStringLiteral("entries")).toArray();
    QCOMPARE(entries.size(), qsizetype(1));
    QVERIFY(entries.at(0)
                .toObject()
                .value(QStringLiteral("request"))
                .toObject()
                .value(QStringLiteral("url"))
                .toString()
                .endsWith(QStringLiteral("/a.txt")));
    struct stat st {};
    QVERIFY(::stat(QFile::encodeName(fifo).constData(), &st) == 0);
    QVERIFY2(S_ISFIFO(st.st_mode), "the pipe was replaced by a regular file");
}

void TestCli::keylogOnAFullDiskSaysSoAndServesOn()
{
    // Key-log lines that cannot be written are said once (Wireshark will not
    // decrypt the connections from then on); serving goes on.
    H2SCOPE_REQUIRE_CLIENT("curl");
    struct stat st {};
    if (!haveDevFull(st))
        QSKIP("no /dev/full device on this system");
    ServerProcess server;
    QVERIFY2(
        server.start(m_root.path(), {QStringLiteral("--keylog"), QStringLiteral("/dev/full")}, QStringLiteral("none")),
        qPrintable(server.errorString()));
    const QByteArray said = "writing the key log /dev/full failed: No space left on device";
    for (int i = 0; i < 3; ++i) {
        const CurlResponse res = curlFetch(server.origin() + QStringLiteral("/a.txt"), {QStringLiteral("--http2")});
        QVERIFY2(res.status == 200, qPrintable(res.summary()));
        QCOMPARE(res.body, QByteArray("alpha\n"));
    }
    for (int i = 0; i < 100 && !server.stderrText().contains(said); ++i)
        QTest::qWait(20);
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
    const QByteArray err = server.stderrText();
    QVERIFY2(err.contains(said), err.constData());
    QCOMPARE(err.count(said), qsizetype(1));
}

QTEST_GUILESS_MAIN(TestCli)
#include "tst_cli.moc"
