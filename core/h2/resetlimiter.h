#pragma once
// Rapid reset (CVE-2023-44487): RST_STREAMs a client sends for streams it
// opened itself come out of a bucket of `burst` tokens refilled at
// `perSecond`; take() is false once the bucket is empty, and the session
// then ends the connection with ENHANCE_YOUR_CALM. Times come from the
// caller (clock.h), so tests drive it without waiting.

#include "clock.h"

#include <algorithm>

namespace h2scope::h2 {

class ResetLimiter final {
public:
    ResetLimiter(double burst, double perSecond) noexcept : m_burst(burst), m_perSecond(perSecond), m_tokens(burst) {}

    bool take(Clock::time_point now) noexcept
    {
        if (m_refilled != Clock::time_point{}) {
            const double seconds = std::chrono::duration<double>(now - m_refilled).count();
            if (seconds > 0)
                m_tokens = std::min(m_burst, m_tokens + seconds * m_perSecond);
        }
        m_refilled = now;
        if (m_tokens < 1)
            return false;
        m_tokens -= 1;
        return true;
    }

private:
    double m_burst;
    double m_perSecond;
    double m_tokens;
    Clock::time_point m_refilled{};
};

} // namespace h2scope::h2
