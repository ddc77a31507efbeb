#pragma once
// The capture log: what the inspector records of a connection, as it was on
// the wire, in the order it happened. The I/O thread appends; consumers
// (the capture store, the headless frame log and exporters) read and
// dissect later (dissector.h). Nothing here decodes, builds strings for the
// inspector or allocates per frame: a frame costs a bounds check and a copy
// of its header (and, for every type but DATA, its payload) into a chunk.
//
// Records, each `kind (u8) | body length (u24, little-endian) | body`; all
// numbers little-endian; a string is `u32 length | bytes`:
//   Time         u64 ns (steady clock). Every record after it happened then;
//                written when the time changed (once per socket batch) and
//                at the start of every chunk.
//   Frame        u8 bits (1 outbound, 2 incomplete: the connection ended
//                inside it), inbound only: i32 nghttp2's judgement (0, or the
//                nghttp2 error it rejected the frame with), the 9-byte header
//                as on the wire, then the payload for every type but DATA
//                (up to kMaxCapturedPayload); a PADDED DATA frame keeps its
//                pad-length byte. Written for frames the compact kinds below
//                cannot hold (a frame cut off by the connection's end).
//   InFrame,     a whole frame, received (InFrame: i32 judgement first) or
//   OutFrame     sent: the 9-byte header, then the payload as for Frame.
//                No body length: the header says it (keptPayload()).
//   StreamEnded  i32 stream id: StreamClosed with error code 0 and no note,
//                in 5 bytes (no body length), as almost every stream ends.
//   Opened       u8 tls, u8 resumed, u64 handshake ns, strings peer, local,
//                tls version, cipher, alpn, sni, group, protocol.
//   Closed       i32 GOAWAY code, i32 last stream id, u64 bytes in, u64 bytes
//                out, u32 streams, string reason.
//   NotSent      u8 frame type, i32 stream id, i32 promised stream id, i32
//                nghttp2 error: a frame nghttp2 decided not to send.
//   StreamClosed i32 stream id, u32 error code, string note (the site's).
//   PushOutcome  i32 promised id, i32 parent id, strings outcome, detail, path.
//   Notice       i32 stream id, strings code, text.
//   Http1        one HTTP/1.1 exchange (see CaptureLog::http1()).
//   Gap          nothing: records were not written here (capture paused), so
//                header compression state is lost from here on.
//   Client       string user-agent of the connection's first request (once),
//                so that the connection list can tell clients apart without
//                dissecting.
// Records are `kind (u8) | body length (u24, little-endian) | body`, but for
// the compact kinds (InFrame, OutFrame, StreamEnded), which are one kind byte
// and a body whose size follows from it: those are most of a log's records,
// and a kept capture costs memory for each byte (parseRecord()).
// The format is also the saved capture's (docs/capture-format.md).
//
// Threads: a CaptureLog belongs to its connection's thread. A LogChunk is
// written by that thread and read by any number of consumers: bytes below
// committed() never change again, so readers need no lock.

#include "chunkarena.h"
#include "clock.h"
#include "event.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2scope::inspect {

enum class RecordKind : std::uint8_t {
    Time = 1,
    Frame = 2,
    Opened = 3,
    Closed = 4,
    NotSent = 5,
    StreamClosed = 6,
    PushOutcome = 7,
    Notice = 8,
    Http1 = 9,
    Gap = 10,
    Client = 11,
    Decoded = 12,
    InFrame = 13,
    OutFrame = 14,
    StreamEnded = 15,
};

constexpr bool isFrameRecord(RecordKind kind) noexcept
{
    return kind == RecordKind::InFrame || kind == RecordKind::OutFrame || kind == RecordKind::Frame;
}

inline constexpr std::uint8_t kFrameOut = 1;
inline constexpr std::uint8_t kFrameIncomplete = 2;
// Valid HTTP/2 frames are at most 16 KiB unless a peer allows more (we never
// do); a larger payload is kept up to here and the record says how much.
inline constexpr std::size_t kMaxCapturedPayload = 64u << 10;
inline constexpr std::size_t kRecordHeader = 4;
inline constexpr std::size_t kTimeRecord = kRecordHeader + 8;

// The payload length a 9-byte frame header gives (24 bits, big-endian).
inline std::size_t frameLength(const std::uint8_t *header9) noexcept
{
    return (std::size_t(header9[0]) << 16) | (std::size_t(header9[1]) << 8) | header9[2];
}

// What a record keeps of a whole frame's payload, from its 9-byte header:
// nothing of DATA but a PADDED frame's pad-length byte, all of any other
// type up to kMaxCapturedPayload.
inline std::size_t keptPayload(const std::uint8_t *header9) noexcept
{
    const std::size_t length = frameLength(header9);
    if (header9[3] == 0x0) // DATA
        return (header9[4] & 0x08) && length > 0 ? 1 : 0;
    return length < kMaxCapturedPayload ? length : kMaxCapturedPayload;
}

// A record's numbers: `bytes` bytes of `v`, little-endian, at `p`.
inline void storeLittleEndian(std::uint8_t *p, std::uint64_t v, int bytes) noexcept
{
    for (int i = 0; i < bytes; ++i)
        p[i] = static_cast<std::uint8_t>(v >> (8 * i));
}

// Append-only bytes with one writer. Its memory never moves.
class LogChunk final {
public:
    // Memory from the heap.
    explicit LogChunk(std::size_t capacity);
    // `capacity` bytes at `data`, inside `region`, which this chunk holds.
    LogChunk(ChunkRegion &region, std::uint8_t *data, std::size_t capacity) noexcept;
    ~LogChunk();
    LogChunk(const LogChunk &) = delete;
    LogChunk &operator=(const LogChunk &) = delete;

    std::size_t capacity() const noexcept { return m_capacity; }
    const std::uint8_t *data() const noexcept { return m_data; }
    // True when the memory is a ChunkArena's.
    bool inRegion() const noexcept { return m_region != nullptr; }
    // Bytes readers may read; always ends on a record boundary.
    std::size_t committed() const noexcept { return m_committed.load(std::memory_order_acquire); }
    // True once the writer has moved on: committed() is then final.
    bool sealed() const noexcept { return m_sealed.load(std::memory_order_acquire); }

    // Writer only.
    std::uint8_t *writable() noexcept { return m_data; }
    void commit(std::size_t size) noexcept { m_committed.store(size, std::memory_order_release); }
    void seal() noexcept { m_sealed.store(true, std::memory_order_release); }

private:
    std::uint8_t *m_data;
    ChunkRegion *m_region = nullptr; // null: m_data is the heap's
    std::size_t m_capacity;
    std::atomic<std::size_t> m_committed{0};
    std::atomic<bool> m_sealed{false};
};

// A chunk a connection started, as the hub hands it to its consumer.
struct LogAnnouncement {
    std::uint64_t connectionId = 0;
    std::shared_ptr<LogChunk> chunk;
};

class CaptureHub;

// Where the logs of one I/O thread announce their chunks.
class CaptureSink {
public:
    explicit CaptureSink(CaptureHub &hub) : m_hub(hub) {}
    CaptureHub &hub() noexcept { return m_hub; }
    void announce(std::uint64_t connectionId, std::shared_ptr<LogChunk> chunk);
    void take(std::vector<LogAnnouncement> &out);
    // Where this thread's logs take their big chunks.
    ChunkArena &arena() noexcept { return m_arena; }

private:
    CaptureHub &m_hub;
    ChunkArena m_arena;
    std::mutex m_mutex;
    std::vector<LogAnnouncement> m_pending;
};

// One connection's log writer. Records are written whole and committed
// at once, except while a hold() is open (the session's receive of one
// frame: nghttp2's judgement of an inbound frame is patched into its record
// before anyone can read it).
class CaptureLog final {
public:
    // `clock` stamps the records written outside a Batch (null: the steady
    // clock); it outlives the log.
    CaptureLog(CaptureSink &sink, std::uint64_t connectionId, const Clock *clock = nullptr);
    ~CaptureLog(); // commits and seals: the log is complete
    CaptureLog(const CaptureLog &) = delete;
    CaptureLog &operator=(const CaptureLog &) = delete;

    std::uint64_t connectionId() const noexcept { return m_connectionId; }

    // A frame as on the wire. `payload` is what the caller kept of it (empty
    // for DATA, or the pad-length byte of a PADDED DATA frame). Returns where
    // an inbound frame's judgement lives, for judge(); nullptr when the
    // record was not written (capture paused) or for outbound frames.
    // Inline for a whole frame (the compact record); frameLong() for the rest.
    std::uint8_t *frame(bool outbound, const std::uint8_t *header9, std::span<const std::uint8_t> payload,
                        bool incomplete = false, std::int32_t judgement = 0);
    // Records the whole frames at the start of `data` as sent, each from the
    // bytes as they are (its header and kept payload are contiguous there);
    // returns the bytes they take, 0 when the first frame is not whole.
    // Only at a frame boundary of the outbound bytes.
    std::size_t sentFrames(const std::uint8_t *data, std::size_t length);
    // Sets the judgement of an inbound frame written while this hold is open.
    static void judge(std::uint8_t *where, std::int32_t nghttp2Error) noexcept;

    void opened(const ConnectionOpened &opened);
    void closed(const ConnectionClosed &closed);
    void notSent(std::uint8_t type, std::int32_t streamId, std::int32_t promisedStreamId, std::int32_t nghttp2Error);
    // Inline for a stream that ended without an error and without a note
    // (the 5-byte StreamEnded record); streamClosedLong() for the rest.
    void streamClosed(std::int32_t streamId, std::uint32_t errorCode, std::string_view note);
    void pushOutcome(std::int32_t promisedId, std::int32_t parentId, std::string_view outcome, std::string_view detail,
                     std::string_view path);
    void notice(std::int32_t streamId, std::string_view code, std::string_view text);
    // startNs, durationNs and sequence as in Http1Exchange.
    void http1(const Http1Exchange &exchange);
    // The user-agent of the connection's first request (at most
    // kMaxClientBytes of it); once per connection.
    void client(std::string_view userAgent);
    // A response sent content-encoded, and its size once decoded: `streamId`
    // is the HTTP/2 stream, or the HTTP/1.x exchange's sequence number.
    // Written before the stream's closing record.
    void decoded(std::int32_t streamId, std::uint64_t bytes);
    static constexpr std::size_t kMaxClientBytes = 512;

    // Nothing written between hold() and release() is visible to readers
    // before release(). Holds nest.
    void hold() noexcept { ++m_holds; }
    void release() noexcept;

    // Bytes written so far (all chunks), for tests and accounting.
    std::uint64_t bytesWritten() const noexcept { return m_written + m_used; }

    // One time for everything recorded while it lives: the connection opens
    // a batch per socket read and per socket write, so the frames that
    // arrived in one read (or left in one write) carry the time they were
    // read (or produced), which is what the wire can tell, and no clock is
    // read per record. A batch inside another keeps the outer one's time.
    // `log` may be null (capture off): ns() still says the batch's time.
    class Batch final {
    public:
        // `ns`: a reading of the log's clock (Clock::nowNs()).
        Batch(CaptureLog *log, std::uint64_t ns) noexcept
            : m_log(log),
              m_ns(log && log->m_batchNs != 0 ? log->m_batchNs : ns),
              m_outermost(log && log->m_batchNs == 0)
        {
            if (m_outermost)
                m_log->m_batchNs = m_ns;
        }
        ~Batch()
        {
            if (m_outermost)
                m_log->m_batchNs = 0;
        }
        Batch(const Batch &) = delete;
        Batch &operator=(const Batch &) = delete;

        std::uint64_t ns() const noexcept { return m_ns; }

    private:
        CaptureLog *m_log;
        std::uint64_t m_ns;
        bool m_outermost;
    };

private:
    // Room for a record of `body` bytes (after a Time record if the time
    // changed); nullptr when paused (lifecycle records are written anyway).
    // A compact kind's record has no body length (`head` 1 instead of 4).
    // Inline: it runs for every frame; beginSlow() takes what is rare (a
    // new chunk, a pause, a gap to mark).
    std::uint8_t *begin(RecordKind kind, std::size_t body, bool lifecycle = false, std::size_t head = kRecordHeader);
    std::uint8_t *beginSlow(RecordKind kind, std::size_t body, bool lifecycle, std::size_t head);
    // Writes the record's head (after a Time record if the time changed)
    // where there is room for it; returns where its body goes.
    std::uint8_t *place(RecordKind kind, std::size_t body, std::size_t head) noexcept;
    void end() noexcept
    {
        if (m_holds == 0)
            m_chunk->commit(m_used);
    }
    std::uint8_t *frameLong(bool outbound, const std::uint8_t *header9, std::span<const std::uint8_t> payload,
                            bool incomplete, std::int32_t judgement);
    void streamClosedLong(std::int32_t streamId, std::uint32_t errorCode, std::string_view note);
    void newChunk(std::size_t need);

    CaptureSink &m_sink;
    CaptureHub &m_hub;
    std::uint64_t m_connectionId;
    std::shared_ptr<LogChunk> m_chunk;
    std::size_t m_used = 0;      // bytes written into m_chunk
    std::size_t m_room = 0;      // and still free in it (0 before the first)
    std::uint64_t m_written = 0; // bytes in earlier chunks
    std::size_t m_nextCapacity;
    std::uint64_t m_lastTime = 0;
    const Clock &m_clock;
    std::uint64_t m_batchNs = 0; // the open Batch's time; 0: none is open
    int m_holds = 0;
    bool m_gap = false;
    // Chunks left behind during a hold: committed and sealed at release().
    std::vector<std::pair<std::shared_ptr<LogChunk>, std::size_t>> m_unsealed;
};

// The capture's switchboard: one sink per I/O thread, one consumer that
// collects the announced chunks. Nothing is ever dropped here; memory is
// the store's to bound.
//
// Threads: sink(i) and its logs belong to I/O thread i; collect() to one
// consumer thread; setEnabled()/enabled() any thread.
class CaptureHub final {
public:
    explicit CaptureHub(std::size_t sinks);
    CaptureHub(const CaptureHub &) = delete;
    CaptureHub &operator=(const CaptureHub &) = delete;

    std::size_t sinkCount() const noexcept { return m_sinks.size(); }
    // Index past the end is clamped to the last sink.
    CaptureSink &sink(std::size_t index) noexcept;

    // Appends the chunks announced since the last call, each connection's in
    // its order. Consumer thread.
    void collect(std::vector<LogAnnouncement> &out);

    // Pause: while off, logs write only connection opened/closed and mark
    // the gap. Connections opened meanwhile are still listed.
    void setEnabled(bool on) noexcept { m_enabled.store(on, std::memory_order_relaxed); }
    bool enabled() const noexcept { return m_enabled.load(std::memory_order_relaxed); }

private:
    std::vector<std::unique_ptr<CaptureSink>> m_sinks;
    std::atomic<bool> m_enabled{true};
};

inline std::uint8_t *CaptureLog::frame(bool outbound, const std::uint8_t *header9,
                                       std::span<const std::uint8_t> payload, bool incomplete, std::int32_t judgement)
{
    const std::size_t kept = payload.size();
    if (incomplete || kept != keptPayload(header9)) [[unlikely]]
        return frameLong(outbound, header9, payload, incomplete, judgement);
    std::uint8_t *p =
        begin(outbound ? RecordKind::OutFrame : RecordKind::InFrame, (outbound ? 9 : 13) + kept, false, 1);
    if (!p)
        return nullptr;
    std::uint8_t *judged = nullptr;
    if (!outbound) {
        judged = p;
        storeLittleEndian(p, static_cast<std::uint32_t>(judgement), 4);
        p += 4;
    }
    std::memcpy(p, header9, 9);
    if (kept > 0)
        std::memcpy(p + 9, payload.data(), kept);
    end();
    return judged;
}

inline void CaptureLog::streamClosed(std::int32_t streamId, std::uint32_t errorCode, std::string_view note)
{
    if (errorCode != 0 || !note.empty()) [[unlikely]] {
        streamClosedLong(streamId, errorCode, note);
        return;
    }
    std::uint8_t *p = begin(RecordKind::StreamEnded, 4, false, 1);
    if (!p)
        return;
    storeLittleEndian(p, static_cast<std::uint32_t>(streamId), 4);
    end();
}

inline std::uint8_t *CaptureLog::begin(RecordKind kind, std::size_t body, bool lifecycle, std::size_t head)
{
    // Room for a Time record either way: a new chunk always starts with one.
    if (m_room < head + body + kTimeRecord || m_gap || !m_hub.enabled()) [[unlikely]]
        return beginSlow(kind, body, lifecycle, head);
    return place(kind, body, head);
}

inline std::uint8_t *CaptureLog::place(RecordKind kind, std::size_t body, std::size_t head) noexcept
{
    std::uint8_t *const start = m_chunk->writable() + m_used;
    std::uint8_t *p = start;
    const std::uint64_t t = m_batchNs != 0 ? m_batchNs : static_cast<std::uint64_t>(m_clock.nowNs());
    if (t != m_lastTime) {
        storeLittleEndian(p, static_cast<std::uint32_t>(RecordKind::Time) | (8u << 8), 4);
        storeLittleEndian(p + 4, t, 8);
        p += kTimeRecord;
        m_lastTime = t;
    }
    // Kind, then (but for the compact kinds) the body length in 24 bits.
    storeLittleEndian(p, static_cast<std::uint8_t>(kind) | (head == 1 ? 0 : body << 8), static_cast<int>(head));
    p += head;
    const std::size_t used = static_cast<std::size_t>(p - start) + body;
    m_used += used;
    m_room -= used;
    return p;
}

// ---- reading ----

struct RecordView {
    RecordKind kind{};
    const std::uint8_t *body = nullptr;
    std::uint32_t size = 0;
};

// Little-endian field reader over one record body; reads past the end give
// zeros and set failed(), so a damaged record cannot be read out of bounds.
class FieldReader final {
public:
    FieldReader(const std::uint8_t *data, std::size_t size) noexcept : m_p(data), m_end(data + size) {}
    std::uint8_t u8() noexcept;
    std::uint32_t u32() noexcept;
    std::int32_t i32() noexcept { return static_cast<std::int32_t>(u32()); }
    std::uint64_t u64() noexcept;
    std::string_view str() noexcept;
    std::span<const std::uint8_t> bytes(std::size_t n) noexcept;
    std::span<const std::uint8_t> rest() noexcept;
    bool failed() const noexcept { return m_failed; }

private:
    const std::uint8_t *m_p;
    const std::uint8_t *m_end;
    bool m_failed = false;
};

// Reads one connection's records in order across its chunks, as far as
// they are committed. A consumer keeps one per connection and calls next()
// whenever new bytes may be there. Any one consumer thread.
class LogReader final {
public:
    void append(std::shared_ptr<LogChunk> chunk) { m_chunks.push_back(std::move(chunk)); }
    // The next complete record, or false when none is committed yet (or the
    // bytes are damaged: then damaged() is true and reading stops).
    bool next(RecordView &out);
    bool damaged() const noexcept { return m_damaged; }
    // Hands `f(bytes, size, chunkIndex)` each run of committed bytes not yet
    // read, in order, for a consumer that walks records itself (the store's
    // counting pass); `f` reads them all (committed bytes end on a record)
    // and returns false if they are damaged, which stops reading.
    template <class F> void readRuns(F &&f);
    // True when every chunk is sealed and read to its end.
    bool atEnd() const;
    // Chunks wholly read and sealed may be let go by consumers that do not
    // keep the log (the headless frame log); returns how many were dropped.
    std::size_t dropConsumed();
    const std::vector<std::shared_ptr<LogChunk>> &chunks() const noexcept { return m_chunks; }
    // The chunk being read.
    std::size_t chunkIndex() const noexcept { return m_chunk; }
    // Committed bytes already read and in all, over the chunks it holds.
    void progress(std::uint64_t &read, std::uint64_t &total) const noexcept;
    // Puts `copy`, the same committed bytes in a chunk of their own size,
    // in place of the last chunk; the position stays where it was.
    void replaceLast(std::shared_ptr<LogChunk> copy) noexcept
    {
        if (!m_chunks.empty())
            m_chunks.back() = std::move(copy);
    }
    // Drops the first `count` chunks (eviction); the position moves with them.
    void dropFront(std::size_t count);

private:
    std::vector<std::shared_ptr<LogChunk>> m_chunks;
    std::size_t m_chunk = 0;
    std::size_t m_offset = 0;
    bool m_damaged = false;
};

// Reads a record at `p` with `available` bytes; false if incomplete.
inline bool parseRecord(const std::uint8_t *p, std::size_t available, RecordView &out, std::size_t &recordSize) noexcept
{
    std::size_t head = 1, body = 0;
    switch (static_cast<RecordKind>(available > 0 ? p[0] : 0)) {
    case RecordKind::InFrame:
        if (available < 1 + 4 + 9)
            return false;
        body = 4 + 9 + keptPayload(p + 1 + 4);
        break;
    case RecordKind::OutFrame:
        if (available < 1 + 9)
            return false;
        body = 9 + keptPayload(p + 1);
        break;
    case RecordKind::StreamEnded: body = 4; break;
    default:
        if (available < kRecordHeader)
            return false;
        head = kRecordHeader;
        body = std::uint32_t(p[1]) | (std::uint32_t(p[2]) << 8) | (std::uint32_t(p[3]) << 16);
        break;
    }
    if (available - head < body)
        return false;
    out.kind = static_cast<RecordKind>(p[0]);
    out.body = p + head;
    out.size = static_cast<std::uint32_t>(body);
    recordSize = head + body;
    return true;
}

template <class F> void LogReader::readRuns(F &&f)
{
    while (!m_damaged && m_chunk < m_chunks.size()) {
        const LogChunk &c = *m_chunks[m_chunk];
        const bool sealed = c.sealed(); // first: once it is seen, committed() is final
        const std::size_t committed = c.committed();
        if (m_offset < committed) {
            if (!f(c.data() + m_offset, committed - m_offset, m_chunk)) {
                m_damaged = true;
                return;
            }
            m_offset = committed;
        }
        if (!sealed || m_chunk + 1 >= m_chunks.size())
            return;
        ++m_chunk;
        m_offset = 0;
    }
}

// Inline: the store's counting pass calls it for every record.
inline bool LogReader::next(RecordView &out)
{
    while (!m_damaged && m_chunk < m_chunks.size()) {
        const LogChunk &c = *m_chunks[m_chunk];
        // sealed() first: once it is seen, committed() is final.
        const bool sealed = c.sealed();
        const std::size_t committed = c.committed();
        if (m_offset < committed) {
            std::size_t size = 0;
            if (!parseRecord(c.data() + m_offset, committed - m_offset, out, size)) {
                m_damaged = true; // committed bytes always end on a record: these are not a log
                return false;
            }
            m_offset += size;
            return true;
        }
        if (!sealed || m_chunk + 1 >= m_chunks.size())
            return false;
        ++m_chunk;
        m_offset = 0;
    }
    return false;
}

// A Frame record, read.
struct FrameRecord {
    bool outbound = false;
    bool incomplete = false;
    std::int32_t judgement = 0;           // inbound only
    std::span<const std::uint8_t> header; // the 9 bytes as on the wire
    std::uint32_t length = 0;             // from the header
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::int32_t streamId = 0;
    std::span<const std::uint8_t> payload; // what the record kept of it
};
bool readFrame(const RecordView &r, FrameRecord &out) noexcept;

// A Time record and an Opened record, as a log would hold them (for a saved
// capture whose log lost its opening to eviction).
std::string encodeOpened(std::uint64_t timeNs, const ConnectionOpened &opened);

// Record decoders for the lifecycle records (false on a damaged body).
bool readOpened(const RecordView &r, ConnectionOpened &out);
bool readClosed(const RecordView &r, ConnectionClosed &out);

} // namespace h2scope::inspect
