// h2load against the real server: a bounded burst of requests over several
// connections with many concurrent streams, HTTP/2 and HTTP/1.1. Every request
// must succeed.

#include "serverprocess.h"

#include <QFile>
#include <QRegularExpression>
#include <QTemporaryDir>
#include <QtTest>

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

class TestH2load final : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void burst_data();
    void burst();
    void captureFileAndDropsAccountForEveryEvent();

private:
    QTemporaryDir m_root;
    ServerProcess m_server;
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
    QVERIFY2(m_server.start(m_root.path(), {QStringLiteral("--workers"), QStringLiteral("2")}), qPrintable(m_server.errorString()));
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
    QVERIFY(m_server.log().contains("] stream "));
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
}

void TestH2load::captureFileAndDropsAccountForEveryEvent()
{
    // A capture file under a flood (the frame log on too, so the consumer has
    // the most to do): the server may drop events it cannot record in time,
    // but never silently. Either the file holds every request's stream, or
    // the exit warning says how many events were dropped out of how many, and
    // the file holds exactly the rest.
    QTemporaryDir out;
    QVERIFY(out.isValid());
    const QString capture = out.filePath(QStringLiteral("flood.jsonl"));
    ServerProcess server;
    QVERIFY2(server.start(m_root.path(), {QStringLiteral("--workers"), QStringLiteral("2"), QStringLiteral("--capture"),
                                          capture}),
             qPrintable(server.errorString()));
    constexpr int kRequests = 20000;
    const ClientResult r = runClient(QStringLiteral("h2load"),
                                     {QStringLiteral("-n"), QString::number(kRequests), QStringLiteral("-c"),
                                      QStringLiteral("4"), QStringLiteral("-m"), QStringLiteral("32"),
                                      QStringLiteral("-N"), QStringLiteral("20"),
                                      server.origin() + QStringLiteral("/small.txt")},
                                     180000);
    QVERIFY2(r.finished, qPrintable(r.describe()));
    QVERIFY2(parse(r.out).succeeded == kRequests, r.out.constData());
    QVERIFY2(server.stop(), qPrintable(server.errorString()));
    QCOMPARE(server.exitCode(), 0);

    QFile file(capture);
    QVERIFY(file.open(QIODevice::ReadOnly));
    qint64 events = 0;
    qint64 streamsClosed = 0;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine();
        if (line.trimmed().isEmpty())
            continue;
        ++events;
        if (line.contains("\"kind\":\"stream-closed\""))
            ++streamsClosed;
    }
    const QString err = QString::fromUtf8(server.stderrText());
    const QRegularExpression warning(QStringLiteral("the inspector dropped (\\d+) of (\\d+) events"));
    if (const auto m = warning.match(err); m.hasMatch()) {
        const qint64 dropped = m.captured(1).toLongLong();
        const qint64 published = m.captured(2).toLongLong();
        QVERIFY2(dropped > 0 && dropped <= published, qPrintable(err));
        QCOMPARE(events, published - dropped);
        qInfo("dropped %lld of %lld events; the file holds the other %lld", dropped, published, events);
    } else {
        QVERIFY2(!err.contains(QStringLiteral("dropped")), qPrintable(err));
        QCOMPARE(streamsClosed, qint64(kRequests));
    }
}

QTEST_GUILESS_MAIN(TestH2load)
#include "tst_h2load.moc"
