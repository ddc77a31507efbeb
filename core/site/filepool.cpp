#include "filepool.h"

#include <algorithm>
#include <utility>

namespace h2scope::site {

FilePool::FilePool(unsigned threads) : m_shared(std::make_shared<Shared>())
{
    if (threads == 0)
        threads = 1;
    m_threadCount = threads;
    m_shared->busy.assign(threads, 0);
    m_threads.reserve(threads);
    for (std::size_t i = 0; i < threads; ++i)
        m_threads.emplace_back([shared = m_shared, i] { run(shared, i); });
}

FilePool::~FilePool()
{
    stop();
}

void FilePool::post(const void *owner, std::function<void()> job)
{
    Shared &s = *m_shared;
    {
        std::lock_guard lock(s.mutex);
        if (s.stopping)
            return;
        std::deque<std::function<void()>> &queue = s.queues[owner];
        queue.push_back(std::move(job));
        if (queue.size() == 1) {
            try {
                s.turns.push_back(owner);
            } catch (...) { // out of memory: as if never posted
                s.queues.erase(owner);
                throw;
            }
        }
    }
    s.ready.notify_one();
}

std::size_t FilePool::queued() const
{
    Shared &s = *m_shared;
    std::lock_guard lock(s.mutex);
    std::size_t n = 0;
    for (const auto &[owner, queue] : s.queues)
        n += queue.size();
    return n;
}

std::size_t FilePool::stop(std::chrono::milliseconds wait)
{
    if (m_stopped)
        return 0; // a thread left behind then is still not waited for
    m_stopped = true;
    Shared &s = *m_shared;
    std::unordered_map<const void *, std::deque<std::function<void()>>> dropped;
    {
        std::lock_guard lock(s.mutex);
        s.stopping = true;
        dropped.swap(s.queues);
        s.turns.clear();
    }
    s.ready.notify_all();
    // Until no thread runs a job (or the wait is over). A thread that runs
    // none leaves at once: nothing is queued, and it was told to stop.
    std::vector<char> busy;
    {
        std::unique_lock lock(s.mutex);
        const auto allIdle = [&s] { return std::none_of(s.busy.begin(), s.busy.end(), [](char b) { return b != 0; }); };
        if (wait == std::chrono::milliseconds::max())
            s.idle.wait(lock, allIdle);
        else
            s.idle.wait_for(lock, wait, allIdle);
        busy = s.busy;
    }
    std::size_t leftBehind = 0;
    for (std::size_t i = 0; i < m_threads.size(); ++i) {
        if (!m_threads[i].joinable())
            continue;
        if (busy[i]) {
            m_threads[i].detach(); // it still holds the shared state
            ++leftBehind;
        } else {
            m_threads[i].join();
        }
    }
    // `dropped` goes out of scope on return, outside the lock: a job's
    // captures may take locks of their own when they are destroyed.
    return leftBehind;
}

void FilePool::run(const std::shared_ptr<Shared> &shared, std::size_t index)
{
    Shared &s = *shared;
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(s.mutex);
            s.ready.wait(lock, [&s] { return s.stopping || !s.turns.empty(); });
            if (s.stopping)
                return;
            const void *owner = s.turns.front();
            const auto queue = s.queues.find(owner);
            job = std::move(queue->second.front());
            queue->second.pop_front();
            if (queue->second.empty()) {
                s.turns.pop_front();
                s.queues.erase(queue); // an owner that is gone leaves nothing behind
            } else {
                // Its next job waits for the others' turns. Out of memory, it
                // keeps its place at the front instead.
                try {
                    s.turns.push_back(owner);
                    s.turns.pop_front();
                } catch (...) {
                }
            }
            s.busy[index] = 1;
        }
        try {
            job();
        } catch (...) {
            // A job says what failed through its own results (responder.h);
            // nothing that escapes one may take the server down.
        }
        job = nullptr; // its captures go with the job, before it counts as done
        std::lock_guard lock(s.mutex);
        s.busy[index] = 0;
        s.idle.notify_all();
    }
}

} // namespace h2scope::site
