#pragma once
// FrameGuard: the rules of RFC 9113 on the client's frames that nghttp2
// leaves unchecked, because it forgets closed streams and, with
// SETTINGS_NO_RFC7540_PRIORITIES, skips PRIORITY frames unread:
//   - §5.1: DATA or HEADERS on a stream the client ended (END_STREAM) and
//     that is now closed: connection error STREAM_CLOSED; on a stream the
//     client reset: stream error STREAM_CLOSED; on a stream the server
//     reset or refused while the client was still sending: ignored, as
//     §5.1 requires of frames in flight after our RST_STREAM;
//   - §5.1.1: HEADERS or DATA on a stream id the client skipped (an id lower
//     than one it already opened, never used): connection error
//     PROTOCOL_ERROR;
//   - §6.3: PRIORITY on stream 0: connection error PROTOCOL_ERROR;
//     §5.3.1: a PRIORITY frame whose stream depends on itself: stream error
//     PROTOCOL_ERROR.
// Everything else about these frames (idle streams, half-closed streams
// that are still open, sizes, padding) is nghttp2's.
//
// Sans-I/O, and it knows nothing of nghttp2: it walks the frame headers of
// the inbound bytes, says how many bytes can be given to nghttp2 before a
// frame that needs judging (so that nghttp2's state is that of the frames
// before it), and judges that frame from what the session says of its
// stream. It keeps a few sets of stream ids, bounded: the streams the client
// has not ended, the ones it reset lately, the ids it skipped.

#include <array>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::h2 {

struct GuardedFrame {
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::int32_t streamId = 0;
    std::uint32_t length = 0;
    std::int32_t dependency = -1; // PRIORITY: the stream it depends on
};

struct GuardVerdict {
    enum class Kind : std::uint8_t { None, StreamError, ConnectionError };
    Kind kind = Kind::None;
    std::uint32_t code = 0;
    std::int32_t streamId = 0;
    std::string reason; // empty when kind is None
};

class FrameGuard final {
public:
    // `skipPreface`: the bytes start with the 24-byte client connection preface.
    explicit FrameGuard(bool skipPreface = true) noexcept;

    // How many of the bytes can go to nghttp2 before the next frame that
    // needs judging: all of them when none does. When pending() is set
    // after that, feed those bytes, call judge(), then scan() the rest.
    // When holding() is set instead, the rest is the start of a frame to
    // give whole (a frame head, or a header-block frame of at most
    // kMaxHeldPayload bytes): keep it, and scan() it again with what comes
    // next.
    std::size_t scan(const std::uint8_t *data, std::size_t length);
    const std::optional<GuardedFrame> &pending() const noexcept { return m_pending; }
    bool holding() const noexcept { return m_holding; }
    static constexpr std::uint32_t kMaxHeldPayload = 16384; // SETTINGS_MAX_FRAME_SIZE, which the server keeps
    // The pending frame's verdict; `streamOpen`: the stream is open (or
    // half-closed) in the session, as nghttp2 sees it now.
    GuardVerdict judge(bool streamOpen);

    // Bounds of the sets it keeps.
    static constexpr std::size_t kMaxOpenStreams = 4096;  // streams the client has not ended
    static constexpr std::size_t kMaxRecentResets = 1024; // streams the client reset
    static constexpr std::size_t kMaxSkippedRanges = 1024;

private:
    enum class State : std::uint8_t { Preface, Head, Body };
    void readHeader() noexcept;
    void endFrame() noexcept;
    static bool holdsWhole(const GuardedFrame &f) noexcept;
    std::size_t hold(std::size_t frameStart) noexcept;
    bool needsJudging() const noexcept;
    void account(); // bookkeeping of a frame that passes unjudged
    bool skipped(std::int32_t id) const noexcept;
    bool recentlyReset(std::int32_t id) const noexcept;

    State m_state;
    std::size_t m_prefaceLeft;
    std::array<std::uint8_t, 13> m_head{}; // frame header, and a PRIORITY frame's payload
    std::size_t m_have = 0;                // bytes of m_head collected
    std::size_t m_need = 9;
    bool m_judged = false; // the frame being collected has been judged
    std::uint32_t m_bodyLeft = 0;
    GuardedFrame m_frame;
    std::optional<GuardedFrame> m_pending;
    bool m_holding = false;

    std::int32_t m_maxStream = 0;                                 // highest stream id the client opened
    std::set<std::int32_t> m_open;                                // opened and not ended by the client
    std::deque<std::int32_t> m_resets;                            // reset by the client, most recent last
    std::vector<std::pair<std::int32_t, std::int32_t>> m_skipped; // [first, last] odd ids never used
};

} // namespace h2scope::h2
