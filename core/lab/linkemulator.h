#pragma once
// The emulated link between the lab's page loader and the server. It lives
// entirely in the loader's socket layer (the server is untouched) and is
// pure arithmetic: it answers "when does this segment arrive on the far
// side?", and the loader's connections hold the bytes until then.
//
// The model, per direction (up = loader -> server, down = server -> loader):
//  - one token bucket shared by every connection of the page load, as one
//    access link is shared by all of a browser's connections: tokens fill
//    at the bandwidth, the bucket holds one segment (so an idle link sends
//    one segment at once and a busy one paces segments at the bandwidth);
//    segments wait in FIFO order for their tokens (the delay queue);
//  - a fixed one-way delay of RTT/2 after a segment got its tokens;
//  - optional loss: a lost segment is retransmitted one RTT later and costs
//    its bandwidth twice;
//  - in-order delivery per connection and direction (TCP): a segment never
//    overtakes an earlier one of its connection, so a loss blocks the line;
//  - connection setup costs one RTT (SYN, SYN-ACK; the ACK travels with the
//    first data), then the TLS handshake pays its own round trips because
//    its bytes go through the link like all others.
// Not modelled: TCP slow start and congestion control, IP/TCP header bytes,
// bufferbloat limits (queues are unbounded), reordering across connections.
//
// Not thread-safe: one emulator belongs to one page load and its thread.

#include "lab/networkprofile.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <random>
#include <utility>
#include <vector>

namespace h2scope::lab {

class LinkEmulator final {
public:
    using Clock = std::chrono::steady_clock;

    enum class Direction { Up, Down };

    struct Options {
        NetworkProfile profile;
        std::size_t segmentBytes = 1460; // what is scheduled as one unit (a TCP MSS)
        std::uint32_t seed = 1;          // loss is pseudo-random but repeatable
    };

    struct Segment {
        std::size_t bytes = 0;
        Clock::time_point deliverAt;
        bool lost = false; // delivered late after a retransmission
    };

    explicit LinkEmulator(Options options);

    // What TCP connection setup costs before the first byte may be sent.
    Clock::duration connectDelay() const;

    // Schedules `bytes` handed to the link by `connection` at `now`, split
    // into segments; the result's deliverAt values never decrease and never
    // precede `now`. Zero bytes give no segments. With no emulation (the
    // loopback profile) every segment is delivered at `now`.
    std::vector<Segment> transmit(Direction direction, std::uint64_t connection, std::size_t bytes,
                                  Clock::time_point now);

    // Drops the per-connection ordering state of a closed connection.
    void forget(std::uint64_t connection);

    const Options &options() const { return m_options; }
    std::uint64_t bytesCarried(Direction d) const { return m_pipes[index(d)].bytes; }
    std::uint64_t segmentsLost(Direction d) const { return m_pipes[index(d)].lost; }

private:
    struct Pipe {
        double tokens = 0;                 // bytes available at `updated`
        Clock::time_point updated{};       // when `tokens` was computed
        Clock::time_point lastDeparture{}; // FIFO: nobody departs before this
        bool started = false;
        std::uint64_t bytes = 0;
        std::uint64_t lost = 0;
    };
    static std::size_t index(Direction d) { return d == Direction::Up ? 0 : 1; }
    Clock::time_point depart(Pipe &pipe, std::size_t bytes, Clock::time_point now);

    Options m_options;
    Pipe m_pipes[2];
    std::map<std::pair<std::uint64_t, std::size_t>, Clock::time_point> m_lastDelivery;
    std::mt19937 m_random;
    std::bernoulli_distribution m_loss;
};

} // namespace h2scope::lab
