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
    // The order is worked out on (time, position) pairs and each event is
    // moved once, into place: a flood's batch holds hundreds of thousands.
    const std::size_t n = m_scratch.size();
    m_order.clear();
    m_order.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        m_order.push_back({m_scratch[i].timeNs, i});
    // Equal times keep their positions, so one connection's order holds.
    std::sort(m_order.begin(), m_order.end());
    if (out.empty())
        out.reserve(n); // (a caller that keeps appending keeps the vector's own growth)
    for (const auto &entry : m_order)
        out.push_back(std::move(m_scratch[entry.second]));
    m_scratch.clear();
    return n;
}

} // namespace h2scope::inspect
