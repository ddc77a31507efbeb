#pragma once
// Threads that wait on the file system so the I/O threads never do: a
// request whose answer needs a path looked up, a file opened or read (a
// first snapshot, HTML discovery, `_headers` read again) is made here, and
// its answer goes back to the connection's own thread (responder.h).
//
// Each job runs on one of the pool's threads. Jobs are posted for an owner
// (a connection): an owner's jobs start in the order posted, and owners take
// turns, one job each, so that a connection with a hundred first fetches
// queued does not hold up another connection's page. A job that waits on a
// slow disk holds one thread; the others go on.

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_map>
#include <vector>

namespace h2scope::site {

class FilePool final {
public:
    // Four threads by default: a slow file holds one of them, and a page
    // load's first requests (a page and its assets, each read once) keep a
    // few busy at once. Idle threads cost nothing but their stacks.
    static constexpr unsigned kDefaultThreads = 4;
    explicit FilePool(unsigned threads = kDefaultThreads);
    ~FilePool(); // stop(), waiting as long as the jobs running take
    FilePool(const FilePool &) = delete;
    FilePool &operator=(const FilePool &) = delete;

    // Queues `job` behind `owner`'s earlier jobs (any address that names
    // the owner while it has jobs queued). After stop() the job is dropped
    // (destroyed, never run). Any thread.
    void post(const void *owner, std::function<void()> job);

    // Drops the jobs still queued, lets those running finish and joins the
    // threads. A job that has not finished within `wait` (a file system
    // that stopped answering: a read on a dead network mount never returns)
    // is left to finish on its own: its thread is detached, and whatever
    // the job refers to must outlive it (the pool's own state does). Returns
    // how many were left so. Idempotent (later calls return 0). Not from a
    // pool thread.
    std::size_t stop(std::chrono::milliseconds wait = std::chrono::milliseconds::max());

    unsigned threads() const noexcept { return m_threadCount; }
    // Jobs waiting for a thread (not those running). Any thread.
    std::size_t queued() const;

private:
    // What the threads share with the pool, and keep while one is left
    // running after stop().
    struct Shared {
        std::mutex mutex;
        std::condition_variable ready; // a job was queued, or stop()
        std::condition_variable idle;  // a thread finished a job
        // Each owner with jobs queued, and whose turn is next: an owner is in
        // `turns` exactly while its queue is not empty.
        std::unordered_map<const void *, std::deque<std::function<void()>>> queues;
        std::deque<const void *> turns;
        bool stopping = false;
        std::vector<char> busy; // per thread: it is running a job
    };
    static void run(const std::shared_ptr<Shared> &shared, std::size_t index);

    std::shared_ptr<Shared> m_shared;
    std::vector<std::thread> m_threads;
    unsigned m_threadCount = 0;
    bool m_stopped = false;
};

} // namespace h2scope::site
