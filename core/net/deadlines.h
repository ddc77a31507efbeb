#pragma once
// deadlines.h - when a connection's time is up: the TLS handshake (or, in
// cleartext, the first request) not done in time, a client that never
// acknowledges the server's SETTINGS, a connection idle (or a write stalled)
// for too long.
//
// Sans-I/O: no timer and no clock of its own. The driver says when there was
// activity, asks check() at a time it gives, and arms its timer for the
// answer's wakeAt; tests do the same with a clock of their own (clock.h).

#include "clock.h"

#include <chrono>
#include <optional>
#include <string>

namespace h2scope::net {

struct DeadlineOptions {
    std::chrono::milliseconds handshake{10'000};
    std::chrono::milliseconds idle{120'000};
    std::chrono::milliseconds settingsAck{10'000};
};

class ConnectionDeadlines final {
public:
    ConnectionDeadlines(DeadlineOptions options, Clock::time_point startedAt) noexcept
        : m_options(options), m_startedAt(startedAt), m_lastActivity(startedAt)
    {}

    // Bytes came in or went out.
    void activity(Clock::time_point at) noexcept { m_lastActivity = at; }

    // What the connection says when check() is asked.
    struct State {
        bool handshakeDone = false;
        // Since when the server's SETTINGS wait for their ACK, if they do.
        std::optional<Clock::time_point> settingsAckPendingSince;
        bool writing = false; // a write is under way (idle then means stalled)
        // Answers are being made for the peer (the file pool): the wait is
        // the server's, so the idle clock starts again from now.
        bool answering = false;
    };
    struct Step {
        enum class Act {
            Wait,            // nothing is due: look again at wakeAt
            SettingsTimeout, // send GOAWAY SETTINGS_TIMEOUT (reason), then look again at wakeAt
            Close,           // end the connection now, saying `reason` (may be empty)
        };
        Act act = Act::Wait;
        std::string reason;
        Clock::time_point wakeAt{};
    };
    // After a SETTINGS timeout, how long the GOAWAY has to leave.
    static constexpr std::chrono::milliseconds kGoawayGrace{1000};
    // How far past a deadline a wake-up is set, so that it finds it due.
    static constexpr std::chrono::milliseconds kSlack{10};

    Step check(Clock::time_point now, const State &state);

private:
    DeadlineOptions m_options;
    Clock::time_point m_startedAt;
    Clock::time_point m_lastActivity;
    bool m_settingsExpired = false;
};

// "10 s", or "250 ms" when not whole seconds.
std::string durationText(std::chrono::milliseconds d);

} // namespace h2scope::net
