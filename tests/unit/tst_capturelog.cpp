// The capture log: records written whole and read back in order, holds that
// keep a frame's record invisible until nghttp2 has judged it, chunk growth
// and announcement, pause (gaps), the lock-free hand-over between a writer
// and a reader thread, and dissector edge cases through a real connection
// driven with raw HTTP/2 frames.

#include "rawframes.h"
#include "rawpeer.h"

#include "h2/framerecorder.h"
#include "inspect/capturelog.h"
#include "inspect/dissector.h"
#include "net/connection.h"
#include "net/testclient.h"
#include "site/staticsite.h"

#include <nghttp2/nghttp2.h>

#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <atomic>
#include <chrono>
#include <cstring>
#include <fstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

using namespace h2scope;
using namespace h2scope::inspect;
using namespace h2scope::testing;

namespace {

using Header9 = std::array<std::uint8_t, 9>;

std::span<const std::uint8_t> bytesOf(const std::string &s)
{
    return {reinterpret_cast<const std::uint8_t *>(s.data()), s.size()};
}

std::string str(std::span<const std::uint8_t> b)
{
    return std::string(reinterpret_cast<const char *>(b.data()), b.size());
}

std::vector<std::shared_ptr<LogChunk>> chunksOf(std::vector<LogAnnouncement> &announced, std::uint64_t id)
{
    std::vector<std::shared_ptr<LogChunk>> out;
    for (const LogAnnouncement &a : announced)
        if (a.connectionId == id)
            out.push_back(a.chunk);
    return out;
}

// Every record readable from `chunks`, in order.
std::vector<RecordView> records(const std::vector<std::shared_ptr<LogChunk>> &chunks, bool withTime = false)
{
    LogReader reader;
    for (const auto &c : chunks)
        reader.append(c);
    std::vector<RecordView> out;
    RecordView r;
    while (reader.next(r))
        if (withTime || r.kind != RecordKind::Time)
            out.push_back(r);
    return out;
}

std::vector<RecordKind> kinds(const std::vector<RecordView> &rs)
{
    std::vector<RecordKind> out;
    for (const RecordView &r : rs)
        out.push_back(r.kind);
    return out;
}

// A frame record's fields.
struct FrameFields {
    std::uint8_t bits = 0;
    std::int32_t judgement = 0;
    Header9 header{};
    std::string payload;
};

FrameFields readFrame(const RecordView &r)
{
    FrameRecord fr;
    FrameFields out;
    if (!inspect::readFrame(r, fr))
        return out;
    out.bits = static_cast<std::uint8_t>((fr.outbound ? kFrameOut : 0) | (fr.incomplete ? kFrameIncomplete : 0));
    out.judgement = fr.judgement;
    std::copy(fr.header.begin(), fr.header.end(), out.header.begin());
    out.payload = str(fr.payload);
    return out;
}

std::uint32_t streamOf(const Header9 &h)
{
    return (std::uint32_t(h[5]) << 24) | (std::uint32_t(h[6]) << 16) | (std::uint32_t(h[7]) << 8) | h[8];
}

using Peer = RawPeer;

} // namespace

class TestCaptureLog : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;

    std::unique_ptr<Peer> peer() { return std::make_unique<Peer>(*m_site, 7); }

private slots:
    void initTestCase();
    void recordsAreWrittenWholeAndReadInOrder();
    void payloadIsKeptExceptForData();
    void holdKeepsRecordsInvisibleUntilRelease();
    void holdSpansAChunkSwitch();
    void logEndedInsideAHoldIsComplete();
    void judgePatchesTheInboundFrame();
    void chunksGrowAndAreAnnouncedInOrder();
    void recordsAreStampedByTheLogsClockOrItsBatch();
    void aConnectionsRecordsComeFromItsClock();
    void bigChunksComeFromRegionsThatOutliveTheArena();
    void pauseWritesLifecycleOnlyAndMarksTheGap();
    void sentFramesAreRecordedFromTheBytes();
    void concurrentWriterAndReaderLoseNothing();
    void readerStopsOnDamagedBytes();
    // The HTTP/2 session's frame recorder, driven as the session drives it.
    void recorderWritesStreamRecordsAfterTheFramesBeingSent();
    void recorderJoinsFramesCutAcrossReadsAndKeepsTheirJudgement();
    void recorderWritesWhatArrivedOfAFrameCutOff();
    void recorderWithoutALogRecordsNothing();
    // Dissector edge cases, through a real connection.
    void oversizedDataFrameIsCaptured();
    void windowUpdateForAClosedStreamKeepsItsIncrement();
    void continuationChainDecodesOntoHeaders();
    void paddedHeadersAndData();
    void unknownFrameTypeAndSettingsArePreserved();
    void pingAndGoawayPayloadsDecode();
};

void TestCaptureLog::initTestCase()
{
    QVERIFY(m_dir.isValid());
    std::ofstream(m_dir.filePath("index.html").toStdString()) << "<!doctype html><title>t</title>";
    site::SiteOptions options;
    options.root = m_dir.path().toStdString();
    options.pushMode = site::PushMode::Off;
    auto s = site::StaticSite::create(options);
    QVERIFY(s.ok());
    m_site = std::move(*s);
}

void TestCaptureLog::recordsAreWrittenWholeAndReadInOrder()
{
    CaptureHub hub(1);
    ConnectionOpened o;
    o.peer = "127.0.0.1:1";
    o.local = "127.0.0.1:2";
    o.tls = true;
    o.tlsVersion = "TLSv1.3";
    o.alpn = "h2";
    o.handshakeNs = 42;
    o.protocol = "h2";
    ConnectionClosed c;
    c.reason = "peer closed";
    c.goawayCode = 0;
    c.lastStreamId = 3;
    c.bytesIn = 1234;
    c.bytesOut = 56789;
    c.streams = 2;
    std::uint64_t written = 0;
    {
        CaptureLog log(hub.sink(0), 5);
        QCOMPARE(log.connectionId(), std::uint64_t(5));
        log.opened(o);
        const Header9 settings = frameHeader(6, 0x4, 0, 0);
        const std::string payload("\x00\x03\x00\x00\x00\x64", 6);
        QVERIFY(log.frame(false, settings.data(), bytesOf(payload)) != nullptr); // inbound: judgement slot
        const Header9 ack = frameHeader(0, 0x4, 0x1, 0);
        QVERIFY(log.frame(true, ack.data(), {}) == nullptr); // outbound frames are not judged
        log.notice(1, "code", "text");
        log.streamClosed(1, 8, "note");
        log.streamClosed(3, 0, ""); // the usual end: the compact record
        log.notSent(0x1, 3, 0, NGHTTP2_ERR_STREAM_CLOSED);
        log.pushOutcome(2, 1, "completed", "", "/a.css");
        log.closed(c);
        written = log.bytesWritten();
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    QCOMPARE(announced.size(), std::size_t(1));
    QCOMPARE(announced[0].connectionId, std::uint64_t(5));
    const LogChunk &chunk = *announced[0].chunk;
    // The destructor committed and sealed: everything written is readable.
    QVERIFY(chunk.sealed());
    QCOMPARE(std::uint64_t(chunk.committed()), written);

    const std::vector<RecordView> all = records(chunksOf(announced, 5), true);
    QVERIFY(!all.empty());
    // The first record says when: the clock had never been written before.
    QCOMPARE(all.front().kind, RecordKind::Time);
    FieldReader t(all.front().body, all.front().size);
    QVERIFY(t.u64() > 0);

    const std::vector<RecordView> rs = records(chunksOf(announced, 5));
    QCOMPARE(kinds(rs), (std::vector<RecordKind>{RecordKind::Opened, RecordKind::InFrame, RecordKind::OutFrame,
                                                 RecordKind::Notice, RecordKind::StreamClosed, RecordKind::StreamEnded,
                                                 RecordKind::NotSent, RecordKind::PushOutcome, RecordKind::Closed}));
    ConnectionOpened o2;
    QVERIFY(readOpened(rs[0], o2));
    QVERIFY(o2 == o);
    const FrameFields in = readFrame(rs[1]);
    QCOMPARE(in.bits, std::uint8_t(0));
    QCOMPARE(in.judgement, 0);
    QVERIFY(in.header == frameHeader(6, 0x4, 0, 0));
    QCOMPARE(in.payload, std::string("\x00\x03\x00\x00\x00\x64", 6));
    const FrameFields out = readFrame(rs[2]);
    QCOMPARE(out.bits, kFrameOut);
    QCOMPARE(rs[2].size, 9u);           // the header alone: no bits, no judgement, no payload
    QCOMPARE(rs[1].size, 4u + 9u + 6u); // judgement, header, payload
    FieldReader n(rs[3].body, rs[3].size);
    QCOMPARE(n.i32(), 1);
    QCOMPARE(std::string(n.str()), std::string("code"));
    QCOMPARE(std::string(n.str()), std::string("text"));
    QVERIFY(!n.failed());
    FieldReader ended(rs[5].body, rs[5].size);
    QCOMPARE(ended.i32(), 3);
    QCOMPARE(rs[5].size, 4u);
    ConnectionClosed c2;
    QVERIFY(readClosed(rs[8], c2));
    QVERIFY(c2 == c);

    // The dissector sees the same story.
    const std::vector<Event> events = dissectAll(5, chunksOf(announced, 5));
    QVERIFY(events.size() >= 6);
    QVERIFY(std::get<ConnectionOpened>(events.front().data) == o);
    QVERIFY(std::get<ConnectionClosed>(events.back().data) == c);
    QCOMPARE(std::get<FrameEvent>(events[1].data).settings,
             (std::vector<std::pair<std::uint16_t, std::uint32_t>>{{3, 100}}));
    bool unsent = false;
    for (const Event &e : events)
        if (const auto *f = std::get_if<FrameEvent>(&e.data); f && f->notSent) {
            unsent = true;
            QCOMPARE(f->streamId, 3);
            QCOMPARE(f->notSentReason, std::string(nghttp2_strerror(NGHTTP2_ERR_STREAM_CLOSED)));
        }
    QVERIFY(unsent);
    QVERIFY(events.back().timeNs >= events.front().timeNs);
}

void TestCaptureLog::payloadIsKeptExceptForData()
{
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 1);
        // DATA: the caller passes nothing (or the pad-length byte); the header says how long it was.
        const Header9 data = frameHeader(16000, 0x0, 0, 1);
        log.frame(true, data.data(), {});
        // A payload far larger than any valid frame is clipped to kMaxCapturedPayload.
        const std::string huge(kMaxCapturedPayload + 1000, 'h');
        const Header9 big = frameHeader(std::uint32_t(huge.size()), 0xfa, 0, 0);
        log.frame(false, big.data(), bytesOf(huge), true);
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 1));
    QCOMPARE(rs.size(), std::size_t(2));
    QCOMPARE(rs[0].size, 9u);
    QCOMPARE(rs[0].kind, RecordKind::OutFrame);
    QCOMPARE(rs[1].kind, RecordKind::Frame); // cut off: the long form, which says so
    const FrameFields big = readFrame(rs[1]);
    QCOMPARE(big.payload.size(), kMaxCapturedPayload);
    QCOMPARE(big.bits, kFrameIncomplete);
    // A record bigger than the next chunk size gets a chunk of its own size.
    QCOMPARE(announced.size(), std::size_t(2));
    QVERIFY(announced[1].chunk->capacity() >= kRecordHeader + rs[1].size);

    const std::vector<Event> events = dissectAll(1, chunksOf(announced, 1));
    QCOMPARE(events.size(), std::size_t(2));
    QCOMPARE(std::get<FrameEvent>(events[0].data).length, 16000u);
    const FrameEvent &f = std::get<FrameEvent>(events[1].data);
    QCOMPARE(f.length, std::uint32_t(kMaxCapturedPayload + 1000)); // from the header, not what was kept
    QVERIFY(f.incomplete);
}

void TestCaptureLog::holdKeepsRecordsInvisibleUntilRelease()
{
    CaptureHub hub(1);
    CaptureLog log(hub.sink(0), 1);
    const Header9 h = frameHeader(0, 0x4, 0x1, 0);
    log.frame(true, h.data(), {});
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    QCOMPARE(announced.size(), std::size_t(1));
    const LogChunk &chunk = *announced[0].chunk;
    LogReader reader;
    reader.append(announced[0].chunk);
    RecordView r;
    int frames = 0;
    while (reader.next(r))
        frames += isFrameRecord(r.kind);
    QCOMPARE(frames, 1);
    const std::size_t before = chunk.committed();
    QCOMPARE(std::uint64_t(before), log.bytesWritten());

    log.hold();
    log.hold(); // holds nest
    log.frame(false, h.data(), {});
    log.notice(0, "n", "inside the hold");
    QVERIFY(log.bytesWritten() > before);
    QCOMPARE(chunk.committed(), before);
    QVERIFY(!reader.next(r));
    log.release();
    QCOMPARE(chunk.committed(), before); // the outer hold is still open
    QVERIFY(!reader.next(r));
    log.release();
    QCOMPARE(std::uint64_t(chunk.committed()), log.bytesWritten());
    std::vector<RecordKind> seen;
    while (reader.next(r))
        if (r.kind != RecordKind::Time)
            seen.push_back(r.kind);
    QCOMPARE(seen, (std::vector<RecordKind>{RecordKind::InFrame, RecordKind::Notice}));
    QVERIFY(!chunk.sealed()); // still the chunk being written
    // A release without a hold changes nothing.
    log.release();
    QVERIFY(!reader.next(r));
}

void TestCaptureLog::logEndedInsideAHoldIsComplete()
{
    // A connection torn down while a hold spans a chunk switch: both chunks
    // end committed and sealed, so a reader gets every record and finishes.
    CaptureHub hub(1);
    std::vector<LogAnnouncement> announced;
    std::uint32_t stream = 1;
    std::uint64_t written = 0;
    {
        CaptureLog log(hub.sink(0), 3);
        const std::string payload(100, 'p');
        log.hold();
        for (int i = 0; i < 100 && announced.size() < 2; ++i) {
            const Header9 h = frameHeader(100, 0x6, 0, stream++);
            log.frame(true, h.data(), bytesOf(payload));
            hub.collect(announced);
        }
        QCOMPARE(announced.size(), std::size_t(2));
        written = log.bytesWritten();
    }
    LogReader reader;
    std::uint64_t committed = 0;
    for (const LogAnnouncement &a : announced) {
        QVERIFY(a.chunk->sealed());
        committed += a.chunk->committed();
        reader.append(a.chunk);
    }
    QCOMPARE(committed, written);
    RecordView r;
    std::uint32_t expected = 1;
    while (reader.next(r))
        if (isFrameRecord(r.kind))
            QCOMPARE(streamOf(readFrame(r).header), expected++);
    QCOMPARE(expected, stream);
    QVERIFY(reader.atEnd());
}

void TestCaptureLog::holdSpansAChunkSwitch()
{
    CaptureHub hub(1);
    CaptureLog log(hub.sink(0), 9);
    const std::string payload(100, 'p');
    std::uint32_t stream = 1;
    const auto write = [&] {
        const Header9 h = frameHeader(100, 0x6, 0, stream++);
        log.frame(true, h.data(), bytesOf(payload));
    };
    write();
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    LogReader reader;
    for (const LogAnnouncement &a : announced)
        reader.append(a.chunk);
    const std::shared_ptr<LogChunk> first = announced[0].chunk;
    const std::size_t visible = first->committed();

    log.hold();
    // Write on under the hold until the log moves to a new chunk, then a bit more.
    std::size_t switchedAt = 0;
    for (int i = 0; i < 100 && switchedAt == 0; ++i) {
        write();
        std::vector<LogAnnouncement> fresh;
        hub.collect(fresh);
        if (!fresh.empty()) {
            switchedAt = stream;
            for (LogAnnouncement &a : fresh) {
                reader.append(a.chunk);
                announced.push_back(std::move(a));
            }
        }
    }
    QVERIFY2(switchedAt != 0, "the log never started a second chunk");
    write();
    write();
    QCOMPARE(announced.size(), std::size_t(2));
    // Neither chunk shows anything of the hold: the first is neither
    // committed further nor sealed, so a reader does not move on.
    QCOMPARE(first->committed(), visible);
    QVERIFY(!first->sealed());
    QCOMPARE(announced[1].chunk->committed(), std::size_t(0));
    RecordView r;
    std::uint32_t expected = 1;
    while (reader.next(r))
        if (isFrameRecord(r.kind))
            QCOMPARE(streamOf(readFrame(r).header), expected++);
    QCOMPARE(expected, 2u);

    log.release();
    QVERIFY(first->sealed());
    QCOMPARE(std::uint64_t(first->committed() + announced[1].chunk->committed()), log.bytesWritten());
    while (reader.next(r))
        if (isFrameRecord(r.kind))
            QCOMPARE(streamOf(readFrame(r).header), expected++);
    QCOMPARE(expected, stream); // every frame, once, in order
    QVERIFY(!reader.damaged());
}

void TestCaptureLog::judgePatchesTheInboundFrame()
{
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 2);
        const Header9 wu = frameHeader(4, 0x8, 0, 1);
        const std::string zero("\0\0\0\0", 4);
        log.hold();
        std::uint8_t *where = log.frame(false, wu.data(), bytesOf(zero));
        QVERIFY(where != nullptr);
        CaptureLog::judge(where, NGHTTP2_ERR_PROTO);
        log.release();
        // A frame written with a judgement already known (nghttp2 judged it by its header).
        log.frame(false, wu.data(), bytesOf(zero), false, NGHTTP2_ERR_FRAME_SIZE_ERROR);
        CaptureLog::judge(nullptr, NGHTTP2_ERR_PROTO); // nothing to patch: harmless
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 2));
    QCOMPARE(rs.size(), std::size_t(2));
    QCOMPARE(readFrame(rs[0]).judgement, NGHTTP2_ERR_PROTO);
    QCOMPARE(readFrame(rs[1]).judgement, NGHTTP2_ERR_FRAME_SIZE_ERROR);
    const std::vector<Event> events = dissectAll(2, chunksOf(announced, 2));
    QCOMPARE(events.size(), std::size_t(2));
    const FrameEvent &f = std::get<FrameEvent>(events[0].data);
    QVERIFY(f.invalid);
    QCOMPARE(f.invalidReason, std::string(nghttp2_strerror(NGHTTP2_ERR_PROTO)));
    QVERIFY(std::get<FrameEvent>(events[1].data).invalid);
}

void TestCaptureLog::chunksGrowAndAreAnnouncedInOrder()
{
    CaptureHub hub(2);
    QCOMPARE(hub.sinkCount(), std::size_t(2));
    QCOMPARE(&hub.sink(5), &hub.sink(1)); // past the end: the last sink
    const std::string payload(200, 'x');
    std::uint64_t writtenA = 0, writtenB = 0;
    {
        CaptureLog a(hub.sink(0), 1);
        CaptureLog b(hub.sink(1), 2);
        const std::uint64_t now = nowNs(); // one time for all: record sizes are known
        const CaptureLog::Batch inA(&a, now), inB(&b, now);
        for (std::uint32_t i = 1; i <= 3000; ++i) {
            const Header9 h = frameHeader(200, 0x6, 0, i);
            a.frame(true, h.data(), bytesOf(payload));
            if (i % 10 == 0)
                b.frame(true, h.data(), bytesOf(payload));
        }
        writtenA = a.bytesWritten();
        writtenB = b.bytesWritten();
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    std::vector<std::size_t> capacities;
    for (const LogAnnouncement &ann : announced)
        if (ann.connectionId == 1)
            capacities.push_back(ann.chunk->capacity());
    // 2 KiB, doubling, at most 64 KiB. 3000 records of 214 bytes need 642000 bytes.
    const std::vector<std::size_t> expected = {2048,  4096,  8192,  16384, 32768, 65536, 65536,
                                               65536, 65536, 65536, 65536, 65536, 65536, 65536};
    QCOMPARE(capacities, expected);
    // The small first chunks come from the heap, the big ones from the
    // sink's arena (where the system maps regions).
    for (const LogAnnouncement &ann : announced)
        if (ann.chunk->capacity() < ChunkArena::kMinChunk)
            QVERIFY(!ann.chunk->inRegion());

    // Each connection's chunks come in the order they were started, and
    // reading them in that order gives every frame in order.
    for (auto [id, written, count] : {std::tuple{1u, writtenA, 3000u}, std::tuple{2u, writtenB, 300u}}) {
        const auto chunks = chunksOf(announced, id);
        std::uint64_t committed = 0;
        for (const auto &c : chunks) {
            QVERIFY(c->sealed());
            committed += c->committed();
        }
        QCOMPARE(committed, written);
        std::uint32_t next = id == 1 ? 1 : 10;
        std::uint32_t frames = 0;
        for (const RecordView &r : records(chunks)) {
            QVERIFY(isFrameRecord(r.kind));
            const FrameFields f = readFrame(r);
            QCOMPARE(streamOf(f.header), next);
            QCOMPARE(f.payload, payload);
            next += id == 1 ? 1 : 10;
            ++frames;
        }
        QCOMPARE(frames, count);
    }
}

// Outside a batch each record reads the log's clock; inside one every
// record has the batch's time, however the clock moves meanwhile, and a
// batch inside another keeps the outer one's time.
void TestCaptureLog::recordsAreStampedByTheLogsClockOrItsBatch()
{
    using namespace std::chrono_literals;
    CaptureHub hub(1);
    ManualClock clock;
    const auto now = [&] { return static_cast<std::uint64_t>(clock.nowNs()); };
    const std::uint64_t t0 = now();
    const Header9 ping = frameHeader(8, 0x6, 0, 0);
    const std::string payload(8, 'p');
    {
        CaptureLog log(hub.sink(0), 9, &clock);
        log.frame(false, ping.data(), bytesOf(payload));
        clock.advance(5ms);
        {
            const CaptureLog::Batch batch(&log, now());
            QCOMPARE(batch.ns(), t0 + 5'000'000);
            clock.advance(1ms);
            log.frame(false, ping.data(), bytesOf(payload));
            {
                const CaptureLog::Batch inner(&log, now());
                QCOMPARE(inner.ns(), batch.ns());
                clock.advance(1ms);
                log.frame(true, ping.data(), bytesOf(payload));
            }
            log.frame(true, ping.data(), bytesOf(payload));
        }
        log.frame(false, ping.data(), bytesOf(payload));
    }
    const CaptureLog::Batch withoutALog(nullptr, 123);
    QCOMPARE(withoutALog.ns(), std::uint64_t(123));

    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    std::vector<std::uint64_t> stamps;
    std::uint64_t time = 0;
    for (const RecordView &r : records(chunksOf(announced, 9), true)) {
        if (r.kind == RecordKind::Time) {
            FieldReader f(r.body, r.size);
            time = f.u64();
        } else {
            stamps.push_back(time - t0);
        }
    }
    QCOMPARE(stamps, (std::vector<std::uint64_t>{0, 5'000'000, 5'000'000, 5'000'000, 7'000'000}));
}

// A connection stamps what it records with its own clock, read once per
// receive() and produce(), or with the time its driver passes in: no record
// of the connection, its session or its TLS comes from another clock.
void TestCaptureLog::aConnectionsRecordsComeFromItsClock()
{
    using namespace std::chrono_literals;
    CaptureHub hub(1);
    ManualClock clock;
    const auto t0 = static_cast<std::uint64_t>(clock.nowNs());
    {
        net::ConnectionConfig config;
        config.id = 11;
        config.h2.clock = &clock;
        net::Connection conn(config, *m_site, &hub.sink(0));
        net::TestClient client(conn);
        QCOMPARE(client.get("/index.html").status, 200);
        clock.advance(3s);
        QCOMPARE(client.get("/index.html").status, 200);
        // A driver's own reading, for one read.
        const std::string ping =
            std::string(reinterpret_cast<const char *>(frameHeader(8, 0x6, 0, 0).data()), 9) + std::string(8, 'p');
        conn.receive(reinterpret_cast<const std::uint8_t *>(ping.data()), ping.size(), clock.now() + 10s);
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    std::vector<std::uint64_t> times;
    for (const RecordView &r : records(chunksOf(announced, 11), true))
        if (r.kind == RecordKind::Time) {
            FieldReader f(r.body, r.size);
            times.push_back(f.u64() - t0);
        }
    QVERIFY(!times.empty());
    QCOMPARE(times.front(), std::uint64_t(0));
    for (std::uint64_t t : times)
        QVERIFY2(t == 0 || t == 3'000'000'000 || t == 13'000'000'000, qPrintable(QString::number(t)));
    QVERIFY(std::find(times.begin(), times.end(), 3'000'000'000) != times.end());
    QVERIFY(std::find(times.begin(), times.end(), 13'000'000'000) != times.end());
}

void TestCaptureLog::bigChunksComeFromRegionsThatOutliveTheArena()
{
    const std::size_t before = ChunkRegion::mappedNow();
    constexpr std::size_t kChunk = 64u << 10;
    constexpr std::size_t kPerRegion = 31; // 2 MiB less the region's head
    std::vector<std::shared_ptr<LogChunk>> first, second;
    const auto regionOf = [](const LogChunk &c) {
        return reinterpret_cast<std::uintptr_t>(c.data()) & ~std::uintptr_t(ChunkRegion::kSize - 1);
    };
    {
        ChunkArena arena;
        for (std::size_t i = 0; i < kPerRegion + 9; ++i)
            (i < kPerRegion ? first : second).push_back(arena.take(kChunk));
        if (!first.front()->inRegion())
            QSKIP("this system maps no regions: every chunk is the heap's");
        QCOMPARE(ChunkRegion::mappedNow(), before + 2);
        for (const auto &c : first) {
            QVERIFY(c->inRegion());
            QCOMPARE(c->capacity(), kChunk);
            QCOMPARE(regionOf(*c), regionOf(*first.front()));
        }
        for (const auto &c : second)
            QCOMPARE(regionOf(*c), regionOf(*second.front()));
        QVERIFY(regionOf(*first.front()) != regionOf(*second.front()));
        // Chunks do not overlap: each is written whole, then read back whole.
        for (std::size_t i = 0; i < first.size(); ++i)
            std::memset(first[i]->writable(), static_cast<int>(i), kChunk);
        for (std::size_t i = 0; i < first.size(); ++i) {
            const std::uint8_t *d = first[i]->data();
            QVERIFY(d[0] == std::uint8_t(i) && d[kChunk - 1] == std::uint8_t(i));
        }
        // Too small or too big for a region: the heap's.
        QVERIFY(!arena.take(ChunkArena::kMinChunk - 1)->inRegion());
        QVERIFY(!arena.take(ChunkArena::kMaxChunk + 1)->inRegion());
        // The arena has moved on from the first region: its last chunk frees it.
        first.clear();
        QCOMPARE(ChunkRegion::mappedNow(), before + 1);
        std::memset(second.back()->writable(), 0x5a, kChunk);
    }
    // The arena is gone; its chunks are not.
    QCOMPARE(ChunkRegion::mappedNow(), before + 1);
    QCOMPARE(second.back()->data()[kChunk - 1], std::uint8_t(0x5a));
    second.clear();
    QCOMPARE(ChunkRegion::mappedNow(), before);
}

void TestCaptureLog::sentFramesAreRecordedFromTheBytes()
{
    // What nghttp2 sends is recorded frame by frame straight from the bytes:
    // every whole frame at the start, each as on the wire (DATA by its
    // header, a PADDED DATA frame with its pad length), and none of a frame
    // that goes on in later bytes, which is left to the caller's wire tap.
    auto wire = [](std::uint32_t length, std::uint8_t type, std::uint8_t flags, std::uint32_t stream,
                   const std::string &payload) {
        const Header9 h = frameHeader(length, type, flags, stream);
        return std::string(h.begin(), h.end()) + payload;
    };
    const std::string settings = wire(6, 0x4, 0x0, 0, std::string("\x00\x03\x00\x00\x00\x64", 6));
    const std::string data = wire(5, 0x0, 0x1, 1, "hello");
    const std::string padded = wire(4, 0x0, 0x9, 3,
                                    std::string("\x02"
                                                "a\x00\x00",
                                                4));
    const std::string cut = wire(10, 0x1, 0x4, 5, "abc");
    const std::string all = settings + data + padded + cut;
    auto bytes = [](const std::string &s) { return reinterpret_cast<const std::uint8_t *>(s.data()); };
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 1);
        QCOMPARE(log.sentFrames(bytes(all), all.size()), all.size() - cut.size());
        QCOMPARE(log.sentFrames(bytes(cut), cut.size()), std::size_t(0));
        hub.setEnabled(false); // paused: the frames are stepped over and the gap marked
        QCOMPARE(log.sentFrames(bytes(settings), settings.size()), settings.size());
        hub.setEnabled(true);
        QCOMPARE(log.sentFrames(bytes(data), data.size()), data.size());
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 1));
    using K = RecordKind;
    QCOMPARE(kinds(rs), (std::vector<K>{K::OutFrame, K::OutFrame, K::OutFrame, K::Gap, K::OutFrame}));
    const FrameFields s0 = readFrame(rs[0]);
    QCOMPARE(s0.bits, kFrameOut);
    QCOMPARE(std::string(s0.header.begin(), s0.header.end()) + s0.payload, settings);
    const FrameFields d = readFrame(rs[1]);
    QCOMPARE(std::string(d.header.begin(), d.header.end()), data.substr(0, 9));
    QCOMPARE(d.payload, std::string()); // DATA: its length only
    QCOMPARE(rs[1].size, 9u);
    const FrameFields p = readFrame(rs[2]);
    QCOMPARE(std::string(p.header.begin(), p.header.end()), padded.substr(0, 9));
    QCOMPARE(p.payload, std::string("\x02", 1)); // the pad length, nothing more
    const FrameFields after = readFrame(rs[4]);
    QCOMPARE(std::string(after.header.begin(), after.header.end()), data.substr(0, 9));

    const std::vector<Event> events = dissectAll(1, chunksOf(announced, 1));
    std::vector<std::uint8_t> types;
    for (const Event &e : events)
        if (const auto *f = std::get_if<FrameEvent>(&e.data))
            types.push_back(f->type);
    QCOMPARE(types, (std::vector<std::uint8_t>{0x4, 0x0, 0x0, 0x0}));
}

void TestCaptureLog::pauseWritesLifecycleOnlyAndMarksTheGap()
{
    CaptureHub hub(1);
    const Header9 h = frameHeader(8, 0x6, 0, 0);
    const std::string opaque(8, 'o');
    ConnectionOpened o;
    o.peer = "p";
    {
        CaptureLog log(hub.sink(0), 3);
        log.opened(o);
        log.frame(true, h.data(), bytesOf(opaque));
        hub.setEnabled(false);
        QVERIFY(!hub.enabled());
        QVERIFY(log.frame(false, h.data(), bytesOf(opaque)) == nullptr); // not written: nothing to judge
        log.frame(true, h.data(), bytesOf(opaque));
        log.streamClosed(1, 0, "");
        log.notSent(1, 1, 0, -1);
        log.pushOutcome(2, 1, "completed", "", "/x");
        Http1Exchange x;
        x.method = "GET";
        log.http1(x);
        log.notice(0, "refused", "a notice survives a pause"); // written, after a gap mark
        log.frame(true, h.data(), bytesOf(opaque));            // skipped again
        hub.setEnabled(true);
        log.frame(true, h.data(), bytesOf(opaque)); // the gap is marked before it
        log.frame(true, h.data(), bytesOf(opaque)); // and only once
        hub.setEnabled(false);
        hub.setEnabled(true); // a pause in which nothing was skipped leaves no mark
        log.frame(true, h.data(), bytesOf(opaque));
        hub.setEnabled(false);
        log.closed(ConnectionClosed{}); // lifecycle: written while paused
        hub.setEnabled(true);
    }
    {
        // A connection that opens during a pause is still listed.
        hub.setEnabled(false);
        CaptureLog late(hub.sink(0), 4);
        late.opened(o);
        late.frame(true, h.data(), bytesOf(opaque));
        late.closed(ConnectionClosed{});
        hub.setEnabled(true);
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    using K = RecordKind;
    QCOMPARE(kinds(records(chunksOf(announced, 3))),
             (std::vector<K>{K::Opened, K::OutFrame, K::Gap, K::Notice, K::Gap, K::OutFrame, K::OutFrame, K::OutFrame,
                             K::Closed}));
    QCOMPARE(kinds(records(chunksOf(announced, 4))), (std::vector<K>{K::Opened, K::Gap, K::Closed}));

    // The dissector says where the capture has a hole.
    int gaps = 0;
    for (const Event &e : dissectAll(3, chunksOf(announced, 3)))
        if (const auto *n = std::get_if<Notice>(&e.data); n && n->code == "capture-gap")
            ++gaps;
    QCOMPARE(gaps, 2);
}

void TestCaptureLog::concurrentWriterAndReaderLoseNothing()
{
    // The writer appends while the reader follows with LogReader::next():
    // every record must arrive exactly once, whole and in order, across
    // chunk switches and holds. Bounded: 200k records, a time limit.
    constexpr std::uint32_t kRecords = 200'000;
    CaptureHub hub(1);
    std::atomic<bool> writerDone{false};
    std::thread writer([&] {
        CaptureLog log(hub.sink(0), 1);
        std::string payload(64, '\0');
        for (std::uint32_t i = 1; i <= kRecords; ++i) {
            const std::size_t n = i % 61; // sizes vary, so records end anywhere in a chunk
            for (std::size_t k = 0; k < n; ++k)
                payload[k] = char(i + k);
            const Header9 h = frameHeader(std::uint32_t(n), 0x6, 0, i);
            if (i % 7 == 0) {
                // As the session does: a frame's record stays invisible until judged.
                log.hold();
                std::uint8_t *where = log.frame(false, h.data(), bytesOf(payload.substr(0, n)));
                CaptureLog::judge(where, -int(i % 1000));
                log.release();
            } else {
                log.frame(true, h.data(), bytesOf(payload.substr(0, n)));
            }
        }
        writerDone = true;
    }); // the log's destructor seals its last chunk

    std::uint32_t next = 1;
    std::uint32_t wrongOrder = 0, wrongPayload = 0, wrongJudgement = 0;
    bool damaged = false;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
    LogReader reader;
    std::vector<LogAnnouncement> fresh;
    std::size_t dropped = 0;
    for (;;) {
        hub.collect(fresh);
        for (LogAnnouncement &a : fresh)
            reader.append(std::move(a.chunk));
        fresh.clear();
        RecordView r;
        while (reader.next(r)) {
            if (!isFrameRecord(r.kind))
                continue;
            const FrameFields f = readFrame(r);
            const std::uint32_t i = streamOf(f.header);
            if (i != next)
                ++wrongOrder;
            const std::size_t n = i % 61;
            std::string expected(n, '\0');
            for (std::size_t k = 0; k < n; ++k)
                expected[k] = char(i + k);
            if (f.payload != expected)
                ++wrongPayload;
            if ((i % 7 == 0) != !(f.bits & kFrameOut) || (i % 7 == 0 && f.judgement != -int(i % 1000)))
                ++wrongJudgement;
            next = i + 1;
        }
        dropped += reader.dropConsumed();
        damaged = reader.damaged();
        if (damaged || std::chrono::steady_clock::now() > deadline)
            break;
        if (writerDone && next > kRecords) {
            hub.collect(fresh);
            if (fresh.empty() && reader.atEnd())
                break;
        }
    }
    writer.join();
    QVERIFY(!damaged);
    QCOMPARE(next, kRecords + 1);
    QCOMPARE(wrongOrder, 0u);
    QCOMPARE(wrongPayload, 0u);
    QCOMPARE(wrongJudgement, 0u);
    QVERIFY(reader.atEnd());
    QVERIFY(dropped > 10); // the reader let go of what it had read, chunk by chunk
}

void TestCaptureLog::readerStopsOnDamagedBytes()
{
    // Committed bytes always end on a record; bytes that do not are not a
    // log, and the reader stops rather than read out of bounds.
    auto chunk = std::make_shared<LogChunk>(64);
    const std::uint8_t bad[] = {std::uint8_t(RecordKind::Notice), 0xff, 0x00, 0x00, 1, 2, 3};
    std::memcpy(chunk->writable(), bad, sizeof bad);
    chunk->commit(sizeof bad);
    chunk->seal();
    LogReader reader;
    reader.append(chunk);
    RecordView r;
    QVERIFY(!reader.next(r));
    QVERIFY(reader.damaged());
    std::size_t size = 0;
    QVERIFY(!parseRecord(bad, sizeof bad, r, size));
    QVERIFY(parseRecord(bad, 4 + 0xff, r, size)); // enough bytes: a whole record
    QCOMPARE(size, std::size_t(4 + 0xff));
    // A compact frame record's size follows from its frame header: HEADERS
    // keep their payload, DATA only its length; cut short, it is no record.
    std::uint8_t out[1 + 9 + 3] = {std::uint8_t(RecordKind::OutFrame), 0, 0, 5, 0x1, 0x4, 0, 0, 0, 1, 'a', 'b', 'c'};
    QVERIFY(!parseRecord(out, sizeof out, r, size));
    out[3] = 3;
    QVERIFY(parseRecord(out, sizeof out, r, size));
    QCOMPARE(size, sizeof out);
    QCOMPARE(r.size, 9u + 3u);
    out[3] = 100;
    out[4] = 0x0; // DATA
    QVERIFY(parseRecord(out, sizeof out, r, size));
    QCOMPARE(size, std::size_t(1 + 9));
    out[5] = 0x8; // PADDED: the pad-length byte is kept
    QVERIFY(parseRecord(out, sizeof out, r, size));
    QCOMPARE(size, std::size_t(1 + 9 + 1));
    const std::uint8_t ended[] = {std::uint8_t(RecordKind::StreamEnded), 1, 0, 0};
    QVERIFY(!parseRecord(ended, sizeof ended, r, size));
    // Field reads past a body's end give zeros and say so.
    FieldReader f(bad, 3);
    QCOMPARE(f.u32(), 0u);
    QVERIFY(f.failed());
}

void TestCaptureLog::oversizedDataFrameIsCaptured()
{
    auto p = peer();
    p->handshake();
    p->send(headersFrame(
        1, hpack({{":method", "POST"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", "/index.html"}}),
        frame::END_HEADERS));
    // 16385 > SETTINGS_MAX_FRAME_SIZE (16384, the default we keep): a connection error.
    p->send(rawFrame(frame::DATA, frame::END_STREAM, 1, std::string(16385, 'd')));
    const auto goaway = p->find(frame::GOAWAY);
    QVERIFY(goaway);
    QCOMPARE(goaway->errorCode(), 0x6u); // FRAME_SIZE_ERROR
    p->conn->close({});
    const std::vector<FrameEvent> data = p->events.frames(Direction::In, frame::DATA);
    QCOMPARE(data.size(), std::size_t(1));
    const FrameEvent &f = data.front();
    QCOMPARE(f.length, 16385u);
    QCOMPARE(f.streamId, 1);
    QVERIFY2(f.invalid || f.incomplete, "the oversized frame is shown as neither invalid nor incomplete");
    // The server's GOAWAY is in the capture as it went out.
    const std::vector<FrameEvent> sent = p->events.frames(Direction::Out, frame::GOAWAY);
    QCOMPARE(sent.size(), std::size_t(1));
    QCOMPARE(sent.front().errorCode, 0x6u);
    QCOMPARE(sent.front().debugData, goaway->payload.substr(8));

    // The same frame arriving in pieces: nghttp2 gives up after its header,
    // the connection ends inside it, and what came is kept as a cut-off frame.
    auto q = peer();
    q->handshake();
    const std::string big = rawFrame(frame::DATA, frame::END_STREAM, 1, std::string(20000, 'd'));
    q->send(headersFrame(1, hpack(getRequest()), frame::END_HEADERS) + big.substr(0, 5000));
    QVERIFY(q->find(frame::GOAWAY));
    q->send(big.substr(5000, 5000)); // ignored: the connection is failing
    q->conn->close({});
    const std::vector<FrameEvent> cut = q->events.frames(Direction::In, frame::DATA);
    QCOMPARE(cut.size(), std::size_t(1));
    QCOMPARE(cut.front().length, 20000u);
    QVERIFY(cut.front().incomplete);
    QVERIFY(cut.front().invalid);
}

void TestCaptureLog::windowUpdateForAClosedStreamKeepsItsIncrement()
{
    auto p = peer();
    p->handshake();
    p->send(headersFrame(1, hpack(getRequest())));
    QCOMPARE(p->events.all<StreamClosed>().size(), std::size_t(1)); // the response is done
    p->send(windowUpdate(1, 1000));
    p->send(windowUpdate(0, 777));
    QVERIFY(!p->find(frame::GOAWAY)); // allowed (RFC 9113 §6.9: a closed stream may still get one)
    const std::vector<FrameEvent> wu = p->events.frames(Direction::In, frame::WINDOW_UPDATE);
    QCOMPARE(wu.size(), std::size_t(2));
    QCOMPARE(wu[0].streamId, 1);
    QCOMPARE(wu[0].windowIncrement, 1000u);
    QCOMPARE(wu[0].streamRemoteWindow, -1); // the stream is gone
    QCOMPARE(wu[1].windowIncrement, 777u);
    QCOMPARE(wu[1].connRemoteWindow - wu[0].connRemoteWindow, 777); // the connection window grew
}

void TestCaptureLog::continuationChainDecodesOntoHeaders()
{
    auto p = peer();
    p->handshake();
    Fields fields = getRequest();
    fields.emplace_back("x-long", std::string(300, 'v'));
    fields.emplace_back("x-other", "o");
    const std::string block = hpack(fields);
    QVERIFY(block.size() > 300);
    const std::size_t a = 100, b = 200;
    p->send(rawFrame(frame::HEADERS, frame::END_STREAM, 1, block.substr(0, a))
            + rawFrame(frame::CONTINUATION, 0, 1, block.substr(a, b - a))
            + rawFrame(frame::CONTINUATION, frame::END_HEADERS, 1, block.substr(b)));
    QVERIFY(!p->find(frame::GOAWAY));

    std::vector<const Event *> inbound;
    for (const Event &e : p->events.events())
        if (const auto *f = std::get_if<FrameEvent>(&e.data);
            f && f->dir == Direction::In && (f->type == frame::HEADERS || f->type == frame::CONTINUATION))
            inbound.push_back(&e);
    QCOMPARE(inbound.size(), std::size_t(3));
    const FrameEvent &h = std::get<FrameEvent>(inbound[0]->data);
    QCOMPARE(h.type, frame::HEADERS);
    QCOMPARE(h.length, std::uint32_t(a));
    QCOMPARE(h.hdCategory, 0);
    Fields decoded;
    for (HeaderView v : h.headers)
        decoded.emplace_back(std::string(v.name), std::string(v.value));
    QCOMPARE(decoded, fields);
    QVERIFY(h.headerBlockDecodedSize > 300);
    for (int i : {1, 2}) {
        const FrameEvent &c = std::get<FrameEvent>(inbound[std::size_t(i)]->data);
        QCOMPARE(c.type, frame::CONTINUATION);
        QCOMPARE(c.streamId, 1);
        QVERIFY(c.headers.empty());
        QVERIFY(!c.invalid);
    }
    QCOMPARE(std::get<FrameEvent>(inbound[2]->data).flags, frame::END_HEADERS);
    const auto opened = p->events.all<StreamOpened>();
    QCOMPARE(opened.size(), std::size_t(1));
    QCOMPARE(opened[0].path, std::string("/index.html"));
    QCOMPARE(p->events.all<StreamClosed>().size(), std::size_t(1));
    QCOMPARE(p->events.all<StreamClosed>()[0].status, 200);
}

void TestCaptureLog::paddedHeadersAndData()
{
    auto p = peer();
    p->handshake();
    const std::string block =
        hpack({{":method", "POST"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", "/index.html"}});
    p->send(rawFrame(frame::HEADERS, frame::END_HEADERS | frame::PADDED, 1,
                     std::string(1, char(5)) + block + std::string(5, '\0')));
    p->send(rawFrame(frame::DATA, frame::END_STREAM | frame::PADDED, 1,
                     std::string(1, char(3)) + "abcd" + std::string(3, '\0')));
    QVERIFY(!p->find(frame::GOAWAY));
    const std::vector<FrameEvent> headers = p->events.frames(Direction::In, frame::HEADERS);
    QCOMPARE(headers.size(), std::size_t(1));
    QCOMPARE(headers[0].padding, std::uint8_t(5));
    QCOMPARE(headers[0].length, std::uint32_t(1 + block.size() + 5));
    QCOMPARE(headers[0].headers.size(), std::size_t(4)); // the padding is not taken for header bytes
    const std::vector<FrameEvent> data = p->events.frames(Direction::In, frame::DATA);
    QCOMPARE(data.size(), std::size_t(1));
    QCOMPARE(data[0].padding, std::uint8_t(3));
    QCOMPARE(data[0].length, 8u);
    QVERIFY(!data[0].invalid);
    // Padding counts against flow control (RFC 9113 §6.1): the whole length.
    QCOMPARE(data[0].connLocalWindow, headers[0].connLocalWindow - 8);
    QCOMPARE(p->events.all<StreamOpened>().size(), std::size_t(1));
}

void TestCaptureLog::unknownFrameTypeAndSettingsArePreserved()
{
    // Own hub: the raw records are checked as well as the events.
    CaptureHub hub(1);
    std::string out;
    {
        net::ConnectionConfig config;
        config.id = 11;
        net::Connection conn(config, *m_site, &hub.sink(0));
        const std::string in = kClientPreface + settingsFrame({{0xf0f0, 7}, {0x4, 65535}, {0x0a0b, 0xffffffffu}})
                               + settingsFrame({}, frame::ACK) + rawFrame(0xfa, 0xff, 0, "xyz")
                               + headersFrame(1, hpack(getRequest()));
        conn.receive(reinterpret_cast<const std::uint8_t *>(in.data()), in.size());
        for (int i = 0; i < 100 && conn.produce(out, 1u << 20) > 0; ++i) {
        }
        conn.close({});
    }
    // Unknown frame types are ignored (RFC 9113 §4.1, §5.5): the request on stream 1 is answered.
    QVERIFY(!out.empty());
    bool goaway = false;
    for (const ParsedFrame &f : parseFrames(out))
        goaway |= f.type == frame::GOAWAY && f.errorCode() != 0;
    QVERIFY(!goaway);

    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const auto chunks = chunksOf(announced, 11);
    bool rawSeen = false;
    for (const RecordView &r : records(chunks))
        if (isFrameRecord(r.kind)) {
            const FrameFields f = readFrame(r);
            if (f.header[3] == 0xfa) {
                rawSeen = true;
                QCOMPARE(f.payload, std::string("xyz"));
                QCOMPARE(f.judgement, 0);
            }
        }
    QVERIFY(rawSeen);

    const std::vector<Event> events = dissectAll(11, chunks);
    const FrameEvent *unknown = nullptr;
    const FrameEvent *settings = nullptr;
    for (const Event &e : events)
        if (const auto *f = std::get_if<FrameEvent>(&e.data); f && f->dir == Direction::In) {
            if (f->type == 0xfa)
                unknown = f;
            if (f->type == frame::SETTINGS && !(f->flags & frame::ACK))
                settings = f;
        }
    QVERIFY(unknown);
    QCOMPARE(unknown->flags, std::uint8_t(0xff));
    QCOMPARE(unknown->length, 3u);
    QVERIFY((unknown->rawHeader == std::array<std::uint8_t, 9>{0, 0, 3, 0xfa, 0xff, 0, 0, 0, 0}));
    QVERIFY(!unknown->invalid);
    QCOMPARE(QByteArray(frameTypeName(0xfa)), QByteArray("UNKNOWN"));
    QVERIFY(settings);
    QCOMPARE(settings->settings,
             (std::vector<std::pair<std::uint16_t, std::uint32_t>>{{0xf0f0, 7}, {0x4, 65535}, {0x0a0b, 0xffffffffu}}));
    QCOMPARE(settings->length, 18u);
}

void TestCaptureLog::pingAndGoawayPayloadsDecode()
{
    auto p = peer();
    p->handshake();
    p->send(rawFrame(frame::PING, 0, 0, std::string("\x01\x02\x03\x04\x05\x06\x07\x08", 8)));
    p->send(rawFrame(frame::GOAWAY, 0, 0, u32Payload(0) + u32Payload(0x2) + "bye: debug \xff"));
    p->conn->close({});
    const std::vector<FrameEvent> pings = p->events.frames(Direction::In, frame::PING);
    QCOMPARE(pings.size(), std::size_t(1));
    QCOMPARE(pings[0].opaque, 0x0102030405060708ull);
    const std::vector<FrameEvent> acks = p->events.frames(Direction::Out, frame::PING);
    QCOMPARE(acks.size(), std::size_t(1));
    QCOMPARE(acks[0].flags, frame::ACK);
    QCOMPARE(acks[0].opaque, 0x0102030405060708ull); // the ACK echoes the data
    const std::vector<FrameEvent> goaways = p->events.frames(Direction::In, frame::GOAWAY);
    QCOMPARE(goaways.size(), std::size_t(1));
    QCOMPARE(goaways[0].lastStreamId, 0);
    QCOMPARE(goaways[0].errorCode, 0x2u);
    QCOMPARE(goaways[0].debugData, std::string("bye: debug \xff"));
    const auto closed = p->events.all<ConnectionClosed>();
    QCOMPARE(closed.size(), std::size_t(1));
}

// Inside mem_send() nghttp2 reports a stream closed before the bytes of the
// frame that ended it come out: the recorder writes those records after
// the frames, as on the wire; outside it they go in at once.
void TestCaptureLog::recorderWritesStreamRecordsAfterTheFramesBeingSent()
{
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 4);
        h2::FrameRecorder recorder(&log);
        QVERIFY(recorder.on());
        const Header9 headers = frameHeader(1, 0x1, 0x5, 1); // END_STREAM | END_HEADERS
        const Header9 data = frameHeader(2, 0x0, 0x1, 2);
        std::string wire(reinterpret_cast<const char *>(headers.data()), 9);
        wire += '\x88'; // :status 200
        wire.append(reinterpret_cast<const char *>(data.data()), 9);
        wire += "ok";
        recorder.beginSend();
        recorder.streamClosed(1, 0, "");
        recorder.pushOutcome(2, 1, "completed", "", "/a.css");
        recorder.streamClosed(3, 8, "reset by the client");
        recorder.endSend(reinterpret_cast<const std::uint8_t *>(wire.data()), wire.size());
        recorder.streamClosed(5, 0, ""); // not sending: at once
        recorder.end();
        QVERIFY(!recorder.on());
        recorder.streamClosed(7, 0, ""); // after the end: nothing
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 4));
    QCOMPARE(kinds(rs),
             (std::vector<RecordKind>{RecordKind::OutFrame, RecordKind::OutFrame, RecordKind::StreamEnded,
                                      RecordKind::PushOutcome, RecordKind::StreamClosed, RecordKind::StreamEnded}));
    QVERIFY(readFrame(rs[0]).header == frameHeader(1, 0x1, 0x5, 1));
    QVERIFY(readFrame(rs[1]).header == frameHeader(2, 0x0, 0x1, 2));
    const std::vector<Event> events = dissectAll(4, chunksOf(announced, 4));
    const auto closed = std::find_if(events.begin(), events.end(),
                                     [](const Event &e) { return std::holds_alternative<StreamClosed>(e.data); });
    QVERIFY(closed != events.end());
    QCOMPARE(std::get<StreamClosed>(closed->data).streamId, 1);
}

// The client's bytes come in pieces: a frame cut across two reads is
// recorded once, when whole; nghttp2's judgement of a frame lands in its
// record, and a guard's notice about a frame follows that frame's record.
void TestCaptureLog::recorderJoinsFramesCutAcrossReadsAndKeepsTheirJudgement()
{
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 6);
        h2::FrameRecorder recorder(&log);
        std::string wire = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        const Header9 settings = frameHeader(6, 0x4, 0, 0);
        wire.append(reinterpret_cast<const char *>(settings.data()), 9);
        wire.append("\x00\x03\x00\x00\x00\x64", 6);
        const Header9 wu = frameHeader(4, 0x8, 0, 0);
        wire.append(reinterpret_cast<const char *>(wu.data()), 9);
        wire.append("\0\0\0\0", 4);
        const auto *bytes = reinterpret_cast<const std::uint8_t *>(wire.data());
        // The preface and half the SETTINGS frame, then the rest of it.
        std::size_t fed = 0;
        bool whole = false;
        int units = 0;
        for (const std::size_t readEnd : {std::size_t(24 + 5), std::size_t(24 + 15)}) {
            while (fed < readEnd) {
                fed += recorder.beginUnit(bytes + fed, readEnd - fed, whole);
                recorder.endUnit();
                QVERIFY(++units < 10);
            }
        }
        QVERIFY(whole); // the SETTINGS frame ended in the second read
        // The guard judged the WINDOW_UPDATE before its bytes went on; then
        // nghttp2 judges it too.
        recorder.holdGuardNotice(0, "a WINDOW_UPDATE of 0");
        fed += recorder.beginUnit(bytes + fed, wire.size() - fed, whole);
        QVERIFY(whole);
        QCOMPARE(fed, wire.size());
        recorder.judge(NGHTTP2_ERR_PROTO);
        recorder.endUnit();
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 6));
    QCOMPARE(kinds(rs), (std::vector<RecordKind>{RecordKind::InFrame, RecordKind::InFrame, RecordKind::Notice}));
    const FrameFields s = readFrame(rs[0]);
    QVERIFY(s.header == frameHeader(6, 0x4, 0, 0));
    QCOMPARE(s.payload, std::string("\x00\x03\x00\x00\x00\x64", 6));
    QCOMPARE(s.judgement, 0);
    QVERIFY(readFrame(rs[1]).header == frameHeader(4, 0x8, 0, 0));
    QCOMPARE(readFrame(rs[1]).judgement, NGHTTP2_ERR_PROTO);
}

// A peer that stops inside a frame: what came of it is recorded, marked
// incomplete, with the judgement nghttp2 gave the connection.
void TestCaptureLog::recorderWritesWhatArrivedOfAFrameCutOff()
{
    CaptureHub hub(1);
    {
        CaptureLog log(hub.sink(0), 8);
        h2::FrameRecorder recorder(&log);
        std::string wire = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
        const Header9 ping = frameHeader(8, 0x6, 0, 0);
        wire.append(reinterpret_cast<const char *>(ping.data()), 9);
        wire.append("1234", 4); // half its payload
        const auto *bytes = reinterpret_cast<const std::uint8_t *>(wire.data());
        std::size_t fed = 0;
        bool whole = false;
        for (int i = 0; i < 10 && fed < wire.size(); ++i) {
            fed += recorder.beginUnit(bytes + fed, wire.size() - fed, whole);
            recorder.endUnit();
        }
        QCOMPARE(fed, wire.size());
        recorder.inputEnded();
        recorder.inputEnded(); // once only
        // A unit nghttp2 failed, not ending a frame: recorded as far as it came.
        const Header9 data = frameHeader(100, 0x0, 0, 1);
        std::string cut(reinterpret_cast<const char *>(data.data()), 9);
        cut += "abc";
        const std::size_t unit =
            recorder.beginUnit(reinterpret_cast<const std::uint8_t *>(cut.data()), cut.size(), whole);
        QCOMPARE(unit, cut.size());
        QVERIFY(!whole);
        recorder.failUnit(whole, NGHTTP2_ERR_FRAME_SIZE_ERROR);
        recorder.end();
    }
    std::vector<LogAnnouncement> announced;
    hub.collect(announced);
    const std::vector<RecordView> rs = records(chunksOf(announced, 8));
    QCOMPARE(rs.size(), std::size_t(2));
    const FrameFields ping = readFrame(rs[0]);
    QVERIFY(ping.header == frameHeader(8, 0x6, 0, 0));
    QCOMPARE(ping.payload, std::string("1234"));
    QVERIFY(ping.bits & kFrameIncomplete);
    const FrameFields data = readFrame(rs[1]);
    QVERIFY(data.header == frameHeader(100, 0x0, 0, 1));
    QVERIFY(data.bits & kFrameIncomplete);
    QCOMPARE(data.judgement, NGHTTP2_ERR_FRAME_SIZE_ERROR);
}

void TestCaptureLog::recorderWithoutALogRecordsNothing()
{
    h2::FrameRecorder recorder(nullptr);
    QVERIFY(!recorder.on());
    QVERIFY(recorder.log() == nullptr);
    const Header9 h = frameHeader(0, 0x4, 0x1, 0);
    recorder.beginSend();
    recorder.streamClosed(1, 0, "");
    recorder.endSend(h.data(), h.size());
    recorder.sentData(h.data(), h.size(), false);
    recorder.notice(1, "code", "text");
    recorder.pushOutcome(2, 1, "completed", "", "/a.css");
    recorder.holdGuardNotice(0, "x");
    recorder.inputEnded();
    recorder.end();
}

QTEST_APPLESS_MAIN(TestCaptureLog)
#include "tst_capturelog.moc"
