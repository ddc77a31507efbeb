// Node's built-in http2 client against the real server: several files fetched
// concurrently on one session, bytes checked by SHA-256.

#include "curlfetch.h"
#include "serverprocess.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTemporaryDir>
#include <QtTest>

#include <algorithm>

#include <signal.h>

using namespace h2scope::testing;

namespace {

const char *const kScript = H2SCOPE_SOURCE_DIR "/tests/integration/node/h2fetch.mjs";
const char *const kHoldScript = H2SCOPE_SOURCE_DIR "/tests/integration/node/h2hold.mjs";

bool writeFile(const QString &path, const QByteArray &bytes)
{
    QDir().mkpath(QFileInfo(path).absolutePath());
    QFile f(path);
    return f.open(QIODevice::WriteOnly) && f.write(bytes) == bytes.size();
}

} // namespace

class TestNode final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void oneSessionManyStreams_data();
    void oneSessionManyStreams();
    void goawayOnSigterm_data();
    void goawayOnSigterm();

private:
    QTemporaryDir m_root;
    QMap<QString, QByteArray> m_files; // URL path -> bytes
};

void TestNode::initTestCase()
{
    H2SCOPE_REQUIRE_CLIENT("node");
    QVERIFY(QFileInfo::exists(QLatin1String(kScript)));
    QVERIFY(m_root.isValid());

    QByteArray big(3 * 1024 * 1024 + 7, Qt::Uninitialized);
    QRandomGenerator gen(7);
    for (qsizetype i = 0; i < big.size(); ++i)
        big[i] = static_cast<char>(gen.bounded(256));
    QByteArray css;
    for (int i = 0; i < 1000; ++i)
        css += ".n" + QByteArray::number(i) + " { padding: " + QByteArray::number(i % 9) + "px; }\n";
    m_files = {
        {QStringLiteral("/index.html"), "<!doctype html><title>node</title><p>hello</p>\n"},
        {QStringLiteral("/css/site.css"), css},
        {QStringLiteral("/js/app.js"), "console.log('node fixture');\n"},
        {QStringLiteral("/data/big.bin"), big},
        {QStringLiteral("/data/empty.txt"), QByteArray()},
    };
    for (auto it = m_files.cbegin(); it != m_files.cend(); ++it)
        QVERIFY(writeFile(m_root.path() + it.key(), it.value()));
}

void TestNode::oneSessionManyStreams_data()
{
    QTest::addColumn<bool>("tls");
    QTest::newRow("https (h2)") << true;
    QTest::newRow("cleartext (h2c)") << false;
}

void TestNode::oneSessionManyStreams()
{
    QFETCH(bool, tls);
    ServerProcess server;
    QStringList extra;
    if (!tls)
        extra << QStringLiteral("--no-tls");
    QVERIFY2(server.start(m_root.path(), extra), qPrintable(server.errorString()));

    QStringList args{QLatin1String(kScript), server.origin()};
    args += m_files.keys();
    args << QStringLiteral("/") << QStringLiteral("/missing.txt");
    const ClientResult r = runClient(QStringLiteral("node"), args, 60000);
    QVERIFY2(r.ok(), qPrintable(r.describe()));

    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(r.out.trimmed(), &err);
    QVERIFY2(err.error == QJsonParseError::NoError && doc.isObject(), r.out.constData());
    const QJsonObject summary = doc.object();
    QCOMPARE(summary.value(QStringLiteral("sessions")).toInt(), 1);
    if (tls)
        QCOMPARE(summary.value(QStringLiteral("alpn")).toString(), QStringLiteral("h2"));

    const QJsonArray results = summary.value(QStringLiteral("results")).toArray();
    QCOMPARE(results.size(), m_files.size() + 2);
    QSet<int> streamIds;
    for (const QJsonValue &v : results) {
        const QJsonObject o = v.toObject();
        const QString path = o.value(QStringLiteral("path")).toString();
        const int status = o.value(QStringLiteral("status")).toInt();
        streamIds.insert(o.value(QStringLiteral("streamId")).toInt());
        if (path == QLatin1String("/missing.txt")) {
            QCOMPARE(status, 404);
            continue;
        }
        const QByteArray file = m_files.value(path == QLatin1String("/") ? QStringLiteral("/index.html") : path);
        QVERIFY2(status == 200, qPrintable(path));
        // HTML may carry the live-reload tag; every other file is sent as it is.
        const QList<QByteArray> candidates = path.endsWith(QLatin1String(".html")) || path == QLatin1String("/")
                                                 ? htmlAsServed(file)
                                                 : QList<QByteArray>{file};
        const QString sha = o.value(QStringLiteral("sha256")).toString();
        const auto match = std::find_if(candidates.cbegin(), candidates.cend(), [&](const QByteArray &c) {
            return QString::fromLatin1(QCryptographicHash::hash(c, QCryptographicHash::Sha256).toHex()) == sha;
        });
        QVERIFY2(match != candidates.cend(), qPrintable(QStringLiteral("%1: bytes differ from the file").arg(path)));
        QCOMPARE(o.value(QStringLiteral("bytes")).toInteger(), qint64(match->size()));
        QCOMPARE(o.value(QStringLiteral("contentLength")).toInteger(), qint64(match->size()));
    }
    // One stream per request, all on the one session.
    QCOMPARE(streamIds.size(), results.size());

    QVERIFY2(server.waitForLog("GET /data/big.bin -> 200", 5000), server.log().right(3000).constData());
    QCOMPARE(server.log().count("connection opened"), 1);
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);
}

void TestNode::goawayOnSigterm_data()
{
    QTest::addColumn<int>("signal");
    QTest::newRow("SIGTERM") << int(SIGTERM);
    QTest::newRow("SIGINT") << int(SIGINT);
}

void TestNode::goawayOnSigterm()
{
    QFETCH(int, signal);
    ServerProcess server;
    QVERIFY2(server.start(m_root.path()), qPrintable(server.errorString()));

    // A client that keeps its session open until the server ends it.
    QProcess client;
    client.start(QStringLiteral("node"), {QLatin1String(kHoldScript), server.origin(), QStringLiteral("/index.html")});
    QVERIFY2(client.waitForStarted(10000), qPrintable(client.errorString()));
    QByteArray out;
    const QDeadlineTimer ready(20000);
    while (!out.contains("ready\n") && !ready.hasExpired() && client.state() == QProcess::Running) {
        client.waitForReadyRead(100);
        out += client.readAllStandardOutput();
    }
    QVERIFY2(out.contains("ready\n"), (out + client.readAllStandardError()).constData());

    QVERIFY2(server.stop(15000, signal), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);

    QVERIFY2(client.waitForFinished(20000), "node did not see the session close");
    out += client.readAllStandardOutput();
    QCOMPARE(client.exitCode(), 0);
    const QByteArray last = out.trimmed().split('\n').last();
    const QJsonObject o = QJsonDocument::fromJson(last).object();
    QVERIFY2(o.value(QStringLiteral("closed")).toBool(), last.constData());
    QCOMPARE(o.value(QStringLiteral("status")).toInt(), 200);
    const QJsonObject goaway = o.value(QStringLiteral("goaway")).toObject();
    QVERIFY2(!goaway.isEmpty(), ("the client got no GOAWAY: " + last).constData());
    QCOMPARE(goaway.value(QStringLiteral("errorCode")).toInt(), 0); // NO_ERROR
    QCOMPARE(goaway.value(QStringLiteral("lastStreamID")).toInt(), 1);
    QVERIFY2(server.log().contains("send GOAWAY frame"), server.log().right(3000).constData());
}

QTEST_GUILESS_MAIN(TestNode)
#include "tst_node.moc"
