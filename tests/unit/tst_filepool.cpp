// The file pool: owners (connections) take turns, an owner's jobs keep
// their order, stop() drops what is queued, and a job that throws leaves
// the pool working. Threads are held at gates the test opens, never by
// sleeping.

#include "site/filepool.h"

#include <QTest>

#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

using namespace h2scope;

namespace {

// The order jobs ran in.
struct Ledger {
    std::mutex mutex;
    std::vector<std::string> ran;
    std::promise<void> done;
    std::size_t expected = 0;

    std::function<void()> job(std::string name)
    {
        return [this, name = std::move(name)] {
            std::lock_guard lock(mutex);
            ran.push_back(name);
            if (ran.size() == expected)
                done.set_value();
        };
    }
};

// Holds one pool thread until release().
struct Gate {
    std::promise<void> opened;
    std::shared_future<void> open = opened.get_future().share();
    std::promise<void> entered;

    std::function<void()> job()
    {
        return [this] {
            entered.set_value();
            open.wait_for(std::chrono::seconds(10));
        };
    }
    void release() { opened.set_value(); }

    // Posts job() and waits until it runs: `pool`'s thread is held.
    bool hold(site::FilePool &pool)
    {
        pool.post(this, job());
        return entered.get_future().wait_for(std::chrono::seconds(10)) == std::future_status::ready;
    }
};

} // namespace

class TestFilePool : public QObject {
    Q_OBJECT

private slots:
    // One connection with many first fetches queued and another with one:
    // the other's job runs after the first connection's first, not after
    // all of them.
    void ownersTakeTurns()
    {
        site::FilePool pool(1);
        Gate gate;
        QVERIFY(gate.hold(pool));
        Ledger ledger;
        ledger.expected = 6;
        int a = 0, b = 0, c = 0;
        for (const char *name : {"a1", "a2", "a3", "a4"})
            pool.post(&a, ledger.job(name));
        pool.post(&b, ledger.job("b1"));
        pool.post(&c, ledger.job("c1"));
        gate.release();
        QCOMPARE(ledger.done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QCOMPARE(ledger.ran, (std::vector<std::string>{"a1", "b1", "c1", "a2", "a3", "a4"}));
    }

    // An owner that posts again after its queue ran dry waits for its turn
    // behind those already waiting.
    void anOwnerBackAfterItsQueueRanDryGoesToTheBack()
    {
        site::FilePool pool(1);
        Gate gate;
        QVERIFY(gate.hold(pool));
        Ledger ledger;
        ledger.expected = 3;
        int a = 0, b = 0;
        pool.post(&b, ledger.job("b1"));
        pool.post(&a, ledger.job("a1"));
        pool.post(&b, ledger.job("b2"));
        gate.release();
        QCOMPARE(ledger.done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
        QCOMPARE(ledger.ran, (std::vector<std::string>{"b1", "a1", "b2"}));
    }

    void stopDropsWhatIsQueued()
    {
        site::FilePool pool(1);
        Gate gate;
        QVERIFY(gate.hold(pool));
        bool ran = false;
        int a = 0;
        pool.post(&a, [&ran] { ran = true; });
        QCOMPARE(pool.queued(), std::size_t(1));
        std::thread stopper([&pool] { pool.stop(); }); // waits for the job running
        // Until stop() has dropped the queue; only then may the running job end.
        for (int i = 0; i < 10000 && pool.queued() != 0; ++i)
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
        QCOMPARE(pool.queued(), std::size_t(0));
        gate.release();
        stopper.join();
        QVERIFY2(!ran, "a queued job ran after stop()");
        pool.post(&a, [&ran] { ran = true; }); // after stop(): dropped
        QVERIFY(!ran);
    }

    void aJobThatThrowsLeavesThePoolWorking()
    {
        site::FilePool pool(1);
        int a = 0;
        pool.post(&a, [] { throw std::runtime_error("disk on fire"); });
        pool.post(&a, [] { throw 42; });
        Ledger ledger;
        ledger.expected = 1;
        pool.post(&a, ledger.job("after"));
        QCOMPARE(ledger.done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    }
};

QTEST_APPLESS_MAIN(TestFilePool)
#include "tst_filepool.moc"
