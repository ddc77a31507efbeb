#include "inspect/capturefollower.h"

#include <algorithm>

namespace h2scope::inspect {

void CaptureFollower::add(const std::vector<LogAnnouncement> &announcements)
{
    for (const LogAnnouncement &a : announcements) {
        auto &slot = m_connections[a.connectionId];
        if (!slot)
            slot = std::make_unique<Followed>(a.connectionId);
        slot->reader.append(a.chunk);
    }
}

std::size_t CaptureFollower::poll(std::vector<Event> &out)
{
    m_scratch.clear();
    for (auto it = m_connections.begin(); it != m_connections.end();) {
        Followed &f = *it->second;
        RecordView r;
        while (f.reader.next(r))
            f.dissector.feed(r, m_scratch);
        f.reader.dropConsumed();
        if (f.dissector.closed() && f.reader.atEnd()) {
            it = m_connections.erase(it);
        } else {
            ++it;
        }
    }
    // Each connection's events are in order; across connections, by time.
    std::stable_sort(m_scratch.begin(), m_scratch.end(),
                     [](const Event &a, const Event &b) { return a.timeNs < b.timeNs; });
    const std::size_t n = m_scratch.size();
    for (Event &e : m_scratch)
        out.push_back(std::move(e));
    m_scratch.clear();
    return n;
}

} // namespace h2scope::inspect
