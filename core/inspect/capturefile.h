#pragma once
// The saved capture: every stored connection's raw capture log, so a saved
// file reopens with every detail (docs/capture-format.md). Layout, numbers
// little-endian:
//   magic "H2SCOPE-CAPTURE\n" (16 bytes), u32 version (1), u32 flags (0),
//   i64 wall-clock offset (ns; CaptureStore::wallClockOffsetNs())
//   then per connection: u64 id, u64 frames already evicted when saved, its
//   counters (12 x u64, see docs/capture-format.md), u64 log length, the log's
//   records (capturelog.h) as the connection wrote them; a log whose opening
//   was evicted gets a Time and an Opened record in front.
// JSON Lines and HAR stay exports; this is the form that loses nothing.

#include "inspect/capturestore.h"
#include "result.h"

#include <cstdint>
#include <string>
#include <string_view>

namespace h2scope::inspect {

// Version 2 added the compact records (InFrame, OutFrame, StreamEnded);
// version 1 files hold none of them and read the same way.
inline constexpr std::uint32_t kCaptureFileVersion = 2;
inline constexpr std::uint32_t kOldestCaptureFileVersion = 1;

// The whole file's bytes. Thread of the store.
std::string serializeCapture(const CaptureStore &store);

// Fills an empty `store` from a file's bytes. Fails with Errc::InvalidArgument
// saying what is wrong (not a capture, a newer version, cut off, damaged
// records); the store then holds nothing.
Result<void> parseCapture(std::string_view bytes, CaptureStore &store);

// Whether the bytes start like a saved capture (for telling files apart).
bool looksLikeCapture(std::string_view bytes) noexcept;

} // namespace h2scope::inspect
