#pragma once
// CaptureFollower: follows every connection of a live capture and dissects
// what each adds (dissector.h), for the headless frame log and the JSON
// Lines capture file. It lets each chunk go once read and each connection
// once its log has ended, so it holds only what is still being written.
//
// Threads: one consumer thread.

#include "inspect/capturelog.h"
#include "inspect/dissector.h"
#include "inspect/event.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <unordered_map>
#include <utility>
#include <vector>

namespace h2scope::inspect {

class CaptureFollower final {
public:
    // Follows the chunks the hub announced (sharing them with any other
    // consumer, such as the store).
    void add(const std::vector<LogAnnouncement> &announcements);
    // Dissects every record committed since the last call and appends the
    // events, put in time order across connections. Connections whose log
    // has ended are let go, and so is every chunk already read. Returns the
    // number of events appended.
    std::size_t poll(std::vector<Event> &out);
    std::size_t following() const noexcept { return m_connections.size(); }

private:
    struct Followed {
        explicit Followed(std::uint64_t id) : dissector(id) {}
        LogReader reader;
        Dissector dissector;
    };
    std::unordered_map<std::uint64_t, std::unique_ptr<Followed>> m_connections;
    std::vector<Event> m_scratch;
    std::vector<std::pair<std::uint64_t, std::size_t>> m_order; // (time, position in m_scratch)
};

} // namespace h2scope::inspect
