#pragma once
// The time as the protocol and site code read it: the process's clocks in
// the server, a clock of the test's own in tests, so that what depends on
// time (the rapid-reset limiter, the SETTINGS acknowledgement timer, the
// Date field, how long a file must have been left alone before it is
// snapshotted) can be driven without waiting and without flakiness.

#include <chrono>
#include <cstdint>

namespace h2scope {

class Clock {
public:
    using time_point = std::chrono::steady_clock::time_point;
    virtual ~Clock() = default;
    virtual time_point now() const noexcept = 0;
    // The wall clock: seconds since the Unix epoch (dates, file times).
    virtual std::int64_t unixSeconds() const noexcept = 0;

    // now() in nanoseconds since the steady clock's epoch.
    std::int64_t nowNs() const noexcept
    {
        return std::chrono::duration_cast<std::chrono::nanoseconds>(now().time_since_epoch()).count();
    }

    // std::chrono::steady_clock and the system clock. Any thread.
    static const Clock &steady() noexcept;
    // `clock`, or steady() when null.
    static const Clock &orSteady(const Clock *clock) noexcept { return clock ? *clock : steady(); }
};

// A clock that moves only when told (tests).
class ManualClock final : public Clock {
public:
    time_point now() const noexcept override { return m_now; }
    std::int64_t unixSeconds() const noexcept override
    {
        return m_unixStart + std::chrono::duration_cast<std::chrono::seconds>(m_now - m_start).count();
    }
    // Both clocks move together.
    void advance(std::chrono::nanoseconds by) noexcept { m_now += by; }
    // The wall clock reads `seconds` now.
    void setUnixSeconds(std::int64_t seconds) noexcept
    {
        m_unixStart = seconds;
        m_start = m_now;
    }

private:
    time_point m_now = std::chrono::steady_clock::now();
    time_point m_start = m_now;
    std::int64_t m_unixStart = 1'700'000'000; // 2023-11-14: any fixed day
};

} // namespace h2scope
