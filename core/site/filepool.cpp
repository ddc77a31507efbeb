#include "filepool.h"

#include <utility>

namespace h2scope::site {

FilePool::FilePool(unsigned threads)
{
    if (threads == 0)
        threads = 1;
    m_threads.reserve(threads);
    for (unsigned i = 0; i < threads; ++i)
        m_threads.emplace_back([this] { run(); });
}

FilePool::~FilePool()
{
    stop();
}

void FilePool::post(const void *owner, std::function<void()> job)
{
    {
        std::lock_guard lock(m_mutex);
        if (m_stopping)
            return;
        std::deque<std::function<void()>> &queue = m_queues[owner];
        queue.push_back(std::move(job));
        if (queue.size() == 1) {
            try {
                m_turns.push_back(owner);
            } catch (...) { // out of memory: as if never posted
                m_queues.erase(owner);
                throw;
            }
        }
    }
    m_ready.notify_one();
}

std::size_t FilePool::queued() const
{
    std::lock_guard lock(m_mutex);
    std::size_t n = 0;
    for (const auto &[owner, queue] : m_queues)
        n += queue.size();
    return n;
}

void FilePool::stop()
{
    std::unordered_map<const void *, std::deque<std::function<void()>>> dropped;
    {
        std::lock_guard lock(m_mutex);
        m_stopping = true;
        dropped.swap(m_queues);
        m_turns.clear();
    }
    m_ready.notify_all();
    for (std::thread &t : m_threads)
        if (t.joinable())
            t.join();
    // `dropped` goes out of scope here, outside the lock: a job's captures
    // may take locks of their own when they are destroyed.
}

void FilePool::run()
{
    for (;;) {
        std::function<void()> job;
        {
            std::unique_lock lock(m_mutex);
            m_ready.wait(lock, [this] { return m_stopping || !m_turns.empty(); });
            if (m_stopping)
                return;
            const void *owner = m_turns.front();
            const auto queue = m_queues.find(owner);
            job = std::move(queue->second.front());
            queue->second.pop_front();
            if (queue->second.empty()) {
                m_turns.pop_front();
                m_queues.erase(queue); // an owner that is gone leaves nothing behind
            } else {
                // Its next job waits for the others' turns. Out of memory, it
                // keeps its place at the front instead.
                try {
                    m_turns.push_back(owner);
                    m_turns.pop_front();
                } catch (...) {
                }
            }
        }
        try {
            job();
        } catch (...) {
            // A job says what failed through its own results (responder.h);
            // nothing that escapes one may take the server down.
        }
    }
}

} // namespace h2scope::site
