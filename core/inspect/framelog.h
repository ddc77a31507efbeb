#pragma once
// Human-readable frame log in the style of `nghttp -v`, for the headless
// server's console and the GUI's text export:
//
//   [  0.001234] [conn 1] recv SETTINGS frame <length=18, flags=0x00, stream_id=0>
//             (niv=3)
//             [SETTINGS_MAX_CONCURRENT_STREAMS(0x03):100]
//   [  0.002000] [conn 1] send HEADERS frame <length=40, flags=0x04, stream_id=1>
//             ; END_HEADERS
//             :status: 200
//
// "recv" marks Direction::In, "send" Direction::Out. A frame nghttp2 decided
// not to send is logged as "unsent X frame" with "(not sent: reason)", so a
// grep for "send X frame" only finds frames that went out; a received frame
// nghttp2 rejected keeps "recv" and gains "(invalid: reason)". Other events
// are one line each. Every line ends with '\n'. Header values and debug data
// are printed with control bytes escaped (\xNN), so one event never spans
// lines it does not own.

#include "event.h"

#include <cstdint>
#include <map>
#include <string>
#include <utility>

namespace h2scope::inspect {

// One event, relative to `baseNs` (times before it print as 0). Stateless: a
// StreamClosed prints without the request line. Any thread.
std::string formatEvent(const Event &event, std::uint64_t baseNs);

// Stateful variant that remembers each stream's request line, so a closed
// stream prints as "stream 1 GET /index.html -> 200 (10240 B, 1.3ms)". The
// base time is the first event's time unless set. One thread at a time.
class FrameLogFormatter final {
public:
    FrameLogFormatter() = default;
    explicit FrameLogFormatter(std::uint64_t baseNs) : m_baseNs(baseNs), m_haveBase(true) {}

    std::string format(const Event &event);

private:
    std::uint64_t m_baseNs = 0;
    bool m_haveBase = false;
    // (connection, stream) -> "GET /index.html"; erased when the stream closes.
    std::map<std::pair<std::uint64_t, std::int32_t>, std::string> m_requests;
};

} // namespace h2scope::inspect
