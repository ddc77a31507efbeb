// nghttp (nghttp2's client) against the real server: the frames the server
// logs for a connection, and fetching a page with its assets.

#include "serverprocess.h"

#include <QRegularExpression>
#include <QtTest>

using namespace h2scope::testing;

namespace {

QString demoSite()
{
    return QStringLiteral(H2SCOPE_SOURCE_DIR "/resources/demo");
}

// The lines of `log` that belong to connection `conn` ("[conn N] ").
QList<QByteArray> linesOf(const QByteArray &log, const QByteArray &conn)
{
    QList<QByteArray> out;
    const QByteArray tag = "[conn " + conn + "]";
    for (const QByteArray &line : log.split('\n')) {
        if (line.contains(tag))
            out << line;
    }
    return out;
}

bool anyContains(const QList<QByteArray> &lines, const QByteArray &needle)
{
    for (const QByteArray &l : lines) {
        if (l.contains(needle))
            return true;
    }
    return false;
}

} // namespace

class TestNghttp final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void framesOfOneConnection();
    void getAssets();
    void cleartextPriorKnowledge();
};

void TestNghttp::initTestCase()
{
    H2SCOPE_REQUIRE_CLIENT("nghttp");
}

void TestNghttp::framesOfOneConnection()
{
    ServerProcess server;
    QVERIFY2(server.start(demoSite()), qPrintable(server.errorString()));

    const ClientResult r =
        runClient(QStringLiteral("nghttp"), {QStringLiteral("-nv"), server.origin() + QStringLiteral("/")}, 30000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(":status: 200"), r.out.constData());

    // nghttp closes its connection when done; once the server logs that, every
    // frame line of the connection is in the log.
    QVERIFY2(server.waitForLog("GET / -> 200", 5000), server.log().right(4000).constData());
    QVERIFY2(server.waitForLog("connection closed", 5000), server.log().right(4000).constData());
    const QByteArray log = server.log();
    const QRegularExpression openRe(QStringLiteral("\\[conn (\\d+)\\] connection opened"));
    const QRegularExpressionMatch m = openRe.match(QString::fromUtf8(log));
    QVERIFY2(m.hasMatch(), log.left(4000).constData());
    const QByteArray conn = m.captured(1).toLatin1();
    const QList<QByteArray> lines = linesOf(log, conn);
    QVERIFY2(anyContains(lines, "alpn=h2"), log.left(4000).constData());
    for (const char *needle :
         {"recv SETTINGS frame <length=", "send SETTINGS frame <length=", "recv HEADERS frame <length=",
          "send HEADERS frame <length=", "send DATA frame <length="}) {
        QVERIFY2(anyContains(lines, needle), qPrintable(QStringLiteral("no \"%1\" for conn %2 in the frame log:\n%3")
                                                            .arg(QLatin1String(needle), QString::fromLatin1(conn),
                                                                 QString::fromUtf8(log.left(6000)))));
    }
    // The frame lines carry a timestamp like nghttp -v: "[  0.001234] [conn 1] recv ...".
    const QRegularExpression frameRe(QStringLiteral("^\\[\\s*\\d+\\.\\d+\\] \\[conn %1\\] (recv|send) [A-Z_]+ frame "
                                                    "<length=\\d+, flags=0x[0-9a-f]{2}, stream_id=\\d+>")
                                         .arg(QString::fromLatin1(conn)),
                                     QRegularExpression::MultilineOption);
    QVERIFY2(frameRe.match(QString::fromUtf8(log)).hasMatch(), log.left(4000).constData());

    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
    QVERIFY(server.exitedNormally());
}

void TestNghttp::getAssets()
{
    ServerProcess server;
    QVERIFY2(server.start(demoSite()), qPrintable(server.errorString()));

    // -a: fetch the assets index.html links (stylesheet, script, images); -s: a table per request.
    const ClientResult r =
        runClient(QStringLiteral("nghttp"), {QStringLiteral("-ans"), server.origin() + QStringLiteral("/")}, 30000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));

    // Statistics rows: "id responseEnd requestStart process code size path"; a
    // pushed response has a "*" after responseEnd. Pushed or requested, every
    // asset must arrive with 200.
    const QRegularExpression rowRe(
        QStringLiteral("^\\s*\\d+\\s+\\S+(?:\\s+\\*)?\\s+\\S+\\s+\\S+\\s+(\\d{3})\\s+\\S+\\s+(/\\S*)\\s*$"),
        QRegularExpression::MultilineOption);
    QMap<QString, int> statusByPath;
    auto it = rowRe.globalMatch(QString::fromUtf8(r.out));
    while (it.hasNext()) {
        const auto m = it.next();
        statusByPath.insert(m.captured(2), m.captured(1).toInt());
    }
    for (const char *path : {"/", "/css/site.css", "/js/app.js", "/img/hero.svg", "/img/icon.png"}) {
        const QString p = QLatin1String(path);
        QVERIFY2(statusByPath.contains(p),
                 qPrintable(QStringLiteral("%1 not fetched:\n%2").arg(p, QString::fromUtf8(r.out))));
        QCOMPARE(statusByPath.value(p), 200);
    }
    for (auto i = statusByPath.cbegin(); i != statusByPath.cend(); ++i)
        QVERIFY2(i.value() == 200, qPrintable(i.key()));

    QVERIFY2(server.waitForLog("GET /css/site.css -> 200", 5000), server.log().right(4000).constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestNghttp::cleartextPriorKnowledge()
{
    ServerProcess server;
    QVERIFY2(server.start(demoSite(), {QStringLiteral("--no-tls")}), qPrintable(server.errorString()));
    QCOMPARE(server.url().scheme(), QStringLiteral("http"));

    const ClientResult r =
        runClient(QStringLiteral("nghttp"),
                  {QStringLiteral("-nv"), server.origin() + QStringLiteral("/data/sample.json")}, 30000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));
    QVERIFY2(r.out.contains(":status: 200"), r.out.constData());
    QVERIFY2(server.waitForLog("GET /data/sample.json -> 200", 5000), server.log().right(4000).constData());
    QVERIFY(server.log().contains("recv HEADERS frame"));
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

QTEST_GUILESS_MAIN(TestNghttp)
#include "tst_nghttp.moc"
