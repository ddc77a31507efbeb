// A connection's deadlines with a clock of the test's own: the handshake
// timeout, the idle timeout (and a stalled write), and the SETTINGS
// acknowledgement timeout through a real connection, from the first
// SETTINGS to the GOAWAY and the close after its grace. No sleeps.

#include "rawpeer.h"
#include "sitefiles.h"

#include "clock.h"
#include "net/deadlines.h"
#include "site/staticsite.h"

#include <QTemporaryDir>
#include <QTest>

#include <chrono>
#include <memory>

using namespace h2scope;
using namespace h2scope::testing;
using namespace std::chrono_literals;
using Act = net::ConnectionDeadlines::Step::Act;

class TestDeadlines : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void handshakeMustEndInTime();
    void idleTimeoutFollowsActivity();
    void aStalledWriteIsSaidSo();
    void waitingOnTheServersAnswerIsNotIdle();
    void unacknowledgedSettingsEndTheConnection();
    void acknowledgedSettingsLeaveOnlyTheIdleClock();

private:
    // A connection (cleartext, no capture) whose HTTP/2 session reads `clock`.
    std::unique_ptr<RawPeer> peerOn(ManualClock &clock, std::uint64_t id)
    {
        h2::H2Options h2;
        h2.clock = &clock;
        return std::make_unique<RawPeer>(*m_site, id, nullptr, false, nullptr, h2);
    }
    // What the deadlines are told of `p` (no write under way).
    static net::ConnectionDeadlines::State stateOf(const RawPeer &p)
    {
        return {p.conn->handshakeDone(), p.conn->settingsAckPendingSince(), false};
    }

    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;
    const net::DeadlineOptions m_options{10s, 120s, 10s};
};

void TestDeadlines::initTestCase()
{
    QVERIFY(m_dir.isValid());
    writeFile((m_dir.path() + "/index.html").toStdString(), "<!doctype html><p>hi</p>\n");
    site::SiteOptions options;
    options.root = m_dir.path().toStdString();
    auto site = site::StaticSite::create(options);
    QVERIFY(site.ok());
    m_site = std::move(*site);
}

void TestDeadlines::handshakeMustEndInTime()
{
    ManualClock clock;
    const Clock::time_point start = clock.now();
    net::ConnectionDeadlines d(m_options, start);
    const net::ConnectionDeadlines::State before{false, std::nullopt, false};

    auto step = d.check(clock.now(), before);
    QVERIFY(step.act == Act::Wait);
    // The handshake's deadline, or sooner (the SETTINGS clock, 10 s from now).
    QCOMPARE(step.wakeAt, start + 10s);
    clock.advance(10s - 1ms);
    step = d.check(clock.now(), before);
    QVERIFY(step.act == Act::Wait);
    QCOMPARE(step.wakeAt, start + 10s + net::ConnectionDeadlines::kSlack);
    clock.advance(1ms);
    step = d.check(clock.now(), before);
    QVERIFY(step.act == Act::Close);
    QCOMPARE(QString::fromStdString(step.reason),
             QStringLiteral("handshake timeout: no complete TLS handshake or request within 10 s"));
}

void TestDeadlines::idleTimeoutFollowsActivity()
{
    ManualClock clock;
    net::ConnectionDeadlines d(m_options, clock.now());
    const net::ConnectionDeadlines::State open{true, std::nullopt, false};
    clock.advance(5s);
    const Clock::time_point last = clock.now();
    d.activity(last);

    clock.advance(120s - 1ms);
    auto step = d.check(clock.now(), open);
    QVERIFY(step.act == Act::Wait);
    QCOMPARE(step.wakeAt, last + 120s + net::ConnectionDeadlines::kSlack);
    // Activity moves the deadline.
    d.activity(clock.now());
    clock.advance(1ms);
    QVERIFY(d.check(clock.now(), open).act == Act::Wait);
    clock.advance(120s - 1ms);
    step = d.check(clock.now(), open);
    QVERIFY(step.act == Act::Close);
    QCOMPARE(QString::fromStdString(step.reason), QStringLiteral("idle timeout: nothing received or sent for 120 s"));
}

void TestDeadlines::aStalledWriteIsSaidSo()
{
    ManualClock clock;
    net::ConnectionDeadlines d({10s, 1500ms, 10s}, clock.now());
    clock.advance(1500ms);
    const auto step = d.check(clock.now(), {true, std::nullopt, true});
    QVERIFY(step.act == Act::Close);
    QCOMPARE(QString::fromStdString(step.reason), QStringLiteral("send stalled: the peer read nothing for 1500 ms"));
}

// An answer being made on the file pool (a slow disk) is the server's wait,
// not the peer's silence: the idle clock starts again from the last check
// that found it so. A peer that stopped reading meanwhile is still stalled.
void TestDeadlines::waitingOnTheServersAnswerIsNotIdle()
{
    ManualClock clock;
    net::ConnectionDeadlines d(m_options, clock.now());
    const net::ConnectionDeadlines::State answering{true, std::nullopt, false, true};
    const net::ConnectionDeadlines::State idle{true, std::nullopt, false, false};
    clock.advance(300s);
    auto step = d.check(clock.now(), answering);
    QVERIFY(step.act == Act::Wait);
    QCOMPARE(step.wakeAt, clock.now() + 120s + net::ConnectionDeadlines::kSlack);
    const Clock::time_point answered = clock.now();

    // The answer went out with nothing after it: idle from then on.
    clock.advance(120s - 1ms);
    QVERIFY(d.check(clock.now(), idle).act == Act::Wait);
    clock.advance(1ms);
    step = d.check(clock.now(), idle);
    QVERIFY(step.act == Act::Close);
    QCOMPARE(clock.now(), answered + 120s);

    net::ConnectionDeadlines stalled(m_options, clock.now());
    clock.advance(120s);
    step = stalled.check(clock.now(), {true, std::nullopt, true, true});
    QVERIFY(step.act == Act::Close);
    QCOMPARE(QString::fromStdString(step.reason), QStringLiteral("send stalled: the peer read nothing for 120 s"));
}

void TestDeadlines::unacknowledgedSettingsEndTheConnection()
{
    // The session and the deadlines read the same clock: the server's
    // SETTINGS wait from the moment they were sent.
    ManualClock clock;
    const std::unique_ptr<RawPeer> peer = peerOn(clock, 1);
    RawPeer &p = *peer;
    net::ConnectionDeadlines d(m_options, clock.now());
    clock.advance(2s);
    const Clock::time_point sent = clock.now();
    p.send(kClientPreface + settingsFrame({})); // and no ACK of the server's
    d.activity(clock.now());
    QVERIFY(p.find(frame::SETTINGS, 0));
    QVERIFY(p.conn->settingsAckPendingSince().has_value());
    QCOMPARE(*p.conn->settingsAckPendingSince(), sent);

    clock.advance(10s - 1ms);
    auto step = d.check(clock.now(), stateOf(p));
    QVERIFY(step.act == Act::Wait);
    QCOMPARE(step.wakeAt, sent + 10s + net::ConnectionDeadlines::kSlack);
    QVERIFY(!p.find(frame::GOAWAY));

    clock.advance(1ms);
    step = d.check(clock.now(), stateOf(p));
    QVERIFY(step.act == Act::SettingsTimeout);
    QVERIFY(QString::fromStdString(step.reason).startsWith("SETTINGS timeout"));
    QCOMPARE(step.wakeAt, clock.now() + net::ConnectionDeadlines::kGoawayGrace);
    p.conn->settingsAckTimedOut(step.reason);
    p.drain();
    const auto goaway = p.find(frame::GOAWAY);
    QVERIFY(goaway);
    QCOMPARE(goaway->errorCode(), std::uint32_t(0x4)); // SETTINGS_TIMEOUT

    // After the GOAWAY's grace, the connection ends.
    clock.advance(net::ConnectionDeadlines::kGoawayGrace);
    QVERIFY(d.check(clock.now(), stateOf(p)).act == Act::Close);
}

void TestDeadlines::acknowledgedSettingsLeaveOnlyTheIdleClock()
{
    ManualClock clock;
    const std::unique_ptr<RawPeer> peer = peerOn(clock, 2);
    RawPeer &p = *peer;
    net::ConnectionDeadlines d(m_options, clock.now());
    p.handshake();
    d.activity(clock.now());
    QVERIFY(!p.conn->settingsAckPendingSince());
    clock.advance(60s);
    const auto step = d.check(clock.now(), stateOf(p));
    QVERIFY(step.act == Act::Wait);
    QVERIFY(!p.find(frame::GOAWAY));
}

QTEST_APPLESS_MAIN(TestDeadlines)
#include "tst_deadlines.moc"
