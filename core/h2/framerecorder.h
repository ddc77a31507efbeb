#pragma once
// The frame reporter of an HTTP/2 server connection. It writes every frame
// that crosses the wire, both ways, to the connection's capture log as it
// was on the wire (CONTINUATION and padding included), with nghttp2's
// judgement of each inbound frame in that frame's record. Stream and push
// records that nghttp2 reports while it writes frames are placed after the
// bytes of those frames, so the log keeps the wire's order.
//
// H2Session drives it from its nghttp2 calls and callbacks; the recorder
// owns the wire taps and knows nothing of nghttp2's session. Without a log
// (capture off) it records nothing and costs a pointer test. One
// connection, one thread.

#include "h2/wiretap.h"
#include "inspect/capturelog.h"

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2scope::h2 {

class FrameRecorder final {
public:
    // `log` may be null: nothing is recorded.
    explicit FrameRecorder(inspect::CaptureLog *log) noexcept;
    FrameRecorder(const FrameRecorder &) = delete;
    FrameRecorder &operator=(const FrameRecorder &) = delete;

    // Whether anything is recorded (a log, and end() not called yet).
    bool on() const noexcept { return m_log != nullptr; }
    // The log, for records of the session's own (null when off).
    inspect::CaptureLog *log() const noexcept { return m_log; }

    // ---- inbound, around each nghttp2_session_mem_recv() (on() only) ----
    // How much of `data` nghttp2 should read as one unit: a whole frame at a
    // frame boundary, or what belongs to the frame in progress. A frame that
    // ends in the unit is recorded now, hidden until endUnit(); `whole` says
    // whether one did.
    std::size_t beginUnit(const std::uint8_t *data, std::size_t length, bool &whole);
    // nghttp2 found the frame being received invalid: into its record, or
    // into the next inbound record written.
    void judge(int libError) noexcept;
    // nghttp2 read the unit: its records become visible.
    void endUnit();
    // nghttp2 failed the connection reading the unit, with `libError`: into
    // the frame's record (`whole`), or into a record of what arrived of it.
    void failUnit(bool whole, int libError);
    // A protocol-error notice about the next inbound frame recorded (the
    // frame guard judges frames before their bytes reach the capture): it
    // follows the frame's record, as on the wire.
    void holdGuardNotice(std::int32_t streamId, const std::string &text);
    // Nothing more comes in: an inbound frame cut off is recorded as far as
    // it came.
    void inputEnded();

    // ---- outbound ----
    // Around nghttp2_session_mem_send(): stream records made in between
    // wait for the bytes it returns (`chunk`, `length`; length 0 when none).
    void beginSend() noexcept { m_inSend = true; }
    void endSend(const std::uint8_t *chunk, std::size_t length);
    // A DATA frame the session wrote itself (nghttp2's send_data_callback):
    // `frame` holds the whole frame, header first; `padded` when the frame
    // carries padding.
    void sentData(const std::uint8_t *frame, std::size_t length, bool padded);

    // ---- records about streams ----
    void notice(std::int32_t streamId, std::string_view code, std::string_view text);
    void streamClosed(std::int32_t streamId, std::uint32_t errorCode, std::string &&note);
    // What became of a pushed stream (`path`: what was promised).
    void pushOutcome(std::int32_t streamId, std::int32_t parentId, std::string_view outcome, std::string_view detail,
                     const std::string &path);

    // The connection ends: frames cut off in either direction are recorded
    // as far as they came, the waiting records written, and nothing is
    // recorded after.
    void end();

private:
    void recordInbound(const std::uint8_t *header9, std::span<const std::uint8_t> payload, bool incomplete);
    void recordPartialInbound();
    void tapOutbound(const std::uint8_t *data, std::size_t length);
    void flushDeferred();
    struct DeferredDetails;
    DeferredDetails &deferDetails(std::int32_t streamId, std::uint32_t errorCode); // inside mem_send() only

    inspect::CaptureLog *m_log;
    WireTap m_inTap{true};
    WireTap m_outTap{false};
    std::uint8_t *m_inJudgement = nullptr; // the inbound frame record of the unit being received
    std::int32_t m_pendingJudgement = 0;   // nghttp2 rejected a frame whose record is not written yet
    std::optional<std::pair<std::int32_t, std::string>> m_guardNotice; // until the frame is recorded

    // Records made inside mem_send(), written after its bytes. Most are a
    // stream that ended without an error or a note: its id alone; the rest
    // carry their words in m_deferredDetails.
    struct DeferredClose {
        std::int32_t streamId = 0;
        std::uint32_t errorCode = 0;
        std::uint32_t details = kNoDetails; // index into m_deferredDetails
    };
    struct DeferredDetails {
        bool push = false;
        std::int32_t parentId = 0;
        std::string note, outcome, detail, path;
    };
    static constexpr std::uint32_t kNoDetails = UINT32_MAX;
    std::vector<DeferredClose> m_deferred;
    std::vector<DeferredDetails> m_deferredDetails;
    bool m_inSend = false;
};

} // namespace h2scope::h2
