#pragma once
// An EventPublisher for tests: keeps every event, in order.

#include "inspect/event.h"

#include <vector>

namespace h2scope::testing {

class CollectingPublisher final : public inspect::EventPublisher {
public:
    void publish(inspect::Event &&event) noexcept override { events.push_back(std::move(event)); }

    template <typename T>
    std::vector<T> all() const
    {
        std::vector<T> out;
        for (const inspect::Event &e : events)
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

    std::vector<inspect::Event> events;
};

} // namespace h2scope::testing
