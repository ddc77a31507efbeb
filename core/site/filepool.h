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

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
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
    ~FilePool(); // stop()
    FilePool(const FilePool &) = delete;
    FilePool &operator=(const FilePool &) = delete;

    // Queues `job` behind `owner`'s earlier jobs (any address that names
    // the owner while it has jobs queued). After stop() the job is dropped
    // (destroyed, never run). Any thread.
    void post(const void *owner, std::function<void()> job);

    // Lets the jobs running finish, drops those still queued and joins the
    // threads. Idempotent. Not from a pool thread.
    void stop();

    unsigned threads() const noexcept { return static_cast<unsigned>(m_threads.size()); }
    // Jobs waiting for a thread (not those running). Any thread.
    std::size_t queued() const;

private:
    void run();

    mutable std::mutex m_mutex;
    std::condition_variable m_ready;
    // Each owner with jobs queued, and whose turn is next: an owner is in
    // m_turns exactly while its queue is not empty.
    std::unordered_map<const void *, std::deque<std::function<void()>>> m_queues;
    std::deque<const void *> m_turns;
    bool m_stopping = false;
    std::vector<std::thread> m_threads;
};

} // namespace h2scope::site
