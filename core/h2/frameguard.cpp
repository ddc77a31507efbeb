#include "h2/frameguard.h"

#include <algorithm>
#include <cstring>

namespace h2scope::h2 {
namespace {

constexpr std::size_t kPrefaceSize = 24;
constexpr std::uint8_t kData = 0x0, kHeaders = 0x1, kPriority = 0x2, kRstStream = 0x3, kPushPromise = 0x5,
                       kContinuation = 0x9;
constexpr std::size_t kNowhere = static_cast<std::size_t>(-1);
constexpr std::uint8_t kEndStream = 0x1;
constexpr std::uint32_t kProtocolError = 0x1, kStreamClosed = 0x5;

std::int32_t readId(const std::uint8_t *p) noexcept
{
    return static_cast<std::int32_t>(((std::uint32_t(p[0]) & 0x7f) << 24) | (std::uint32_t(p[1]) << 16)
                                     | (std::uint32_t(p[2]) << 8) | p[3]);
}

const char *typeName(std::uint8_t type) noexcept
{
    return type == kData ? "DATA" : "HEADERS";
}

GuardVerdict verdict(GuardVerdict::Kind kind, std::uint32_t code, std::int32_t stream, std::string reason)
{
    return GuardVerdict{kind, code, stream, std::move(reason)};
}

} // namespace

FrameGuard::FrameGuard(bool skipPreface) noexcept
    : m_state(skipPreface ? State::Preface : State::Head), m_prefaceLeft(skipPreface ? kPrefaceSize : 0)
{}

void FrameGuard::readHeader() noexcept
{
    m_frame.length = (std::uint32_t(m_head[0]) << 16) | (std::uint32_t(m_head[1]) << 8) | m_head[2];
    m_frame.type = m_head[3];
    m_frame.flags = m_head[4];
    m_frame.streamId = readId(m_head.data() + 5);
    m_frame.dependency = -1;
    // A PRIORITY frame is judged by its dependency; one of another size is
    // a FRAME_SIZE_ERROR, which nghttp2 answers.
    m_need = m_frame.type == kPriority && m_frame.length == 5 ? 13 : 9;
}

bool FrameGuard::needsJudging() const noexcept
{
    const GuardedFrame &f = m_frame;
    switch (f.type) {
    case kPriority: return f.length == 5 && (f.streamId == 0 || readId(m_head.data() + 9) == f.streamId);
    case kData:
    case kHeaders:
        // Client streams that are not new: nghttp2 knows whether they are
        // open. New and idle ones (and the server's even ids) are nghttp2's.
        return (f.streamId & 1) && f.streamId <= m_maxStream;
    default: return false;
    }
}

void FrameGuard::account()
{
    const GuardedFrame &f = m_frame;
    if (f.type == kHeaders && (f.streamId & 1) && f.streamId > m_maxStream) {
        const std::int32_t first = m_maxStream + 2 - (m_maxStream == 0 ? 1 : 0);
        const std::int32_t last = f.streamId - 2;
        if (first <= last && m_skipped.size() < kMaxSkippedRanges)
            m_skipped.emplace_back(first, last);
        m_maxStream = f.streamId;
        if (!(f.flags & kEndStream)) {
            m_open.insert(f.streamId);
            if (m_open.size() > kMaxOpenStreams)
                m_open.erase(m_open.begin());
        }
    } else if (f.type == kRstStream && f.length == 4 && (f.streamId & 1) && f.streamId <= m_maxStream) {
        m_open.erase(f.streamId);
        m_resets.push_back(f.streamId);
        if (m_resets.size() > kMaxRecentResets)
            m_resets.pop_front();
    }
}

bool FrameGuard::skipped(std::int32_t id) const noexcept
{
    auto it = std::upper_bound(m_skipped.begin(), m_skipped.end(), id,
                               [](std::int32_t v, const auto &range) { return v < range.first; });
    return it != m_skipped.begin() && id <= std::prev(it)->second;
}

bool FrameGuard::recentlyReset(std::int32_t id) const noexcept
{
    return std::find(m_resets.begin(), m_resets.end(), id) != m_resets.end();
}

std::size_t FrameGuard::scan(const std::uint8_t *data, std::size_t length)
{
    m_pending.reset();
    m_holding = false;
    std::size_t at = 0;
    std::size_t frameStart = kNowhere; // where the current frame began in these bytes
    while (at < length) {
        switch (m_state) {
        case State::Preface: {
            const std::size_t n = std::min(m_prefaceLeft, length - at);
            at += n;
            m_prefaceLeft -= n;
            if (m_prefaceLeft == 0)
                m_state = State::Head;
            break;
        }
        case State::Head: {
            // The frame starts here, or in an earlier call when part of its
            // head was collected then (and then at is 0).
            const std::size_t start = at;
            const std::size_t haveBefore = m_have;
            frameStart = haveBefore == 0 ? start : kNowhere;
            if (haveBefore == 0 && length - at >= m_head.size()) {
                // The usual case, the whole head in view: one copy. (Bytes
                // past a 9-byte head are the payload's or the next frame's,
                // read only for a PRIORITY frame.)
                std::memcpy(m_head.data(), data + at, m_head.size());
                readHeader();
                m_have = m_need;
                at += m_need;
            }
            while (m_have < m_need && at < length) {
                m_head[m_have++] = data[at++];
                if (m_have == 9)
                    readHeader();
            }
            if (m_have < m_need) {
                if (frameStart != kNowhere)
                    return hold(frameStart);
                break; // the rest of the head comes with the next call
            }
            if (!m_judged && needsJudging()) {
                m_pending = m_frame;
                if (m_frame.type == kPriority)
                    m_pending->dependency = readId(m_head.data() + 9);
                m_judged = true;
                m_have = haveBefore; // collected again when scan() goes on from `start`
                return start;
            }
            if (!m_judged)
                account();
            m_judged = true;
            m_bodyLeft = m_frame.length - static_cast<std::uint32_t>(m_have - 9);
            if (m_bodyLeft <= length - at) { // the whole frame is in view
                at += m_bodyLeft;
                m_bodyLeft = 0;
                endFrame();
                break;
            }
            m_state = State::Body;
            if (at == length && frameStart != kNowhere && holdsWhole(m_frame))
                return hold(frameStart); // the head ends these bytes: its payload comes next
            break;
        }
        case State::Body: {
            const std::size_t n = std::min<std::size_t>(m_bodyLeft, length - at);
            at += n;
            m_bodyLeft -= static_cast<std::uint32_t>(n);
            if (m_bodyLeft == 0) {
                m_state = State::Head;
                endFrame();
            } else if (frameStart != kNowhere && holdsWhole(m_frame)) {
                return hold(frameStart);
            }
            break;
        }
        }
    }
    return length;
}

void FrameGuard::endFrame() noexcept
{
    m_have = 0;
    m_need = 9;
    m_judged = false;
}

bool FrameGuard::holdsWhole(const GuardedFrame &f) noexcept
{
    // Header blocks: nghttp2 counts every piece of one against its
    // CONTINUATION limit, so a block that trickles in must reach it whole.
    return (f.type == kHeaders || f.type == kContinuation || f.type == kPushPromise) && f.length <= kMaxHeldPayload;
}

std::size_t FrameGuard::hold(std::size_t frameStart) noexcept
{
    // Scanned again from its first byte when the rest has come; what was
    // decided about it (judged, counted) stays decided.
    m_holding = true;
    m_state = State::Head;
    m_have = 0;
    m_need = 9;
    return frameStart;
}

GuardVerdict FrameGuard::judge(bool streamOpen)
{
    if (!m_pending)
        return {};
    const GuardedFrame f = *m_pending;
    m_pending.reset();
    using Kind = GuardVerdict::Kind;
    const std::string stream = "stream " + std::to_string(f.streamId);
    if (f.type == kPriority) {
        if (f.streamId == 0)
            return verdict(Kind::ConnectionError, kProtocolError, 0,
                           "the client sent a PRIORITY frame on stream 0 (RFC 9113 §6.3: PROTOCOL_ERROR)");
        const std::string reason =
            "the client made " + stream + " depend on itself in a PRIORITY frame (RFC 9113 §5.3.1: PROTOCOL_ERROR)";
        // RST_STREAM is never sent for an idle stream (§6.4): then the
        // connection answers.
        const bool used = streamOpen || ((f.streamId & 1) && f.streamId <= m_maxStream);
        return used ? verdict(Kind::StreamError, kProtocolError, f.streamId, reason)
                    : verdict(Kind::ConnectionError, kProtocolError, 0, reason);
    }
    const bool ends = f.flags & kEndStream;
    const std::string what = std::string("the client sent ") + typeName(f.type) + " on " + stream;
    if (streamOpen) {
        if (ends)
            m_open.erase(f.streamId);
        return {};
    }
    if (skipped(f.streamId))
        return verdict(Kind::ConnectionError, kProtocolError, 0,
                       what + ", an id lower than stream " + std::to_string(m_maxStream)
                           + " that it opened before and never used (RFC 9113 §5.1.1: PROTOCOL_ERROR)");
    if (m_open.count(f.streamId)) {
        // The server reset or refused it while the client was still sending:
        // frames in flight are ignored (RFC 9113 §5.1, closed).
        if (ends)
            m_open.erase(f.streamId);
        return {};
    }
    if (recentlyReset(f.streamId))
        return verdict(Kind::StreamError, kStreamClosed, f.streamId,
                       what + " after resetting it (RFC 9113 §5.1: STREAM_CLOSED)");
    return verdict(Kind::ConnectionError, kStreamClosed, 0,
                   what + " after ending it with END_STREAM (RFC 9113 §5.1: STREAM_CLOSED)");
}

} // namespace h2scope::h2
