#pragma once
// HAR 1.2 export of a capture: one entry per HTTP/2 stream that carried a
// request (a StreamOpened followed by its StreamClosed) and one per HTTP/1.1
// exchange, sorted by start time. Timings are as the server saw them: `send`
// is 0 (the request had fully arrived when the server saw it), `wait` runs
// from the request to the first response HEADERS frame sent, `receive` is the
// rest until the stream closed; send + wait + receive == time. Bodies are not
// captured, so content carries only the size and MIME type.
// Extensions: _connection_id, _stream_id, _was_pushed, _pushed_by.

#include "capturestore.h"

#include <cstdint>
#include <set>
#include <string>
#include <utility>

namespace h2scope::inspect {

struct HarOptions {
    // wall-clock ns minus steady-clock ns, taken while capturing (see
    // wallClockOffsetNow()); maps event times to startedDateTime.
    std::int64_t wallClockOffsetNs = 0;
    std::string creatorVersion = "0.1.0";
    // HAR viewers differ on whether h2 requests list :method etc.; off by
    // default, the request line already carries them.
    bool includePseudoHeaders = false;
    // Only these connections (empty: all of them).
    std::set<std::uint64_t> connections;
    // Only these requests, as (connection id, stream id; an HTTP/1.x
    // exchange's sequence number) (empty: every request of the connections).
    std::set<std::pair<std::uint64_t, std::int32_t>> requests;
};

// The offset between the system clock and nowNs(), right now. Any thread.
std::int64_t wallClockOffsetNow() noexcept;

// ISO 8601 UTC with milliseconds, "2026-11-22T08:15:48.123Z", for a wall-clock
// time in ns since the Unix epoch. Any thread.
std::string isoDateTime(std::int64_t wallNs);

// The whole HAR document (valid JSON for any captured bytes). Call from the
// thread that owns the store.
std::string toHar(const CaptureStore &store, const HarOptions &options = {});

} // namespace h2scope::inspect
