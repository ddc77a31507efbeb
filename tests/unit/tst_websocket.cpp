// The WebSocket codec behind live reload (site/websocket.h): the handshake's
// accept key, the frames the server sends, and the reader of client frames,
// on RFC 6455's own examples, every split of the input and every rule a
// client can break.

#include "site/websocket.h"

#include <QtTest>

#include <string>
#include <vector>

using namespace h2scope::site::websocket;

namespace {

// A client frame: masked with `mask`, FIN and opcode as given.
std::string clientFrame(std::uint8_t first, std::string_view payload, std::uint32_t mask = 0x37fa213d)
{
    std::string out;
    out.push_back(static_cast<char>(first));
    const std::uint64_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(0x80 | n));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(0x80 | 126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(static_cast<char>(0x80 | 127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    const std::uint8_t key[4] = {static_cast<std::uint8_t>(mask >> 24), static_cast<std::uint8_t>(mask >> 16),
                                 static_cast<std::uint8_t>(mask >> 8), static_cast<std::uint8_t>(mask)};
    out.append(reinterpret_cast<const char *>(key), 4);
    for (std::size_t i = 0; i < payload.size(); ++i)
        out.push_back(static_cast<char>(payload[i] ^ key[i & 3]));
    return out;
}

std::vector<Event> readAll(std::string_view bytes)
{
    Reader reader;
    std::vector<Event> events;
    reader.feed(bytes, events);
    return events;
}

std::vector<Event> readByteByByte(std::string_view bytes)
{
    Reader reader;
    std::vector<Event> events;
    for (char c : bytes)
        reader.feed(std::string_view(&c, 1), events);
    return events;
}

std::string describe(const std::vector<Event> &events)
{
    std::string out;
    for (const Event &e : events)
        out += std::to_string(static_cast<int>(e.kind)) + "/" + std::to_string(e.code) + "/" + e.payload + " ";
    return out;
}

} // namespace

class TestWebSocket : public QObject {
    Q_OBJECT

private slots:
    void acceptKeyOfTheRfcExample()
    {
        // RFC 6455 §1.3.
        QCOMPARE(acceptKey("dGhlIHNhbXBsZSBub25jZQ=="), std::string("s3pPLMBiTxaQ9kYGzzhZRbK+xOo="));
        QVERIFY(validClientKey("dGhlIHNhbXBsZSBub25jZQ=="));
        QVERIFY(!validClientKey(""));
        QVERIFY(!validClientKey("c2hvcnQ="));                 // 5 bytes
        QVERIFY(!validClientKey("dGhlIHNhbXBsZSBub25jZQ=!")); // not base64
    }

    void serverFramesAreUnmaskedWithTheShortestLength()
    {
        // RFC 6455 §5.7: a single-frame unmasked text message "Hello".
        QCOMPARE(serverFrame(Opcode::Text, "Hello"), std::string("\x81\x05Hello"));
        QCOMPARE(serverFrame(Opcode::Ping, {}), std::string("\x89\x00", 2));
        const std::string big126(126, 'x'), big64k(65536, 'y');
        QCOMPARE(serverFrame(Opcode::Binary, big126).substr(0, 4), std::string("\x82\x7e\x00\x7e", 4));
        QCOMPARE(serverFrame(Opcode::Binary, big64k).substr(0, 10),
                 std::string("\x82\x7f\x00\x00\x00\x00\x00\x01\x00\x00", 10));
        QCOMPARE(serverFrame(Opcode::Binary, big64k).size(), big64k.size() + 10);
    }

    void closeFramesFitAControlFrame()
    {
        QCOMPARE(closeFrame(kGoingAway, "bye"), std::string("\x88\x05\x03\xe9"
                                                            "bye",
                                                            7));
        QCOMPARE(closeFrame(kNoStatus), std::string("\x88\x00", 2));
        // A long reason is cut to 123 bytes, never inside a UTF-8 sequence.
        std::string reason(122, 'a');
        reason += "\xc3\xa9\xc3\xa9"; // é é: the first straddles byte 123
        const std::string frame = closeFrame(kProtocolError, reason);
        QCOMPARE(static_cast<unsigned char>(frame[1]), 2u + 122u);
        QVERIFY(frame.size() <= 2 + 125);
    }

    void readsTheRfcExamplesWhateverTheSplit()
    {
        // RFC 6455 §5.7: masked "Hello", then a ping with "Hello" in it.
        const std::string text("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
        const std::string ping = clientFrame(0x89, "Hello");
        const std::string pong = clientFrame(0x8a, "x");
        const std::string input = text + ping + pong;
        const std::vector<Event> whole = readAll(input);
        QCOMPARE(whole.size(), std::size_t(3));
        QCOMPARE(whole[0].kind, Event::Kind::Message);
        QCOMPARE(whole[1].kind, Event::Kind::Ping);
        QCOMPARE(whole[1].payload, std::string("Hello"));
        QCOMPARE(whole[2].kind, Event::Kind::Pong);
        QCOMPARE(describe(readByteByByte(input)), describe(whole));
        for (std::size_t cut = 1; cut < input.size(); ++cut) {
            Reader reader;
            std::vector<Event> events;
            reader.feed(std::string_view(input).substr(0, cut), events);
            reader.feed(std::string_view(input).substr(cut), events);
            QCOMPARE(describe(events), describe(whole));
        }
    }

    void skipsLongMessagesWithoutKeepingThem()
    {
        // 16- and 64-bit lengths; a fragmented message with a Ping inside it.
        const std::string medium = clientFrame(0x82, std::string(300, 'm'));
        const std::string large = clientFrame(0x81, std::string(70000, 'l'));
        const std::string fragments =
            clientFrame(0x01, "frag") + clientFrame(0x89, "mid") + clientFrame(0x00, "ment") + clientFrame(0x80, "ed");
        const std::vector<Event> events = readByteByByte(medium + large + fragments);
        QCOMPARE(events.size(), std::size_t(4));
        QCOMPARE(events[0].kind, Event::Kind::Message);
        QCOMPARE(events[1].kind, Event::Kind::Message);
        QCOMPARE(events[2].kind, Event::Kind::Ping);
        QCOMPARE(events[2].payload, std::string("mid"));
        QCOMPARE(events[3].kind, Event::Kind::Message);
        QVERIFY(events[0].payload.empty() && events[1].payload.empty());
    }

    void closeEndsTheReading()
    {
        const std::string close = clientFrame(0x88, std::string("\x03\xe8going", 7));
        const std::vector<Event> events = readAll(close + clientFrame(0x89, "after"));
        QCOMPARE(events.size(), std::size_t(1));
        QCOMPARE(events[0].kind, Event::Kind::Close);
        QCOMPARE(events[0].code, std::uint16_t(1000));
        QCOMPARE(events[0].payload, std::string("going"));
        const std::vector<Event> bare = readAll(clientFrame(0x88, {}));
        QCOMPARE(bare.size(), std::size_t(1));
        QCOMPARE(bare[0].code, kNoStatus);
    }

    void brokenRulesAreProtocolErrors_data()
    {
        QTest::addColumn<QByteArray>("input");
        QTest::addColumn<QString>("why");
        const auto bytes = [](const std::string &s) { return QByteArray(s.data(), static_cast<qsizetype>(s.size())); };
        QTest::newRow("unmasked") << QByteArray("\x81\x02hi", 4) << "without a mask";
        QTest::newRow("reserved bit") << bytes(clientFrame(0xc1, "x")) << "reserved bits";
        QTest::newRow("unknown opcode") << bytes(clientFrame(0x83, "x")) << "unknown opcode 3";
        QTest::newRow("long ping") << bytes(clientFrame(0x89, std::string(126, 'p'))) << "longer than 125";
        QTest::newRow("fragmented ping") << bytes(clientFrame(0x09, "p")) << "fragmented";
        QTest::newRow("lone continuation") << bytes(clientFrame(0x80, "c")) << "no message to continue";
        QTest::newRow("message inside a message")
            << bytes(clientFrame(0x01, "a") + clientFrame(0x81, "b")) << "before the fragmented one ended";
        QTest::newRow("one-byte close") << bytes(clientFrame(0x88, "x")) << "one-byte payload";
        QTest::newRow("reserved close code")
            << bytes(clientFrame(0x88, std::string("\x03\xed", 2))) << "close code 1005";
        QTest::newRow("length top bit") << QByteArray("\x82\xff\x80\x00\x00\x00\x00\x00\x00\x00\x01\x02\x03\x04", 14)
                                        << "top bit";
    }

    void brokenRulesAreProtocolErrors()
    {
        QFETCH(QByteArray, input);
        QFETCH(QString, why);
        const std::string_view bytes(input.constData(), static_cast<std::size_t>(input.size()));
        for (const std::vector<Event> &events : {readAll(bytes), readByteByByte(bytes)}) {
            QVERIFY2(!events.empty(), qPrintable(why));
            const Event &last = events.back();
            QCOMPARE(last.kind, Event::Kind::Error);
            QCOMPARE(last.code, kProtocolError);
            QVERIFY2(QString::fromStdString(last.payload).contains(why), last.payload.c_str());
        }
        Reader reader;
        std::vector<Event> events;
        reader.feed(bytes, events);
        QVERIFY(reader.finished());
        events.clear();
        reader.feed(clientFrame(0x89, "x"), events);
        QVERIFY(events.empty());
    }
};

QTEST_APPLESS_MAIN(TestWebSocket)
#include "tst_websocket.moc"
