#include "net/deadlines.h"

#include <algorithm>

namespace h2scope::net {

std::string durationText(std::chrono::milliseconds d)
{
    if (d.count() % 1000 == 0)
        return std::to_string(d.count() / 1000) + " s";
    return std::to_string(d.count()) + " ms";
}

ConnectionDeadlines::Step ConnectionDeadlines::check(Clock::time_point now, const State &state)
{
    using Act = Step::Act;
    const DeadlineOptions &o = m_options;
    if (m_settingsExpired) // GOAWAY SETTINGS_TIMEOUT had its grace to leave
        return {Act::Close, {}, now};
    if (!state.handshakeDone) {
        if (now - m_startedAt >= o.handshake)
            return {Act::Close,
                    "handshake timeout: no complete TLS handshake or request within " + durationText(o.handshake), now};
        // Wake at the deadline, or sooner so that the idle and SETTINGS
        // clocks are looked at soon after the handshake ends.
        return {Act::Wait, {}, std::min({m_startedAt + o.handshake + kSlack, now + o.idle, now + o.settingsAck})};
    }
    if (state.answering && !state.writing) // a peer that stopped reading while it waits is still stalled
        m_lastActivity = std::max(m_lastActivity, now);
    Clock::time_point next = m_lastActivity + o.idle;
    if (state.settingsAckPendingSince) {
        if (now - *state.settingsAckPendingSince >= o.settingsAck) {
            m_settingsExpired = true;
            return {Act::SettingsTimeout,
                    "SETTINGS timeout: the client did not acknowledge the server's SETTINGS within "
                        + durationText(o.settingsAck),
                    now + kGoawayGrace};
        }
        next = std::min(next, *state.settingsAckPendingSince + o.settingsAck);
    }
    if (now - m_lastActivity >= o.idle) // a write that never completes is a peer that stopped reading
        return {Act::Close,
                state.writing ? "send stalled: the peer read nothing for " + durationText(o.idle)
                              : "idle timeout: nothing received or sent for " + durationText(o.idle),
                now};
    return {Act::Wait, {}, next + kSlack};
}

} // namespace h2scope::net
