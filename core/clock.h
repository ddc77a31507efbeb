#pragma once
// The time as the protocol code reads it: the process's steady clock in the
// server, a clock of the test's own in tests, so that what depends on time
// (the rapid-reset limiter, the SETTINGS acknowledgement timer) can be
// driven without waiting and without flakiness.

#include <chrono>

namespace h2scope {

class Clock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    virtual time_point now() const noexcept = 0;

    // std::chrono::steady_clock. Any thread.
    static const Clock &steady() noexcept;
};

// A clock that moves only when told (tests).
class ManualClock final : public Clock {
public:
    time_point now() const noexcept override { return m_now; }
    void advance(std::chrono::nanoseconds by) noexcept { m_now += by; }

private:
    time_point m_now = std::chrono::steady_clock::now();
};

} // namespace h2scope
