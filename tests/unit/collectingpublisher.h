#pragma once
// A capture sink for tests: keeps every log a connection (or a session
// driven by hand, through log()) writes, and dissects them on demand into
// events, in order, as the window and the exporters would see them.

#include "inspect/capturefollower.h"
#include "inspect/capturelog.h"
#include "inspect/event.h"

#include <memory>
#include <vector>

namespace h2scope::testing {

namespace detail {
struct OwnHub {
    inspect::CaptureHub ownHub{1};
};
} // namespace detail

class CollectingPublisher final : private detail::OwnHub, public inspect::CaptureSink {
public:
    CollectingPublisher() : CaptureSink(ownHub) {}

    // A log for a session driven without a Connection (connection id `id`).
    inspect::CaptureLog *log(std::uint64_t id = 1)
    {
        if (!m_log)
            m_log = std::make_unique<inspect::CaptureLog>(*this, id);
        return m_log.get();
    }
    // Ends log(): what a Connection's close does to its own.
    void closeLog() { m_log.reset(); }

    // Every event dissected from what was recorded so far.
    const std::vector<inspect::Event> &events() const
    {
        std::vector<inspect::LogAnnouncement> fresh;
        const_cast<CollectingPublisher *>(this)->take(fresh);
        m_follower.add(fresh);
        m_follower.poll(m_events);
        return m_events;
    }

    template <typename T> std::vector<T> all() const
    {
        std::vector<T> out;
        for (const inspect::Event &e : events())
            if (const T *p = std::get_if<T>(&e.data))
                out.push_back(*p);
        return out;
    }

    std::vector<inspect::FrameEvent> frames(inspect::Direction dir, std::uint8_t type) const
    {
        std::vector<inspect::FrameEvent> out;
        for (const inspect::FrameEvent &f : all<inspect::FrameEvent>())
            if (f.dir == dir && f.type == type)
                out.push_back(f);
        return out;
    }

private:
    std::unique_ptr<inspect::CaptureLog> m_log;
    mutable inspect::CaptureFollower m_follower;
    mutable std::vector<inspect::Event> m_events;
};

} // namespace h2scope::testing
