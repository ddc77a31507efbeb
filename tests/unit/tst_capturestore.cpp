// CaptureStore: counters kept from a cheap scan of the raw logs (checked
// against what a real in-memory connection put on the wire), what each
// ingest() says changed, the memory budget and its eviction order (closed
// connections whole, oldest first; then the oldest sealed chunks of open
// ones), dissection on demand, clear(), and the saved capture's round trip.

#include "rawframes.h"
#include "rawpeer.h"

#include "inspect/capturefile.h"
#include "inspect/capturelog.h"
#include "inspect/capturestore.h"
#include "inspect/har.h"
#include "net/connection.h"
#include "site/response.h"
#include "site/staticsite.h"

#include <nghttp2/nghttp2.h>

#include <QTemporaryDir>
#include <QTest>

#include <array>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

using namespace h2scope;
using namespace h2scope::inspect;
using namespace h2scope::testing;

namespace {

using Ids = std::vector<std::uint64_t>;

std::vector<LogAnnouncement> collect(CaptureHub &hub)
{
    std::vector<LogAnnouncement> out;
    hub.collect(out);
    return out;
}

ConnectionOpened openedRecord(std::uint64_t id)
{
    ConnectionOpened o;
    o.peer = "127.0.0.1:" + std::to_string(40000 + id);
    o.local = "127.0.0.1:8443";
    o.tls = true;
    o.alpn = "h2";
    o.protocol = "h2";
    return o;
}

ConnectionClosed closedRecord()
{
    ConnectionClosed c;
    c.reason = "peer closed";
    c.bytesIn = 1000;
    c.bytesOut = 2000;
    c.streams = 1;
    return c;
}

// Frames of an unknown type carrying `size` payload bytes each, numbered by
// their stream id from `first` on: cheap records that fill chunks, each one
// FrameEvent when dissected.
void fill(CaptureLog &log, std::uint32_t first, std::uint32_t count, std::uint32_t size = 200)
{
    const std::string payload(size, 'f');
    const std::span<const std::uint8_t> bytes(reinterpret_cast<const std::uint8_t *>(payload.data()), payload.size());
    for (std::uint32_t i = first; i < first + count; ++i) {
        const auto h = frameHeader(size, 0xfa, 0, i);
        log.frame(true, h.data(), bytes);
    }
}

std::uint64_t framesIn(const std::shared_ptr<LogChunk> &chunk)
{
    LogReader reader;
    reader.append(chunk);
    std::uint64_t n = 0;
    RecordView r;
    while (reader.next(r))
        n += isFrameRecord(r.kind);
    return n;
}

std::uint64_t recordsIn(const std::vector<std::shared_ptr<LogChunk>> &chunks)
{
    LogReader reader;
    for (const auto &c : chunks)
        reader.append(c);
    std::uint64_t n = 0;
    RecordView r;
    while (reader.next(r))
        ++n;
    return n;
}

bool sameCounters(const ConnectionCounters &a, const ConnectionCounters &b)
{
    return a.framesIn == b.framesIn && a.framesOut == b.framesOut && a.frameBytesIn == b.frameBytesIn
           && a.frameBytesOut == b.frameBytesOut && a.dataBytesIn == b.dataBytesIn && a.dataBytesOut == b.dataBytesOut
           && a.socketBytesIn == b.socketBytesIn && a.socketBytesOut == b.socketBytesOut && a.streams == b.streams
           && a.pushedStreams == b.pushedStreams && a.notices == b.notices && a.records == b.records;
}

// The static site, plus a push of /a.css with /index.html.
class PushingSite final : public site::Handler {
public:
    explicit PushingSite(site::Handler &inner) : m_inner(inner) {}
    site::Response handle(const site::Request &request) override
    {
        site::Response r = m_inner.handle(request);
        r.pushPromises.clear();
        if (request.target == "/index.html")
            r.pushPromises = {"/a.css"};
        return r;
    }

private:
    site::Handler &m_inner;
};

// HPACK with a dynamic table kept between blocks, as a real client does.
class Deflater {
public:
    Deflater() { nghttp2_hd_deflate_new(&m_deflater, 4096); }
    ~Deflater() { nghttp2_hd_deflate_del(m_deflater); }
    Deflater(const Deflater &) = delete;
    Deflater &operator=(const Deflater &) = delete;
    std::string block(const Fields &fields)
    {
        std::vector<nghttp2_nv> nva;
        for (const auto &[name, value] : fields)
            nva.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
                                     reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(),
                                     value.size(), NGHTTP2_NV_FLAG_NONE});
        std::string out(nghttp2_hd_deflate_bound(m_deflater, nva.data(), nva.size()), '\0');
        const auto n = nghttp2_hd_deflate_hd(m_deflater, reinterpret_cast<std::uint8_t *>(out.data()), out.size(),
                                             nva.data(), nva.size());
        out.resize(n < 0 ? 0 : std::size_t(n));
        return out;
    }

private:
    nghttp2_hd_deflater *m_deflater = nullptr;
};

std::span<const std::uint8_t> bytesOf(const std::string &s)
{
    return {reinterpret_cast<const std::uint8_t *>(s.data()), s.size()};
}

} // namespace

class TestCaptureStore : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_static;
    std::unique_ptr<PushingSite> m_site;

    // A whole real connection: requests (one with a push), a request body,
    // a PING, then the peer closes. Returns the peer (its connection gone,
    // so its log is sealed). `midway` is called while it is still open.
    std::unique_ptr<RawPeer> realConnection(CaptureSink &sink, std::uint64_t id,
                                            const std::function<void()> &midway = {})
    {
        auto p = std::make_unique<RawPeer>(*m_site, id, &sink);
        p->send(kClientPreface + settingsFrame({}));
        p->send(settingsFrame({}, frame::ACK));
        p->send(headersFrame(1, hpack(getRequest("/index.html"))));
        p->send(headersFrame(3, hpack(getRequest("/a.css"))));
        p->send(headersFrame(
                    5,
                    hpack({{":method", "POST"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", "/a.css"}}),
                    frame::END_HEADERS)
                + rawFrame(frame::DATA, frame::END_STREAM, 5, "hello, request body"));
        p->send(ping());
        if (midway)
            midway();
        p->conn->peerClosed();
        p->drain();
        p->conn->close("test over");
        p->conn.reset(); // the log is complete
        return p;
    }

    // `count` real connections (ids 1..count), all in `store`.
    void moreConnectionsThanTheCache(CaptureHub &hub, CaptureStore &store, std::size_t count)
    {
        for (std::size_t i = 1; i <= count; ++i)
            realConnection(hub.sink(0), i);
        std::vector<LogAnnouncement> logs;
        hub.collect(logs);
        store.ingest(std::move(logs));
    }

private slots:
    void initTestCase();
    void countersMatchARealConnection();
    void deltaSaysWhatChanged();
    void evictsClosedConnectionsFirstOldestFirst();
    void evictsTheOldestSealedChunksOfOpenConnections();
    void dissectsOnDemand();
    void oneIndexGrowsWithTheDissection();
    void theIndexLogsWhichStreamsChanged();
    void truncationChangesTheDissection();
    void aLargeDissectionIsBoundedTheLogKeepsEverything();
    void clearDropsEverything();
    void harOfMoreConnectionsThanTheCacheHolds();
    void summariesOfEveryConnection();
    void summariesSurviveEviction();
    void saveAndReopenGiveTheSameCapture();
    void damagedCaptureFilesAreRefused();
    void clientIsKeptEvenWhilePaused();
};

void TestCaptureStore::initTestCase()
{
    QVERIFY(m_dir.isValid());
    std::ofstream(m_dir.filePath("index.html").toStdString()) << "<!doctype html><link rel=stylesheet href=/a.css>";
    std::ofstream(m_dir.filePath("a.css").toStdString()) << "body{color:red}";
    site::SiteOptions options;
    options.root = m_dir.path().toStdString();
    options.pushMode = site::PushMode::Off;
    auto s = site::StaticSite::create(options);
    QVERIFY(s.ok());
    m_static = std::move(*s);
    m_site = std::make_unique<PushingSite>(*m_static);
}

void TestCaptureStore::countersMatchARealConnection()
{
    CaptureHub hub(1);
    CaptureStore store;
    bool checkedOpen = false;
    std::uint64_t bytesIn = 0, bytesOut = 0;
    const auto p = realConnection(hub.sink(0), 21, [&] {
        // While open: listed, counted so far, not closed, no socket totals yet.
        const StoreDelta delta = store.ingest(collect(hub));
        QCOMPARE(delta.added, (Ids{21}));
        QCOMPARE(delta.changed, (Ids{21}));
        QVERIFY(delta.removed.empty());
        const ConnectionInfo *info = store.connection(21);
        QVERIFY(info);
        QVERIFY(info->opened.has_value());
        QVERIFY(!info->closed.has_value());
        QVERIFY(info->counters.framesIn > 0);
        QCOMPARE(info->counters.socketBytesIn, std::uint64_t(0));
        checkedOpen = true;
    });
    QVERIFY(checkedOpen);
    bytesIn = p->sent.size();
    bytesOut = p->out.size();

    const StoreDelta delta = store.ingest(collect(hub));
    QVERIFY(delta.added.empty());
    QCOMPARE(delta.changed, (Ids{21}));
    QVERIFY(store.ingest().empty()); // nothing new: nothing changed

    // What the wire says, frame by frame.
    const std::vector<ParsedFrame> in = parseFrames(p->sent.substr(kClientPreface.size()));
    const std::vector<ParsedFrame> out = parseFrames(p->out);
    std::uint64_t inBytes = 0, outBytes = 0, inData = 0, outData = 0, pushes = 0;
    for (const ParsedFrame &f : in) {
        inBytes += 9 + f.length;
        inData += f.type == frame::DATA ? f.length : 0;
    }
    for (const ParsedFrame &f : out) {
        outBytes += 9 + f.length;
        outData += f.type == frame::DATA ? f.length : 0;
        pushes += f.type == frame::PUSH_PROMISE;
    }
    QCOMPARE(pushes, std::uint64_t(1)); // the site pushed /a.css with /index.html
    QVERIFY(outData > 0);

    const ConnectionInfo *info = store.connection(21);
    QVERIFY(info);
    const ConnectionCounters &k = info->counters;
    QCOMPARE(k.framesIn, std::uint64_t(in.size()));
    QCOMPARE(k.framesOut, std::uint64_t(out.size()));
    QCOMPARE(k.frameBytesIn, inBytes);
    QCOMPARE(k.frameBytesOut, outBytes);
    QCOMPARE(k.dataBytesIn, inData);
    QCOMPARE(k.dataBytesIn, std::uint64_t(19));
    QCOMPARE(k.dataBytesOut, outData);
    QCOMPARE(k.streams, 3u + 1u); // three requests and one promise
    QCOMPARE(k.pushedStreams, 1u);
    // Socket totals come from the closed record: everything, preface included.
    QCOMPARE(k.socketBytesIn, bytesIn);
    QCOMPARE(k.socketBytesOut, bytesOut);
    QCOMPARE(k.records, recordsIn(*store.chunks(21)));
    QVERIFY(info->opened.has_value());
    QCOMPARE(info->opened->peer, std::string("127.0.0.1:50021")); // RawPeer: port 50000 + id
    QCOMPARE(info->opened->protocol, std::string("h2c"));
    QVERIFY(info->closed.has_value());
    QCOMPARE(info->closed->reason, std::string("test over"));
    QVERIFY(info->openedNs > 0 && info->openedNs <= info->lastNs);
    QCOMPARE(info->closedNs, info->lastNs);
    QCOMPARE(info->evictedFrames, std::uint64_t(0));
    QCOMPARE(store.storedFrames(), k.framesIn + k.framesOut);
    QCOMPARE(store.connectionIds(), (Ids{21}));
    QCOMPARE(info->memoryBytes, store.memoryUsed());
    std::size_t held = 0;
    for (const auto &c : *store.chunks(21))
        held += c->capacity();
    QVERIFY(store.memoryUsed() > held); // the log plus the store's bookkeeping

    // The events agree with the counters.
    std::uint64_t frameEvents = 0;
    bool pushCompleted = false;
    for (std::size_t i = 0; i < store.eventCount(21); ++i) {
        const Event *e = store.event(21, i);
        QVERIFY(e);
        QCOMPARE(e->connectionId, std::uint64_t(21));
        if (const auto *f = std::get_if<FrameEvent>(&e->data))
            frameEvents += !f->notSent;
        if (const auto *po = std::get_if<PushOutcome>(&e->data))
            pushCompleted |= po->outcome == "completed" && po->path == "/a.css";
    }
    QCOMPARE(frameEvents, k.framesIn + k.framesOut);
    QVERIFY(pushCompleted);
}

void TestCaptureStore::deltaSaysWhatChanged()
{
    CaptureHub hub(1);
    CaptureStore store;
    auto a = std::make_unique<CaptureLog>(hub.sink(0), 1);
    auto b = std::make_unique<CaptureLog>(hub.sink(0), 2);
    a->opened(openedRecord(1));
    b->opened(openedRecord(2));
    StoreDelta d = store.ingest(collect(hub));
    QCOMPARE(d.added, (Ids{1, 2}));
    QCOMPARE(d.changed, (Ids{1, 2})); // added ones count as changed
    QVERIFY(d.removed.empty());
    QVERIFY(!d.truncated);

    fill(*a, 1, 3);
    d = store.ingest(collect(hub));
    QVERIFY(d.added.empty());
    QCOMPARE(d.changed, (Ids{1}));
    QCOMPARE(store.connection(1)->counters.framesOut, std::uint64_t(3));

    b->closed(closedRecord());
    b.reset();
    d = store.ingest(collect(hub));
    QCOMPARE(d.changed, (Ids{2}));
    QVERIFY(store.connection(2)->closed.has_value());
    QVERIFY(store.ingest().empty());

    // A budget the next chunk of connection 1 goes over: the closed
    // connection 2 is evicted whole in that ingest(), and says so.
    std::vector<LogAnnouncement> fresh;
    std::uint32_t next = 4;
    while (fresh.empty()) {
        fill(*a, next++, 1);
        fresh = collect(hub);
    }
    QCOMPARE(fresh.size(), std::size_t(1));
    // One byte short of room for the new chunk: evicting 2 is enough.
    store.setBudget(store.memoryUsed() + fresh[0].chunk->capacity() - 1);
    QCOMPARE(store.connectionCount(), std::size_t(2));
    d = store.ingest(std::move(fresh));
    QCOMPARE(d.removed, (Ids{2}));
    QCOMPARE(d.changed, (Ids{1}));
    QVERIFY(d.added.empty());
    QVERIFY(!d.truncated); // a closed connection went, no open one had to lose anything
    QVERIFY(store.connection(2) == nullptr);
    QCOMPARE(store.connectionIds(), (Ids{1}));
    QCOMPARE(store.evictedConnections(), std::uint64_t(1));
}

void TestCaptureStore::evictsClosedConnectionsFirstOldestFirst()
{
    CaptureHub hub(1);
    CaptureStore store;
    // Accepted in id order: 1 closed, 2 open (several chunks), 3 closed (small), 4 closed (big).
    std::unique_ptr<CaptureLog> open;
    for (std::uint64_t id : {1, 2, 3, 4}) {
        auto log = std::make_unique<CaptureLog>(hub.sink(0), id);
        log->opened(openedRecord(id));
        fill(*log, 1, id == 2 ? 600 : id == 3 ? 10 : 100);
        if (id == 2) {
            open = std::move(log);
            continue;
        }
        log->closed(closedRecord());
    }
    store.ingest(collect(hub));
    QCOMPARE(store.connectionIds(), (Ids{1, 2, 3, 4}));
    std::map<std::uint64_t, std::size_t> mem;
    std::size_t sum = 0;
    for (std::uint64_t id : store.connectionIds())
        sum += (mem[id] = store.connection(id)->memoryBytes);
    QCOMPARE(store.memoryUsed(), sum);
    QVERIFY(mem[3] < mem[4]);

    // One byte over: the first accepted closed connection goes, however small.
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.connectionIds(), (Ids{2, 3, 4}));
    QCOMPARE(store.evictedConnections(), std::uint64_t(1));
    QCOMPARE(store.evictedBytes(), std::uint64_t(mem[1]));
    QCOMPARE(store.memoryUsed(), sum - mem[1]);
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.connectionIds(), (Ids{2, 4})); // 3 before 4, though 4 would free more
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.connectionIds(), (Ids{2}));
    QCOMPARE(store.evictedConnections(), std::uint64_t(3));
    QCOMPARE(store.evictedOpenConnections(), std::uint64_t(0));
    QCOMPARE(store.evictedFrames(), std::uint64_t(0)); // whole connections are not "evicted frames"

    // Only now the open connection loses its oldest chunk, and keeps its record.
    const ConnectionCounters before = store.connection(2)->counters;
    const auto chunks = *store.chunks(2);
    QVERIFY(chunks.size() >= 4);
    const std::uint64_t firstChunkFrames = framesIn(chunks[0]);
    store.setBudget(store.memoryUsed() - 1);
    const ConnectionInfo *info = store.connection(2);
    QVERIFY(info);
    QCOMPARE(store.chunks(2)->size(), chunks.size() - 1);
    QVERIFY(store.chunks(2)->front() == chunks[1]);
    QCOMPARE(info->evictedFrames, firstChunkFrames);
    QCOMPARE(store.evictedFrames(), firstChunkFrames);
    QCOMPARE(store.evictedOpenConnections(), std::uint64_t(1));
    QVERIFY(sameCounters(info->counters, before));
    QVERIFY(info->opened.has_value()); // its opened record was in the evicted chunk

    // However low the budget, the chunk it is writing stays.
    store.setBudget(0);
    QCOMPARE(store.chunks(2)->size(), std::size_t(1));
    QVERIFY(store.chunks(2)->front() == chunks.back());
    QVERIFY(!chunks.back()->sealed());
    const std::uint64_t left = framesIn(chunks.back());
    QCOMPARE(store.storedFrames(), left);
    QCOMPARE(info->evictedFrames, std::uint64_t(600) - left);
    QCOMPARE(store.evictedFrames(), info->evictedFrames);
    QCOMPARE(store.evictedOpenConnections(), std::uint64_t(chunks.size() - 1));
    QVERIFY(sameCounters(info->counters, before));

    // A truncated connection that closes keeps its counters and gets its close.
    store.setBudget(CaptureStore::kDefaultBudget);
    open->closed(closedRecord());
    open.reset();
    store.ingest(collect(hub));
    info = store.connection(2);
    QVERIFY(info && info->closed.has_value());
    QCOMPARE(info->counters.framesOut, before.framesOut);
    QCOMPARE(info->counters.socketBytesOut, std::uint64_t(2000));
    QCOMPARE(info->evictedFrames, std::uint64_t(600) - left);
}

void TestCaptureStore::evictsTheOldestSealedChunksOfOpenConnections()
{
    CaptureHub hub(1);
    CaptureStore store;
    CaptureLog five(hub.sink(0), 5);
    CaptureLog six(hub.sink(0), 6);
    fill(six, 1, 60); // six writes first, but five was accepted first
    fill(five, 1, 60);
    fill(six, 61, 60);
    fill(five, 61, 60);
    store.ingest(collect(hub));
    const auto fiveChunks = *store.chunks(5);
    const auto sixChunks = *store.chunks(6);
    QVERIFY(fiveChunks.size() >= 3 && sixChunks.size() >= 3);

    for (std::size_t i = 1; i < fiveChunks.size(); ++i) {
        store.setBudget(store.memoryUsed() - 1);
        QCOMPARE(store.chunks(5)->size(), fiveChunks.size() - i);
        QCOMPARE(store.chunks(6)->size(), sixChunks.size()); // untouched while five has a sealed chunk
    }
    QCOMPARE(store.connection(6)->evictedFrames, std::uint64_t(0));
    QCOMPARE(store.connection(5)->evictedFrames, 120 - framesIn(fiveChunks.back()));
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.chunks(5)->size(), std::size_t(1)); // its current chunk stays
    QCOMPARE(store.chunks(6)->size(), sixChunks.size() - 1);
    QCOMPARE(store.connection(6)->evictedFrames, framesIn(sixChunks[0]));
    QCOMPARE(store.evictedFrames(), store.connection(5)->evictedFrames + store.connection(6)->evictedFrames);

    // Through ingest(), the delta says an open connection was truncated.
    store.setBudget(store.memoryUsed());
    std::vector<LogAnnouncement> fresh;
    for (std::uint32_t i = 200; fresh.empty(); ++i) {
        fill(six, i, 1);
        fresh = collect(hub);
    }
    const StoreDelta d = store.ingest(std::move(fresh));
    QVERIFY(d.truncated);
    QCOMPARE(d.changed, (Ids{6}));
    QVERIFY(d.removed.empty());
}

void TestCaptureStore::dissectsOnDemand()
{
    CaptureHub hub(1);
    CaptureStore store;
    CaptureLog log(hub.sink(0), 1);
    log.opened(openedRecord(1));
    fill(log, 1, 50);
    CaptureLog other(hub.sink(0), 2);
    fill(other, 1, 2);
    store.ingest(collect(hub));

    QCOMPARE(store.eventCount(1), std::size_t(51));
    QVERIFY(std::holds_alternative<ConnectionOpened>(store.event(1, 0)->data));
    QVERIFY(std::get<ConnectionOpened>(store.event(1, 0)->data) == openedRecord(1));
    for (std::size_t i = 1; i <= 50; ++i) {
        const auto *f = std::get_if<FrameEvent>(&store.event(1, i)->data);
        QVERIFY(f);
        QCOMPARE(f->streamId, std::int32_t(i));
        QCOMPARE(f->type, std::uint8_t(0xfa));
    }
    QVERIFY(store.event(1, 51) == nullptr);
    QCOMPARE(store.eventCount(2), std::size_t(2));
    QCOMPARE(store.eventCount(99), std::size_t(0));
    QVERIFY(store.event(99, 0) == nullptr);
    QCOMPARE(store.dissectionGeneration(99), std::uint64_t(0));
    QVERIFY(store.dissectionGeneration(1) != store.dissectionGeneration(2));

    // More records: later indices appear, earlier ones keep their meaning
    // (the generation stays), and only what is new is dissected.
    const std::uint64_t generation = store.dissectionGeneration(1);
    const Event tenth = *store.event(1, 10);
    fill(log, 51, 5);
    store.ingest(collect(hub));
    QCOMPARE(store.eventCount(1), std::size_t(56));
    QCOMPARE(store.dissectionGeneration(1), generation);
    QVERIFY(*store.event(1, 10) == tenth);
    QCOMPARE(std::get<FrameEvent>(store.event(1, 55)->data).streamId, 55);
    QVERIFY(store.dissectionBytes() > 0);

    // The cache holds a few connections; one let go is made again, the same.
    std::vector<std::unique_ptr<CaptureLog>> more;
    for (std::uint64_t id = 10; id < 10 + CaptureStore::kCachedDissections + 1; ++id) {
        more.push_back(std::make_unique<CaptureLog>(hub.sink(0), id));
        fill(*more.back(), 1, 1);
    }
    store.ingest(collect(hub));
    for (std::uint64_t id = 10; id < 10 + CaptureStore::kCachedDissections + 1; ++id)
        QCOMPARE(store.eventCount(id), std::size_t(1));
    QVERIFY(*store.event(1, 10) == tenth);
    QCOMPARE(store.eventCount(1), std::size_t(56));
}

void TestCaptureStore::oneIndexGrowsWithTheDissection()
{
    // The store's index of a real connection: its streams and push, the
    // same object for every caller while the dissection is cached, grown
    // (revision on) as more is recorded, a new one when the dissection is
    // made again.
    CaptureHub hub(1);
    auto first = realConnection(hub.sink(0), 1);
    CaptureStore store;
    store.ingest(collect(hub));
    const std::shared_ptr<const ConnectionIndex> index = store.index(1);
    QVERIFY(index);
    QVERIFY(store.index(99) == nullptr);
    QVERIFY(store.index(1) == index);
    QVERIFY(index->complete());
    QCOMPARE(index->connectionId(), std::uint64_t(1));
    QCOMPARE(index->requestCount(), std::size_t(3));
    const StreamSummary *page = index->stream(1);
    QVERIFY(page);
    QCOMPARE(page->method, std::string("GET"));
    QCOMPARE(page->path, std::string("/index.html"));
    QCOMPARE(page->status, 200);
    QVERIFY(page->closed);
    QCOMPARE(store.index(1)->stream(5)->method, std::string("POST"));
    const StreamSummary *pushed = index->stream(2);
    QVERIFY(pushed);
    QVERIFY(pushed->pushed);
    QCOMPARE(pushed->parentId, 1);
    QCOMPARE(pushed->path, std::string("/a.css"));
    QVERIFY(!pushed->pushOutcome.empty());
    // Every frame event, in order, and each stream's frames among them.
    std::vector<std::size_t> frames;
    for (std::size_t i = store.firstEventIndex(1); i < store.eventCount(1); ++i)
        if (std::holds_alternative<FrameEvent>(store.event(1, i)->data))
            frames.push_back(i);
    QCOMPARE(index->frames(), frames);
    QCOMPARE(frames.size(),
             std::size_t(store.connection(1)->counters.framesIn + store.connection(1)->counters.framesOut));
    for (std::size_t i : page->frames)
        QCOMPARE(std::get<FrameEvent>(store.event(1, i)->data).streamId, 1);
    QVERIFY(!index->settings().empty());
    QVERIFY(index->settings().front().ackNs != 0);
    QVERIFY(store.dissectionBytes() >= index->bytes());
    // The size the store charges is kept as events are taken; it must be
    // what counting every stream gives.
    QCOMPARE(index->bytes(), index->recountBytes());
    QVERIFY(index->bytes() > sizeof(ConnectionIndex) + index->streams().size() * sizeof(StreamSummary));

    // An open connection: the index grows in place as the log does.
    CaptureLog log(hub.sink(0), 2);
    log.opened(openedRecord(2));
    fill(log, 1, 10);
    store.ingest(collect(hub));
    const std::shared_ptr<const ConnectionIndex> open = store.index(2);
    QCOMPARE(open->frames().size(), std::size_t(10));
    const std::uint64_t revision = open->revision();
    QCOMPARE(store.index(2)->revision(), revision); // nothing new, nothing changed
    fill(log, 11, 5);
    store.ingest(collect(hub));
    QVERIFY(store.index(2) == open);
    QVERIFY(open->revision() > revision);
    QCOMPARE(open->frames().size(), std::size_t(15));
    QCOMPARE(open->frames().back(), store.eventCount(2) - 1);

    // Let go from the cache and made again: a new index, the same content;
    // the old one stays whole for whoever holds it.
    std::vector<std::unique_ptr<CaptureLog>> more;
    for (std::uint64_t id = 10; id < 10 + CaptureStore::kCachedDissections; ++id) {
        more.push_back(std::make_unique<CaptureLog>(hub.sink(0), id));
        fill(*more.back(), 1, 1);
    }
    store.ingest(collect(hub));
    for (std::uint64_t id = 10; id < 10 + CaptureStore::kCachedDissections; ++id)
        QVERIFY(store.index(id));
    const std::shared_ptr<const ConnectionIndex> again = store.index(1);
    QVERIFY(again != index);
    QCOMPARE(again->frames(), index->frames());
    QCOMPARE(again->streams().size(), index->streams().size());
    QCOMPARE(again->bytes(), again->recountBytes());
    QCOMPARE(open->bytes(), open->recountBytes());
    QCOMPARE(index->stream(1)->path, std::string("/index.html"));
    store.clear();
    QVERIFY(store.index(1) == nullptr);
    QCOMPARE(open->frames().size(), std::size_t(15));
}

void TestCaptureStore::theIndexLogsWhichStreamsChanged()
{
    // A view follows the log with a cursor and repaints what it names; when
    // the log has moved on past the cursor, it is told so.
    ConnectionIndex index(1);
    const auto opened = [](std::int32_t id) {
        return Event{1000, 1, StreamOpened{id, "GET", "https", "localhost", "/x", {}, false, 0}};
    };
    const auto closed = [](std::int32_t id) {
        StreamClosed c;
        c.streamId = id;
        c.status = 200;
        return Event{2000, 1, c};
    };
    std::size_t logical = 0;
    index.take(opened(1), logical++);
    index.take(opened(3), logical++);
    const std::uint64_t cursor = index.changesEnd();
    index.take(closed(1), logical++);
    std::vector<std::uint32_t> seen;
    QVERIFY(index.changesSince(cursor, [&](std::uint32_t order) { seen.push_back(order); }));
    QCOMPARE(seen, std::vector<std::uint32_t>{index.stream(1)->order});
    QCOMPARE(index.stream(1)->order, 0u);
    QCOMPARE(index.stream(3)->order, 1u);
    seen.clear();
    QVERIFY(index.changesSince(0, [&](std::uint32_t order) { seen.push_back(order); }));
    QCOMPARE(seen, (std::vector<std::uint32_t>{0, 1, 0}));

    // Only the newest entries are kept: an old cursor is told it fell behind.
    for (std::int32_t id = 5; index.changesEnd() < ConnectionIndex::kMaxChanges + 10; id += 2)
        index.take(opened(id), logical++);
    QVERIFY(!index.changesSince(0, [](std::uint32_t) {}));
    std::size_t recent = 0;
    QVERIFY(index.changesSince(index.changesEnd() - 5, [&](std::uint32_t) { ++recent; }));
    QCOMPARE(recent, std::size_t(5));
    QCOMPARE(index.bytes(), index.recountBytes());
}

void TestCaptureStore::aLargeDissectionIsBoundedTheLogKeepsEverything()
{
    // One open connection that keeps growing while the window shows it: the
    // view's dissection keeps at most its limit of events (the oldest go, as
    // with an eviction, but nothing leaves the log), and exports still get
    // every frame.
    CaptureHub hub(1);
    CaptureLog log(hub.sink(0), 1);
    log.opened(openedRecord(1));
    CaptureStore store;
    constexpr std::size_t kLimit = 256u << 10;
    store.setDissectionLimit(kLimit);
    std::uint32_t written = 0;
    for (int round = 0; round < 40; ++round) {
        fill(log, written + 1, 200);
        written += 200;
        store.ingest(collect(hub));
        QVERIFY(store.eventCount(1) > store.firstEventIndex(1)); // the view reads on
    }
    store.ingest(collect(hub));
    QCOMPARE(store.connection(1)->evictedFrames, std::uint64_t(0));
    const std::size_t first = store.firstEventIndex(1);
    QVERIFY2(first > 0, "the oldest events should have been let go");
    QVERIFY(store.event(1, first - 1) == nullptr);
    QVERIFY(store.eventTrimmed(1, first - 1));
    QVERIFY(!store.eventTrimmed(1, first));
    QVERIFY(store.event(1, first) != nullptr);
    // Bounded: the limit, plus at most the events of the chunk being read.
    const std::size_t indexBytes = store.index(1)->bytes();
    QVERIFY2(store.dissectionBytes() - indexBytes < 2 * kLimit, qPrintable(QString::number(store.dissectionBytes())));
    // The index still numbers every frame; the log and the exports have them all.
    QCOMPARE(store.index(1)->frames().size(), std::size_t(written));
    const std::size_t viewEnd = store.eventCount(1);
    std::uint32_t frames = 0, next = 1;
    bool inOrder = true;
    store.forEachEvent(1, [&](const Event &e) {
        if (const auto *f = std::get_if<FrameEvent>(&e.data)) {
            inOrder = inOrder && f->streamId == static_cast<std::int32_t>(next++);
            ++frames;
        }
    });
    QCOMPARE(frames, written);
    QVERIFY(inOrder);
    // The export left the view's dissection alone.
    QCOMPARE(store.eventCount(1), viewEnd);
    QCOMPARE(store.firstEventIndex(1), first);

    // The budget then evicts the oldest chunks: those are evicted, not trimmed.
    store.setBudget(store.memoryUsed() / 2);
    QVERIFY(store.connection(1)->evictedFrames > 0);
    const std::size_t after = store.firstEventIndex(1);
    QVERIFY(after >= first);
    QVERIFY(!store.eventTrimmed(1, 0));
    std::uint32_t left = 0;
    store.forEachEvent(1, [&](const Event &e) { left += std::holds_alternative<FrameEvent>(e.data); });
    QCOMPARE(std::uint64_t(left) + store.connection(1)->evictedFrames, std::uint64_t(written));
}

void TestCaptureStore::truncationChangesTheDissection()
{
    CaptureHub hub(1);
    CaptureLog log(hub.sink(0), 1);
    CaptureLog other(hub.sink(0), 2);
    log.opened(openedRecord(1));
    // Request 1 adds x-token to the client's HPACK table; request 3 (many
    // chunks later) refers to it.
    Deflater client;
    Fields request = getRequest("/one");
    request.emplace_back("x-token", "secret-value");
    const std::string first = client.block(request);
    request[3].second = "/two";
    const std::string second = client.block(request);
    QVERIFY(second.size() < first.size()); // table references, not literals
    const auto h1 = frameHeader(std::uint32_t(first.size()), 0x1, 0x5, 1);
    log.frame(false, h1.data(), bytesOf(first));
    fill(log, 100, 400);
    const auto h3 = frameHeader(std::uint32_t(second.size()), 0x1, 0x5, 3);
    log.frame(false, h3.data(), bytesOf(second));
    fill(other, 1, 1);
    const std::vector<LogAnnouncement> logs = collect(hub);

    const auto streamsOpened = [](const CaptureStore &store) {
        std::vector<std::string> paths;
        for (std::size_t i = store.firstEventIndex(1); i < store.eventCount(1); ++i)
            if (const auto *so = std::get_if<StreamOpened>(&store.event(1, i)->data))
                paths.push_back(so->path + " " + std::string(so->headers.find("x-token").value_or("")));
        return paths;
    };

    // 1. The connection's events are cached when its first chunk goes: they
    // keep their indices, the evicted ones are gone, and the decoding goes
    // on with the state the evicted part built.
    CaptureStore store;
    store.ingest(std::vector<LogAnnouncement>(logs));
    QCOMPARE(streamsOpened(store), (std::vector<std::string>{"/one secret-value", "/two secret-value"}));
    const std::size_t before = store.eventCount(1);
    const std::uint64_t generation = store.dissectionGeneration(1);
    const std::uint64_t otherGeneration = store.dissectionGeneration(2);
    const Event lastBefore = *store.event(1, before - 1);
    const std::uint64_t evicted = framesIn(store.chunks(1)->front());
    const std::shared_ptr<const ConnectionIndex> index = store.index(1);
    std::size_t lastFrame = before;
    while (lastFrame > 0 && !std::holds_alternative<FrameEvent>(store.event(1, lastFrame - 1)->data))
        --lastFrame;
    QVERIFY(lastFrame > 0);
    QCOMPARE(index->frames().back(), lastFrame - 1);
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.connection(1)->evictedFrames, evicted);
    QVERIFY(store.index(1) == index); // the same numbers, so the same index
    QCOMPARE(index->frames().back(), lastFrame - 1);
    QCOMPARE(store.dissectionGeneration(1), generation);
    QCOMPARE(store.dissectionGeneration(2), otherGeneration);
    QCOMPARE(store.eventCount(1), before);
    QVERIFY(store.firstEventIndex(1) > 0);
    QVERIFY(store.event(1, store.firstEventIndex(1) - 1) == nullptr);
    QVERIFY(*store.event(1, before - 1) == lastBefore);
    QCOMPARE(streamsOpened(store), (std::vector<std::string>{"/two secret-value"}));
    QVERIFY(store.connection(1)->opened.has_value());
    // Down to the chunk being written (the events behind are compacted away
    // on the way): the indices of what is left still hold.
    store.setBudget(0);
    QCOMPARE(store.chunks(1)->size(), std::size_t(1));
    QCOMPARE(store.dissectionGeneration(1), generation);
    QCOMPARE(store.eventCount(1), before);
    QVERIFY(*store.event(1, before - 1) == lastBefore);
    std::size_t framesLeft = 0;
    for (std::size_t i = store.firstEventIndex(1); i < store.eventCount(1); ++i)
        framesLeft += std::holds_alternative<FrameEvent>(store.event(1, i)->data);
    QCOMPARE(framesLeft, std::size_t(framesIn(store.chunks(1)->front())));
    // A HAR of it says that a connection lost frames to the budget.
    QVERIFY(toHar(store).find("1 connection(s) lost their oldest frames") != std::string::npos);

    // 2. Evicted before anything was dissected: what is left is dissected
    // from its first record on, under a new generation, and request 3's
    // block, which refers to table entries the evicted part made, says so.
    CaptureStore later;
    later.ingest(std::vector<LogAnnouncement>(logs));
    const std::uint64_t laterGeneration = later.dissectionGeneration(1);
    later.setBudget(later.memoryUsed() - 1);
    QCOMPARE(later.connection(1)->evictedFrames, evicted);
    const auto *firstLeft = std::get_if<FrameEvent>(&later.event(1, later.firstEventIndex(1))->data);
    QVERIFY(firstLeft);
    QCOMPARE(firstLeft->streamId,
             std::int32_t(100 + evicted - 1)); // the evicted frames: request 1's HEADERS and fillers
    QVERIFY(later.dissectionGeneration(1) != laterGeneration);
    QVERIFY(later.eventCount(1) < before);
    bool notDecoded = false;
    for (std::size_t i = later.firstEventIndex(1); i < later.eventCount(1); ++i)
        if (const auto *n = std::get_if<Notice>(&later.event(1, i)->data); n && n->code == "header-block-not-decoded") {
            notDecoded = true;
            QCOMPARE(n->streamId, 3);
            QVERIFY2(n->text.find("does not hold the start") != std::string::npos, n->text.c_str());
        }
    QVERIFY(notDecoded);
    for (const std::string &p : streamsOpened(later))
        QVERIFY2(p != "/two secret-value", "a block was decoded without the table state it needs");
}

void TestCaptureStore::harOfMoreConnectionsThanTheCacheHolds()
{
    // The HAR reads every connection's dissection one after the other, while
    // the store keeps only a few dissected: each entry must still carry its
    // own request and response headers once the others were dissected.
    CaptureHub hub(1);
    const std::size_t connections = CaptureStore::kCachedDissections + 3;
    CaptureStore store;
    moreConnectionsThanTheCache(hub, store, connections);
    QCOMPARE(store.connectionCount(), connections);
    const std::string har = toHar(store);
    // Three requests a connection (the POST one as well), each with its
    // request's user-agent and the response's server header.
    const auto count = [&har](std::string_view needle) {
        std::size_t n = 0;
        for (std::size_t at = har.find(needle); at != std::string::npos; at = har.find(needle, at + 1))
            ++n;
        return n;
    };
    QCOMPARE(count("\"_connection_id\""), connections * 4); // three requests and the pushed one
    QCOMPARE(count("\"name\":\"server\",\"value\":\"h2scope\""), connections * 4);
    QCOMPARE(count("\"url\":\"http://localhost/a.css\""), connections * 3); // GET, POST and pushed
    QCOMPARE(count("lost their oldest frames"), std::size_t(0));            // nothing was evicted
}

void TestCaptureStore::summariesOfEveryConnection()
{
    // The Requests view reads every connection's streams at once: more
    // connections than the dissection cache holds, none of them cached.
    CaptureHub hub(1);
    const std::size_t connections = CaptureStore::kCachedDissections + 3;
    CaptureStore store;
    moreConnectionsThanTheCache(hub, store, connections);
    QVERIFY(!store.summary(1)); // off until asked for
    store.setSummaries(true);
    // In slices as small as the clock allows, it still gets there.
    int slices = 0;
    while (!store.summarize(std::chrono::nanoseconds(1)) && slices < 100000)
        ++slices;
    QVERIFY(store.summarize());
    for (std::size_t i = 1; i <= connections; ++i) {
        const auto index = store.summary(i);
        QVERIFY(index);
        QCOMPARE(index->streams().size(), std::size_t(4)); // three requests and the pushed one
        std::vector<std::string> seen;
        for (const auto &[id, st] : index->streams())
            seen.push_back(st.method + " " + st.path + " " + std::to_string(st.status) + (st.pushed ? " pushed" : ""));
        QVERIFY2(std::find(seen.begin(), seen.end(), "GET /a.css 200 pushed") != seen.end(), seen.front().c_str());
        QVERIFY(std::find(seen.begin(), seen.end(), "GET /index.html 200") != seen.end());
        QVERIFY(index->complete());
    }
    QCOMPARE(store.dissectionBytes(), std::size_t(0)); // no event was kept for it
    QVERIFY(store.summaryBytes() > 0);
    // A few hundred bytes a stream (the request, the response, the relations).
    QVERIFY2(store.summaryBytes() < (connections * 4) * 1024, qPrintable(QString::number(store.summaryBytes())));

    // New connections get one as they arrive; off lets them all go.
    realConnection(hub.sink(0), 99);
    std::vector<LogAnnouncement> logs;
    hub.collect(logs);
    store.ingest(std::move(logs));
    QVERIFY(store.summarize());
    QCOMPARE(store.summary(99)->streams().size(), std::size_t(4));
    store.setSummaries(false);
    QVERIFY(!store.summary(99));
    QCOMPARE(store.summaryBytes(), std::size_t(0));
}

void TestCaptureStore::summariesSurviveEviction()
{
    CaptureHub hub(1);
    CaptureStore store;
    store.setSummaries(true);
    CaptureLog five(hub.sink(0), 5);
    fill(five, 1, 120);
    store.ingest(collect(hub));
    QVERIFY(store.chunks(5)->size() >= 3);
    // Read first: an evicted chunk is one it already has.
    QVERIFY(store.summarize());
    const auto before = store.summary(5);
    store.setBudget(store.memoryUsed() - 1);
    QCOMPARE(store.summaryLostConnections(), std::uint64_t(0));
    QCOMPARE(store.summary(5), before);
    // Not read yet: it starts over from what is left, and says so.
    CaptureStore lagging;
    lagging.setSummaries(true);
    CaptureLog six(hub.sink(0), 6);
    fill(six, 1, 120);
    lagging.ingest(collect(hub));
    const auto first = lagging.summary(6);
    lagging.setBudget(lagging.memoryUsed() - 1);
    QCOMPARE(lagging.summaryLostConnections(), std::uint64_t(1));
    QVERIFY(lagging.summary(6) != first);
    QVERIFY(lagging.summarize());
}

void TestCaptureStore::clearDropsEverything()
{
    CaptureHub hub(1);
    CaptureStore store;
    {
        CaptureLog a(hub.sink(0), 1);
        a.opened(openedRecord(1));
        fill(a, 1, 300);
        a.closed(closedRecord());
    }
    CaptureLog b(hub.sink(0), 2);
    fill(b, 1, 300);
    store.ingest(collect(hub));
    store.setBudget(store.memoryUsed() - 1); // something evicted, so the counters have something to forget
    QVERIFY(store.evictedConnections() == 1);
    store.setBudget(store.memoryUsed() - 1);
    QVERIFY(store.evictedFrames() > 0);
    QCOMPARE(store.eventCount(2), std::size_t(store.storedFrames()));
    const std::uint64_t generation = store.dissectionGeneration(2);

    store.clear();
    QCOMPARE(store.connectionCount(), std::size_t(0));
    QVERIFY(store.connectionIds().empty());
    QCOMPARE(store.memoryUsed(), std::size_t(0));
    QCOMPARE(store.dissectionBytes(), std::size_t(0));
    QCOMPARE(store.storedFrames(), std::uint64_t(0));
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    QCOMPARE(store.evictedFrames(), std::uint64_t(0));
    QCOMPARE(store.evictedBytes(), std::uint64_t(0));
    QCOMPARE(store.evictedOpenConnections(), std::uint64_t(0));
    QVERIFY(store.connection(2) == nullptr);
    QVERIFY(store.chunks(2) == nullptr);
    QCOMPARE(store.eventCount(2), std::size_t(0));

    // Connections come again after a clear; a view sees a new generation
    // even for an id it knew.
    store.setBudget(CaptureStore::kDefaultBudget);
    CaptureLog again(hub.sink(0), 2);
    fill(again, 1, 3);
    const StoreDelta d = store.ingest(collect(hub));
    QCOMPARE(d.added, (Ids{2}));
    QCOMPARE(store.eventCount(2), std::size_t(3));
    QVERIFY(store.dissectionGeneration(2) != generation);
}

void TestCaptureStore::saveAndReopenGiveTheSameCapture()
{
    CaptureHub hub(1);
    CaptureStore store;
    // 3: open and truncated (its first chunk evicted); 5: open, small.
    CaptureLog three(hub.sink(0), 3);
    three.opened(openedRecord(3));
    fill(three, 1, 300);
    CaptureLog five(hub.sink(0), 5);
    five.opened(openedRecord(5));
    five.notice(0, "note", "an open connection");
    fill(five, 1, 4);
    store.ingest(collect(hub));
    store.setBudget(store.memoryUsed() - 1);
    QVERIFY(store.connection(3)->evictedFrames > 0);
    store.setBudget(CaptureStore::kDefaultBudget);
    // 21: a whole real connection, closed.
    realConnection(hub.sink(0), 21);
    store.ingest(collect(hub));
    store.setWallClockOffsetNs(1700000000000000000ll);

    const std::string bytes = serializeCapture(store);
    QVERIFY(looksLikeCapture(bytes));
    CaptureStore back;
    const Result<void> parsed = parseCapture(bytes, back);
    QVERIFY2(parsed.ok(), parsed.ok() ? "" : parsed.error().message.c_str());
    QCOMPARE(back.connectionIds(), (Ids{3, 5, 21}));
    QCOMPARE(back.wallClockOffsetNs(), std::int64_t(1700000000000000000ll));
    QCOMPARE(back.storedFrames(), store.storedFrames());
    for (std::uint64_t id : store.connectionIds()) {
        const ConnectionInfo *a = store.connection(id);
        const ConnectionInfo *b = back.connection(id);
        QVERIFY(a && b);
        QCOMPARE(b->evictedFrames, a->evictedFrames);
        QVERIFY(b->closed == a->closed);
        QCOMPARE(b->closedNs, a->closedNs);
        QCOMPARE(b->lastNs, a->lastNs);
        // Every counter and the opening come back, a truncated connection's
        // too (the file keeps its counters, and its opening in front of what
        // is left of its log).
        QVERIFY(b->opened == a->opened);
        QVERIFY2(sameCounters(b->counters, a->counters), qPrintable(QString::number(id)));
        QCOMPARE(b->openedNs, a->openedNs);
        // A truncated connection's events are its opening, then those of what
        // is left; anyone else's are the same.
        const std::size_t shift = a->evictedFrames > 0 ? 1 : 0;
        if (shift) {
            const auto *o = std::get_if<ConnectionOpened>(&back.event(id, 0)->data);
            QVERIFY(o && a->opened && *o == *a->opened);
        }
        QCOMPARE(back.eventCount(id), store.eventCount(id) - store.firstEventIndex(id) + shift);
        for (std::size_t i = store.firstEventIndex(id); i < store.eventCount(id); ++i)
            QVERIFY2(*back.event(id, i - store.firstEventIndex(id) + shift) == *store.event(id, i),
                     qPrintable(QStringLiteral("connection %1 event %2").arg(id).arg(i)));
    }
    QVERIFY(back.connection(21)->counters.pushedStreams == 1);
    // Saving the reopened capture gives the same bytes.
    QCOMPARE(serializeCapture(back), bytes);
}

void TestCaptureStore::damagedCaptureFilesAreRefused()
{
    CaptureHub hub(1);
    CaptureStore store;
    {
        CaptureLog log(hub.sink(0), 1);
        log.opened(openedRecord(1));
        fill(log, 1, 20);
        log.closed(closedRecord());
    }
    store.ingest(collect(hub));
    const std::string good = serializeCapture(store);

    const auto refused = [](const std::string &bytes, const char *expected) {
        CaptureStore target;
        const Result<void> r = parseCapture(bytes, target);
        if (r.ok()) {
            qWarning("accepted a damaged capture (expected \"%s\")", expected);
            return false;
        }
        const bool said =
            r.error().code == Errc::InvalidArgument && r.error().message.find(expected) != std::string::npos;
        if (!said)
            qWarning("message \"%s\" does not say \"%s\"", r.error().message.c_str(), expected);
        return said && target.connectionCount() == 0 && target.memoryUsed() == 0;
    };
    QVERIFY(refused("garbage, not a capture at all", "not an h2scope capture"));
    QVERIFY(refused(std::string(), "not an h2scope capture"));
    QVERIFY(refused(good.substr(0, 20), "cut off in its header"));
    QVERIFY(refused(good.substr(0, good.size() - 5), "cut off"));
    QVERIFY(refused(good.substr(0, 32 + 10), "cut off at byte 32"));
    std::string newer = good;
    newer[16] = 3; // u32 version right after the magic
    QVERIFY(refused(newer, "version 3"));
    QVERIFY(refused(newer, "newer h2scope"));
    // Version 1 (before the compact records) still opens: its records are
    // all of the long form, which this reader reads too.
    std::string older = good;
    older[16] = 1;
    CaptureStore reopened;
    QVERIFY(parseCapture(older, reopened).ok());
    // A connection whose log length is right but whose records are not whole.
    std::string damaged = good.substr(0, 32);        // magic, version, flags, clock offset
    const std::string junk("\x08\xff\xff\x00zz", 6); // a Notice claiming 65535 bytes
    std::vector<std::uint64_t> block{1, 0};          // id, frames evicted
    block.insert(block.end(), 12, 0);                // counters
    block.push_back(junk.size());                    // log length
    for (std::uint64_t v : block)
        for (int i = 0; i < 8; ++i)
            damaged.push_back(char(v >> (8 * i)));
    damaged += junk;
    QVERIFY(refused(damaged, "cut off in a record"));
    // The same connection twice.
    const std::string body = good.substr(32);
    QVERIFY(refused(good + body, "appears twice"));

    // A failed parse into a store that held something leaves it empty too,
    // and the store can take a good capture afterwards.
    CaptureStore reused;
    QVERIFY(parseCapture(good, reused).ok());
    QCOMPARE(reused.connectionCount(), std::size_t(1));
    QVERIFY(!parseCapture(good.substr(0, good.size() - 1), reused).ok());
    QCOMPARE(reused.connectionCount(), std::size_t(0));
    QCOMPARE(reused.memoryUsed(), std::size_t(0));
    QVERIFY(parseCapture(good, reused).ok());
    QCOMPARE(reused.eventCount(1), store.eventCount(1));
}

// The connection list's Client: the first request's user-agent, written
// even while the capture is paused (it comes once), clipped, and counted in
// the connection's memory.
void TestCaptureStore::clientIsKeptEvenWhilePaused()
{
    CaptureHub hub(1);
    hub.setEnabled(false);
    {
        CaptureLog log(hub.sink(0), 7);
        ConnectionOpened opened;
        opened.peer = "127.0.0.1:1";
        log.opened(opened);
        log.client("curl/8.1.2 " + std::string(2000, 'x'));
        log.closed({});
    }
    hub.setEnabled(true);
    CaptureStore store;
    store.ingest(collect(hub));
    const ConnectionInfo *info = store.connection(7);
    QVERIFY(info);
    QVERIFY(info->client.rfind("curl/8.1.2 ", 0) == 0);
    QCOMPARE(info->client.size(), CaptureLog::kMaxClientBytes);
    QVERIFY(info->memoryBytes >= info->client.size());
}

QTEST_APPLESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"
