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

    // A job that does not finish (a read on a file system that stopped
    // answering) does not hold stop() past its wait: its thread is left to
    // finish it, with the pool's state, and a job that finishes in time is
    // joined as usual. The pool is gone long before the job returns.
    void stopLeavesBehindAJobThatDoesNotFinish()
    {
        auto stuck = std::make_shared<Gate>();
        std::promise<void> finished;
        std::future<void> whenFinished = finished.get_future();
        {
            site::FilePool pool(2);
            int a = 0, b = 0;
            pool.post(&a, [stuck, &finished] {
                stuck->entered.set_value();
                stuck->open.wait_for(std::chrono::seconds(10));
                finished.set_value();
            });
            QCOMPARE(stuck->entered.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
            Ledger ledger;
            ledger.expected = 1;
            pool.post(&b, ledger.job("quick"));
            QCOMPARE(ledger.done.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
            const auto start = std::chrono::steady_clock::now();
            QCOMPARE(pool.stop(std::chrono::milliseconds(100)), std::size_t(1));
            QVERIFY(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
            QCOMPARE(pool.stop(), std::size_t(0)); // idempotent
            int c = 0;
            bool ran = false;
            pool.post(&c, [&ran] { ran = true; }); // after stop(): dropped
            QVERIFY(!ran);
        }
        QVERIFY(whenFinished.wait_for(std::chrono::milliseconds(50)) == std::future_status::timeout);
        stuck->release(); // the file system answers again: the job ends, and its thread with it
        QCOMPARE(whenFinished.wait_for(std::chrono::seconds(10)), std::future_status::ready);
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
