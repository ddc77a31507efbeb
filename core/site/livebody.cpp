#include "site/livebody.h"

#include <algorithm>
#include <cstring>

namespace h2scope::site {

void LiveBody::wake(std::unique_lock<std::mutex> &lock)
{
    std::function<void()> waker = m_waker;
    lock.unlock(); // never call out while holding the lock
    if (waker)
        waker();
}

void LiveBody::push(std::string chunk)
{
    std::unique_lock lock(m_mutex);
    if (m_closed || chunk.empty())
        return;
    m_pushed += chunk.size();
    m_chunks.push_back(std::move(chunk));
    wake(lock);
}

void LiveBody::close()
{
    std::unique_lock lock(m_mutex);
    if (m_closed)
        return;
    m_closed = true;
    wake(lock);
}

std::size_t LiveBody::read(std::uint8_t *buf, std::size_t max, bool &ended)
{
    std::lock_guard lock(m_mutex);
    std::size_t n = 0;
    while (n < max && !m_chunks.empty()) {
        const std::string &front = m_chunks.front();
        const std::size_t take = std::min(max - n, front.size() - m_frontOffset);
        std::memcpy(buf + n, front.data() + m_frontOffset, take);
        n += take;
        m_frontOffset += take;
        if (m_frontOffset == front.size()) {
            m_chunks.pop_front();
            m_frontOffset = 0;
        }
    }
    ended = m_closed && m_chunks.empty();
    return n;
}

void LiveBody::setWaker(std::function<void()> waker)
{
    std::lock_guard lock(m_mutex);
    m_waker = std::move(waker);
}

bool LiveBody::closed() const
{
    std::lock_guard lock(m_mutex);
    return m_closed;
}

std::uint64_t LiveBody::bytesPushed() const
{
    std::lock_guard lock(m_mutex);
    return m_pushed;
}

} // namespace h2scope::site
