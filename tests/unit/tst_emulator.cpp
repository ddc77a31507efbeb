// The lab's emulated link: the arithmetic of the token bucket and delay
// queue, shared bandwidth, per-connection ordering and loss; then a
// benchmark-style check with real time that checks ordering only.

#include "lab/linkemulator.h"

#include <QtTest>

#include <thread>

using namespace h2scope::lab;
using Clock = LinkEmulator::Clock;
using Dir = LinkEmulator::Direction;

namespace {

double msBetween(Clock::time_point a, Clock::time_point b)
{
    return std::chrono::duration<double, std::milli>(b - a).count();
}

LinkEmulator make(std::uint32_t rtt, std::uint64_t kbit, double loss = 0.0)
{
    NetworkProfile p{"test", rtt, kbit, loss};
    return LinkEmulator(LinkEmulator::Options{p, 1460, 7});
}

} // namespace

class TestEmulator : public QObject {
    Q_OBJECT

private slots:
    void loopbackDeliversAtOnce();
    void transferTakesWhatArithmeticSays_data();
    void transferTakesWhatArithmeticSays();
    void connectionsShareTheBandwidth();
    void directionsAreIndependent();
    void idleLinkRefills();
    void deliveryIsInOrderPerConnection();
    void lossDelaysByOneRoundTrip();
    void connectCostsOneRoundTrip();
    void presets();
    void realTimeOrdering();
};

void TestEmulator::loopbackDeliversAtOnce()
{
    LinkEmulator link = make(0, 0);
    const Clock::time_point now = Clock::now();
    const auto segs = link.transmit(Dir::Down, 1, 100'000, now);
    QCOMPARE(segs.size(), std::size_t(1));
    QCOMPARE(segs.front().bytes, std::size_t(100'000));
    QVERIFY(segs.front().deliverAt == now);
    QVERIFY(link.transmit(Dir::Up, 1, 0, now).empty());
}

void TestEmulator::transferTakesWhatArithmeticSays_data()
{
    QTest::addColumn<int>("bytes");
    QTest::addColumn<int>("rttMs");
    QTest::addColumn<int>("kbit");
    QTest::newRow("100 KB, 1 MB/s, 100 ms") << 100'000 << 100 << 8'000;
    QTest::newRow("4g: 200 KB") << 200'000 << 60 << 12'000;
    QTest::newRow("slow 3g: 20 KB") << 20'000 << 300 << 400;
    QTest::newRow("cable: 1 MB") << 1'000'000 << 20 << 50'000;
}

void TestEmulator::transferTakesWhatArithmeticSays()
{
    QFETCH(int, bytes);
    QFETCH(int, rttMs);
    QFETCH(int, kbit);
    LinkEmulator link = make(std::uint32_t(rttMs), std::uint64_t(kbit));
    const Clock::time_point t0 = Clock::now();
    const auto segs = link.transmit(Dir::Down, 1, std::size_t(bytes), t0);
    std::size_t total = 0;
    for (const auto &s : segs)
        total += s.bytes;
    QCOMPARE(total, std::size_t(bytes));
    // The bucket holds one segment: the rest is paced at the bandwidth,
    // then half the RTT of propagation.
    const double rate = kbit * 1000.0 / 8.0 / 1000.0; // bytes per ms
    const double expected = (bytes - 1460) / rate + rttMs / 2.0;
    const double got = msBetween(t0, segs.back().deliverAt);
    QVERIFY2(std::abs(got - expected) < 0.01 * expected + 0.1,
             qPrintable(QString("expected %1 ms, got %2 ms").arg(expected).arg(got)));
    // The first segment leaves at once: half an RTT.
    QVERIFY(std::abs(msBetween(t0, segs.front().deliverAt) - rttMs / 2.0) < 0.1);
}

void TestEmulator::connectionsShareTheBandwidth()
{
    LinkEmulator one = make(40, 8'000);
    LinkEmulator two = make(40, 8'000);
    const Clock::time_point t0 = Clock::now();
    const auto alone = one.transmit(Dir::Down, 1, 100'000, t0);
    const auto a = two.transmit(Dir::Down, 1, 50'000, t0);
    const auto b = two.transmit(Dir::Down, 2, 50'000, t0);
    // Two connections together take as long as one carrying both halves.
    QVERIFY(std::abs(msBetween(alone.back().deliverAt, b.back().deliverAt)) < 0.5);
    QVERIFY(a.back().deliverAt < b.back().deliverAt);
    QCOMPARE(two.bytesCarried(Dir::Down), std::uint64_t(100'000));
}

void TestEmulator::directionsAreIndependent()
{
    LinkEmulator link = make(100, 8'000);
    const Clock::time_point t0 = Clock::now();
    const auto down = link.transmit(Dir::Down, 1, 100'000, t0);
    const auto up = link.transmit(Dir::Up, 1, 1000, t0);
    QVERIFY(up.back().deliverAt < down.back().deliverAt);
    QVERIFY(std::abs(msBetween(t0, up.back().deliverAt) - 50.0) < 0.1);
}

void TestEmulator::idleLinkRefills()
{
    LinkEmulator link = make(20, 8'000);
    const Clock::time_point t0 = Clock::now();
    link.transmit(Dir::Down, 1, 100'000, t0); // busy for ~98.5 ms
    const auto later = link.transmit(Dir::Down, 1, 1000, t0 + std::chrono::milliseconds(500));
    QVERIFY(std::abs(msBetween(t0, later.back().deliverAt) - 510.0) < 0.1);
}

void TestEmulator::deliveryIsInOrderPerConnection()
{
    LinkEmulator link = make(60, 12'000, 0.3);
    Clock::time_point t = Clock::now();
    Clock::time_point last{};
    for (int i = 0; i < 50; ++i) {
        t += std::chrono::milliseconds(3);
        for (const auto &s : link.transmit(Dir::Down, 1, 5000, t)) {
            QVERIFY(s.deliverAt >= last);
            QVERIFY(s.deliverAt >= t);
            last = s.deliverAt;
        }
    }
    QVERIFY(link.segmentsLost(Dir::Down) > 0);
}

void TestEmulator::lossDelaysByOneRoundTrip()
{
    LinkEmulator lossy = make(100, 0, 1.0);
    const Clock::time_point t0 = Clock::now();
    const auto s = lossy.transmit(Dir::Up, 1, 100, t0);
    QCOMPARE(s.size(), std::size_t(1));
    QVERIFY(s.front().lost);
    QVERIFY(std::abs(msBetween(t0, s.front().deliverAt) - 150.0) < 0.1);
    LinkEmulator clean = make(100, 0, 0.0);
    QVERIFY(!clean.transmit(Dir::Up, 1, 100, t0).front().lost);
}

void TestEmulator::connectCostsOneRoundTrip()
{
    QVERIFY(make(60, 12'000).connectDelay() == std::chrono::milliseconds(60));
    QVERIFY(make(0, 0).connectDelay() == Clock::duration::zero());
}

void TestEmulator::presets()
{
    const auto g4 = findNetworkPreset("4G");
    QVERIFY(g4);
    QCOMPARE(g4->rttMs, 60u);
    QCOMPARE(g4->bandwidthKbit, std::uint64_t(12'000));
    QCOMPARE(findNetworkPreset("slow-3g")->rttMs, 300u);
    QCOMPARE(findNetworkPreset("3g")->bandwidthKbit, std::uint64_t(400));
    QCOMPARE(findNetworkPreset("cable")->bandwidthKbit, std::uint64_t(50'000));
    QVERIFY(findNetworkPreset("loopback")->isLoopback());
    QVERIFY(!findNetworkPreset("dialup"));
    QCOMPARE(networkPresets().size(), std::size_t(4));
}

// Benchmark-style: hold each segment until its delivery time for real and
// check that bigger transfers and longer RTTs take longer (ordering), and
// never less than the arithmetic says.
void TestEmulator::realTimeOrdering()
{
    auto wallMs = [](std::uint32_t rtt, std::uint64_t kbit, std::size_t bytes) {
        LinkEmulator link = make(rtt, kbit);
        const Clock::time_point t0 = Clock::now();
        for (const auto &s : link.transmit(Dir::Down, 1, bytes, t0))
            std::this_thread::sleep_until(s.deliverAt);
        return msBetween(t0, Clock::now());
    };
    const double small = wallMs(20, 12'000, 10'000);
    const double big = wallMs(20, 12'000, 100'000);
    const double farther = wallMs(80, 12'000, 10'000);
    QVERIFY(small < big);
    QVERIFY(small < farther);
    QVERIFY(big >= (100'000 - 1460) / 1500.0 + 10.0 - 0.5);
}

QTEST_APPLESS_MAIN(TestEmulator)
#include "tst_emulator.moc"
