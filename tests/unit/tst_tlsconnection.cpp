// TLS in memory-BIO mode inside the sans-I/O connection: handshake, ALPN
// choice, what the inspector learns, the key log, and clear errors for bad
// certificate files.

#include "collectingpublisher.h"
#include "memorytls.h"

#include "net/connection.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <QtTest>

#include <chrono>
#include <fstream>
#include <vector>

using namespace h2scope;
using h2scope::testing::MemoryTlsClient;

namespace {

// Writes the PEM certificate or key as DER (binary) to `path`.
bool writeDer(const std::string &pem, const std::string &path, bool key)
{
    BIO *in = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
    BIO *out = BIO_new_file(path.c_str(), "wb");
    bool ok = false;
    if (in && out) {
        if (key) {
            if (EVP_PKEY *k = PEM_read_bio_PrivateKey(in, nullptr, nullptr, nullptr)) {
                ok = i2d_PrivateKey_bio(out, k) == 1;
                EVP_PKEY_free(k);
            }
        } else if (X509 *c = PEM_read_bio_X509(in, nullptr, nullptr, nullptr)) {
            ok = i2d_X509_bio(out, c) == 1;
            X509_free(c);
        }
    }
    BIO_free(in);
    BIO_free(out);
    return ok;
}

// The lengths of the application-data records in `wire`, in order.
std::vector<std::size_t> appDataRecords(const std::string &wire)
{
    std::vector<std::size_t> records;
    for (std::size_t at = 0; at + 5 <= wire.size();) {
        const std::size_t len = (std::uint8_t(wire[at + 3]) << 8) | std::uint8_t(wire[at + 4]);
        if (wire[at] == 23)
            records.push_back(len);
        at += 5 + len;
    }
    return records;
}

constexpr std::size_t kSegmentRecord = 1300 + 256; // a small record's payload and TLS 1.3 overhead, at most

} // namespace

class TestTlsConnection : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;
    certs::PemPair m_pem;

    std::shared_ptr<tls::TlsContext> context(const std::string &keylog = {})
    {
        tls::TlsOptions o;
        o.certPem = m_pem.certPem;
        o.keyPem = m_pem.keyPem;
        o.keylogFile = keylog;
        auto ctx = tls::TlsContext::create(o);
        if (!ctx)
            qFatal("%s", ctx.error().message.c_str());
        return *ctx;
    }

    std::unique_ptr<net::Connection> connection(std::shared_ptr<tls::TlsContext> ctx,
                                                testing::CollectingPublisher *events)
    {
        net::ConnectionConfig config;
        config.id = 3;
        config.tls = std::move(ctx);
        return std::make_unique<net::Connection>(config, *m_site, events);
    }

private slots:
    void initTestCase()
    {
        std::ofstream(m_dir.filePath("index.html").toStdString()) << "hello over tls";
        site::SiteOptions o;
        o.root = m_dir.path().toStdString();
        auto s = site::StaticSite::create(o);
        QVERIFY(s.ok());
        m_site = std::move(*s);
        auto pem = certs::makeSelfSigned();
        QVERIFY2(pem.ok(), pem.ok() ? "" : pem.error().message.c_str());
        m_pem = *pem;
    }

    void alpnH2IsChosenAndReported()
    {
        testing::CollectingPublisher events;
        auto conn = connection(context(), &events);
        MemoryTlsClient client({"http/1.1", "h2"}, "localhost");
        QVERIFY(client.handshake(*conn));
        QCOMPARE(client.alpn(), std::string("h2")); // server preference, whatever the client's order
        QCOMPARE(conn->protocol(), std::string("h2"));
        const auto opened = events.all<inspect::ConnectionOpened>();
        QCOMPARE(opened.size(), std::size_t(1));
        QVERIFY(opened[0].tls);
        QCOMPARE(opened[0].alpn, std::string("h2"));
        QCOMPARE(opened[0].sni, std::string("localhost"));
        QCOMPARE(opened[0].tlsVersion, std::string("TLSv1.3"));
        QCOMPARE(opened[0].cipher, std::string("TLS_AES_128_GCM_SHA256"));
        QVERIFY(QString::fromStdString(opened[0].group).contains("25519", Qt::CaseInsensitive));
    }

    void http11AndNoAlpnServeHttp1()
    {
        for (const std::vector<std::string> &alpn :
             {std::vector<std::string>{"http/1.1"}, std::vector<std::string>{}}) {
            auto conn = connection(context(), nullptr);
            MemoryTlsClient client(alpn, nullptr);
            QVERIFY(client.handshake(*conn));
            QCOMPARE(conn->protocol(), std::string("http/1.1"));
            const std::string answer = client.exchange(*conn, "GET /index.html HTTP/1.1\r\nHost: localhost\r\n\r\n");
            QVERIFY2(answer.rfind("HTTP/1.1 200", 0) == 0, answer.c_str());
            QVERIFY(answer.find("hello over tls") != std::string::npos);
        }
    }

    void aCleanEndSendsCloseNotify()
    {
        // HTTP/1.1 with Connection: close: the response, then close_notify.
        {
            auto conn = connection(context(), nullptr);
            MemoryTlsClient client({"http/1.1"}, "localhost");
            QVERIFY(client.handshake(*conn));
            const std::string answer =
                client.exchange(*conn, "GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
            QVERIFY2(answer.rfind("HTTP/1.1 200", 0) == 0 && answer.ends_with("hello over tls"), answer.c_str());
            QVERIFY(client.closeNotifyReceived());
            QVERIFY(conn->wantsClose());
        }
        // HTTP/2: a server shutdown's GOAWAY, then close_notify.
        {
            auto conn = connection(context(), nullptr);
            MemoryTlsClient client({"h2"}, "localhost");
            QVERIFY(client.handshake(*conn));
            std::string plain;
            client.send(*conn,
                        std::string("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n") + std::string("\0\0\0\x04\0\0\0\0\0", 9));
            client.receive(*conn, plain);
            QVERIFY(!client.closeNotifyReceived());
            conn->shutdown();
            for (int i = 0; i < 5 && !conn->wantsClose(); ++i)
                client.receive(*conn, plain);
            QVERIFY(conn->wantsClose());
            QVERIFY(plain.find(std::string("\x07\0\0\0\0\0", 6)) != std::string::npos); // a GOAWAY frame
            QVERIFY(client.closeNotifyReceived());
        }
        // A connection the peer broke off gets none (nothing could read it).
        {
            auto conn = connection(context(), nullptr);
            MemoryTlsClient client({"http/1.1"}, "localhost");
            QVERIFY(client.handshake(*conn));
            conn->peerClosed();
            std::string plain;
            client.receive(*conn, plain);
            QVERIFY(!client.closeNotifyReceived());
        }
    }

    void firstRecordsFitOneSegment()
    {
        // A client decrypts nothing until a whole record arrives: the first
        // 64 KiB go in records that fit a TCP segment, the rest in full ones.
        std::ofstream(m_dir.filePath("big.bin").toStdString(), std::ios::binary) << std::string(300000, 'b');
        auto conn = connection(context(), nullptr);
        MemoryTlsClient client({"http/1.1"}, "localhost");
        QVERIFY(client.handshake(*conn));
        client.send(*conn, "GET /big.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
        std::string wire;
        while (conn->produce(wire, 1 << 20) > 0) {
        }
        const std::vector<std::size_t> records = appDataRecords(wire);
        QVERIFY(records.size() > 50);
        std::size_t smallBytes = 0, i = 0;
        for (; i < records.size() && records[i] <= kSegmentRecord; ++i)
            smallBytes += records[i];
        QVERIFY2(smallBytes >= 60000 && smallBytes <= 70000, qPrintable(QString::number(smallBytes)));
        QVERIFY(i < records.size());
        QVERIFY2(records[i + 1] > 16000, qPrintable(QString::number(records[i + 1])));
    }

    // The record size follows the connection's clock: a response right
    // after another goes in full records at once, one after a pause of more
    // than a second starts small again (the client's congestion window may
    // have shrunk meanwhile). Driven with a clock of the test's own.
    void recordsGoSmallAgainAfterAPause()
    {
        using namespace std::chrono_literals;
        std::ofstream(m_dir.filePath("paced.bin").toStdString(), std::ios::binary) << std::string(100000, 'p');
        ManualClock clock;
        net::ConnectionConfig config;
        config.id = 4;
        config.tls = context();
        config.h2.clock = &clock;
        net::Connection conn(config, *m_site, nullptr);
        MemoryTlsClient client({"http/1.1"}, "localhost");
        QVERIFY(client.handshake(conn));
        const auto fetch = [&] {
            client.send(conn, "GET /paced.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            std::string wire;
            while (conn.produce(wire, 1 << 20) > 0) {
            }
            return appDataRecords(wire);
        };
        const std::vector<std::size_t> first = fetch();
        QVERIFY(!first.empty());
        QVERIFY2(first.front() <= kSegmentRecord, qPrintable(QString::number(first.front())));
        clock.advance(200ms);
        const std::vector<std::size_t> warm = fetch();
        QVERIFY(!warm.empty());
        QVERIFY2(warm.front() > 16000, qPrintable(QString::number(warm.front())));
        clock.advance(1500ms);
        const std::vector<std::size_t> cold = fetch();
        QVERIFY(!cold.empty());
        QVERIFY2(cold.front() <= kSegmentRecord, qPrintable(QString::number(cold.front())));
    }

    // Bulk plaintext goes to OpenSSL from wherever its copy into the record
    // buffer is fast (TlsEngine::plaintextPad()): every byte still arrives,
    // in order, however the slices and records fall.
    void bulkBodiesArriveWhole()
    {
        std::string body(700001, '\0');
        for (std::size_t i = 0; i < body.size(); ++i)
            body[i] = static_cast<char>((i * 31 + i / 4093) % 251);
        std::ofstream(m_dir.filePath("bulk.bin").toStdString(), std::ios::binary) << body;
        auto conn = connection(context(), nullptr);
        MemoryTlsClient client({"http/1.1"}, "localhost");
        QVERIFY(client.handshake(*conn));
        std::string plain;
        for (int round = 0; round < 2; ++round) { // the second with the record buffer known
            plain.clear();
            client.send(*conn, "GET /bulk.bin HTTP/1.1\r\nHost: localhost\r\n\r\n");
            for (int i = 0; i < 1000 && client.receive(*conn, plain) > 0; ++i) {
            }
            const std::size_t head = plain.find("\r\n\r\n");
            QVERIFY(head != std::string::npos);
            QCOMPARE(plain.size() - head - 4, body.size());
            QVERIFY2(plain.compare(head + 4, std::string::npos, body) == 0, "the body arrived changed");
        }
    }

    void keylogGetsSecrets()
    {
        const QString path = m_dir.filePath("keys.log");
        auto conn = connection(context(path.toStdString()), nullptr);
        MemoryTlsClient client({"h2"}, "localhost");
        QVERIFY(client.handshake(*conn));
        QFile f(path);
        QVERIFY(f.open(QIODevice::ReadOnly));
        const QByteArray log = f.readAll();
        QVERIFY(log.contains("CLIENT_HANDSHAKE_TRAFFIC_SECRET"));
        QVERIFY(log.contains("SERVER_TRAFFIC_SECRET_0"));
        QCOMPARE(QFile::permissions(path) & (QFile::ReadOther | QFile::ReadGroup), QFile::Permissions());
    }

    void garbageIsATlsFailure()
    {
        testing::CollectingPublisher events;
        auto conn = connection(context(), &events);
        const std::string junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        conn->receive(reinterpret_cast<const std::uint8_t *>(junk.data()), junk.size());
        std::string out;
        conn->produce(out, 1 << 16);
        QVERIFY(conn->wantsClose());
        conn->close({});
        const auto closed = events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QVERIFY2(closed[0].reason.find("TLS") != std::string::npos, closed[0].reason.c_str());
    }

    // The two handshake failures a user meets first say what to do.
    void untrustedCertificateSaysHowToTrust()
    {
        testing::CollectingPublisher events;
        auto conn = connection(context(), &events);
        MemoryTlsClient client({"h2"}, "localhost", true);
        QVERIFY(!client.handshake(*conn)); // the client rejects the certificate with an alert
        QVERIFY(conn->wantsClose());
        conn->close({});
        const auto closed = events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QVERIFY2(closed[0].reason.find("TLS handshake failed") != std::string::npos, closed[0].reason.c_str());
        QVERIFY2(closed[0].reason.find("h2scope-certs trust") != std::string::npos, closed[0].reason.c_str());
        qInfo("%s", closed[0].reason.c_str());
    }

    void plainHttpOnTheTlsPortSaysSo()
    {
        testing::CollectingPublisher events;
        auto conn = connection(context(), &events);
        const std::string request = "GET / HTTP/1.1\r\nHost: localhost\r\n\r\n";
        conn->receive(reinterpret_cast<const std::uint8_t *>(request.data()), request.size());
        QVERIFY(conn->wantsClose());
        conn->close({});
        const auto closed = events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QVERIFY2(closed[0].reason.find("https://") != std::string::npos, closed[0].reason.c_str());
        qInfo("%s", closed[0].reason.c_str());
    }

    void missingFilesSayWhatToDo()
    {
        tls::TlsOptions o;
        o.certFile = m_dir.filePath("nope.pem").toStdString();
        o.keyFile = m_dir.filePath("nope-key.pem").toStdString();
        auto ctx = tls::TlsContext::create(o);
        QVERIFY(!ctx.ok());
        QCOMPARE(ctx.error().code, Errc::NotFound);
        QVERIFY(ctx.error().message.find("nope.pem") != std::string::npos);
    }

    // A DER file is told apart from garbage, with the command that converts it.
    void derFilesSayHowToConvert()
    {
        const QString pemCert = m_dir.filePath("c.pem"), pemKey = m_dir.filePath("k.pem");
        const QString derCert = m_dir.filePath("c.der"), derKey = m_dir.filePath("k.der"),
                      junk = m_dir.filePath("junk.pem");
        std::ofstream(pemCert.toStdString()) << m_pem.certPem;
        std::ofstream(pemKey.toStdString()) << m_pem.keyPem;
        std::ofstream(junk.toStdString()) << "not a certificate at all\n";
        QVERIFY(writeDer(m_pem.certPem, derCert.toStdString(), false));
        QVERIFY(writeDer(m_pem.keyPem, derKey.toStdString(), true));
        const auto attempt = [](const QString &cert, const QString &key) {
            tls::TlsOptions o;
            o.certFile = cert.toStdString();
            o.keyFile = key.toStdString();
            auto ctx = tls::TlsContext::create(o);
            return ctx.ok() ? std::string() : ctx.error().message;
        };
        QVERIFY(attempt(pemCert, pemKey).empty());
        const std::string cert = attempt(derCert, pemKey);
        QVERIFY2(cert.find("DER") != std::string::npos && cert.find("openssl x509 -inform der") != std::string::npos,
                 cert.c_str());
        const std::string key = attempt(pemCert, derKey);
        QVERIFY2(key.find("DER") != std::string::npos && key.find("openssl pkey -inform der") != std::string::npos,
                 key.c_str());
        const std::string garbage = attempt(junk, pemKey);
        QVERIFY2(!garbage.empty() && garbage.find("DER") == std::string::npos, garbage.c_str());
    }

    void mismatchedKeyIsRejected()
    {
        auto other = certs::makeSelfSigned();
        QVERIFY(other.ok());
        tls::TlsOptions o;
        o.certPem = m_pem.certPem;
        o.keyPem = other->keyPem;
        auto ctx = tls::TlsContext::create(o);
        QVERIFY(!ctx.ok());
        QCOMPARE(ctx.error().code, Errc::Tls);
        QVERIFY(ctx.error().message.find("does not match") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestTlsConnection)
#include "tst_tlsconnection.moc"
