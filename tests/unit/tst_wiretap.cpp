// The wire tap finds frame boundaries exactly, however the bytes arrive.

#include "h2/wiretap.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace h2scope::h2;

namespace {

std::string frame(std::uint32_t length, std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                  std::uint8_t padLength = 0)
{
    std::string f;
    f += char((length >> 16) & 0xff);
    f += char((length >> 8) & 0xff);
    f += char(length & 0xff);
    f += char(type);
    f += char(flags);
    f += char((stream >> 24) & 0x7f);
    f += char((stream >> 16) & 0xff);
    f += char((stream >> 8) & 0xff);
    f += char(stream & 0xff);
    std::string payload(length, 'x');
    if (length > 0 && (flags & 0x08))
        payload[0] = char(padLength);
    return f + payload;
}

const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

std::vector<TapFrame> scanAll(WireTap &tap, const std::string &bytes, std::size_t step)
{
    std::vector<TapFrame> out;
    std::size_t off = 0;
    while (off < bytes.size()) {
        const std::size_t len = std::min(step, bytes.size() - off);
        std::size_t used = 0;
        while (used < len) {
            std::optional<TapFrame> done;
            const std::size_t n =
                tap.scan(reinterpret_cast<const std::uint8_t *>(bytes.data()) + off + used, len - used, done);
            if (n == 0)
                break;
            used += n;
            if (done)
                out.push_back(*done);
        }
        off += len;
    }
    return out;
}

} // namespace

class TestWireTap : public QObject {
    Q_OBJECT

private slots:
    void inboundOneByteAtATime_data()
    {
        QTest::addColumn<int>("step");
        QTest::newRow("1 byte") << 1;
        QTest::newRow("2 bytes") << 2;
        QTest::newRow("7 bytes") << 7;
        QTest::newRow("whole") << (1 << 20);
    }

    void inboundOneByteAtATime()
    {
        QFETCH(int, step);
        std::string bytes = kPreface;
        bytes += frame(18, 0x4, 0x0, 0);            // SETTINGS
        bytes += frame(0, 0x4, 0x1, 0);             // SETTINGS ACK, empty payload
        bytes += frame(40, 0x1, 0x01 | 0x08, 1, 7); // HEADERS END_STREAM PADDED (no END_HEADERS)
        bytes += frame(12, 0x9, 0x4, 1);            // CONTINUATION END_HEADERS
        bytes += frame(16384, 0x0, 0x1, 3);         // a full-size DATA frame
        bytes += frame(4, 0x8, 0x0, 0);             // WINDOW_UPDATE
        bytes += frame(3, 0xfa, 0x0, 5);            // unknown type

        WireTap tap(true);
        const std::vector<TapFrame> frames = scanAll(tap, bytes, static_cast<std::size_t>(step));
        QVERIFY(tap.prefaceDone());
        QVERIFY(!tap.prefaceMismatch());
        QCOMPARE(frames.size(), std::size_t(7));
        QCOMPARE(frames[0].type, std::uint8_t(0x4));
        QCOMPARE(frames[0].length, 18u);
        QCOMPARE(frames[1].flags, std::uint8_t(0x1));
        QCOMPARE(frames[1].length, 0u);
        QCOMPARE(frames[2].type, std::uint8_t(0x1));
        QCOMPARE(frames[2].streamId, 1);
        QCOMPARE(frames[2].padding, std::uint8_t(7));
        QCOMPARE(frames[3].type, std::uint8_t(0x9));
        QCOMPARE(frames[4].length, 16384u);
        QCOMPARE(frames[4].streamId, 3);
        QCOMPARE(frames[5].type, std::uint8_t(0x8));
        QCOMPARE(frames[6].type, std::uint8_t(0xfa));
        QCOMPARE(frames[6].streamId, 5);
        QCOMPARE(tap.framesSeen(), std::uint64_t(7));
        // The raw header is exactly the 9 bytes on the wire.
        QCOMPARE(std::string(frames[4].raw.begin(), frames[4].raw.end()), bytes.substr(24 + 27 + 9 + 49 + 21, 9));
    }

    void frameStartIsKnownBetweenFrames()
    {
        // Callers record whole frames at a boundary themselves (the capture
        // log's sentFrames()); the tap says where the boundaries are.
        WireTap server(true);
        QVERIFY(!server.atFrameStart()); // the preface comes first
        const std::string preface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        std::optional<TapFrame> done;
        QCOMPARE(server.scan(reinterpret_cast<const std::uint8_t *>(preface.data()), preface.size(), done),
                 preface.size());
        QVERIFY(server.atFrameStart());

        WireTap tap(false);
        QVERIFY(tap.atFrameStart());
        const std::string data = frame(1000, 0x0, 0x1, 3);
        const std::string settings = frame(6, 0x4, 0x0, 0);
        QCOMPARE(tap.scan(reinterpret_cast<const std::uint8_t *>(data.data()), 4, done), std::size_t(4));
        QVERIFY(!tap.atFrameStart()); // inside a header
        QCOMPARE(tap.scan(reinterpret_cast<const std::uint8_t *>(data.data()) + 4, 100, done), std::size_t(100));
        QVERIFY(!tap.atFrameStart()); // inside a payload
        QCOMPARE(tap.scan(reinterpret_cast<const std::uint8_t *>(data.data()) + 104, data.size() - 104, done),
                 data.size() - 104);
        QVERIFY(done);
        QVERIFY(tap.atFrameStart());
        const std::vector<TapFrame> rest = scanAll(tap, settings, 5);
        QCOMPARE(rest.size(), std::size_t(1));
        QVERIFY(tap.atFrameStart());
        QCOMPARE(tap.framesSeen(), std::uint64_t(2));
    }

    void reservedBitIsMasked()
    {
        std::string bytes = frame(0, 0x4, 0x1, 0);
        bytes[5] = char(0x80); // the reserved bit set on stream id 0
        WireTap tap;
        const auto frames = scanAll(tap, bytes, 1);
        QCOMPARE(frames.size(), std::size_t(1));
        QCOMPARE(frames[0].streamId, 0);
        QCOMPARE(frames[0].raw[5], std::uint8_t(0x80));
    }

    void prefaceMismatchIsReported()
    {
        WireTap tap(true);
        std::string bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        scanAll(tap, bytes, 1);
        QVERIFY(tap.prefaceMismatch());
    }

    void partialFrameIsVisible()
    {
        WireTap tap;
        const std::string bytes = frame(100, 0x0, 0x0, 9).substr(0, 20);
        std::optional<TapFrame> done;
        const std::size_t n = tap.scan(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size(), done);
        QCOMPARE(n, bytes.size());
        QVERIFY(!done);
        QVERIFY(tap.partial().has_value());
        QCOMPARE(tap.partial()->length, 100u);
        QCOMPARE(tap.partial()->streamId, 9);
    }

    // What the capture keeps of each frame is the same whether a frame was
    // whole in the bytes scanned (viewed in place) or gathered over scans.
    void keptPayloadDoesNotDependOnHowBytesArrive_data()
    {
        QTest::addColumn<int>("step");
        for (int step : {1, 2, 7, 9, 10, 13, 64, 100000})
            QTest::newRow(QByteArray::number(step).constData()) << step;
    }
    void keptPayloadDoesNotDependOnHowBytesArrive()
    {
        QFETCH(int, step);
        std::string settings = frame(6, 0x4, 0x0, 0);
        settings.replace(9, 6, std::string("\x00\x03\x00\x00\x00\x64", 6));
        std::string bytes = settings;
        bytes += frame(20, 0x0, 0x08, 1, 5); // PADDED DATA: only the pad length is kept
        bytes += frame(30, 0x0, 0x0, 1);     // DATA: nothing kept
        bytes += frame(12, 0x1, 0x08, 3, 2); // PADDED HEADERS: all of it
        bytes += frame(0, 0x4, 0x1, 0);      // SETTINGS ACK
        bytes += frame(8, 0x6, 0x0, 0);      // PING
        const std::vector<std::string> expected = {std::string("\x00\x03\x00\x00\x00\x64", 6),
                                                   std::string(1, '\x05'),
                                                   {},
                                                   std::string(1, '\x02') + std::string(11, 'x'),
                                                   {},
                                                   std::string(8, 'x')};
        WireTap tap;
        tap.setKeepPayload(true);
        std::vector<std::string> kept;
        std::size_t off = 0;
        while (off < bytes.size()) {
            const std::size_t len = std::min<std::size_t>(step, bytes.size() - off);
            std::size_t used = 0;
            while (used < len) {
                std::optional<TapFrame> done;
                used += tap.scan(reinterpret_cast<const std::uint8_t *>(bytes.data()) + off + used, len - used, done);
                if (done) {
                    const auto p = tap.payload();
                    kept.emplace_back(reinterpret_cast<const char *>(p.data()), p.size());
                }
            }
            off += len;
        }
        QCOMPARE(kept.size(), expected.size());
        for (std::size_t i = 0; i < kept.size(); ++i)
            QCOMPARE(QByteArray::fromStdString(kept[i]).toHex(), QByteArray::fromStdString(expected[i]).toHex());
    }
};

QTEST_APPLESS_MAIN(TestWireTap)
#include "tst_wiretap.moc"
