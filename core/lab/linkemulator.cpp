#include "lab/linkemulator.h"

#include <algorithm>

namespace h2scope::lab {

namespace {

using Clock = LinkEmulator::Clock;

Clock::duration fromSeconds(double s)
{
    return std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(s));
}

} // namespace

LinkEmulator::LinkEmulator(Options options)
    : m_options(std::move(options)), m_random(m_options.seed), m_loss(std::clamp(m_options.profile.loss, 0.0, 1.0))
{
    if (m_options.segmentBytes == 0)
        m_options.segmentBytes = 1460;
}

Clock::duration LinkEmulator::connectDelay() const
{
    return std::chrono::milliseconds(m_options.profile.rttMs);
}

Clock::time_point LinkEmulator::depart(Pipe &pipe, std::size_t bytes, Clock::time_point now)
{
    const std::uint64_t kbit = m_options.profile.bandwidthKbit;
    if (kbit == 0)
        return now;
    const double rate = static_cast<double>(kbit) * 1000.0 / 8.0; // bytes per second
    const double capacity = static_cast<double>(m_options.segmentBytes);
    if (!pipe.started) {
        pipe.started = true;
        pipe.tokens = capacity;
        pipe.updated = now;
        pipe.lastDeparture = now;
    }
    const Clock::time_point start = std::max(now, pipe.lastDeparture);
    const double elapsed = std::chrono::duration<double>(start - pipe.updated).count();
    pipe.tokens = std::min(capacity, pipe.tokens + elapsed * rate);
    const double need = static_cast<double>(bytes);
    Clock::time_point departure = start;
    if (pipe.tokens >= need) {
        pipe.tokens -= need;
    } else {
        departure = start + fromSeconds((need - pipe.tokens) / rate);
        pipe.tokens = 0;
    }
    pipe.updated = departure;
    pipe.lastDeparture = departure;
    return departure;
}

std::vector<LinkEmulator::Segment> LinkEmulator::transmit(Direction direction, std::uint64_t connection,
                                                          std::size_t bytes, Clock::time_point now)
{
    std::vector<Segment> out;
    if (bytes == 0)
        return out;
    Pipe &pipe = m_pipes[index(direction)];
    pipe.bytes += bytes;
    const NetworkProfile &profile = m_options.profile;
    if (profile.isLoopback()) {
        out.push_back({bytes, now, false});
        return out;
    }
    const Clock::duration oneWay = std::chrono::microseconds(std::uint64_t(profile.rttMs) * 500);
    const Clock::duration retransmit =
        std::max<Clock::duration>(std::chrono::milliseconds(profile.rttMs), std::chrono::milliseconds(1));
    Clock::time_point &last = m_lastDelivery[{connection, index(direction)}];
    out.reserve(bytes / m_options.segmentBytes + 1);
    for (std::size_t left = bytes; left > 0;) {
        const std::size_t n = std::min(left, m_options.segmentBytes);
        left -= n;
        Segment seg{n, depart(pipe, n, now) + oneWay, false};
        if (profile.loss > 0.0 && m_loss(m_random)) {
            seg.lost = true;
            ++pipe.lost;
            depart(pipe, n, now); // the retransmission uses the link again
            seg.deliverAt += retransmit;
        }
        seg.deliverAt = std::max({seg.deliverAt, last, now});
        last = seg.deliverAt;
        out.push_back(seg);
    }
    return out;
}

void LinkEmulator::forget(std::uint64_t connection)
{
    m_lastDelivery.erase({connection, 0});
    m_lastDelivery.erase({connection, 1});
}

} // namespace h2scope::lab
