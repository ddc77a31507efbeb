// EventHub: bounded SPSC rings per producer; publish never blocks, drops are
// counted, per-producer order is kept, one consumer drains.

#include "inspect/eventhub.h"

#include <QTest>

#include <atomic>
#include <chrono>
#include <thread>

using namespace h2scope::inspect;

namespace {

Event noticeEvent(std::uint64_t conn, std::uint64_t seq)
{
    Notice n;
    n.code = "seq";
    // Long enough to live on the heap: moving it through the ring must keep it.
    n.text = "event number " + std::to_string(seq) + " with a body long enough to defeat SSO";
    return Event{seq, conn, std::move(n)};
}

// One event of each kind, every field set, strings long and short, header
// blocks shared with the caller's copy.
std::vector<Event> richEvents()
{
    const h2scope::HeaderBlock request{{":method", "GET"}, {":path", "/a/long/path/that/defeats/sso.css"},
                                       {"user-agent", "a user agent string longer than fifteen bytes"}};
    std::vector<Event> events;
    ConnectionOpened opened{"127.0.0.1:5000", "127.0.0.1:8443", true, "TLSv1.3", "TLS_AES_128_GCM_SHA256",
                            "h2", "localhost", "X25519", true, 1234, "h2"};
    events.push_back({1, 1, opened});
    FrameEvent headers;
    headers.dir = Direction::In;
    headers.type = 1;
    headers.flags = 5;
    headers.streamId = 7;
    headers.length = 31;
    headers.padding = 2;
    headers.rawHeader = {0, 0, 31, 1, 5, 0, 0, 0, 7};
    headers.headers = request;
    headers.headerBlockDecodedSize = 300;
    headers.hdCategory = 0;
    headers.connLocalWindow = 100;
    headers.connRemoteWindow = 200;
    headers.streamLocalWindow = 300;
    headers.streamRemoteWindow = -1;
    events.push_back({2, 1, headers});
    FrameEvent settings;
    settings.type = 4;
    settings.settings = {{3, 100}, {4, 65535}, {9, 1}};
    events.push_back({3, 1, settings});
    FrameEvent goaway;
    goaway.dir = Direction::Out;
    goaway.type = 7;
    goaway.errorCode = 11;
    goaway.lastStreamId = 9;
    goaway.debugData = "why the connection ended, at some length";
    goaway.opaque = 0x0102030405060708ull;
    goaway.notSent = true;
    goaway.notSentReason = "the session is closing";
    goaway.invalid = true;
    goaway.invalidReason = "invalid frame";
    goaway.windowIncrement = 5;
    goaway.promisedStreamId = 4;
    events.push_back({4, 1, goaway});
    FrameEvent huge; // too big to travel inline: boxed
    huge.type = 7;
    huge.debugData.assign(5000, 'x');
    events.push_back({5, 1, huge});
    StreamOpened so{7, "GET", "https", "127.0.0.1:8443", "/a/long/path/that/defeats/sso.css",
                    request.withoutPseudo(), true, 5};
    events.push_back({6, 1, so});
    StreamClosed sc{7, 200, h2scope::HeaderBlock{{"content-type", "text/css; charset=utf-8"}}, 4096, 777, 8,
                    "a note that is longer than fifteen bytes"};
    events.push_back({7, 1, sc});
    Http1Exchange h1;
    h1.method = "GET";
    h1.target = "/x";
    h1.version = "HTTP/1.1";
    h1.requestHeaders = request;
    h1.status = 404;
    events.push_back({8, 2, h1});
    events.push_back({9, 2, ConnectionClosed{"peer closed", 0, 9, 10, 20, 3}});
    events.push_back({10, 2, Notice{"push-skipped", "push skipped: the client disabled server push", 3}});
    events.push_back({11, 2, PushOutcome{2, 1, "/style.css", "completed", "", 0, 150000}});
    return events;
}

} // namespace

class TestEventHub : public QObject {
    Q_OBJECT

private slots:
    void capacityIsRoundedToPowerOfTwo();
    void fullRingDropsAndCounts();
    void drainIsFairAcrossProducers();
    void drainInTimeOrderInterleavesProducers();
    void drainWithinStopsAtItsBudget();
    void enabledFlag();
    void publishNeverWaitsForAConsumer();
    void twoProducersSlowConsumer();
    void everyKindTravelsUnchanged();
    void recordsWrapAroundTheBuffer();
    void undrainedEventsAreReleased();
    void timeBatchHoldsOneTime();
    void halfFullRingWakesTheConsumerOnce();
};

void TestEventHub::capacityIsRoundedToPowerOfTwo()
{
    EventHub hub(3, 100);
    QCOMPARE(hub.producerCount(), std::size_t(3));
    QCOMPARE(hub.capacityPerProducer(), std::size_t(128));
    EventHub tiny(0, 0);
    QCOMPARE(tiny.producerCount(), std::size_t(1));
    QCOMPARE(tiny.capacityPerProducer(), std::size_t(2));
}

void TestEventHub::fullRingDropsAndCounts()
{
    EventHub hub(1, 4);
    for (std::uint64_t i = 0; i < 10; ++i)
        hub.producer(0).publish(noticeEvent(7, i));
    QCOMPARE(hub.published(), std::uint64_t(10));
    QCOMPARE(hub.dropped(), std::uint64_t(6));
    QCOMPARE(hub.droppedBy(0), std::uint64_t(6));
    QCOMPARE(hub.pending(), std::size_t(4));

    std::vector<Event> out;
    QCOMPARE(hub.drain(out, 100), std::size_t(4));
    QCOMPARE(out.size(), std::size_t(4));
    for (std::uint64_t i = 0; i < 4; ++i) {
        QCOMPARE(out[i].timeNs, i); // the first four were kept, the rest dropped
        QCOMPARE(out[i].connectionId, std::uint64_t(7));
        QCOMPARE(QByteArray::fromStdString(std::get<Notice>(out[i].data).text),
                 QByteArray::fromStdString(std::get<Notice>(noticeEvent(7, i).data).text));
    }
    QCOMPARE(hub.pending(), std::size_t(0));

    // After draining there is room again.
    hub.producer(0).publish(noticeEvent(7, 99));
    out.clear();
    QCOMPARE(hub.drain(out, 100), std::size_t(1));
    QCOMPARE(out[0].timeNs, std::uint64_t(99));
    QCOMPARE(hub.dropped(), std::uint64_t(6));
}

void TestEventHub::drainIsFairAcrossProducers()
{
    EventHub hub(2, 256);
    for (std::uint64_t i = 0; i < 100; ++i) {
        hub.producer(0).publish(noticeEvent(0, i));
        hub.producer(1).publish(noticeEvent(1, i));
    }
    std::vector<Event> out;
    QCOMPARE(hub.drain(out, 10), std::size_t(10));
    int fromFirst = 0;
    for (const Event &e : out)
        fromFirst += e.connectionId == 0 ? 1 : 0;
    QCOMPARE(fromFirst, 5);

    // One producer empty: the other gets the whole budget.
    out.clear();
    QCOMPARE(hub.drain(out, 1000), std::size_t(190));
    EventHub lopsided(2, 256);
    for (std::uint64_t i = 0; i < 50; ++i)
        lopsided.producer(1).publish(noticeEvent(1, i));
    out.clear();
    QCOMPARE(lopsided.drain(out, 20), std::size_t(20));
    QCOMPARE(out.front().timeNs, std::uint64_t(0));
    QCOMPARE(out.back().timeNs, std::uint64_t(19));
}

void TestEventHub::drainInTimeOrderInterleavesProducers()
{
    EventHub hub(2, 256);
    // Producer 0 has the even times, producer 1 the odd ones, and both have a
    // tie at 100 (the earlier-drained one must stay first).
    for (std::uint64_t t = 0; t < 40; t += 2)
        hub.producer(0).publish(noticeEvent(0, t));
    for (std::uint64_t t = 1; t < 40; t += 2)
        hub.producer(1).publish(noticeEvent(1, t));
    hub.producer(0).publish(noticeEvent(0, 100));
    hub.producer(1).publish(noticeEvent(1, 100));

    std::vector<Event> out;
    out.push_back(noticeEvent(7, 999)); // what was there before is left alone
    QCOMPARE(hub.drainInTimeOrder(out, 1000), std::size_t(42));
    QCOMPARE(out.size(), std::size_t(43));
    QCOMPARE(out.front().connectionId, std::uint64_t(7));
    for (std::uint64_t t = 0; t < 40; ++t) {
        const Event &e = out[1 + t];
        QCOMPARE(e.timeNs, t);
        QCOMPARE(e.connectionId, t % 2);
        // The payload travelled with its event.
        QVERIFY(std::get<Notice>(e.data).text.starts_with("event number " + std::to_string(t) + " "));
    }
    QCOMPARE(out[41].timeNs, std::uint64_t(100));
    QCOMPARE(out[42].timeNs, std::uint64_t(100));
    QVERIFY(out[41].connectionId != out[42].connectionId);

    // Already in order (one producer): same result, nothing reordered.
    EventHub single(1, 64);
    for (std::uint64_t t = 0; t < 10; ++t)
        single.producer(0).publish(noticeEvent(3, t));
    out.clear();
    QCOMPARE(single.drainInTimeOrder(out, 100), std::size_t(10));
    for (std::uint64_t t = 0; t < 10; ++t)
        QCOMPARE(out[t].timeNs, t);
}

void TestEventHub::drainWithinStopsAtItsBudget()
{
    EventHub hub(2, 4096);
    for (std::uint64_t i = 0; i < 1000; ++i)
        hub.producer(i % 2).publish(noticeEvent(i % 2, i));
    std::vector<Event> batch;
    std::vector<std::size_t> sizes;
    std::uint64_t last = 0;
    bool ordered = true;
    const auto collect = [&](std::vector<Event> &b) {
        sizes.push_back(b.size());
        for (const Event &e : b) {
            ordered = ordered && e.timeNs >= last;
            last = e.timeNs;
        }
    };
    // A zero budget drains everything, in batches of at most batchSize, in order.
    QCOMPARE(hub.drainWithin(batch, std::chrono::nanoseconds::zero(), collect, 128), std::size_t(1000));
    QVERIFY(ordered);
    QCOMPARE(sizes.size(), std::size_t(8)); // 7 x 128 + 104
    for (std::size_t n : sizes)
        QVERIFY(n <= 128);
    QCOMPARE(hub.pending(), std::size_t(0));

    // A consumer slower than the budget: one batch, then the tick ends and
    // the rest waits for the next one.
    for (std::uint64_t i = 0; i < 1000; ++i)
        hub.producer(0).publish(noticeEvent(0, 2000 + i));
    sizes.clear();
    const auto slow = [&](std::vector<Event> &b) {
        sizes.push_back(b.size());
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
    };
    QCOMPARE(hub.drainWithin(batch, std::chrono::milliseconds(1), slow, 100), std::size_t(100));
    QCOMPARE(sizes.size(), std::size_t(1));
    QCOMPARE(hub.pending(), std::size_t(900));
}

void TestEventHub::enabledFlag()
{
    EventHub hub(1);
    QVERIFY(hub.enabled());
    hub.setEnabled(false);
    QVERIFY(!hub.enabled());
    hub.setEnabled(true);
    QVERIFY(hub.enabled());
}

void TestEventHub::publishNeverWaitsForAConsumer()
{
    // Nobody drains while the producers run: if publish() ever waited for
    // room, join() would hang and the test would time out.
    EventHub hub(2, 64);
    constexpr std::uint64_t perProducer = 100000;
    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < 2; ++p)
        threads.emplace_back([&hub, p] {
            for (std::uint64_t i = 0; i < perProducer; ++i)
                hub.producer(p).publish(noticeEvent(p, i));
        });
    for (auto &t : threads)
        t.join();
    QCOMPARE(hub.published(), 2 * perProducer);
    QCOMPARE(hub.dropped(), 2 * (perProducer - 64));
    std::vector<Event> out;
    QCOMPARE(hub.drain(out, 1000), std::size_t(128));
}

void TestEventHub::twoProducersSlowConsumer()
{
    constexpr std::size_t producers = 2;
    constexpr std::uint64_t perProducer = 200000;
    EventHub hub(producers, 1024);
    std::atomic<std::size_t> finished{0};

    std::vector<std::thread> threads;
    for (std::size_t p = 0; p < producers; ++p)
        threads.emplace_back([&hub, &finished, p] {
            EventPublisher &pub = hub.producer(p);
            for (std::uint64_t i = 0; i < perProducer; ++i) {
                Event e;
                e.timeNs = i;
                e.connectionId = p;
                FrameEvent f;
                f.streamId = static_cast<std::int32_t>(i % 1000);
                f.length = static_cast<std::uint32_t>(i);
                e.data = std::move(f);
                pub.publish(std::move(e));
            }
            finished.fetch_add(1);
        });

    // A deliberately slow consumer: small batches with a pause between them.
    std::uint64_t drained = 0;
    std::int64_t last[producers] = {-1, -1};
    bool ordered = true;
    std::vector<Event> batch;
    for (;;) {
        const bool done = finished.load() == producers;
        batch.clear();
        const std::size_t n = hub.drain(batch, 64);
        drained += n;
        for (const Event &e : batch) {
            const auto p = static_cast<std::size_t>(e.connectionId);
            if (p >= producers || static_cast<std::int64_t>(e.timeNs) <= last[p]
                || std::get<FrameEvent>(e.data).length != e.timeNs)
                ordered = false;
            else
                last[p] = static_cast<std::int64_t>(e.timeNs);
        }
        if (done && n == 0)
            break; // producers were done before this drain, and it found nothing
        if (n < 64)
            std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    for (auto &t : threads)
        t.join();

    QVERIFY2(ordered, "events of one producer came out of order, or corrupted");
    QCOMPARE(hub.published(), producers * perProducer);
    QCOMPARE(hub.published(), drained + hub.dropped());
    QCOMPARE(hub.droppedBy(0) + hub.droppedBy(1), hub.dropped());
    QCOMPARE(hub.pending(), std::size_t(0));
    QVERIFY(drained > 0);
}

void TestEventHub::everyKindTravelsUnchanged()
{
    const std::vector<Event> expected = richEvents();
    EventHub hub(1, 64);
    for (Event e : expected)
        hub.producer(0).publish(std::move(e));
    // Frames also go in without an Event around them.
    for (const Event &e : expected)
        if (const auto *f = std::get_if<FrameEvent>(&e.data)) {
            FrameEvent copy = *f;
            hub.producer(0).publishFrame(e.timeNs + 100, e.connectionId, std::move(copy));
        }
    std::vector<Event> out;
    QCOMPARE(hub.drain(out, 1000), expected.size() + 4);
    QCOMPARE(hub.dropped(), std::uint64_t(0));
    for (std::size_t i = 0; i < expected.size(); ++i)
        QVERIFY2(out[i] == expected[i], qPrintable(QStringLiteral("event %1 changed on the way").arg(i)));
    std::size_t k = expected.size();
    for (const Event &e : expected)
        if (std::holds_alternative<FrameEvent>(e.data)) {
            QCOMPARE(out[k].timeNs, e.timeNs + 100);
            QVERIFY(out[k].data == e.data);
            ++k;
        }
    // The header block arrived shared, not copied.
    QVERIFY(std::get<FrameEvent>(out[1].data).headers.sharesStorageWith(std::get<FrameEvent>(expected[1].data).headers));
}

void TestEventHub::recordsWrapAroundTheBuffer()
{
    // Records of uneven sizes, drained a few at a time, go round the buffer
    // many times: every one comes out whole and in order.
    EventHub hub(1, 8);
    std::vector<Event> out;
    std::uint64_t next = 0, expect = 0;
    for (int round = 0; round < 2000; ++round) {
        for (int i = 0; i < 5; ++i, ++next) {
            FrameEvent f;
            f.length = static_cast<std::uint32_t>(next);
            f.debugData.assign(next % 100, char('a' + next % 26));
            hub.producer(0).publishFrame(next, 1, std::move(f));
        }
        out.clear();
        hub.drain(out, 5);
        for (const Event &e : out) {
            const auto &f = std::get<FrameEvent>(e.data);
            QCOMPARE(e.timeNs, expect);
            QCOMPARE(f.length, static_cast<std::uint32_t>(expect));
            QCOMPARE(f.debugData, std::string(expect % 100, char('a' + expect % 26)));
            ++expect;
        }
    }
    QCOMPARE(hub.dropped(), std::uint64_t(0));
    QCOMPARE(expect, next);
}

void TestEventHub::undrainedEventsAreReleased()
{
    // The hub goes away with events still in it: their header blocks and
    // boxed copies are freed (LeakSanitizer in the asan-ubsan preset), and the
    // caller's copies of the blocks stay valid.
    const std::vector<Event> events = richEvents();
    {
        EventHub hub(1, 64);
        for (Event e : events)
            hub.producer(0).publish(std::move(e));
        QCOMPARE(hub.pending(), events.size());
    }
    QCOMPARE(std::get<FrameEvent>(events[1].data).headers.size(), std::size_t(3));
    QCOMPARE(std::get<FrameEvent>(events[1].data).headers[1].value, std::string_view("/a/long/path/that/defeats/sso.css"));
}

void TestEventHub::timeBatchHoldsOneTime()
{
    const std::uint64_t before = nowNs();
    std::uint64_t inBatch = 0;
    {
        const TimeBatch batch;
        inBatch = batch.ns();
        QVERIFY(inBatch >= before);
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
        QCOMPARE(nowNs(), inBatch); // everything in the batch carries its time
        {
            const TimeBatch inner; // nested: keeps the outer one's time
            QCOMPARE(inner.ns(), inBatch);
        }
        QCOMPARE(nowNs(), inBatch);
        // Other threads are not in this batch.
        std::uint64_t other = 0;
        std::thread([&other] { other = nowNs(); }).join();
        QVERIFY(other >= inBatch + 2'000'000);
    }
    QVERIFY(nowNs() >= inBatch + 2'000'000); // the clock again, once the batch is closed
}

void TestEventHub::halfFullRingWakesTheConsumerOnce()
{
    EventHub hub(2, 64);
    std::atomic<int> wakes{0};
    hub.setWake([&wakes] { wakes.fetch_add(1); });
    for (std::uint64_t i = 0; i < 31; ++i)
        hub.producer(0).publish(noticeEvent(0, i));
    QCOMPARE(wakes.load(), 0);
    hub.producer(0).publish(noticeEvent(0, 31)); // 32 of 64 waiting
    QCOMPARE(wakes.load(), 1);
    // Until the consumer drains, a second half-full ring wakes no one again.
    for (std::uint64_t i = 0; i < 40; ++i)
        hub.producer(1).publish(noticeEvent(1, i));
    QCOMPARE(wakes.load(), 1);
    std::vector<Event> out;
    hub.drain(out, 1000);
    for (std::uint64_t i = 0; i < 32; ++i)
        hub.producer(0).publish(noticeEvent(0, 100 + i));
    QCOMPARE(wakes.load(), 2);
}

QTEST_APPLESS_MAIN(TestEventHub)
#include "tst_eventhub.moc"
