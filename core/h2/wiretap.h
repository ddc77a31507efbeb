#pragma once
// The wire tap: finds HTTP/2 frame boundaries in a byte stream, exactly as
// the bytes go over the wire, so the inspector can report every frame
// header (CONTINUATION and padding included) whatever nghttp2 makes of it.
// By default it never buffers payload: it only counts, plus the one
// pad-length byte. For the capture log it keeps the payload of every frame
// but DATA (up to kMaxKept bytes), in one buffer it reuses.

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

namespace h2scope::h2 {

struct TapFrame {
    std::array<std::uint8_t, 9> raw{};
    std::uint32_t length = 0;
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::int32_t streamId = 0;
    std::uint8_t padding = 0; // pad length for PADDED DATA/HEADERS/PUSH_PROMISE
};

class WireTap final {
public:
    // `skipPreface`: the inbound side of a server connection starts with the
    // 24-byte client connection preface, which is not a frame.
    explicit WireTap(bool skipPreface = false) noexcept;

    // Looks at up to `length` bytes and returns how many belong to the unit
    // in progress (the preface or the current frame), stopping right after
    // that unit ends. When a frame ends inside those bytes, `completed` is
    // set to it. Call again with the rest. Never fails: the tap describes
    // what was sent, valid or not.
    std::size_t scan(const std::uint8_t *data, std::size_t length, std::optional<TapFrame> &completed) noexcept;

    // At a frame boundary (the preface, if any, behind): a caller that finds
    // a whole frame there may record it from the bytes without scan(); the
    // tap stays where it is.
    bool atFrameStart() const noexcept { return m_state == State::Header && m_headerHave == 0; }

    // The frame whose header has been read but whose payload is incomplete.
    std::optional<TapFrame> partial() const noexcept;

    // Whether the preface (if any) has been seen whole and matched.
    bool prefaceDone() const noexcept { return m_prefaceLeft == 0; }
    bool prefaceMismatch() const noexcept { return m_prefaceBad; }

    std::uint64_t framesSeen() const noexcept { return m_frames; }

    // Keep payloads from the next frame on (see the top of this file).
    void setKeepPayload(bool keep) noexcept { m_keep = keep; }
    static constexpr std::size_t kMaxKept = 64u << 10;
    // What was kept of the frame scan() just completed, or of the partial
    // one: the payload of a non-DATA frame, the pad-length byte of a PADDED
    // DATA frame, else nothing. Valid until the next scan(), and while the
    // bytes given to that scan() are: a frame that was whole in them is
    // viewed there, not copied.
    std::span<const std::uint8_t> payload() const noexcept { return m_view; }
    // Forgets the partial frame (recorded as cut off); the tap then expects a
    // frame header.
    void abandon() noexcept;

private:
    void keep(const std::uint8_t *data, std::size_t n);
    void readHeader() noexcept;
    std::size_t complete(std::size_t used, std::optional<TapFrame> &completed) noexcept;

    enum class State : std::uint8_t { Preface, Header, PadLength, Payload };

    State m_state;
    std::size_t m_prefaceLeft;
    bool m_prefaceBad = false;
    std::size_t m_headerHave = 0;
    TapFrame m_frame;
    std::uint32_t m_payloadLeft = 0;
    std::uint64_t m_frames = 0;
    bool m_keep = false;
    std::vector<std::uint8_t> m_payload;  // a frame's kept payload, gathered over several scans
    std::span<const std::uint8_t> m_view; // what payload() returns
};

} // namespace h2scope::h2
