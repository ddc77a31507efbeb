// h2load against the real server: a bounded burst of requests over several
// connections with many concurrent streams, HTTP/2 and HTTP/1.1. Every request
// must succeed.

#include "serverprocess.h"

#include <QElapsedTimer>
#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

#include <map>

using namespace h2scope::testing;

namespace {

struct LoadResult {
    int total = -1;
    int succeeded = -1;
    int failed = -1;
    int errored = -1;
    int status2xx = -1;
};

// Parses h2load's summary:
//   requests: 2000 total, 2000 started, 2000 done, 2000 succeeded, 0 failed, 0 errored, 0 timeout
//   status codes: 2000 2xx, 0 3xx, 0 4xx, 0 5xx
LoadResult parse(const QByteArray &out)
{
    LoadResult r;
    const QString text = QString::fromUtf8(out);
    const QRegularExpression req(QStringLiteral(
        "requests: (\\d+) total, \\d+ started, \\d+ done, (\\d+) succeeded, (\\d+) failed, (\\d+) errored"));
    if (const auto m = req.match(text); m.hasMatch()) {
        r.total = m.captured(1).toInt();
        r.succeeded = m.captured(2).toInt();
        r.failed = m.captured(3).toInt();
        r.errored = m.captured(4).toInt();
    }
    const QRegularExpression codes(QStringLiteral("status codes: (\\d+) 2xx"));
    if (const auto m = codes.match(text); m.hasMatch())
        r.status2xx = m.captured(1).toInt();
    return r;
}

} // namespace

class TestH2load final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void burst_data();
    void burst();
    void captureKeepsEveryFrame();

private:
    QTemporaryDir m_root;
    ServerProcess m_server;
    bool m_h2BurstRan = false, m_h1BurstRan = false; // burst() rows that reached their end
};

void TestH2load::initTestCase()
{
    H2SCOPE_REQUIRE_CLIENT("h2load");
    QVERIFY(m_root.isValid());
    QFile f(m_root.filePath(QStringLiteral("small.txt")));
    QVERIFY(f.open(QIODevice::WriteOnly));
    f.write(QByteArray(1023, 'a') + "\n");
    f.close();
    // The frame log is on and two I/O threads serve; the server must keep up or
    // drop events, never stall the connections.
    QVERIFY2(m_server.start(m_root.path(), {QStringLiteral("--workers"), QStringLiteral("2")}),
             qPrintable(m_server.errorString()));
}

void TestH2load::cleanupTestCase()
{
    if (!m_server.isRunning())
        return;
    QVERIFY2(m_server.stop(), qPrintable(m_server.errorString()));
    QCOMPARE(m_server.exitCode(), 0);

    // Several I/O threads wrote the frame log under load: it must still be whole
    // lines, each an event line or an indented detail line, never two mixed.
    const QList<QByteArray> lines = m_server.log().split('\n');
    const QRegularExpression eventLine(QStringLiteral("^\\[\\s*\\d+\\.\\d{6}\\] \\[conn \\d+\\] \\S"));
    const QRegularExpression detailLine(QStringLiteral("^ {4,}\\S"));
    int bad = 0;
    QByteArray firstBad;
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QString l = QString::fromUtf8(lines[i]);
        if (l.isEmpty() || eventLine.match(l).hasMatch() || detailLine.match(l).hasMatch())
            continue;
        if (bad++ == 0)
            firstBad = lines[i].left(200);
    }
    QVERIFY2(bad == 0, (QByteArray::number(bad) + " malformed frame-log lines, the first: " + firstBad).constData());
    // What each burst put in it (a burst that did not run put nothing).
    if (m_h2BurstRan)
        QVERIFY(m_server.log().contains("] stream "));
    if (m_h1BurstRan)
        QVERIFY(m_server.log().contains("HTTP/1.1 GET /small.txt -> 200"));
}

void TestH2load::burst_data()
{
    QTest::addColumn<QStringList>("extra");
    QTest::newRow("h2 -c4 -m10") << QStringList{QStringLiteral("-m"), QStringLiteral("10")};
    QTest::newRow("http/1.1 -c4") << QStringList{QStringLiteral("--h1")};
}

void TestH2load::burst()
{
    QFETCH(QStringList, extra);
    QStringList args{QStringLiteral("-n"), QStringLiteral("2000"), QStringLiteral("-c"), QStringLiteral("4"),
                     // -N: a connection silent this long is dropped, so a stuck server fails fast.
                     QStringLiteral("-N"), QStringLiteral("20")};
    args += extra;
    args << m_server.origin() + QStringLiteral("/small.txt");
    const ClientResult r = runClient(QStringLiteral("h2load"), args, 120000);
    QVERIFY2(r.finished, qPrintable(r.describe()));
    const LoadResult l = parse(r.out);
    QVERIFY2(l.total == 2000, r.out.constData());
    QVERIFY2(l.succeeded == 2000, r.out.constData());
    QVERIFY2(l.failed == 0 && l.errored == 0, r.out.constData());
    QVERIFY2(l.status2xx == 2000, r.out.constData());
    if (!extra.contains(QStringLiteral("--h1")))
        QVERIFY2(r.out.contains("Application protocol: h2"), r.out.constData());
    else
        QVERIFY2(r.out.contains("Application protocol: http/1.1"), r.out.constData());
    QVERIFY2(m_server.isRunning(), m_server.stderrText().constData());
    (extra.contains(QStringLiteral("--h1")) ? m_h1BurstRan : m_h2BurstRan) = true;
}

namespace {

// The number after "key": in a JSON Lines record (the capture writes every
// member, so each frame line has them all); -1 when absent.
qint64 member(const QByteArray &line, const char *key)
{
    const QByteArray needle = QByteArray("\"") + key + "\":";
    const qsizetype at = line.indexOf(needle);
    if (at < 0)
        return -1;
    qint64 v = 0;
    for (qsizetype i = at + needle.size(); i < line.size() && line[i] >= '0' && line[i] <= '9'; ++i)
        v = v * 10 + (line[i] - '0');
    return v;
}

} // namespace

void TestH2load::captureKeepsEveryFrame()
{
    // A full-rate flood at a capture file: nothing may be dropped. h2load
    // counts what it received ("traffic: N total" is every frame byte the
    // server sent, 9-byte headers included); the capture must hold frames
    // adding up to exactly that, every request's HEADERS and every stream's
    // close, and each connection's socket byte counts must equal its
    // frames (cleartext, so no TLS overhead hides a lost frame).
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString capture = out.filePath(QStringLiteral("flood.jsonl"));
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--no-tls"), QStringLiteral("--capture"), capture},
                          QStringLiteral("none")),
             qPrintable(server.errorString()));
    constexpr int kRequests = 100000;
    const ClientResult r =
        runClient(QStringLiteral("h2load"),
                  {QStringLiteral("-n"), QString::number(kRequests), QStringLiteral("-c"), QStringLiteral("16"),
                   QStringLiteral("-m"), QStringLiteral("32"), QStringLiteral("-N"), QStringLiteral("20"),
                   server.origin() + QStringLiteral("/small.txt")},
                  300000);
    QVERIFY2(r.finished, qPrintable(r.describe()));
    QVERIFY2(parse(r.out).succeeded == kRequests, r.out.constData());
    const QRegularExpression traffic(QStringLiteral("traffic: \\S+ \\((\\d+)\\) total"));
    const auto t = traffic.match(QString::fromUtf8(r.out));
    QVERIFY2(t.hasMatch(), r.out.constData());
    const qint64 clientReceived = t.captured(1).toLongLong();
    // The file is written as the frames are dissected, and it is complete
    // before the exit: a sanitizer build takes over a minute for the half a
    // million events this flood makes (a release build, a few seconds).
    QElapsedTimer stopping;
    stopping.start();
    QVERIFY2(server.stop(240000), qPrintable(server.errorString()));
    qInfo("the capture file was complete %lld ms after the signal", static_cast<long long>(stopping.elapsed()));
    QCOMPARE(server.exitCode(), 0);
    QVERIFY2(!server.stderrText().contains("dropped"), server.stderrText().constData());

    struct PerConnection {
        qint64 frameBytesIn = 24; // the client's connection preface is no frame
        qint64 frameBytesOut = 0;
        qint64 socketIn = -1, socketOut = -1;
        qint64 lastRequestStream = 0;
        bool ordered = true;
    };
    std::map<qint64, PerConnection> conns;
    qint64 requests = 0, closedStreams = 0, framesOut = 0, framesIn = 0;
    QFile file(capture);
    QVERIFY(file.open(QIODevice::ReadOnly));
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        PerConnection &c = conns[member(line, "conn")];
        if (line.contains("\"kind\":\"frame\"")) {
            if (line.contains("\"notSent\":true"))
                continue;
            const qint64 bytes = 9 + member(line, "length");
            if (line.contains("\"dir\":\"in\"")) {
                c.frameBytesIn += bytes;
                ++framesIn;
                if (member(line, "type") == 1 && member(line, "hdCategory") == 0) {
                    ++requests;
                    const qint64 id = member(line, "streamId");
                    c.ordered = c.ordered && id > c.lastRequestStream;
                    c.lastRequestStream = id;
                }
            } else {
                c.frameBytesOut += bytes;
                ++framesOut;
            }
        } else if (line.contains("\"kind\":\"stream-closed\"")) {
            ++closedStreams;
        } else if (line.contains("\"kind\":\"connection-closed\"")) {
            c.socketIn = member(line, "bytesIn");
            c.socketOut = member(line, "bytesOut");
        }
    }
    QCOMPARE(requests, qint64(kRequests));
    QCOMPARE(closedStreams, qint64(kRequests));
    qint64 capturedOut = 0;
    for (const auto &[id, c] : conns) {
        QVERIFY2(c.ordered, qPrintable(QStringLiteral("connection %1: request streams out of order").arg(id)));
        QCOMPARE(c.frameBytesIn, c.socketIn);
        QCOMPARE(c.frameBytesOut, c.socketOut);
        capturedOut += c.frameBytesOut;
    }
    QCOMPARE(qsizetype(conns.size()), qsizetype(16));
    QCOMPARE(capturedOut, clientReceived);
    qInfo("%lld frames in, %lld frames out over %zu connections: all in the capture", framesIn, framesOut,
          conns.size());
}

QTEST_GUILESS_MAIN(TestH2load)
#include "tst_h2load.moc"
