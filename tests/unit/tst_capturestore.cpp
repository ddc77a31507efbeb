// CaptureStore: indexing by connection and stream, stable indices, the memory
// budget and its eviction order (oldest closed connection first).

#include "inspect/capturestore.h"

#include <QTest>

using namespace h2scope::inspect;

namespace {

Event opened(std::uint64_t conn, std::uint64_t t)
{
    ConnectionOpened o;
    o.peer = "127.0.0.1:" + std::to_string(40000 + conn);
    o.tls = true;
    o.alpn = "h2";
    return Event{t, conn, o};
}

Event closed(std::uint64_t conn, std::uint64_t t)
{
    ConnectionClosed c;
    c.reason = "peer closed";
    c.bytesIn = 1000;
    c.bytesOut = 2000;
    return Event{t, conn, c};
}

Event frame(std::uint64_t conn, std::uint64_t t, Direction dir, std::uint8_t type, std::int32_t stream,
            std::uint32_t length = 10)
{
    FrameEvent f;
    f.dir = dir;
    f.type = type;
    f.streamId = stream;
    f.length = length;
    return Event{t, conn, f};
}

// A frame carrying a heap-allocated header list, about 1 KiB per event.
Event bulky(std::uint64_t conn, std::uint64_t t)
{
    FrameEvent f;
    f.dir = Direction::Out;
    f.type = 0x01;
    f.streamId = 1;
    f.headers = {{"x-filler", std::string(900, 'x')}};
    return Event{t, conn, f};
}

} // namespace

class TestCaptureStore : public QObject {
    Q_OBJECT

private slots:
    void indexesByConnectionAndStream();
    void countersAndSequenceNumbers();
    void evictsOldestClosedConnectionFirst();
    void evictsOpenConnectionEventsOnlyWhenNoClosedOneLeft();
    void evictsABigConnectionSliceBySlice();
    void setBudgetAndClear();
    void estimateCountsHeap();
    void manyEventsKeepTheirIndicesThroughEviction();
    void manyOpenConnectionsLoseTheirOldestEventsFirst();
    void anOldOpenConnectionCannotPinTheIndex();
};

void TestCaptureStore::indexesByConnectionAndStream()
{
    CaptureStore store;
    std::vector<Event> batch;
    batch.push_back(opened(1, 100));                                      // index 0
    batch.push_back(frame(1, 110, Direction::In, 0x04, 0));               // 1 SETTINGS
    StreamOpened so;
    so.streamId = 1;
    so.method = "GET";
    so.path = "/";
    batch.push_back(Event{120, 1, so});                                   // 2
    batch.push_back(frame(1, 121, Direction::In, 0x01, 1));               // 3 HEADERS
    FrameEvent pp;
    pp.dir = Direction::Out;
    pp.type = 0x05;
    pp.streamId = 1;
    pp.promisedStreamId = 2;
    batch.push_back(Event{125, 1, pp});                                   // 4 PUSH_PROMISE
    batch.push_back(frame(1, 130, Direction::Out, 0x01, 1));              // 5
    batch.push_back(frame(1, 131, Direction::Out, 0x00, 2, 500));         // 6 DATA on 2
    StreamClosed sc;
    sc.streamId = 1;
    sc.status = 200;
    batch.push_back(Event{140, 1, sc});                                   // 7
    batch.push_back(opened(2, 105));                                      // other connection, opened in between
    batch.push_back(frame(2, 150, Direction::In, 0x06, 0));
    store.add(std::move(batch));
    QVERIFY(batch.empty());

    QCOMPARE(store.connectionIds(), (std::vector<std::uint64_t>{1, 2}));
    QCOMPARE(store.eventCount(1), std::size_t(8));
    QCOMPARE(store.firstEventIndex(1), std::size_t(0));
    QCOMPARE(store.eventCount(2), std::size_t(2));
    QCOMPARE(store.eventCount(99), std::size_t(0));
    QVERIFY(store.event(99, 0) == nullptr);
    QVERIFY(store.event(1, 8) == nullptr);
    QVERIFY(std::holds_alternative<ConnectionOpened>(store.event(1, 0)->data));
    QCOMPARE(store.event(1, 3)->timeNs, std::uint64_t(121));

    QCOMPARE(store.streamIds(1), (std::vector<std::int32_t>{1, 2}));
    QCOMPARE(store.streamEvents(1, 1), (std::vector<std::size_t>{2, 3, 4, 5, 7}));
    // The promised stream's history starts with the PUSH_PROMISE.
    QCOMPARE(store.streamEvents(1, 2), (std::vector<std::size_t>{4, 6}));
    QVERIFY(store.streamEvents(1, 3).empty());
    QVERIFY(store.streamEvents(2, 0).empty()); // connection-level frames are not a stream
    QVERIFY(store.streamIds(2).empty());
}

void TestCaptureStore::countersAndSequenceNumbers()
{
    CaptureStore store;
    store.add(opened(5, 10));
    store.add(frame(5, 11, Direction::In, 0x04, 0, 18));
    store.add(frame(5, 12, Direction::Out, 0x00, 1, 1000));
    FrameEvent unsent;
    unsent.dir = Direction::Out;
    unsent.type = 0x01;
    unsent.notSent = true;
    store.add(Event{13, 5, unsent});
    StreamOpened pushed;
    pushed.streamId = 2;
    pushed.pushed = true;
    store.add(Event{14, 5, pushed});
    store.add(Event{15, 5, Notice{"push-skipped", "already cached", 2}});
    store.add(closed(5, 20));

    const ConnectionInfo *info = store.connection(5);
    QVERIFY(info);
    QVERIFY(info->opened.has_value());
    QCOMPARE(QByteArray::fromStdString(info->opened->peer), QByteArray("127.0.0.1:40005"));
    QVERIFY(info->closed.has_value());
    QCOMPARE(info->closedNs, std::uint64_t(20));
    QCOMPARE(info->openedNs, std::uint64_t(10));
    QCOMPARE(info->counters.framesIn, std::uint64_t(1));
    QCOMPARE(info->counters.framesOut, std::uint64_t(1)); // the unsent frame does not count
    QCOMPARE(info->counters.frameBytesIn, std::uint64_t(27));
    QCOMPARE(info->counters.frameBytesOut, std::uint64_t(1009));
    QCOMPARE(info->counters.dataBytesOut, std::uint64_t(1000));
    QCOMPARE(info->counters.socketBytesIn, std::uint64_t(1000));
    QCOMPARE(info->counters.socketBytesOut, std::uint64_t(2000));
    QCOMPARE(info->counters.streams, 1u);
    QCOMPARE(info->counters.pushedStreams, 1u);
    QCOMPARE(info->counters.notices, 1u);
    QCOMPARE(info->counters.events, std::uint64_t(7));

    QCOMPARE(store.firstSeq(), std::uint64_t(1));
    QCOMPARE(store.nextSeq(), std::uint64_t(8));
    QCOMPARE(store.eventSeq(5, 0), std::uint64_t(1));
    QCOMPARE(store.eventSeq(5, 6), std::uint64_t(7));
    QCOMPARE(store.eventBySeq(3), store.event(5, 2));
    QCOMPARE(store.connectionOfSeq(3), std::uint64_t(5));
    QVERIFY(store.eventBySeq(0) == nullptr);
    QVERIFY(store.eventBySeq(8) == nullptr);
    QCOMPARE(store.storedEvents(), std::size_t(7));
    QVERIFY(store.memoryUsed() > 7 * sizeof(Event));
    QCOMPARE(info->memoryBytes, store.memoryUsed());

    // An event for a connection whose open was never seen gets a record too.
    store.add(frame(6, 30, Direction::In, 0x04, 0));
    QVERIFY(store.connection(6));
    QVERIFY(!store.connection(6)->opened.has_value());
    QCOMPARE(store.connection(6)->openedNs, std::uint64_t(30));
}

void TestCaptureStore::evictsOldestClosedConnectionFirst()
{
    // Measure one connection's footprint to size the budget for ~3 of them.
    CaptureStore probe;
    probe.add(opened(1, 0));
    for (int i = 0; i < 20; ++i)
        probe.add(bulky(1, 1 + i));
    probe.add(closed(1, 100));
    const std::size_t perConnection = probe.memoryUsed();

    CaptureStore store(perConnection * 3 + perConnection / 2);
    // Open order: 1 (t=0), 2 (t=10, stays open), 3 (t=20), 4 (t=30).
    const auto fill = [&store](std::uint64_t conn, std::uint64_t t0, bool close) {
        store.add(opened(conn, t0));
        for (int i = 0; i < 20; ++i)
            store.add(bulky(conn, t0 + 1 + i));
        if (close)
            store.add(closed(conn, t0 + 100));
    };
    fill(2, 10, false);
    fill(1, 0, true);
    fill(3, 20, true);
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    QCOMPARE(store.connectionIds(), (std::vector<std::uint64_t>{1, 2, 3}));
    const std::uint64_t seqOfConn1 = store.eventSeq(1, 0);
    QVERIFY(store.eventBySeq(seqOfConn1));

    fill(4, 30, true); // over budget: connection 1 (closed, opened first) goes
    QCOMPARE(store.evictedConnections(), std::uint64_t(1));
    QVERIFY(store.connection(1) == nullptr);
    QVERIFY(store.eventBySeq(seqOfConn1) == nullptr);
    QCOMPARE(store.evictedEvents(), std::uint64_t(22));
    QCOMPARE(store.evictedBytes(), std::uint64_t(perConnection));
    QCOMPARE(store.connectionIds(), (std::vector<std::uint64_t>{2, 3, 4}));
    QVERIFY(store.memoryUsed() <= store.budget());
    QCOMPARE(store.evictedOpenConnections(), std::uint64_t(0));
    // Indices of the survivors did not move.
    QCOMPARE(store.event(3, 0)->timeNs, std::uint64_t(20));
    QCOMPARE(store.storedEvents(), std::size_t(21 + 22 + 22));

    fill(5, 40, true); // next: 3, still before the open connection 2
    QCOMPARE(store.evictedConnections(), std::uint64_t(2));
    QVERIFY(store.connection(3) == nullptr);
    QVERIFY(store.connection(2) != nullptr);
    QCOMPARE(store.eventCount(2), std::size_t(21));
}

void TestCaptureStore::evictsOpenConnectionEventsOnlyWhenNoClosedOneLeft()
{
    CaptureStore probe;
    for (int i = 0; i < 10; ++i)
        probe.add(bulky(1, i));
    const std::size_t tenEvents = probe.memoryUsed();

    CaptureStore store(tenEvents * 2);
    store.add(opened(1, 0));
    for (int i = 0; i < 10; ++i)
        store.add(bulky(1, 1 + i));
    store.add(opened(2, 50));
    for (int i = 0; i < 10; ++i)
        store.add(bulky(2, 51 + i)); // both open; over budget on the way
    QVERIFY(store.evictedOpenConnections() >= 1);
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    const ConnectionInfo *one = store.connection(1);
    QVERIFY2(one, "an open connection keeps its record when its events are evicted");
    QVERIFY(one->opened.has_value()); // the copy in the record survives
    // Only the oldest events went, as many as the budget needed, and all
    // from connection 1 (connection 2's are newer).
    QVERIFY(one->evictedEvents >= 1 && one->evictedEvents < 11);
    QCOMPARE(store.firstEventIndex(1), std::size_t(one->evictedEvents));
    QCOMPARE(store.connection(2)->evictedEvents, std::uint64_t(0));
    QCOMPARE(store.eventCount(1), std::size_t(11));
    QVERIFY(store.event(1, 0) == nullptr);
    QVERIFY(store.memoryUsed() <= store.budget());

    // New events of connection 1 continue its logical numbering.
    store.add(frame(1, 200, Direction::In, 0x08, 0));
    QCOMPARE(store.eventCount(1), std::size_t(12));
    QCOMPARE(store.event(1, 11)->timeNs, std::uint64_t(200));
    QCOMPARE(store.connection(1)->counters.events, std::uint64_t(12));
}

void TestCaptureStore::evictsABigConnectionSliceBySlice()
{
    // Connection 1: 40 bulky frames on streams 1..40, then closed.
    const auto fillOne = [](CaptureStore &store) {
        store.add(opened(1, 0));
        for (int i = 0; i < 40; ++i) {
            Event e = bulky(1, 1 + i);
            std::get<FrameEvent>(e.data).streamId = 1 + i;
            store.add(std::move(e));
        }
        store.add(closed(1, 100));
    };
    CaptureStore probe;
    fillOne(probe);
    const std::size_t whole = probe.memoryUsed();

    CaptureStore store(whole + whole / 4);
    store.setEvictionSlice(8);
    QCOMPARE(store.evictionSlice(), std::size_t(8));
    fillOne(store);
    QCOMPARE(store.streamIds(1).size(), std::size_t(40));

    // Connection 2 brings one event bigger than the whole budget: this add()
    // may evict max(8, 2) = 8 events, no more, and the store stays over.
    Event big = bulky(2, 200);
    std::get<FrameEvent>(big.data).headers = {{"x-filler", std::string(900, 'x')}, {"x-more", std::string(whole * 2, 'y')}};
    store.add(opened(2, 199));
    QCOMPARE(store.evictedEvents(), std::uint64_t(0));
    store.add(std::move(big));
    QCOMPARE(store.evictedEvents(), std::uint64_t(8));
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    const ConnectionInfo *one = store.connection(1);
    QVERIFY2(one, "a connection bigger than a slice keeps its record until its last slice goes");
    QCOMPARE(one->evictedEvents, std::uint64_t(8));
    QCOMPARE(store.firstEventIndex(1), std::size_t(8));
    QVERIFY(store.event(1, 7) == nullptr);
    QCOMPARE(store.event(1, 8)->timeNs, std::uint64_t(8));
    QCOMPARE(store.eventCount(1), std::size_t(42));
    // Streams whose events are all gone left the index; the rest stayed.
    const std::vector<std::int32_t> streams = store.streamIds(1);
    QVERIFY(!streams.empty());
    QCOMPARE(streams.front(), std::int32_t(8));
    QCOMPARE(streams.size(), std::size_t(33));
    QVERIFY(store.memoryUsed() > store.budget()); // over for a moment

    // Each further add() evicts 8 more, until connection 1 goes whole (34
    // events left: four slices of 8, then the last 2 with the record), and
    // then the open connection 2's oldest events, back under the budget.
    int adds = 0;
    while (store.connection(1) && adds < 20) {
        store.add(frame(2, 300 + adds, Direction::In, 0x08, 0));
        ++adds;
    }
    QCOMPARE(adds, 5);
    QVERIFY(store.connection(1) == nullptr);
    QVERIFY(store.streamIds(1).empty());
    QCOMPARE(store.evictedConnections(), std::uint64_t(1));
    QVERIFY(store.evictedOpenConnections() >= 1);
    QVERIFY(store.memoryUsed() <= store.budget());
    QVERIFY(store.connection(2) != nullptr);
    QVERIFY(store.firstEventIndex(2) >= 2); // its open and the big frame went

    // setBudget() finishes at once, whatever the slice.
    store.setBudget(store.connection(2)->memoryBytes / 2);
    QVERIFY(store.memoryUsed() <= store.budget() || store.storedEvents() == 0);
}

void TestCaptureStore::setBudgetAndClear()
{
    CaptureStore store;
    QCOMPARE(store.budget(), std::size_t(256u << 20));
    store.add(opened(1, 0));
    store.add(closed(1, 5));
    store.add(opened(2, 10));
    store.add(bulky(2, 11));
    store.setBudget(store.connection(2)->memoryBytes);
    QCOMPARE(store.evictedConnections(), std::uint64_t(1));
    QVERIFY(store.connection(1) == nullptr);
    QVERIFY(store.connection(2) != nullptr);

    const std::uint64_t next = store.nextSeq();
    store.clear();
    QCOMPARE(store.memoryUsed(), std::size_t(0));
    QCOMPARE(store.connectionCount(), std::size_t(0));
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    store.add(opened(3, 20));
    QCOMPARE(store.eventSeq(3, 0), next); // sequence numbers are never reused
}

void TestCaptureStore::estimateCountsHeap()
{
    Notice small{"a", "b", 0};
    Notice large{"a", std::string(4096, 'z'), 0};
    const std::size_t s = CaptureStore::estimateBytes(Event{0, 0, small});
    const std::size_t l = CaptureStore::estimateBytes(Event{0, 0, large});
    QCOMPARE(s, sizeof(Event));
    QVERIFY(l >= sizeof(Event) + 4096);
}

void TestCaptureStore::manyEventsKeepTheirIndicesThroughEviction()
{
    // Hundreds of events on one open connection (several storage chunks),
    // evicted in uneven slices from the front while more arrive.
    CaptureStore store;
    store.setEvictionSlice(37);
    store.add(opened(1, 0));
    for (std::uint64_t t = 1; t < 300; ++t)
        store.add(frame(1, t, Direction::In, 0x08, 0));
    QCOMPARE(store.eventCount(1), std::size_t(300));
    const std::size_t perEvent = store.memoryUsed() / 300;
    // Room for ~100 events: each add() evicts up to 37 until under budget.
    store.setEvictionSlice(37);
    std::uint64_t t = 300;
    store.setBudget(perEvent * 400); // nothing to evict yet
    QCOMPARE(store.evictedEvents(), std::uint64_t(0));
    // Lowering the budget is immediate and exact.
    store.setBudget(perEvent * 100);
    QVERIFY(store.memoryUsed() <= store.budget());
    std::size_t first = store.firstEventIndex(1);
    QVERIFY(first >= 200);
    for (std::size_t i = first; i < store.eventCount(1); ++i)
        QCOMPARE(store.event(1, i)->timeNs, std::uint64_t(i));
    // New events keep arriving and old ones keep leaving, 37 at most per add().
    for (; t < 1000; ++t) {
        const std::uint64_t before = store.evictedEvents();
        store.add(frame(1, t, Direction::In, 0x08, 0));
        QVERIFY(store.evictedEvents() - before <= 37);
    }
    first = store.firstEventIndex(1);
    QCOMPARE(store.eventCount(1), std::size_t(1000));
    QVERIFY(store.event(1, first - 1) == nullptr);
    for (std::size_t i = first; i < 1000; ++i) {
        QCOMPARE(store.event(1, i)->timeNs, std::uint64_t(i));
        QCOMPARE(store.eventBySeq(store.eventSeq(1, i)), store.event(1, i));
    }
    QCOMPARE(store.storedEvents(), std::size_t(1000 - first));
    QCOMPARE(store.evictedEvents(), std::uint64_t(first));
}

QTEST_APPLESS_MAIN(TestCaptureStore)
#include "tst_capturestore.moc"

void TestCaptureStore::manyOpenConnectionsLoseTheirOldestEventsFirst()
{
    // h2load's shape: many keep-alive connections, none closing. Eviction
    // takes the oldest stored events, whichever connection they belong to,
    // so every connection keeps its recent history and the store's memory
    // (the global sequence index included) stays within the budget.
    constexpr std::uint64_t kConnections = 20;
    CaptureStore probe;
    for (int i = 0; i < 100; ++i)
        probe.add(bulky(1, i));
    CaptureStore store(probe.memoryUsed()); // room for about 100 events
    store.setEvictionSlice(8);
    std::uint64_t t = 0;
    for (std::uint64_t c = 1; c <= kConnections; ++c)
        store.add(opened(c, ++t));
    for (int round = 0; round < 300; ++round)
        for (std::uint64_t c = 1; c <= kConnections; ++c) {
            store.add(bulky(c, ++t));
            QVERIFY2(store.memoryUsed() <= store.budget() + 2 * probe.memoryUsed() / 100,
                     "over the budget by more than a couple of events");
        }
    QCOMPARE(store.evictedConnections(), std::uint64_t(0));
    for (std::uint64_t c = 1; c <= kConnections; ++c) {
        QVERIFY2(store.eventCount(c) - store.firstEventIndex(c) >= 2, "a connection lost its recent events");
        const Event *last = store.event(c, store.eventCount(c) - 1);
        QVERIFY(last);
        QVERIFY(last->timeNs > t - 2 * kConnections); // from the last two rounds
    }
    // The oldest stored event is recent: nothing old is left pinning the index.
    const std::uint64_t added = store.addedEvents();
    QVERIFY(store.storedEvents() <= 110);
    QVERIFY(store.eventBySeq(added - store.storedEvents() + 1) != nullptr);
}

void TestCaptureStore::anOldOpenConnectionCannotPinTheIndex()
{
    // A long-lived quiet connection (a live-reload stream, an idle
    // keep-alive) holds the oldest stored event while short connections come
    // and go. Each of their events leaves a slot in the global sequence index
    // behind the old one; those slots count against the budget, so the
    // store reaches the old connection before they add up to more.
    CaptureStore probe;
    probe.add(opened(1, 0));
    for (int i = 0; i < 4; ++i)
        probe.add(frame(1, 1 + i, Direction::In, 0x08, 0));
    probe.add(closed(1, 10));
    const std::size_t oneShortConnection = probe.memoryUsed();

    CaptureStore store(oneShortConnection * 50);
    store.add(opened(1, 0));
    store.add(frame(1, 1, Direction::Out, 0x04, 0)); // the quiet connection's only events
    std::uint64_t t = 10;
    for (std::uint64_t c = 2; c < 60'000; ++c) {
        store.add(opened(c, ++t));
        for (int i = 0; i < 4; ++i)
            store.add(frame(c, ++t, Direction::In, 0x08, 0));
        store.add(closed(c, ++t));
        QVERIFY(store.memoryUsed() <= store.budget() + oneShortConnection);
        if (store.evictedOpenConnections() > 0)
            break;
    }
    QVERIFY2(store.evictedOpenConnections() > 0, "the quiet connection's old events were never evicted");
    QVERIFY(store.connection(1) != nullptr); // its record stays
    QVERIFY(store.firstEventIndex(1) >= 1);   // its oldest event went
}
