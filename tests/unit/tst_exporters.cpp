// Exporters: JSON Lines (full-fidelity round trip, valid JSON for any bytes),
// HAR 1.2 (structure, timings, extensions) and the nghttp-style frame log.

#include "rawframes.h"
#include "timedlog.h"

#include "inspect/capturelog.h"
#include "inspect/capturestore.h"
#include "inspect/framelog.h"
#include "inspect/har.h"
#include "inspect/jsonlines.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <memory>

using namespace h2scope;
using namespace h2scope::inspect;
using h2scope::testing::TimedLog;

namespace {

// Quotes, backslash, control bytes, NUL, valid multi-byte UTF-8 and several
// kinds of invalid UTF-8 (stray continuation, truncated, overlong, surrogate).
const std::string awkward = std::string("q\"b\\s/\n\r\t\x01\x1f\x7f", 12) + std::string(1, '\0')
                            + "\xc3\xa9\xf0\x9f\x98\x80" + "\x80\xff\xfe" + "\xc3" + "\xc0\x80" + "\xed\xa0\x80"
                            + "\xe2\x82";

std::vector<Event> everyKind()
{
    std::vector<Event> events;
    ConnectionOpened o{"[::1]:53422", "[::1]:8443", true,    "TLSv1.3", "TLS_AES_128_GCM_SHA256", "h2", awkward,
                       "X25519",      true,         1234567, "h2"};
    events.push_back({1, 1, o});
    ConnectionClosed c{awkward, 1, 7, 123456789012ull, 98765, 12};
    events.push_back({2, 1, c});

    FrameEvent f;
    f.dir = Direction::Out;
    f.type = 0x01;
    f.flags = 0x2d;
    f.streamId = 0x7fffffff;
    f.length = 0xffffff;
    f.padding = 255;
    f.rawHeader = {0xff, 0xff, 0xff, 0x01, 0x2d, 0x7f, 0xff, 0xff, 0xff};
    f.headers = {{":status", "200"}, {"x-awkward", awkward}, {"", ""}};
    f.headerBlockDecodedSize = 4000000000u;
    f.settings = {{1, 4096}, {3, 100}, {0xffff, 0xffffffffu}};
    f.windowIncrement = 0x7fffffff;
    f.errorCode = 0xdeadbeef;
    f.promisedStreamId = 4;
    f.lastStreamId = 3;
    f.opaque = 0xffffffffffffffffull;
    f.debugData = awkward;
    f.hdCategory = 2;
    f.priorityDependency = 0x7fffffff;
    f.priorityWeight = 256;
    f.priorityExclusive = true;
    f.notSent = true;
    f.notSentReason = "stream closed";
    f.invalid = true;
    f.invalidReason = awkward;
    f.connLocalWindow = -5;
    f.connRemoteWindow = 2147483647;
    f.streamLocalWindow = -1;
    f.streamRemoteWindow = -2147483647 - 1;
    events.push_back({3, 18446744073709551615ull, f});
    events.push_back({4, 1, FrameEvent{}}); // all defaults

    StreamOpened so{5, "GET", "https", "localhost:8443", "/a b?x=\"1\"", {{"accept", awkward}}, true, 3};
    events.push_back({5, 1, so});
    StreamClosed sc{5, 404, {{"content-type", "text/html"}}, 1ull << 40, 999, 8, awkward, 1ull << 41};
    events.push_back({6, 1, sc});
    Http1Exchange h{"POST", "/form", "HTTP/1.1", {{"host", "x"}}, 201, {{"location", awkward}}, 5, 6, 7, 8, "n", 9};
    events.push_back({7, 2, h});
    events.push_back({8, 2, Notice{"bad-request", awkward, -1}});
    return events;
}

Event frameAt(std::uint64_t t, Direction dir, std::uint8_t type, std::uint8_t flags, std::int32_t stream,
              std::uint32_t length)
{
    FrameEvent f;
    f.dir = dir;
    f.type = type;
    f.flags = flags;
    f.streamId = stream;
    f.length = length;
    return Event{t, 1, f};
}

QJsonObject parseObject(const std::string &json)
{
    QJsonParseError err{};
    const QJsonDocument doc = QJsonDocument::fromJson(QByteArray::fromStdString(json), &err);
    if (err.error != QJsonParseError::NoError)
        qWarning("invalid JSON: %s", qPrintable(err.errorString()));
    return doc.object();
}

} // namespace

class TestExporters : public QObject {
    Q_OBJECT

private slots:
    void jsonLinesRoundTripEveryKind();
    void jsonLinesIsValidJson();
    void jsonLinesRejectsBadInput();
    void jsonLinesFile();
    void harStructureAndTimings();
    void isoDates();
    void frameLogPhrases();
    void frameLogOtherEvents();
};

void TestExporters::jsonLinesRoundTripEveryKind()
{
    for (const Event &e : everyKind()) {
        const std::string line = toJsonLine(e);
        QVERIFY2(line.find('\n') == std::string::npos, line.c_str());
        Result<Event> back = fromJsonLine(line);
        QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
        QVERIFY2(*back == e, line.c_str());
        QCOMPARE(QByteArray::fromStdString(toJsonLine(*back)), QByteArray::fromStdString(line));
    }
}

void TestExporters::jsonLinesIsValidJson()
{
    const std::vector<Event> events = everyKind();
    const QJsonObject frame = parseObject(toJsonLine(events[2]));
    QCOMPARE(frame.value("kind").toString(), QString("frame"));
    QCOMPARE(frame.value("typeName").toString(), QString("HEADERS"));
    QCOMPARE(frame.value("type").toInt(), 1);
    QCOMPARE(frame.value("flags").toInt(), 0x2d);
    QCOMPARE(frame.value("flagNames").toArray(), QJsonArray({"END_STREAM", "END_HEADERS", "PADDED", "PRIORITY"}));
    QCOMPARE(frame.value("rawHeader").toString(), QString("ffffff012d7fffffff"));
    QCOMPARE(frame.value("dir").toString(), QString("out"));
    const QJsonArray headers = frame.value("headers").toArray();
    QCOMPARE(headers.size(), 3);
    QCOMPARE(headers[0].toArray(), QJsonArray({":status", "200"}));
    const QJsonArray settings = frame.value("settings").toArray();
    QCOMPARE(settings[1].toObject().value("name").toString(), QString("MAX_CONCURRENT_STREAMS"));
    QCOMPARE(settings[1].toObject().value("id").toInt(), 3);
    QCOMPARE(settings[1].toObject().value("value").toInt(), 100);
    // Bytes that are not UTF-8 come as {"base64": ...}, which any JSON reader
    // gives back exactly; valid UTF-8 stays text, escapes and all.
    const QJsonValue awkwardValue = headers[1].toArray()[1];
    QVERIFY2(awkwardValue.isObject(), "an invalid UTF-8 value is written as base64");
    QCOMPARE(QByteArray::fromBase64(awkwardValue.toObject().value("base64").toString().toLatin1()),
             QByteArray::fromStdString(awkward));
    const std::string text = std::string("q\"b\\s/\n\t\x01", 9) + std::string(1, '\0') + "\xc3\xa9\xf0\x9f\x98\x80";
    Event note{5, 1, Notice{"code", text, 0}};
    QCOMPARE(parseObject(toJsonLine(note)).value("text").toString().toUtf8(), QByteArray::fromStdString(text));

    for (const Event &e : events) {
        QJsonParseError err{};
        QJsonDocument::fromJson(QByteArray::fromStdString(toJsonLine(e)), &err);
        QVERIFY2(err.error == QJsonParseError::NoError, qPrintable(err.errorString()));
    }
    const QJsonObject opened = parseObject(toJsonLine(events[0]));
    QCOMPARE(opened.value("kind").toString(), QString("connection-opened"));
    QCOMPARE(opened.value("t").toInt(), 1);
    QCOMPARE(opened.value("conn").toInt(), 1);
    QCOMPARE(parseObject(toJsonLine(events[6])).value("kind").toString(), QString("http1-exchange"));
}

void TestExporters::jsonLinesRejectsBadInput()
{
    QVERIFY(!fromJsonLine("").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"frame\"").ok());
    QVERIFY(!fromJsonLine("[1,2]").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"bogus\"}").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1}").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"frame\",\"type\":256}").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"frame\",\"streamId\":\"1\"}").ok());
    QVERIFY(!fromJsonLine("{\"t\":-1,\"conn\":1,\"kind\":\"notice\"}").ok());
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"frame\",\"rawHeader\":\"zz\"}").ok());
    QVERIFY(
        !fromJsonLine("{\"t\":1e400,\"conn\":1,\"kind\":\"notice\"}").ok()); // out of range: an error, never a throw
    const Result<Event> bad = fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"notice\",\"text\":5}");
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, Errc::InvalidArgument);
    QVERIFY2(bad.error().message.find("text") != std::string::npos, bad.error().message.c_str());

    // Missing members take defaults; trailing newline tolerated; \u escapes
    // read as every JSON reader reads them (U+00E9 is é in UTF-8, not a byte).
    const Result<Event> minimal =
        fromJsonLine("{\"t\":9,\"conn\":2,\"kind\":\"notice\",\"text\":\"\\u00e9\\u20ac\"}\r\n");
    QVERIFY(minimal.ok());
    QCOMPARE(minimal->timeNs, std::uint64_t(9));
    QCOMPARE(QByteArray::fromStdString(std::get<Notice>(minimal->data).text), QByteArray("\xc3\xa9\xe2\x82\xac"));
    QVERIFY(!fromJsonLine("{\"t\":1,\"conn\":1,\"kind\":\"notice\",\"text\":{\"base64\":\"@@\"}}").ok());
}

void TestExporters::jsonLinesFile()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const std::string path = dir.filePath("capture.jsonl").toStdString();
    const std::vector<Event> events = everyKind();
    {
        Result<JsonLinesWriter> writer = JsonLinesWriter::open(path, false);
        QVERIFY(writer.ok());
        QVERIFY(writer->write(events).ok());
        QVERIFY(writer->flush().ok());
        QCOMPARE(writer->linesWritten(), std::uint64_t(events.size()));
    }
    Result<std::vector<Event>> back = readJsonLinesFile(path);
    QVERIFY2(back.ok(), back.ok() ? "" : back.error().message.c_str());
    QVERIFY(*back == events);

    const std::string missingDir = dir.filePath("no/such/dir/c.jsonl").toStdString();
    Result<JsonLinesWriter> failed = JsonLinesWriter::open(missingDir);
    QVERIFY(!failed.ok());
    QCOMPARE(failed.error().code, Errc::NotFound);
    QVERIFY(failed.error().message.find(missingDir) != std::string::npos);
    QVERIFY(!readJsonLinesFile(missingDir).ok());
}

void TestExporters::harStructureAndTimings()
{
    // The store is built from capture logs as connections write them
    // (CaptureLog), stamped with chosen times, so every timing is exact.
    constexpr std::uint64_t ms = 1000000;
    TimedLog h2(1);
    ConnectionOpened o;
    o.peer = "127.0.0.1:5000";
    o.local = "127.0.0.1:8443";
    o.tls = true;
    o.alpn = "h2";
    o.sni = "localhost";
    o.protocol = "h2";
    h2.at(0).opened(o);
    h2.frame(10 * ms, false, 0x01, 0x05, 1,
             testing::hpack({{":method", "GET"},
                             {":scheme", "https"},
                             {":authority", "localhost:8443"},
                             {":path", "/index.html?a=1&b"},
                             {"accept", "*/*"}}));
    h2.frame(
        11 * ms, true, 0x05, 0x04, 1,
        testing::u32Payload(2)
            + testing::hpack(
                {{":method", "GET"}, {":scheme", "https"}, {":authority", "localhost:8443"}, {":path", "/style.css"}}));
    // First response HEADERS at 12 ms: wait = 2 ms.
    h2.frame(12 * ms, true, 0x01, 0x04, 1, testing::hpack({{":status", "200"}, {"content-type", "text/html"}}));
    h2.frame(12 * ms, true, 0x01, 0x04, 2, testing::hpack({{":status", "200"}, {"content-type", "text/css"}}));
    h2.data(13 * ms, 0x01, 1, 10240);
    h2.data(13 * ms, 0x01, 2, 100);
    h2.at(14 * ms).streamClosed(2, 0, "");
    h2.at(15 * ms).decoded(1, 20480); // sent compressed: half its size
    h2.at(15 * ms).streamClosed(1, 0, "");
    h2.frame(16 * ms, false, 0x01, 0x05, 7,
             testing::hpack({{":method", "GET"}, {":scheme", "https"}, {":path", "/never-closed"}}));

    TimedLog h1(2);
    ConnectionOpened plain;
    plain.peer = "127.0.0.1:5001";
    plain.tls = false;
    plain.protocol = "http/1.1";
    h1.at(1 * ms).opened(plain);
    Http1Exchange ex{"GET", "/x", "HTTP/1.1", {{"host", "localhost:8080"}}, 304, {}, 0, 2 * ms, 20 * ms, 1, ""};
    h1.at(22 * ms).http1(ex);

    CaptureStore store;
    QVERIFY(store.addLog(1, h2.records()).ok());
    QVERIFY(store.addLog(2, h1.records()).ok());
    QCOMPARE(store.connectionIds(), (std::vector<std::uint64_t>{1, 2}));

    HarOptions options;
    options.wallClockOffsetNs = 1700000000000000000ll; // 2023-11-14T22:13:20Z at steady 0
    const QJsonObject root = parseObject(toHar(store, options));
    const QJsonObject log = root.value("log").toObject();
    QCOMPARE(log.value("version").toString(), QString("1.2"));
    QCOMPARE(log.value("creator").toObject().value("name").toString(), QString("h2scope"));
    QVERIFY(log.value("pages").isArray());
    const QJsonArray entries = log.value("entries").toArray();
    QCOMPARE(entries.size(), 3); // the never-closed stream is not an entry

    for (const QJsonValue &v : entries) {
        const QJsonObject e = v.toObject();
        const QJsonObject t = e.value("timings").toObject();
        const double sum = t.value("send").toDouble() + t.value("wait").toDouble() + t.value("receive").toDouble();
        QVERIFY2(qAbs(sum - e.value("time").toDouble()) < 1e-6, qPrintable(QString::number(sum)));
        QCOMPARE(t.value("blocked").toInt(), -1);
        QCOMPARE(t.value("dns").toInt(), -1);
        QCOMPARE(t.value("ssl").toInt(), -1);
        QVERIFY(!t.value("comment").toString().isEmpty());
        QVERIFY(e.contains("_connection_id"));
        QVERIFY(e.contains("_stream_id"));
        QVERIFY(e.contains("_was_pushed"));
        QVERIFY(e.contains("_pushed_by"));
        QVERIFY(e.value("cache").isObject());
        QVERIFY(e.value("request").toObject().value("cookies").isArray());
        QCOMPARE(e.value("request").toObject().value("headersSize").toInt(), -1);
        QVERIFY(e.value("response").toObject().contains("redirectURL"));
    }

    const QJsonObject first = entries[0].toObject();
    QCOMPARE(first.value("startedDateTime").toString(), QString("2023-11-14T22:13:20.010Z"));
    QCOMPARE(first.value("time").toDouble(), 5.0);
    QCOMPARE(first.value("timings").toObject().value("wait").toDouble(), 2.0);
    QCOMPARE(first.value("timings").toObject().value("receive").toDouble(), 3.0);
    const QJsonObject request = first.value("request").toObject();
    QCOMPARE(request.value("url").toString(), QString("https://localhost:8443/index.html?a=1&b"));
    QCOMPARE(request.value("httpVersion").toString(), QString("HTTP/2"));
    QCOMPARE(request.value("queryString").toArray().size(), 2);
    QCOMPARE(request.value("queryString").toArray()[0].toObject().value("value").toString(), QString("1"));
    const QJsonObject response = first.value("response").toObject();
    QCOMPARE(response.value("status").toInt(), 200);
    QCOMPARE(response.value("statusText").toString(), QString("OK"));
    QCOMPARE(response.value("content").toObject().value("size").toInt(), 20480); // decoded
    QCOMPARE(response.value("content").toObject().value("compression").toInt(), 10240);
    QCOMPARE(response.value("bodySize").toInt(), 10240); // as sent
    QCOMPARE(response.value("content").toObject().value("mimeType").toString(), QString("text/html"));
    QCOMPARE(first.value("_stream_id").toInt(), 1);
    QCOMPARE(first.value("_was_pushed").toBool(), false);
    QVERIFY(first.value("_pushed_by").isNull());

    const QJsonObject pushed = entries[1].toObject();
    QCOMPARE(pushed.value("_stream_id").toInt(), 2);
    QCOMPARE(pushed.value("_was_pushed").toBool(), true);
    QCOMPARE(pushed.value("_pushed_by").toInt(), 1);
    QCOMPARE(pushed.value("time").toDouble(), 3.0);

    const QJsonObject http1 = entries[2].toObject();
    QCOMPARE(http1.value("request").toObject().value("url").toString(), QString("http://localhost:8080/x"));
    QCOMPARE(http1.value("request").toObject().value("httpVersion").toString(), QString("HTTP/1.1"));
    QCOMPARE(http1.value("response").toObject().value("status").toInt(), 304);
    QCOMPARE(http1.value("_connection_id").toInt(), 2);
    QCOMPARE(http1.value("startedDateTime").toString(), QString("2023-11-14T22:13:20.020Z"));
    QVERIFY(http1.value("_stream_id").isNull());

    // A selection: one connection, or some requests.
    HarOptions one;
    one.connections = {2};
    const QJsonArray ofTwo = parseObject(toHar(store, one)).value("log").toObject().value("entries").toArray();
    QCOMPARE(ofTwo.size(), 1);
    QCOMPARE(ofTwo[0].toObject().value("_connection_id").toInt(), 2);
    HarOptions some;
    some.requests = {{1, 2}, {2, 1}};
    const QJsonArray picked = parseObject(toHar(store, some)).value("log").toObject().value("entries").toArray();
    QCOMPARE(picked.size(), 2);
    QCOMPARE(picked[0].toObject().value("_stream_id").toInt(), 2);
    QCOMPARE(picked[1].toObject().value("request").toObject().value("url").toString(),
             QString("http://localhost:8080/x"));

    // An empty store is still a valid HAR.
    const QJsonObject empty = parseObject(toHar(CaptureStore()));
    QCOMPARE(empty.value("log").toObject().value("entries").toArray().size(), 0);
}

void TestExporters::isoDates()
{
    QCOMPARE(QByteArray::fromStdString(isoDateTime(0)), QByteArray("1970-01-01T00:00:00.000Z"));
    QCOMPARE(QByteArray::fromStdString(isoDateTime(951782400123456789ll)), QByteArray("2000-02-29T00:00:00.123Z"));
    QCOMPARE(QByteArray::fromStdString(isoDateTime(-1000000)), QByteArray("1969-12-31T23:59:59.999Z"));
    QVERIFY(wallClockOffsetNow() > 1600000000000000000ll - static_cast<std::int64_t>(nowNs()));
}

void TestExporters::frameLogPhrases()
{
    constexpr std::uint64_t base = 5000000000ull;
    std::vector<Event> events;
    Event settings = frameAt(base + 1234000, Direction::In, 0x04, 0x00, 0, 18);
    std::get<FrameEvent>(settings.data).settings = {{3, 100}, {4, 65535}, {0x42, 1}};
    events.push_back(settings);
    events.push_back(frameAt(base + 1300000, Direction::Out, 0x04, 0x01, 0, 0));
    Event request = frameAt(base + 2000000, Direction::In, 0x01, 0x05, 1, 30);
    std::get<FrameEvent>(request.data).headers = {{":method", "GET"}, {":path", "/index.html"}, {"x-evil", "a\nb"}};
    std::get<FrameEvent>(request.data).hdCategory = 0;
    events.push_back(request);
    Event promise = frameAt(base + 2100000, Direction::Out, 0x05, 0x04, 1, 20);
    std::get<FrameEvent>(promise.data).promisedStreamId = 2;
    std::get<FrameEvent>(promise.data).headers = {{":path", "/style.css"}};
    events.push_back(promise);
    events.push_back(frameAt(base + 2200000, Direction::Out, 0x01, 0x04, 1, 40));
    events.push_back(frameAt(base + 2300000, Direction::Out, 0x00, 0x01, 1, 10240));
    Event window = frameAt(base + 2400000, Direction::In, 0x08, 0, 0, 4);
    std::get<FrameEvent>(window.data).windowIncrement = 65535;
    events.push_back(window);
    Event reset = frameAt(base + 2500000, Direction::In, 0x03, 0, 2, 4);
    std::get<FrameEvent>(reset.data).errorCode = 8;
    events.push_back(reset);
    Event ping = frameAt(base + 2600000, Direction::In, 0x06, 0, 0, 8);
    std::get<FrameEvent>(ping.data).opaque = 0x0102030405060708ull;
    events.push_back(ping);
    Event unsent = frameAt(base + 2700000, Direction::Out, 0x01, 0x04, 3, 12);
    std::get<FrameEvent>(unsent.data).notSent = true;
    std::get<FrameEvent>(unsent.data).notSentReason = "The stream is already closed";
    events.push_back(unsent);
    Event invalid = frameAt(base + 2800000, Direction::In, 0x08, 0, 1, 4);
    std::get<FrameEvent>(invalid.data).invalid = true;
    std::get<FrameEvent>(invalid.data).invalidReason = "zero increment";
    events.push_back(invalid);
    Event goaway = frameAt(base + 3000000, Direction::Out, 0x07, 0, 0, 8);
    std::get<FrameEvent>(goaway.data).lastStreamId = 3;
    events.push_back(goaway);

    std::vector<std::string> text;
    for (const Event &e : events)
        text.push_back(formatEvent(e, base));
    const auto has = [&text](std::size_t i, const char *needle) {
        const bool found = text[i].find(needle) != std::string::npos;
        if (!found)
            qWarning("missing \"%s\" in:\n%s", needle, text[i].c_str());
        return found;
    };
    QCOMPARE(QByteArray::fromStdString(text[0]),
             QByteArray("[  0.001234] [conn 1] recv SETTINGS frame <length=18, flags=0x00, stream_id=0>\n"
                        "          (niv=3)\n"
                        "          [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]\n"
                        "          [SETTINGS_INITIAL_WINDOW_SIZE(0x04):65535]\n"
                        "          [UNKNOWN(0x42):1]\n"));
    QVERIFY(has(1, "send SETTINGS frame <length=0, flags=0x01, stream_id=0>"));
    QVERIFY(has(1, "          ; ACK\n"));
    QVERIFY(has(2, "recv HEADERS frame <length=30, flags=0x05, stream_id=1>"));
    QVERIFY(has(2, "          ; END_STREAM | END_HEADERS\n"));
    QVERIFY(has(2, "\n          :method: GET\n"));
    QVERIFY(has(2, "          x-evil: a\\x0ab\n")); // a header cannot forge a log line
    QVERIFY(has(3, "send PUSH_PROMISE frame <length=20, flags=0x04, stream_id=1>"));
    QVERIFY(has(3, "          (promised_stream_id=2)\n"));
    QVERIFY(has(4, "send HEADERS frame"));
    QVERIFY(has(5, "send DATA frame <length=10240, flags=0x01, stream_id=1>"));
    QVERIFY(has(6, "          (window_size_increment=65535)\n"));
    QVERIFY(has(7, "          (error_code=CANCEL(0x08))\n"));
    QVERIFY(has(8, "          (opaque_data=0102030405060708)\n"));
    QVERIFY(has(9, "unsent HEADERS frame"));
    QVERIFY(has(9, "          (not sent: The stream is already closed)\n"));
    QVERIFY(text[9].find("send HEADERS frame") == std::string::npos);
    QVERIFY(has(10, "recv WINDOW_UPDATE frame"));
    QVERIFY(has(10, "          (invalid: zero increment)\n"));
    QVERIFY(has(11, "[  0.003000] [conn 1] send GOAWAY frame <length=8, flags=0x00, stream_id=0>"));
    QVERIFY(has(11, "          (last_stream_id=3, error_code=NO_ERROR(0x00), opaque_data(0)=[])\n"));
    for (const std::string &t : text)
        QVERIFY(!t.empty() && t.back() == '\n');
}

void TestExporters::frameLogOtherEvents()
{
    ConnectionOpened o;
    o.peer = "127.0.0.1:5000";
    o.tls = true;
    o.tlsVersion = "TLSv1.3";
    o.cipher = "TLS_AES_128_GCM_SHA256";
    o.alpn = "h2";
    o.sni = "localhost";
    o.handshakeNs = 1200000;
    o.protocol = "h2";
    QCOMPARE(QByteArray::fromStdString(formatEvent(Event{100, 1, o}, 100)),
             QByteArray("[  0.000000] [conn 1] connection opened 127.0.0.1:5000 TLSv1.3 TLS_AES_128_GCM_SHA256 "
                        "alpn=h2 sni=localhost handshake=1.2ms\n"));

    FrameLogFormatter log(0);
    StreamOpened so{1, "GET", "https", "localhost", "/index.html", {}, false, 0};
    QVERIFY(log.format(Event{1000, 1, so}).find("stream 1 opened: GET /index.html") != std::string::npos);
    StreamClosed sc{1, 200, {}, 10240, 1300000, 0, ""};
    QCOMPARE(QByteArray::fromStdString(log.format(Event{2000000, 1, sc})),
             QByteArray("[  0.002000] [conn 1] stream 1 GET /index.html -> 200 (10240 B, 1.3ms)\n"));
    // Stateless: no request line to show.
    QVERIFY(formatEvent(Event{0, 1, sc}, 0).find("stream 1 closed -> 200 (10240 B, 1.3ms)") != std::string::npos);

    Http1Exchange ex{"GET", "/x", "HTTP/1.1", {}, 200, {}, 12, 400000, 0, 1, ""};
    QVERIFY(formatEvent(Event{0, 2, ex}, 0).find("[conn 2] HTTP/1.1 GET /x -> 200 (12 B, 0.400ms)")
            != std::string::npos);
    ConnectionClosed c{"GOAWAY sent: PROTOCOL_ERROR", 1, 5, 10, 20, 3};
    const std::string closedLine = formatEvent(Event{0, 2, c}, 0);
    QVERIFY2(closedLine.find("connection closed: GOAWAY sent: PROTOCOL_ERROR") != std::string::npos,
             closedLine.c_str());
    QVERIFY(closedLine.find("goaway=PROTOCOL_ERROR(0x01)") != std::string::npos);
    const std::string notice = formatEvent(Event{0, 2, Notice{"push-skipped", "already in cache", 3}}, 0);
    QVERIFY2(notice.find("notice push-skipped (stream 3): already in cache") != std::string::npos, notice.c_str());
    StreamOpened pushed{2, "GET", "https", "localhost", "/style.css", {}, true, 1};
    QVERIFY(formatEvent(Event{0, 1, pushed}, 0).find("stream 2 promised by stream 1: GET /style.css")
            != std::string::npos);
}

QTEST_APPLESS_MAIN(TestExporters)
#include "tst_exporters.moc"
