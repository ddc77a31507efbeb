// Paths that try to leave the served folder, or to read what it hides, must be
// refused (400, 404 or 414) and the secrets must never be in any response body.
// curl --path-as-is sends them over h2 and HTTP/1.1 (TLS and cleartext); a raw
// TCP socket sends the bytes curl will not (backslashes, NUL, huge targets).

#include "curlfetch.h"
#include "serverprocess.h"

#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
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

const QByteArray kOutsideSecret = "OUTSIDE-SECRET-8c1f0e2a";
const QByteArray kEnvSecret = "DOTENV-SECRET-51b7a9d3";
const QByteArray kGitSecret = "GITCONFIG-SECRET-0a6e44f1";
const QByteArray kPublic = "public content 9d2c";

struct RawResponse {
    bool gotResponse = false;
    int status = 0;
    QByteArray raw;
};

// Sends `request` verbatim over a new TCP connection, reads until the server
// closes (or 5 s pass) and parses the status line.
RawResponse rawExchange(quint16 port, const QByteArray &request)
{
    RawResponse r;
    QTcpSocket s;
    s.connectToHost(QStringLiteral("127.0.0.1"), port);
    if (!s.waitForConnected(5000))
        return r;
    s.write(request);
    s.waitForBytesWritten(5000);
    const QDeadlineTimer deadline(5000);
    while (!deadline.hasExpired() && s.state() == QAbstractSocket::ConnectedState) {
        if (s.waitForReadyRead(100))
            r.raw += s.readAll();
    }
    r.raw += s.readAll();
    if (r.raw.startsWith("HTTP/1.")) {
        const QList<QByteArray> first = r.raw.left(r.raw.indexOf("\r\n")).split(' ');
        if (first.size() >= 2) {
            r.gotResponse = true;
            r.status = first[1].toInt();
        }
    }
    return r;
}

bool leaksSecret(const QByteArray &bytes)
{
    return bytes.contains(kOutsideSecret) || bytes.contains(kEnvSecret) || bytes.contains(kGitSecret)
           || bytes.contains("root:x:0:0");
}

bool isRefusal(int status)
{
    return status == 400 || status == 404 || status == 414;
}

} // namespace

class TestHostilePaths final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void curlPaths_data();
    void curlPaths();
    void rawHttp1_data();
    void rawHttp1();
    void insideSymlinksStillWork_data();
    void insideSymlinksStillWork();

private:
    QTemporaryDir m_tmp;
    QString m_root;
    std::unique_ptr<ServerProcess> m_tls;
    std::unique_ptr<ServerProcess> m_clear;
};

void TestHostilePaths::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    const QString t = m_tmp.path();
    m_root = t + QStringLiteral("/root");
    // Outside the root: a sibling secret and a sibling folder with the same prefix.
    QVERIFY(writeFile(t + "/secret.txt", kOutsideSecret + "\n"));
    QVERIFY(writeFile(t + "/root-evil/secret.txt", kOutsideSecret + "\n"));
    // Inside the root: public files, hidden files, links in and out.
    QVERIFY(writeFile(m_root + "/index.html", "<!doctype html><title>root</title>\n"));
    QVERIFY(writeFile(m_root + "/public.txt", kPublic + "\n"));
    QVERIFY(writeFile(m_root + "/sub/file.txt", kPublic + " in sub\n"));
    QVERIFY(writeFile(m_root + "/.env", kEnvSecret + "\n"));
    QVERIFY(writeFile(m_root + "/.git/config", "[core]\n\tsecret = " + kGitSecret + "\n"));
    QVERIFY(writeFile(m_root + "/sub/.hidden", kEnvSecret + "\n"));
    QVERIFY(QFile::link(t + "/secret.txt", m_root + "/link-out.txt"));
    QVERIFY(QFile::link(t, m_root + "/link-dir-out"));
    QVERIFY(QFile::link(QStringLiteral("/etc/passwd"), m_root + "/passwd"));
    QVERIFY(QFile::link(m_root + "/public.txt", m_root + "/link-in.txt"));
    QVERIFY(QFile::link(QStringLiteral("public.txt"), m_root + "/link-in-relative.txt"));
    QVERIFY(QFile::link(QStringLiteral("sub"), m_root + "/sublink"));
    QVERIFY(QFile::link(m_root + "/sub", m_root + "/sublink-absolute"));

    m_tls = std::make_unique<ServerProcess>();
    QVERIFY2(m_tls->start(m_root), qPrintable(m_tls->errorString()));
    m_clear = std::make_unique<ServerProcess>();
    QVERIFY2(m_clear->start(m_root, {QStringLiteral("--no-tls")}), qPrintable(m_clear->errorString()));
}

void TestHostilePaths::cleanupTestCase()
{
    for (auto *s : {m_tls.get(), m_clear.get()}) {
        if (!s)
            continue;
        QVERIFY2(s->stop(), qPrintable(s->errorString()));
        QCOMPARE(s->exitCode(), 0);
        QVERIFY2(!leaksSecret(s->log()), "the frame log must not carry file contents");
    }
}

void TestHostilePaths::curlPaths_data()
{
    QTest::addColumn<QString>("proto");
    QTest::addColumn<QString>("path");
    const char *paths[] = {
        "/../secret.txt",
        "/../../../../../../etc/passwd",
        "/sub/../../secret.txt",
        "/%2e%2e/secret.txt",
        "/%2E%2E/secret.txt",
        "/.%2e/secret.txt",
        "/..%2fsecret.txt",
        "/%2e%2e%2fsecret.txt",
        "/sub/..%2f..%2fsecret.txt",
        "/%252e%252e/secret.txt",
        "/%252e%252e%252fsecret.txt",
        "/..%5csecret.txt",
        "/%c0%ae%c0%ae/secret.txt",
        "/../root-evil/secret.txt",
        "//etc/passwd",
        "/%2fetc%2fpasswd",
        "/.env",
        "/%2eenv",
        "/.git/config",
        "/.git/",
        "/sub/.hidden",
        "/link-out.txt",
        "/link-dir-out/secret.txt",
        "/passwd",
        "/public.txt%00.html",
        "/..;/secret.txt",
    };
    const char *protos[] = {"h2", "h1", "h2c", "h1c"};
    for (const char *proto : protos) {
        for (const char *p : paths)
            QTest::newRow(qPrintable(QStringLiteral("%1 %2").arg(QLatin1String(proto), QLatin1String(p))))
                << QString::fromLatin1(proto) << QString::fromLatin1(p);
    }
}

void TestHostilePaths::curlPaths()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    QFETCH(QString, proto);
    QFETCH(QString, path);
    const bool clear = proto.endsWith(QLatin1Char('c'));
    QStringList args{QStringLiteral("--path-as-is")};
    if (proto == QLatin1String("h2"))
        args << QStringLiteral("--http2");
    else if (proto == QLatin1String("h2c"))
        args << QStringLiteral("--http2-prior-knowledge");
    else
        args << QStringLiteral("--http1.1");
    const CurlResponse res = curlFetch((clear ? m_clear : m_tls)->origin() + path, args, 15000);
    QVERIFY2(!leaksSecret(res.body), qPrintable(QStringLiteral("SECRET LEAKED for %1: %2").arg(path, res.summary())));
    QVERIFY2(isRefusal(res.status), qPrintable(res.summary()));
}

void TestHostilePaths::rawHttp1_data()
{
    QTest::addColumn<QByteArray>("target");
    QTest::newRow("backslash traversal") << QByteArray("/..\\..\\secret.txt");
    QTest::newRow("leading backslash") << QByteArray("/\\..\\..\\secret.txt");
    QTest::newRow("backslash after dir") << QByteArray("/sub\\..\\..\\secret.txt");
    QTest::newRow("raw NUL") << QByteArray("/public.txt\0/../../secret.txt", 29);
    QTest::newRow("%00") << QByteArray("/%00");
    QTest::newRow("%00 suffix") << QByteArray("/public.txt%00");
    QTest::newRow("dot-dot") << QByteArray("/../secret.txt");
    QTest::newRow("dot-dot encoded slash") << QByteArray("/..%2fsecret.txt");
    QTest::newRow("encoded dots") << QByteArray("/%2e%2e/secret.txt");
    QTest::newRow("double encoded dots") << QByteArray("/%252e%252e/secret.txt");
    QTest::newRow("double slash absolute") << QByteArray("//etc/passwd");
    QTest::newRow("no leading slash") << QByteArray("../secret.txt");
    QTest::newRow("absolute-form traversal") << QByteArray("http://127.0.0.1/../secret.txt");
    QTest::newRow("dotfile") << QByteArray("/.env");
    QTest::newRow("dotdir") << QByteArray("/.git/config");
    QTest::newRow("symlink out") << QByteArray("/link-out.txt");
    QTest::newRow("symlink dir out") << QByteArray("/link-dir-out/secret.txt");
    QTest::newRow("overlong 16 KiB") << "/" + QByteArray(16 * 1024, 'a');
    QTest::newRow("overlong 64 KiB traversal") << "/" + QByteArray(64 * 1024, 'a') + "/../../secret.txt";
    QTest::newRow("many dot-dots") << QByteArray("/").append(QByteArray("../").repeated(500)).append("secret.txt");
    QTest::newRow("invalid percent") << QByteArray("/%zz/../secret.txt");
    QTest::newRow("overlong utf-8 dots") << QByteArray("/%c0%ae%c0%ae/secret.txt");
}

void TestHostilePaths::rawHttp1()
{
    QFETCH(QByteArray, target);
    const QByteArray request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const RawResponse r = rawExchange(static_cast<quint16>(m_clear->port()), request);
    QVERIFY2(!leaksSecret(r.raw), "SECRET LEAKED: " + r.raw.left(500));
    QVERIFY2(r.gotResponse, "no HTTP response, only: " + r.raw.left(200).toPercentEncoding(" /:"));
    QVERIFY2(isRefusal(r.status), r.raw.left(300).constData());
}

void TestHostilePaths::insideSymlinksStillWork_data()
{
    QTest::addColumn<QString>("proto");
    QTest::newRow("h2") << QStringLiteral("h2");
    QTest::newRow("http/1.1") << QStringLiteral("h1");
}

void TestHostilePaths::insideSymlinksStillWork()
{
    H2SCOPE_REQUIRE_CLIENT("curl");
    QFETCH(QString, proto);
    const QStringList args{proto == QLatin1String("h2") ? QStringLiteral("--http2") : QStringLiteral("--http1.1")};
    // Symlinks whose target is inside the folder, written absolute or relative,
    // to a file or to a folder: all are served. Every case is checked, then
    // the failures are reported together.
    const QList<QPair<QString, QByteArray>> cases{
        {QStringLiteral("/link-in.txt"), kPublic + "\n"},
        {QStringLiteral("/link-in-relative.txt"), kPublic + "\n"},
        {QStringLiteral("/sublink/file.txt"), kPublic + " in sub\n"},
        {QStringLiteral("/sublink-absolute/file.txt"), kPublic + " in sub\n"},
    };
    QStringList failures;
    for (const auto &[path, body] : cases) {
        const CurlResponse res = curlFetch(m_tls->origin() + path, args);
        if (res.status != 200 || res.body != body)
            failures << QStringLiteral("%1 -> %2").arg(path).arg(res.status);
    }
    QVERIFY2(failures.isEmpty(), qPrintable(QStringLiteral("symlinks inside the folder not served: ")
                                            + failures.join(QStringLiteral(", "))));
    // A dot-dot that stays inside the folder is harmless either way: served or refused, never a leak.
    const CurlResponse inside =
        curlFetch(m_tls->origin() + "/sub/../public.txt", QStringList(args) << QStringLiteral("--path-as-is"));
    QVERIFY2(inside.status == 200 || isRefusal(inside.status), qPrintable(inside.summary()));
}

QTEST_GUILESS_MAIN(TestHostilePaths)
#include "tst_hostilepaths.moc"
