#include "inspect/capturelog.h"

#include <algorithm>
#include <cstring>

namespace h2scope::inspect {
namespace {

// A connection's first chunk is small (most connections of a page load carry
// a few kilobytes of records); each next one doubles, up to kMaxChunk.
constexpr std::size_t kFirstChunk = 2u << 10;
constexpr std::size_t kMaxChunk = 64u << 10;

inline std::uint8_t *put8(std::uint8_t *p, std::uint8_t v) noexcept
{
    *p = v;
    return p + 1;
}
inline std::uint8_t *put32(std::uint8_t *p, std::uint32_t v) noexcept
{
    storeLittleEndian(p, v, 4);
    return p + 4;
}
inline std::uint8_t *put64(std::uint8_t *p, std::uint64_t v) noexcept
{
    storeLittleEndian(p, v, 8);
    return p + 8;
}
inline std::uint8_t *putBytes(std::uint8_t *p, const void *data, std::size_t n) noexcept
{
    if (n > 0)
        std::memcpy(p, data, n);
    return p + n;
}
inline std::uint8_t *putStr(std::uint8_t *p, std::string_view s) noexcept
{
    p = put32(p, static_cast<std::uint32_t>(s.size()));
    return putBytes(p, s.data(), s.size());
}
constexpr std::size_t strSize(std::string_view s) noexcept
{
    return 4 + s.size();
}
std::size_t blockSize(const HeaderBlock &block) noexcept
{
    std::size_t n = 4;
    for (HeaderView h : block)
        n += strSize(h.name) + strSize(h.value);
    return n;
}
std::uint8_t *putBlock(std::uint8_t *p, const HeaderBlock &block) noexcept
{
    p = put32(p, static_cast<std::uint32_t>(block.size()));
    for (HeaderView h : block) {
        p = putStr(p, h.name);
        p = putStr(p, h.value);
    }
    return p;
}
// Strings a record carries are cut here: a note or a reason is a sentence.
std::string_view clip(std::string_view s) noexcept
{
    return s.substr(0, 16u << 10);
}

} // namespace

LogChunk::LogChunk(std::size_t capacity) : m_data(new std::uint8_t[capacity]), m_capacity(capacity) {}

LogChunk::LogChunk(ChunkRegion &region, std::uint8_t *data, std::size_t capacity) noexcept
    : m_data(data), m_region(&region), m_capacity(capacity)
{
    region.hold();
}

LogChunk::~LogChunk()
{
    if (m_region)
        m_region->releaseChunk(m_data, m_capacity);
    else
        delete[] m_data;
}

void CaptureSink::announce(std::uint64_t connectionId, std::shared_ptr<LogChunk> chunk)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    m_pending.push_back(LogAnnouncement{connectionId, std::move(chunk)});
}

void CaptureSink::take(std::vector<LogAnnouncement> &out)
{
    const std::lock_guard<std::mutex> lock(m_mutex);
    if (out.empty()) {
        out.swap(m_pending);
        return;
    }
    for (LogAnnouncement &a : m_pending)
        out.push_back(std::move(a));
    m_pending.clear();
}

CaptureHub::CaptureHub(std::size_t sinks)
{
    for (std::size_t i = 0; i < std::max<std::size_t>(sinks, 1); ++i)
        m_sinks.push_back(std::make_unique<CaptureSink>(*this));
}

CaptureSink &CaptureHub::sink(std::size_t index) noexcept
{
    return *m_sinks[std::min(index, m_sinks.size() - 1)];
}

void CaptureHub::collect(std::vector<LogAnnouncement> &out)
{
    for (auto &s : m_sinks)
        s->take(out);
}

CaptureLog::CaptureLog(CaptureSink &sink, std::uint64_t connectionId, const Clock *clock)
    : m_sink(sink),
      m_hub(sink.hub()),
      m_connectionId(connectionId),
      m_nextCapacity(kFirstChunk),
      m_clock(Clock::orSteady(clock))
{}

CaptureLog::~CaptureLog()
{
    // Whatever a hold kept back is complete now: commit and seal it all.
    m_holds = 1;
    release();
    if (m_chunk)
        m_chunk->seal();
}

void CaptureLog::newChunk(std::size_t need)
{
    if (m_chunk) {
        // Under a hold the old chunk's last records stay invisible until
        // release(): a reader goes on to the next chunk only once this one is
        // sealed, so leaving both for release() keeps the order.
        m_written += m_used;
        if (m_holds == 0) {
            m_chunk->commit(m_used);
            m_chunk->seal();
        } else {
            m_unsealed.push_back({m_chunk, m_used});
        }
    }
    const std::size_t capacity = std::max(need, m_nextCapacity);
    m_nextCapacity = std::min(kMaxChunk, m_nextCapacity * 2);
    m_chunk = m_sink.arena().take(capacity);
    m_used = 0;
    m_room = capacity;
    // Each chunk starts with its time, so what is left of a log whose first
    // chunks were evicted still says when its records happened.
    m_lastTime = 0;
    m_sink.announce(m_connectionId, m_chunk);
}

std::uint8_t *CaptureLog::beginSlow(RecordKind kind, std::size_t body, bool lifecycle, std::size_t head)
{
    if (!m_hub.enabled() && !lifecycle) {
        m_gap = true;
        return nullptr;
    }
    // Room for a Time record either way: a new chunk always starts with one.
    const std::size_t need = head + body + kTimeRecord + (m_gap ? kRecordHeader : 0);
    if (!m_chunk || m_room < need)
        newChunk(need);
    if (m_gap) {
        put32(m_chunk->writable() + m_used, static_cast<std::uint32_t>(RecordKind::Gap));
        m_used += kRecordHeader;
        m_room -= kRecordHeader;
        m_gap = false;
    }
    return place(kind, body, head);
}

void CaptureLog::release() noexcept
{
    if (m_holds > 0 && --m_holds > 0)
        return;
    for (auto &[chunk, size] : m_unsealed) {
        chunk->commit(size);
        chunk->seal();
    }
    m_unsealed.clear();
    if (m_chunk)
        m_chunk->commit(m_used);
}

std::uint8_t *CaptureLog::frameLong(bool outbound, const std::uint8_t *header9, std::span<const std::uint8_t> payload,
                                    bool incomplete, std::int32_t judgement)
{
    // A frame the compact kinds cannot hold (cut off, or kept otherwise than
    // they keep it): the long form, with its bits and body length.
    const std::size_t kept = std::min(payload.size(), kMaxCapturedPayload);
    const std::size_t body = 1 + (outbound ? 0 : 4) + 9 + kept;
    std::uint8_t *p = begin(RecordKind::Frame, body);
    if (!p)
        return nullptr;
    p = put8(p, static_cast<std::uint8_t>((outbound ? kFrameOut : 0) | (incomplete ? kFrameIncomplete : 0)));
    std::uint8_t *judged = nullptr;
    if (!outbound) {
        judged = p;
        p = put32(p, static_cast<std::uint32_t>(judgement));
    }
    p = putBytes(p, header9, 9);
    putBytes(p, payload.data(), kept);
    end();
    return judged;
}

std::size_t CaptureLog::sentFrames(const std::uint8_t *data, std::size_t length)
{
    std::size_t off = 0;
    bool written = false;
    while (length - off >= 9) {
        const std::uint8_t *h = data + off;
        const std::size_t frame = 9 + frameLength(h);
        if (length - off < frame)
            break;
        const std::size_t body = 9 + keptPayload(h);
        if (std::uint8_t *p = begin(RecordKind::OutFrame, body, false, 1)) {
            std::memcpy(p, h, body);
            written = true;
        }
        off += frame;
    }
    if (written)
        end();
    return off;
}

void CaptureLog::judge(std::uint8_t *where, std::int32_t nghttp2Error) noexcept
{
    if (where)
        put32(where, static_cast<std::uint32_t>(nghttp2Error));
}

namespace {

std::size_t openedBodySize(const ConnectionOpened &o) noexcept
{
    return 2 + 8 + strSize(o.peer) + strSize(o.local) + strSize(o.tlsVersion) + strSize(o.cipher) + strSize(o.alpn)
           + strSize(o.sni) + strSize(o.group) + strSize(o.protocol);
}

std::uint8_t *putOpened(std::uint8_t *p, const ConnectionOpened &o) noexcept
{
    p = put8(p, o.tls ? 1 : 0);
    p = put8(p, o.resumed ? 1 : 0);
    p = put64(p, o.handshakeNs);
    for (const std::string *s : {&o.peer, &o.local, &o.tlsVersion, &o.cipher, &o.alpn, &o.sni, &o.group, &o.protocol})
        p = putStr(p, *s);
    return p;
}

} // namespace

void CaptureLog::opened(const ConnectionOpened &o)
{
    putOpened(begin(RecordKind::Opened, openedBodySize(o), true), o);
    end();
}

std::string encodeOpened(std::uint64_t timeNs, const ConnectionOpened &o)
{
    const std::size_t body = openedBodySize(o);
    std::string out(kTimeRecord + kRecordHeader + body, '\0');
    auto *p = reinterpret_cast<std::uint8_t *>(out.data());
    p = put32(p, static_cast<std::uint32_t>(RecordKind::Time) | (8u << 8));
    p = put64(p, timeNs);
    p = put32(p, static_cast<std::uint32_t>(RecordKind::Opened) | (static_cast<std::uint32_t>(body) << 8));
    putOpened(p, o);
    return out;
}

void CaptureLog::closed(const ConnectionClosed &c)
{
    const std::string_view reason = clip(c.reason);
    std::uint8_t *p = begin(RecordKind::Closed, 4 + 4 + 8 + 8 + 4 + strSize(reason), true);
    p = put32(p, static_cast<std::uint32_t>(c.goawayCode));
    p = put32(p, static_cast<std::uint32_t>(c.lastStreamId));
    p = put64(p, c.bytesIn);
    p = put64(p, c.bytesOut);
    p = put32(p, c.streams);
    putStr(p, reason);
    end();
}

void CaptureLog::notSent(std::uint8_t type, std::int32_t streamId, std::int32_t promisedStreamId,
                         std::int32_t nghttp2Error)
{
    std::uint8_t *p = begin(RecordKind::NotSent, 1 + 4 + 4 + 4);
    if (!p)
        return;
    p = put8(p, type);
    p = put32(p, static_cast<std::uint32_t>(streamId));
    p = put32(p, static_cast<std::uint32_t>(promisedStreamId));
    put32(p, static_cast<std::uint32_t>(nghttp2Error));
    end();
}

void CaptureLog::streamClosedLong(std::int32_t streamId, std::uint32_t errorCode, std::string_view note)
{
    note = clip(note);
    std::uint8_t *p = begin(RecordKind::StreamClosed, 4 + 4 + strSize(note));
    if (!p)
        return;
    p = put32(p, static_cast<std::uint32_t>(streamId));
    p = put32(p, errorCode);
    putStr(p, note);
    end();
}

void CaptureLog::pushOutcome(std::int32_t promisedId, std::int32_t parentId, std::string_view outcome,
                             std::string_view detail, std::string_view path)
{
    detail = clip(detail);
    path = clip(path);
    std::uint8_t *p = begin(RecordKind::PushOutcome, 4 + 4 + strSize(outcome) + strSize(detail) + strSize(path));
    if (!p)
        return;
    p = put32(p, static_cast<std::uint32_t>(promisedId));
    p = put32(p, static_cast<std::uint32_t>(parentId));
    p = putStr(p, outcome);
    p = putStr(p, detail);
    putStr(p, path);
    end();
}

void CaptureLog::notice(std::int32_t streamId, std::string_view code, std::string_view text)
{
    text = clip(text);
    // A notice about a connection that is refused or broken must survive a pause.
    std::uint8_t *p = begin(RecordKind::Notice, 4 + strSize(code) + strSize(text), true);
    p = put32(p, static_cast<std::uint32_t>(streamId));
    p = putStr(p, code);
    putStr(p, text);
    end();
}

void CaptureLog::client(std::string_view userAgent)
{
    // Enough to name the client; written even while paused, like the
    // connection's other lifecycle records (it comes once).
    userAgent = userAgent.substr(0, kMaxClientBytes);
    std::uint8_t *p = begin(RecordKind::Client, strSize(userAgent), true);
    if (!p)
        return;
    putStr(p, userAgent);
    end();
}

void CaptureLog::decoded(std::int32_t streamId, std::uint64_t bytes)
{
    std::uint8_t *p = begin(RecordKind::Decoded, 4 + 8);
    if (!p)
        return;
    p = put32(p, static_cast<std::uint32_t>(streamId));
    put64(p, bytes);
    end();
}

void CaptureLog::http1(const Http1Exchange &x)
{
    const std::string_view note = clip(x.note);
    const std::size_t body = strSize(x.method) + strSize(x.target) + strSize(x.version) + blockSize(x.requestHeaders)
                             + 4 + blockSize(x.responseHeaders) + 8 + 8 + 8 + 4 + strSize(note);
    std::uint8_t *p = begin(RecordKind::Http1, body);
    if (!p)
        return;
    p = putStr(p, x.method);
    p = putStr(p, x.target);
    p = putStr(p, x.version);
    p = putBlock(p, x.requestHeaders);
    p = put32(p, static_cast<std::uint32_t>(x.status));
    p = putBlock(p, x.responseHeaders);
    p = put64(p, x.bodyBytes);
    p = put64(p, x.durationNs);
    p = put64(p, x.startNs);
    p = put32(p, x.sequence);
    putStr(p, note);
    end();
}

// ---- reading ----

std::uint8_t FieldReader::u8() noexcept
{
    if (m_end - m_p < 1) {
        m_failed = true;
        m_p = m_end;
        return 0;
    }
    return *m_p++;
}

std::uint32_t FieldReader::u32() noexcept
{
    if (m_end - m_p < 4) {
        m_failed = true;
        m_p = m_end;
        return 0;
    }
    const std::uint32_t v = std::uint32_t(m_p[0]) | (std::uint32_t(m_p[1]) << 8) | (std::uint32_t(m_p[2]) << 16)
                            | (std::uint32_t(m_p[3]) << 24);
    m_p += 4;
    return v;
}

std::uint64_t FieldReader::u64() noexcept
{
    const std::uint64_t lo = u32();
    const std::uint64_t hi = u32();
    return lo | (hi << 32);
}

std::span<const std::uint8_t> FieldReader::bytes(std::size_t n) noexcept
{
    if (static_cast<std::size_t>(m_end - m_p) < n) {
        m_failed = true;
        m_p = m_end;
        return {};
    }
    std::span<const std::uint8_t> out(m_p, n);
    m_p += n;
    return out;
}

std::string_view FieldReader::str() noexcept
{
    const std::uint32_t n = u32();
    const std::span<const std::uint8_t> b = bytes(n);
    return {reinterpret_cast<const char *>(b.data()), b.size()};
}

std::span<const std::uint8_t> FieldReader::rest() noexcept
{
    std::span<const std::uint8_t> out(m_p, static_cast<std::size_t>(m_end - m_p));
    m_p = m_end;
    return out;
}

bool LogReader::atEnd() const
{
    if (m_chunks.empty())
        return true;
    if (m_chunk + 1 < m_chunks.size())
        return false;
    const LogChunk &c = *m_chunks[m_chunk];
    return c.sealed() && m_offset >= c.committed();
}

void LogReader::progress(std::uint64_t &read, std::uint64_t &total) const noexcept
{
    read = total = 0;
    for (std::size_t i = 0; i < m_chunks.size(); ++i) {
        const std::size_t committed = m_chunks[i]->committed();
        total += committed;
        read += i < m_chunk ? committed : i == m_chunk ? std::min(m_offset, committed) : 0;
    }
}

std::size_t LogReader::dropConsumed()
{
    std::size_t n = 0;
    while (n < m_chunk && m_chunks[n]->sealed())
        ++n;
    dropFront(n);
    return n;
}

void LogReader::dropFront(std::size_t count)
{
    count = std::min(count, m_chunks.size());
    m_chunks.erase(m_chunks.begin(), m_chunks.begin() + static_cast<std::ptrdiff_t>(count));
    if (m_chunk >= count) {
        m_chunk -= count;
    } else {
        m_chunk = 0;
        m_offset = 0;
    }
}

bool readFrame(const RecordView &r, FrameRecord &out) noexcept
{
    if (!isFrameRecord(r.kind))
        return false;
    FieldReader f(r.body, r.size);
    const std::uint8_t bits = r.kind == RecordKind::Frame ? f.u8() : r.kind == RecordKind::OutFrame ? kFrameOut : 0;
    out.outbound = bits & kFrameOut;
    out.incomplete = bits & kFrameIncomplete;
    out.judgement = out.outbound ? 0 : f.i32();
    out.header = f.bytes(9);
    if (f.failed())
        return false;
    const std::uint8_t *h = out.header.data();
    out.length = static_cast<std::uint32_t>(frameLength(h));
    out.type = h[3];
    out.flags = h[4];
    out.streamId = static_cast<std::int32_t>(((std::uint32_t(h[5]) & 0x7f) << 24) | (std::uint32_t(h[6]) << 16)
                                             | (std::uint32_t(h[7]) << 8) | h[8]);
    out.payload = f.rest();
    return true;
}

bool readOpened(const RecordView &r, ConnectionOpened &o)
{
    FieldReader f(r.body, r.size);
    o.tls = f.u8() != 0;
    o.resumed = f.u8() != 0;
    o.handshakeNs = f.u64();
    for (std::string *s : {&o.peer, &o.local, &o.tlsVersion, &o.cipher, &o.alpn, &o.sni, &o.group, &o.protocol})
        *s = std::string(f.str());
    return !f.failed();
}

bool readClosed(const RecordView &r, ConnectionClosed &c)
{
    FieldReader f(r.body, r.size);
    c.goawayCode = f.i32();
    c.lastStreamId = f.i32();
    c.bytesIn = f.u64();
    c.bytesOut = f.u64();
    c.streams = f.u32();
    c.reason = std::string(f.str());
    return !f.failed();
}

} // namespace h2scope::inspect
