// The responder's pool path: every answer asked of the pool comes back, a
// pool thread that runs out of memory included. This executable replaces
// the global operator new so that a test can make the next allocation on a
// thread fail; nothing else in it allocates on purpose.

#include "site/filepool.h"
#include "site/responder.h"

#include <QTest>

#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <list>
#include <mutex>
#include <new>
#include <string>

namespace {

// Allocations on this thread that are still to fail (test-only state).
thread_local int t_failingAllocations = 0;

} // namespace

void *operator new(std::size_t size)
{
    if (t_failingAllocations > 0) {
        --t_failingAllocations;
        throw std::bad_alloc();
    }
    if (void *p = std::malloc(size == 0 ? 1 : size))
        return p;
    throw std::bad_alloc();
}

void operator delete(void *p) noexcept
{
    std::free(p);
}

void operator delete(void *p, std::size_t) noexcept
{
    std::free(p);
}

using namespace h2scope;

namespace {

// Answers with a small 200; when `failAfter` is set, the allocation that
// follows handle() on the pool thread (the first one delivering the answer
// would make) fails.
class TextSite final : public site::Handler {
public:
    bool failAfter = false;

    site::Response handle(const site::Request &request) override
    {
        site::Response response;
        response.body = site::Body::fromString("made for " + request.target);
        if (failAfter)
            t_failingAllocations = 1;
        return response;
    }
    bool handleNow(const site::Request &, site::Response &) override { return false; }
};

// The wake: counts rings; on the pool thread, also calls off an allocation
// failure that nothing took.
struct Bell {
    std::mutex mutex;
    std::condition_variable rung;
    int rings = 0;

    std::function<void()> wake()
    {
        return [this] {
            t_failingAllocations = 0;
            std::lock_guard lock(mutex);
            ++rings;
            rung.notify_all();
        };
    }
    bool waitFor(int count)
    {
        std::unique_lock lock(mutex);
        return rung.wait_for(lock, std::chrono::seconds(10), [&] { return rings >= count; });
    }
};

site::Request get(const std::string &target)
{
    site::Request request;
    request.method = "GET";
    request.authority = "localhost";
    request.target = target;
    return request;
}

std::string bodyOf(site::Response &response)
{
    std::string out;
    if (response.body)
        if (!response.body->appendTo(out, static_cast<std::size_t>(response.body->remaining())))
            return "(unreadable)";
    return out;
}

} // namespace

// A responder for `site` on a pool of one thread, and its wake.
struct Pooled {
    explicit Pooled(site::Handler &site) : responder(site, &pool, bell.wake()) {}

    // Asks for `target` (not answerable at once) and waits until its answer
    // is back; the answers take() then gives.
    std::list<site::Responder::Answer> ask(const std::string &target, std::uint64_t token)
    {
        site::Responder::Answer now;
        if (responder.answer(get(target), token, {}, now) || !bell.waitFor(1))
            return {};
        return responder.take();
    }

    site::FilePool pool{1};
    Bell bell;
    site::Responder responder;
};

class TestResponder : public QObject {
    Q_OBJECT

private slots:
    void answersComeBackFromThePool()
    {
        TextSite site;
        Pooled pooled(site);
        for (std::uint64_t token : {1u, 2u}) {
            site::Responder::Answer now;
            QVERIFY(!pooled.responder.answer(get("/" + std::to_string(token)), token, {}, now));
        }
        QCOMPARE(pooled.responder.inFlight(), std::size_t(2));
        QVERIFY(pooled.bell.waitFor(2));
        auto answers = pooled.responder.take();
        QCOMPARE(answers.size(), std::size_t(2));
        QCOMPARE(answers.front().token, std::uint64_t(1));
        QCOMPARE(answers.front().response.status, 200);
        QCOMPARE(bodyOf(answers.front().response), std::string("made for /1"));
        QCOMPARE(pooled.responder.inFlight(), std::size_t(0));
    }

    // Delivering the answer allocates nothing on the pool thread: with the
    // thread out of memory right after the answer is made, it still comes
    // back, and nothing stays in flight (before, the answer was lost and
    // the connection stayed answering() for ever).
    void anAnswerComesBackWhenThePoolThreadIsOutOfMemory()
    {
        TextSite site;
        site.failAfter = true;
        Pooled pooled(site);
        auto answers = pooled.ask("/page", 7);
        QVERIFY2(answers.size() == 1, "the answer never came back");
        QCOMPARE(answers.front().token, std::uint64_t(7));
        QCOMPARE(answers.front().response.status, 200);
        QCOMPARE(bodyOf(answers.front().response), std::string("made for /page"));
        QCOMPARE(pooled.responder.inFlight(), std::size_t(0));
    }

    // A handler that fails with something that is no exception: the 500
    // made when the job was posted goes back.
    void aHandlerThatThrowsNonsenseGetsA500()
    {
        struct Thrower final : site::Handler {
            site::Response handle(const site::Request &) override { throw 42; }
            bool handleNow(const site::Request &, site::Response &) override { return false; }
        } site;
        Pooled pooled(site);
        auto answers = pooled.ask("/x", 3);
        QCOMPARE(answers.size(), std::size_t(1));
        QCOMPARE(answers.front().response.status, 500);
        QCOMPARE(pooled.responder.inFlight(), std::size_t(0));
    }
};

QTEST_APPLESS_MAIN(TestResponder)
#include "tst_responder.moc"
