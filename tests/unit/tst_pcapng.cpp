// The pcapng export, read back by a real reader: tshark must find, in order,
// every HTTP/2 frame the capture holds, with its type, stream and length,
// between the connection's real addresses, with no key log.
#include "inspect/capturestore.h"
#include "inspect/pcapng.h"
#include "net/connection.h"
#include "net/testclient.h"
#include "site/staticsite.h"

#include <QFile>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QtTest>

#include <map>
#include <utility>

using namespace h2scope;

class TestPcapng : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;

    // One real connection, served in memory, its log taken into `store`.
    void serve(inspect::CaptureStore &store, std::uint64_t id, const std::string &peer, const std::string &local)
    {
        inspect::CaptureHub hub(1);
        {
            net::ConnectionConfig config;
            config.id = id;
            config.peer = peer;
            config.local = local;
            net::Connection conn(config, *m_site, &hub.sink(0));
            net::TestClient client(conn);
            QVERIFY(client.get("/index.html").complete);
            QVERIFY(client.get("/big.bin").complete);
            conn.close("test done");
        }
        std::vector<inspect::LogAnnouncement> logs;
        hub.collect(logs);
        store.ingest(std::move(logs));
    }

    // "type stream length" of every frame the store dissects, per direction.
    static QStringList storeFrames(const inspect::CaptureStore &store, std::uint64_t id, inspect::Direction dir)
    {
        QStringList out;
        for (std::size_t i = 0; i < store.eventCount(id); ++i)
            if (const auto *f = std::get_if<inspect::FrameEvent>(&store.event(id, i)->data);
                f && f->dir == dir && !f->notSent)
                out << QStringLiteral("%1 %2 %3").arg(f->type).arg(f->streamId).arg(f->length);
        return out;
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        QFile index(m_dir.filePath(QStringLiteral("index.html")));
        QVERIFY(index.open(QIODevice::WriteOnly));
        index.write("<!doctype html><title>t</title><p>hello");
        index.close();
        QFile big(m_dir.filePath(QStringLiteral("big.bin")));
        QVERIFY(big.open(QIODevice::WriteOnly));
        big.write(QByteArray(100000, 'b'));
        big.close();
        site::SiteOptions options;
        options.root = m_dir.path().toStdString();
        auto s = site::StaticSite::create(options);
        QVERIFY(s.ok());
        m_site = std::move(*s);
    }

    void tsharkReadsEveryFrame()
    {
        const QString tshark = QStandardPaths::findExecutable(QStringLiteral("tshark"));
        if (tshark.isEmpty())
            QSKIP("tshark is not installed (package tshark)");
        inspect::CaptureStore store;
        serve(store, 1, "127.0.0.1:50001", "127.0.0.1:8443");
        serve(store, 2, "[::1]:50002", "[::1]:8443");
        inspect::PcapngSummary summary;
        const std::string pcap = inspect::toPcapng(store, &summary);
        QCOMPARE(summary.connections, std::uint64_t(2));
        QVERIFY(summary.frames > 10);
        const QString path = m_dir.filePath(QStringLiteral("capture.pcapng"));
        QFile file(path);
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.write(pcap.data(), static_cast<qint64>(pcap.size()));
        file.close();

        QProcess p;
        // Wireshark knows HTTP/2 by port: the server's port (8443 here, not
        // one it associates with HTTP) is named as Decode As would.
        p.start(tshark, {QStringLiteral("-r"), path,
                         QStringLiteral("-d"), QStringLiteral("tcp.port==8443,http2"),
                         QStringLiteral("-o"), QStringLiteral("tcp.desegment_tcp_streams:TRUE"),
                         QStringLiteral("-T"), QStringLiteral("fields"),
                         QStringLiteral("-E"), QStringLiteral("separator=/t"),
                         QStringLiteral("-e"), QStringLiteral("tcp.stream"),
                         QStringLiteral("-e"), QStringLiteral("tcp.srcport"),
                         QStringLiteral("-e"), QStringLiteral("http2.type"),
                         QStringLiteral("-e"), QStringLiteral("http2.streamid"),
                         QStringLiteral("-e"), QStringLiteral("http2.length"),
                         QStringLiteral("-e"), QStringLiteral("http2.header.name"),
                         QStringLiteral("-Y"), QStringLiteral("http2")});
        QVERIFY(p.waitForFinished(60000));
        QVERIFY2(p.exitCode() == 0, p.readAllStandardError().constData());
        // tshark lists the frames of each packet comma-separated, per field.
        std::map<std::pair<int, bool>, QStringList> seen; // (tcp stream, from the client) -> frames
        bool sawPath = false;
        for (const QByteArray &line : p.readAllStandardOutput().split('\n')) {
            const QList<QByteArray> cols = line.split('\t');
            if (cols.size() < 5)
                continue;
            const bool fromClient = cols[1] != "8443";
            const QList<QByteArray> types = cols[2].split(','), ids = cols[3].split(','), lens = cols[4].split(',');
            if (types.size() != ids.size() || types.size() != lens.size())
                continue;
            for (qsizetype i = 0; i < types.size(); ++i)
                if (!types[i].isEmpty()) // the connection preface ("Magic") is no frame
                    seen[{cols[0].toInt(), fromClient}]
                        << QStringLiteral("%1 %2 %3")
                               .arg(QString::fromLatin1(types[i]), QString::fromLatin1(ids[i]),
                                    QString::fromLatin1(lens[i]));
            if (cols.size() > 5 && cols[5].contains(":path"))
                sawPath = true;
        }
        QVERIFY2(sawPath, "tshark did not decode the request headers");
        // tcp.stream 0 is connection 1, 1 is connection 2 (the file's order).
        for (int stream = 0; stream < 2; ++stream) {
            const std::uint64_t id = static_cast<std::uint64_t>(stream) + 1;
            const QStringList fromClient = seen[std::make_pair(stream, true)];
            const QStringList fromServer = seen[std::make_pair(stream, false)];
            QCOMPARE(fromClient, storeFrames(store, id, inspect::Direction::In));
            QCOMPARE(fromServer, storeFrames(store, id, inspect::Direction::Out));
        }
    }
};

QTEST_APPLESS_MAIN(TestPcapng)
#include "tst_pcapng.moc"
