#include "inspect/capturestore.h"

#include "inspect/dissector.h"

#include <algorithm>
#include <cstring>
#include <deque>

namespace h2scope::inspect {
namespace {

// What the store itself spends per connection beyond its log: the entry, its
// order-set nodes, the reader's chunk list.
constexpr std::size_t kConnectionOverhead = sizeof(ConnectionInfo) + 256;
constexpr std::uint8_t kHeadersType = 0x1, kPushPromiseType = 0x5, kDataType = 0x0;

void insertSorted(std::vector<std::uint64_t> &ids, std::uint64_t id)
{
    auto it = std::lower_bound(ids.begin(), ids.end(), id);
    if (it == ids.end() || *it != id)
        ids.insert(it, id);
}

} // namespace

// Events in blocks of kBlock that never move once written, removable from
// the front: a connection's dissection grows to millions of events under a
// flood, and one vector of them would move them all whenever it grows.
class EventBlocks {
public:
    static constexpr std::size_t kBlock = 256;
    std::size_t size() const noexcept { return m_size; }
    const Event &operator[](std::size_t i) const noexcept
    {
        const std::size_t at = m_front + i;
        return m_blocks[at / kBlock][at % kBlock];
    }
    void append(std::vector<Event> &events)
    {
        for (Event &e : events) {
            if (m_blocks.empty() || m_blocks.back().size() == kBlock)
                m_blocks.emplace_back().reserve(kBlock);
            m_blocks.back().push_back(std::move(e));
        }
        m_size += events.size();
        events.clear();
    }
    // Frees the first `count` events (whole blocks as soon as they are empty).
    void popFront(std::size_t count)
    {
        count = std::min(count, m_size);
        m_size -= count;
        m_front += count;
        while (!m_blocks.empty() && m_front >= kBlock) {
            m_blocks.pop_front();
            m_front -= kBlock;
        }
        if (m_size == 0) {
            m_blocks.clear();
            m_front = 0;
        }
    }
    std::size_t bytes() const noexcept { return m_blocks.size() * kBlock * sizeof(Event); }

private:
    std::deque<std::vector<Event>> m_blocks;
    std::size_t m_front = 0; // events already removed from the first block
    std::size_t m_size = 0;
};

// One connection's events. Logical index i is events[i - first()]; the
// events of chunks evicted since are gone, and indices never shift.
struct CaptureStore::Dissection {
    explicit Dissection(std::uint64_t id, bool keep = true)
        : dissector(id), index(std::make_shared<ConnectionIndex>(id)), keepEvents(keep)
    {}
    LogReader reader;
    Dissector dissector;
    EventBlocks events;
    std::shared_ptr<ConnectionIndex> index; // grown with the events
    std::vector<Event> scratch;             // what one read() dissected, before it joins the blocks
    std::size_t base = 0;                   // logical index of events[0]
    std::size_t consumedChunks = 0;         // chunks of the store's list already handed to the reader
    // Logical end of the events each read chunk produced, from the reader's
    // first chunk on (the last entry is the chunk being read, still open).
    std::deque<std::size_t> chunkEnds;
    bool keepEvents = true; // false for a summary: the index learns of each event, which then goes
    // Leading chunkEnds entries whose events were let go to bound the cache
    // (trim()); their records are still in the log.
    std::size_t trimmedChunks = 0;
    std::size_t evictedUpTo = 0; // events below this went with chunks the budget evicted
    std::size_t first() const noexcept { return base; }
    std::size_t end() const noexcept { return base + events.size(); }
    std::size_t bytes() const noexcept { return events.bytes() + index->bytes(); }

    // Reads on until nothing more is committed, or past `deadline` (none
    // when zero); true when it read everything there is.
    bool read(std::chrono::steady_clock::time_point deadline = {})
    {
        RecordView r;
        std::size_t n = 0;
        bool all = true;
        while (reader.next(r)) {
            while (chunkEnds.size() <= reader.chunkIndex())
                chunkEnds.push_back(end() + scratch.size()); // a chunk begins: the ones before end here
            dissector.feed(r, scratch);
            chunkEnds.back() = end() + scratch.size();
            // The clock is read once per 512 records.
            if (deadline != std::chrono::steady_clock::time_point{} && ++n % 512 == 0
                && std::chrono::steady_clock::now() > deadline) {
                all = false;
                break;
            }
        }
        publish();
        return all;
    }
    void finish()
    {
        dissector.finish(scratch);
        publish();
    }
    // What one read dissected joins the events, and the index learns of it.
    void publish()
    {
        for (std::size_t i = 0; i < scratch.size(); ++i)
            index->take(scratch[i], end() + i);
        if (keepEvents) {
            events.append(scratch);
        } else {
            base += scratch.size(); // numbered as if kept, so the index's numbers stay distinct
            scratch.clear();
        }
    }
    // The store evicted the reader's first chunk: its events go, the
    // dissector's state (HPACK tables, windows) stays. False when the
    // dissection has not read past that chunk and must be made again.
    bool dropFirstChunk()
    {
        if (reader.chunkIndex() < 1 || chunkEnds.size() < 2)
            return false;
        const std::size_t upTo = chunkEnds.front();
        chunkEnds.pop_front();
        reader.dropFront(1);
        --consumedChunks;
        evictedUpTo = upTo;
        if (trimmedChunks > 0) { // its events were let go already
            --trimmedChunks;
            return true;
        }
        if (!keepEvents)
            return true;
        events.popFront(upTo - base);
        base = upTo;
        return true;
    }
    // Lets the events of the oldest read chunks go, never those of the chunk
    // being read, until the events take at most `limit` bytes. The decoding
    // state and the index stay; the log keeps the records.
    void trim(std::size_t limit)
    {
        while (keepEvents && events.bytes() > limit && trimmedChunks + 1 < chunkEnds.size()) {
            const std::size_t upTo = chunkEnds[trimmedChunks];
            events.popFront(upTo - base);
            base = upTo;
            ++trimmedChunks;
        }
    }
    bool trimmed(std::size_t i) const noexcept { return i >= evictedUpTo && i < base; }
};

// A reader of a connection's log has read all there will ever be: its
// dissection can be finished (streams still open are closed by the end).
bool CaptureStore::readToTheEnd(const Connection &conn, const LogReader &reader)
{
    return conn.complete || (conn.info.closed && reader.atEnd());
}

CaptureStore::CaptureStore(std::size_t budgetBytes) : m_budget(budgetBytes) {}

CaptureStore::~CaptureStore() = default;

std::size_t CaptureStore::dissectionBytes() const noexcept
{
    std::size_t n = 0;
    for (std::uint64_t id : m_cacheOrder) // only cached connections have one
        if (auto it = m_connections.find(id); it != m_connections.end() && it->second.dissection)
            n += it->second.dissection->bytes();
    return n;
}

void CaptureStore::charge(Connection &conn, std::ptrdiff_t bytes) noexcept
{
    conn.info.memoryBytes = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(conn.info.memoryBytes) + bytes);
    m_used = static_cast<std::size_t>(static_cast<std::ptrdiff_t>(m_used) + bytes);
}

CaptureStore::Connection &CaptureStore::connectionFor(std::uint64_t id, StoreDelta &delta)
{
    auto [it, inserted] = m_connections.try_emplace(id);
    Connection &c = it->second;
    if (inserted) {
        c.info.id = id;
        c.generation = ++m_generations;
        charge(c, kConnectionOverhead);
        m_order.insert(id);
        m_live.insert(id);
        insertSorted(delta.added, id);
        if (m_summaries)
            startSummary(c);
    }
    return c;
}

StoreDelta CaptureStore::ingest(std::vector<LogAnnouncement> &&announcements)
{
    StoreDelta delta;
    for (LogAnnouncement &a : announcements) {
        Connection &c = connectionFor(a.connectionId, delta);
        charge(c, static_cast<std::ptrdiff_t>(a.chunk->capacity()));
        c.scan.append(std::move(a.chunk));
        c.chunkStats.emplace_back();
        if (c.complete) { // a late chunk of a finished log: read it too
            c.complete = false;
            m_live.insert(a.connectionId);
        }
    }
    announcements.clear();
    for (auto it = m_live.begin(); it != m_live.end();) {
        const std::uint64_t id = *it;
        Connection &c = m_connections.at(id);
        if (scanNew(c)) {
            insertSorted(delta.changed, id);
            if (c.summary)
                m_summaryPending.insert(id);
        }
        if (c.info.closed && c.scan.atEnd()) {
            c.complete = true;
            compactLastChunk(c);
            it = m_live.erase(it);
        } else {
            ++it;
        }
    }
    for (std::uint64_t id : delta.added)
        insertSorted(delta.changed, id);
    enforceBudget(delta);
    return delta;
}

bool CaptureStore::scanNew(Connection &conn)
{
    // This runs for every frame the server sees or sends: it walks the
    // records itself, reads frames in place (the layout is capturelog.h's)
    // into counters of its own, which nothing else can alias, and adds them
    // to the connection's once; every other record goes to account().
    ConnectionCounters f;
    std::int32_t lastClientStream = conn.lastClientStream;
    std::uint64_t records = 0, ended = 0; // ended: records read here that count only as records
    conn.scan.readRuns([&](const std::uint8_t *p, std::size_t size, std::size_t chunkIndex) {
        const std::uint8_t *const end = p + size;
        std::uint64_t chunkFrames = 0;
        while (p < end) {
            const std::size_t available = static_cast<std::size_t>(end - p);
            const std::uint8_t *h = nullptr;
            bool out = false;
            std::size_t recordSize = 0;
            if (p[0] == static_cast<std::uint8_t>(RecordKind::OutFrame) && available >= 1 + 9) {
                h = p + 1;
                out = true;
                recordSize = 1 + 9 + keptPayload(h);
            } else if (p[0] == static_cast<std::uint8_t>(RecordKind::InFrame) && available >= 1 + 4 + 9) {
                h = p + 1 + 4;
                recordSize = 1 + 4 + 9 + keptPayload(h);
            } else if (p[0] == static_cast<std::uint8_t>(RecordKind::StreamEnded) && available >= 1 + 4) {
                ++ended; // nothing to count but the record
                p += 1 + 4;
                continue;
            } else if (p[0] == static_cast<std::uint8_t>(RecordKind::Time) && available >= kTimeRecord && p[1] == 8
                       && p[2] == 0 && p[3] == 0) {
                std::uint64_t t = 0; // a batch's time, without the general reader
                for (int i = 7; i >= 0; --i)
                    t = (t << 8) | p[4 + i];
                noteTime(conn.info, t);
                ++ended;
                p += kTimeRecord;
                continue;
            } else {
                RecordView r;
                if (!parseRecord(p, available, r, recordSize))
                    return false;
                if (r.kind == RecordKind::Frame && r.size >= ((r.size >= 1 && (r.body[0] & kFrameOut)) ? 10u : 14u)) {
                    out = r.body[0] & kFrameOut;
                    h = r.body + (out ? 1 : 5);
                } else {
                    ++records;
                    account(conn, r);
                    p += recordSize;
                    continue;
                }
            }
            if (recordSize > available)
                return false;
            p += recordSize;
            ++chunkFrames;
            const std::size_t length = frameLength(h);
            const std::uint8_t type = h[3];
            if (out) {
                ++f.framesOut;
                f.frameBytesOut += 9 + length;
                if (type == kDataType)
                    f.dataBytesOut += length;
                else if (type == kPushPromiseType)
                    ++f.pushedStreams;
            } else {
                ++f.framesIn;
                f.frameBytesIn += 9 + length;
                if (type == kDataType) {
                    f.dataBytesIn += length;
                } else if (type == kHeadersType) {
                    const auto stream =
                        static_cast<std::int32_t>(((std::uint32_t(h[5]) & 0x7f) << 24) | (std::uint32_t(h[6]) << 16)
                                                  | (std::uint32_t(h[7]) << 8) | h[8]);
                    if ((stream & 1) && stream > lastClientStream) {
                        lastClientStream = stream;
                        ++f.streams;
                    }
                }
            }
        }
        if (chunkIndex < conn.chunkStats.size())
            conn.chunkStats[chunkIndex].frames += chunkFrames;
        return true;
    });
    ConnectionCounters &k = conn.info.counters;
    const std::uint64_t frames = f.framesIn + f.framesOut;
    k.framesIn += f.framesIn;
    k.framesOut += f.framesOut;
    k.frameBytesIn += f.frameBytesIn;
    k.frameBytesOut += f.frameBytesOut;
    k.dataBytesIn += f.dataBytesIn;
    k.dataBytesOut += f.dataBytesOut;
    k.streams += f.streams + f.pushedStreams;
    k.pushedStreams += f.pushedStreams;
    k.records += frames + ended;
    conn.lastClientStream = lastClientStream;
    m_storedFrames += frames;
    return frames + ended + records > 0;
}

void CaptureStore::noteTime(ConnectionInfo &info, std::uint64_t ns) noexcept
{
    info.lastNs = ns;
    if (info.openedNs == 0)
        info.openedNs = ns;
}

void CaptureStore::account(Connection &conn, const RecordView &r)
{
    ConnectionInfo &info = conn.info;
    ConnectionCounters &k = info.counters;
    ++k.records;
    FieldReader f(r.body, r.size);
    switch (r.kind) {
    case RecordKind::Time: noteTime(info, f.u64()); break;
    case RecordKind::Frame: break; // a frame record too short to hold its header: counted as a record only
    case RecordKind::Opened: {
        ConnectionOpened o;
        if (readOpened(r, o))
            info.opened = std::move(o);
        break;
    }
    case RecordKind::Closed: {
        ConnectionClosed c;
        if (readClosed(r, c)) {
            k.socketBytesIn = c.bytesIn;
            k.socketBytesOut = c.bytesOut;
            info.closed = std::move(c);
            info.closedNs = info.lastNs;
            m_closedOrder.insert(info.id);
        }
        break;
    }
    case RecordKind::Http1: ++k.streams; break;
    case RecordKind::Notice: ++k.notices; break;
    case RecordKind::Client:
        if (info.client.empty()) {
            info.client = std::string(f.str().substr(0, CaptureLog::kMaxClientBytes));
            charge(conn, static_cast<std::ptrdiff_t>(info.client.size())); // outlives the chunks: in the budget
        }
        break;
    default: break;
    }
}

void CaptureStore::compactLastChunk(Connection &conn)
{
    // A finished log's last chunk is mostly empty more often than not (they
    // double in size): keep only what it holds.
    const auto &chunks = conn.scan.chunks();
    if (chunks.empty())
        return;
    const std::shared_ptr<LogChunk> &last = chunks.back();
    const std::size_t used = last->committed();
    if (!last->sealed() || used * 2 > last->capacity())
        return;
    auto copy = std::make_shared<LogChunk>(std::max<std::size_t>(used, 1));
    if (used > 0)
        std::memcpy(copy->writable(), last->data(), used);
    copy->commit(used);
    copy->seal();
    charge(conn, static_cast<std::ptrdiff_t>(copy->capacity()) - static_cast<std::ptrdiff_t>(last->capacity()));
    // A dissection that already holds the old chunk keeps reading its own reference.
    conn.scan.replaceLast(std::move(copy));
}

Result<void> CaptureStore::addLog(std::uint64_t connectionId, std::string_view records, std::uint64_t evictedFrames,
                                  const ConnectionCounters *counters)
{
    // Whole records only: a damaged file must not become a damaged store.
    for (std::size_t at = 0; at < records.size();) {
        RecordView r;
        std::size_t size = 0;
        if (!parseRecord(reinterpret_cast<const std::uint8_t *>(records.data()) + at, records.size() - at, r, size))
            return makeError(Errc::InvalidArgument, "connection " + std::to_string(connectionId)
                                                        + ": the log is cut off in a record at byte "
                                                        + std::to_string(at));
        at += size;
    }
    if (m_connections.count(connectionId))
        return makeError(Errc::InvalidArgument,
                         "connection " + std::to_string(connectionId) + " appears twice in the capture");
    auto chunk = std::make_shared<LogChunk>(std::max<std::size_t>(records.size(), 1));
    if (!records.empty())
        std::memcpy(chunk->writable(), records.data(), records.size());
    chunk->commit(records.size());
    chunk->seal();
    std::vector<LogAnnouncement> one{LogAnnouncement{connectionId, std::move(chunk)}};
    StoreDelta ignored;
    Connection &c = connectionFor(connectionId, ignored);
    c.info.evictedFrames = evictedFrames;
    ingest(std::move(one));
    if (counters)
        c.info.counters = *counters;
    // A saved log whose connection was still open stays open: nothing more comes.
    if (m_live.erase(connectionId))
        c.complete = true;
    return {};
}

void CaptureStore::clear()
{
    m_summaryPending.clear();
    m_connections.clear();
    m_order.clear();
    m_closedOrder.clear();
    m_live.clear();
    m_cacheOrder.clear();
    m_used = 0;
    m_storedFrames = 0;
    m_evictedConnections = m_evictedFrames = m_evictedBytes = m_evictedOpen = 0;
}

void CaptureStore::setBudget(std::size_t budgetBytes)
{
    m_budget = budgetBytes;
    StoreDelta ignored;
    enforceBudget(ignored);
}

void CaptureStore::enforceBudget(StoreDelta &delta)
{
    // The cache goes first: it can always be made again.
    while (m_used + dissectionBytes() > m_budget && m_cacheOrder.size() > 1) {
        const std::uint64_t oldest = m_cacheOrder.front();
        if (auto it = m_connections.find(oldest); it != m_connections.end())
            dropDissection(it->second);
        else
            m_cacheOrder.erase(m_cacheOrder.begin());
    }
    // Here, not as a dissection reads on: an event's address must stay
    // valid until the next non-const call.
    for (std::uint64_t id : m_cacheOrder)
        if (auto it = m_connections.find(id); it != m_connections.end() && it->second.dissection)
            it->second.dissection->trim(dissectionLimit());
    while (m_used > m_budget && !m_closedOrder.empty())
        evictConnection(*m_closedOrder.begin(), delta);
    while (m_used > m_budget && evictOldestOpenChunk(delta)) {
    }
}

void CaptureStore::evictConnection(std::uint64_t id, StoreDelta &delta)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection &c = it->second;
    dropDissection(c);
    m_used -= std::min(m_used, c.info.memoryBytes);
    m_evictedBytes += c.info.memoryBytes;
    std::uint64_t frames = 0;
    for (const ChunkStats &s : c.chunkStats)
        frames += s.frames;
    m_storedFrames -= std::min(m_storedFrames, frames);
    ++m_evictedConnections;
    m_order.erase(id);
    m_closedOrder.erase(id);
    m_live.erase(id);
    m_summaryPending.erase(id);
    m_connections.erase(it);
    insertSorted(delta.removed, id);
    std::erase(delta.added, id);
    std::erase(delta.changed, id);
}

bool CaptureStore::evictOldestOpenChunk(StoreDelta &delta)
{
    // The open connection with the oldest chunk that is sealed and read; the
    // chunk a connection is still writing is never taken.
    Connection *victim = nullptr;
    for (std::uint64_t id : m_live) { // ascending: the first accepted first
        Connection &c = m_connections.at(id);
        const auto &chunks = c.scan.chunks();
        if (chunks.size() >= 2 && c.scan.chunkIndex() >= 1 && chunks.front()->sealed()) {
            victim = &c;
            break;
        }
    }
    if (!victim)
        return false;
    Connection &c = *victim;
    const std::size_t capacity = c.scan.chunks().front()->capacity();
    c.scan.dropFront(1);
    const std::uint64_t frames = c.chunkStats.front().frames;
    c.chunkStats.erase(c.chunkStats.begin());
    c.info.evictedFrames += frames;
    m_evictedFrames += frames;
    m_storedFrames -= std::min(m_storedFrames, frames);
    m_evictedBytes += capacity;
    charge(c, -static_cast<std::ptrdiff_t>(capacity));
    ++m_evictedOpen;
    // A dissection in the cache keeps its indices and decoding state; only
    // one that has not got that far is made again (with a new generation).
    if (c.dissection && !c.dissection->dropFirstChunk())
        dropDissection(c);
    if (c.summary && !c.summary->dropFirstChunk()) { // it had not read that far: what is left, afresh
        ++m_summaryLost;
        startSummary(c);
    }
    delta.truncated = true;
    insertSorted(delta.changed, c.info.id);
    return true;
}

void CaptureStore::startSummary(const Connection &conn) const
{
    conn.summary = std::make_unique<Dissection>(conn.info.id, false);
    conn.summary->index->setLean(true);
    conn.summaryDone = false;
    if (conn.info.evictedFrames > 0)
        conn.summary->dissector.startedMidway();
    m_summaryPending.insert(conn.info.id);
}

void CaptureStore::setSummaries(bool on) const
{
    if (on == m_summaries)
        return;
    m_summaries = on;
    m_summaryPending.clear();
    for (auto &[id, c] : m_connections) {
        if (on)
            startSummary(c);
        else
            c.summary.reset();
    }
}

bool CaptureStore::summarize(std::chrono::nanoseconds budget) const
{
    const auto deadline =
        budget.count() > 0 ? std::chrono::steady_clock::now() + budget : std::chrono::steady_clock::time_point{};
    for (auto it = m_summaryPending.begin(); it != m_summaryPending.end();) {
        const Connection &c = m_connections.at(*it);
        Dissection &d = *c.summary;
        const auto &chunks = c.scan.chunks();
        for (; d.consumedChunks < chunks.size(); ++d.consumedChunks)
            d.reader.append(chunks[d.consumedChunks]);
        if (!d.read(deadline))
            return false; // out of time: the rest next call
        if (readToTheEnd(c, d.reader)) {
            if (!c.summaryDone) {
                d.finish();
                c.summaryDone = true;
            }
        }
        it = m_summaryPending.erase(it);
        if (deadline != std::chrono::steady_clock::time_point{} && std::chrono::steady_clock::now() > deadline)
            return m_summaryPending.empty();
    }
    return true;
}

std::shared_ptr<const ConnectionIndex> CaptureStore::summary(std::uint64_t connectionId) const
{
    auto it = m_connections.find(connectionId);
    if (it == m_connections.end() || !it->second.summary)
        return nullptr;
    return it->second.summary->index;
}

std::size_t CaptureStore::summaryBytes() const noexcept
{
    std::size_t n = 0;
    for (const auto &[id, c] : m_connections)
        if (c.summary)
            n += c.summary->index->bytes();
    return n;
}

std::vector<std::uint64_t> CaptureStore::connectionIds() const
{
    std::vector<std::uint64_t> ids;
    ids.reserve(m_order.size());
    ids.assign(m_order.begin(), m_order.end());
    return ids;
}

const ConnectionInfo *CaptureStore::connection(std::uint64_t connectionId) const
{
    auto it = m_connections.find(connectionId);
    return it == m_connections.end() ? nullptr : &it->second.info;
}

const std::vector<std::shared_ptr<LogChunk>> *CaptureStore::chunks(std::uint64_t connectionId) const
{
    auto it = m_connections.find(connectionId);
    return it == m_connections.end() ? nullptr : &it->second.scan.chunks();
}

void CaptureStore::dropDissection(const Connection &conn) const
{
    if (!conn.dissection)
        return;
    conn.dissection.reset();
    std::erase(m_cacheOrder, conn.info.id);
}

CaptureStore::Dissection *CaptureStore::dissected(std::uint64_t id, std::chrono::nanoseconds budget) const
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return nullptr;
    const Connection &c = it->second;
    if (!c.dissection) {
        while (m_cacheOrder.size() >= kCachedDissections) {
            const std::uint64_t oldest = m_cacheOrder.front();
            m_cacheOrder.erase(m_cacheOrder.begin());
            if (auto o = m_connections.find(oldest); o != m_connections.end())
                o->second.dissection.reset();
        }
        c.dissection = std::make_unique<Dissection>(id);
        if (c.info.evictedFrames > 0) {
            // Made from what is left of a truncated log: its indices start
            // over, so views must too.
            c.dissection->dissector.startedMidway();
            c.generation = ++m_generations;
        }
        m_cacheOrder.push_back(id);
    } else if (m_cacheOrder.back() != id) {
        std::erase(m_cacheOrder, id);
        m_cacheOrder.push_back(id);
    }
    Dissection &d = *c.dissection;
    const auto &chunks = c.scan.chunks();
    for (; d.consumedChunks < chunks.size(); ++d.consumedChunks)
        d.reader.append(chunks[d.consumedChunks]);
    const auto deadline =
        budget.count() > 0 ? std::chrono::steady_clock::now() + budget : std::chrono::steady_clock::time_point{};
    if (d.read(deadline) && readToTheEnd(c, d.reader))
        d.finish();
    return &d;
}

std::size_t CaptureStore::dissectionLimit() const noexcept
{
    return m_dissectionLimit ? m_dissectionLimit : std::max<std::size_t>(m_budget / 2, 1);
}

bool CaptureStore::eventTrimmed(std::uint64_t connectionId, std::size_t index) const
{
    auto it = m_connections.find(connectionId);
    return it != m_connections.end() && it->second.dissection && it->second.dissection->trimmed(index);
}

void CaptureStore::forEachEvent(std::uint64_t connectionId, const std::function<void(const Event &)> &f) const
{
    auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
        return;
    const Connection &c = it->second;
    LogReader reader;
    for (const std::shared_ptr<LogChunk> &chunk : c.scan.chunks())
        reader.append(chunk);
    Dissector dissector(connectionId);
    if (c.info.evictedFrames > 0)
        dissector.startedMidway();
    std::vector<Event> scratch;
    const auto hand = [&] {
        for (const Event &e : scratch)
            f(e);
        scratch.clear();
    };
    RecordView r;
    while (reader.next(r)) {
        dissector.feed(r, scratch);
        if (scratch.size() >= 256)
            hand();
    }
    if (readToTheEnd(c, reader))
        dissector.finish(scratch);
    hand();
}

CaptureStore::DissectionProgress CaptureStore::dissect(std::uint64_t connectionId,
                                                       std::chrono::nanoseconds budget) const
{
    DissectionProgress p;
    const Dissection *d = dissected(connectionId, budget.count() > 0 ? budget : std::chrono::nanoseconds{});
    if (!d)
        return p;
    p.first = d->first();
    p.end = d->end();
    d->reader.progress(p.bytesRead, p.bytes);
    p.complete = p.bytesRead == p.bytes;
    return p;
}

std::shared_ptr<const ConnectionIndex> CaptureStore::index(std::uint64_t connectionId,
                                                           std::chrono::nanoseconds budget) const
{
    Dissection *d = dissected(connectionId, budget);
    if (!d)
        return nullptr;
    std::uint64_t read = 0, total = 0;
    d->reader.progress(read, total);
    d->index->setProgress(read == total, total ? static_cast<double>(read) / static_cast<double>(total) : 1.0);
    return d->index;
}

std::size_t CaptureStore::firstEventIndex(std::uint64_t connectionId) const
{
    const Dissection *d = dissected(connectionId);
    return d ? d->first() : 0;
}

std::size_t CaptureStore::eventCount(std::uint64_t connectionId) const
{
    const Dissection *d = dissected(connectionId);
    return d ? d->end() : 0;
}

const Event *CaptureStore::event(std::uint64_t connectionId, std::size_t index) const
{
    auto it = m_connections.find(connectionId);
    if (it == m_connections.end())
        return nullptr;
    const Dissection *d = it->second.dissection.get();
    if (!d || index >= d->end())
        d = dissected(connectionId);
    return d && index >= d->first() && index < d->end() ? &d->events[index - d->first()] : nullptr;
}

std::uint64_t CaptureStore::dissectionGeneration(std::uint64_t connectionId) const
{
    auto it = m_connections.find(connectionId);
    return it == m_connections.end() ? 0 : it->second.generation;
}

} // namespace h2scope::inspect
