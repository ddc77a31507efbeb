#include "clock.h"

namespace h2scope {

namespace {

class SteadyClock final : public Clock {
public:
    time_point now() const noexcept override { return std::chrono::steady_clock::now(); }
    std::int64_t unixSeconds() const noexcept override
    {
        return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    }
};

} // namespace

const Clock &Clock::steady() noexcept
{
    static const SteadyClock clock;
    return clock;
}

} // namespace h2scope
