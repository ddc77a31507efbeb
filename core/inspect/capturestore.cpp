#include "capturestore.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <string>

namespace h2scope::inspect {

namespace {

// Index entries each stored event costs besides itself: its seq in the
// connection, its slot in the global seq index, and (usually) one stream index.
constexpr std::size_t indexBytesPerEvent = 3 * sizeof(std::uint64_t);
// Hash node, order-set nodes and the record itself.
constexpr std::size_t connectionOverheadBytes = 256;
// A request's stream gathers about five events (its HEADERS both ways, DATA,
// opened, closed): room for them at once rather than growing 1, 2, 4, 8.
constexpr std::size_t kStreamIndexReserve = 8;

// What the allocator really takes for a request of n bytes (a size header,
// 16-byte granules, a 32-byte minimum), so the budget matches resident memory.
constexpr std::size_t mallocBytes(std::size_t n) noexcept
{
    return n == 0 ? 0 : std::max<std::size_t>(32, (n + 8 + 15) & ~std::size_t(15));
}

std::size_t heapBytes(const std::string &s) noexcept
{
    // Short strings live inside the object (SSO); only a buffer outside it
    // costs heap. std::less gives a total order even for unrelated pointers.
    const char *data = s.data();
    const char *self = reinterpret_cast<const char *>(&s);
    const std::less<const char *> less;
    const bool inside = !less(data, self) && less(data, self + sizeof(std::string));
    return inside ? 0 : mallocBytes(s.capacity() + 1);
}

// A block shared by several events (a request's HEADERS frame and its
// stream) is counted by each: the budget errs on the side of more.
std::size_t heapBytes(const HeaderBlock &headers) noexcept
{
    return mallocBytes(headers.heapBytes());
}

std::size_t heapBytes(const ConnectionOpened &e) noexcept
{
    return heapBytes(e.peer) + heapBytes(e.local) + heapBytes(e.tlsVersion) + heapBytes(e.cipher)
        + heapBytes(e.alpn) + heapBytes(e.sni) + heapBytes(e.group) + heapBytes(e.protocol);
}

std::size_t heapBytes(const ConnectionClosed &e) noexcept
{
    return heapBytes(e.reason);
}

std::size_t heapBytes(const FrameEvent &e) noexcept
{
    return heapBytes(e.headers) + mallocBytes(e.settings.capacity() * sizeof(e.settings[0])) + heapBytes(e.debugData)
        + heapBytes(e.notSentReason) + heapBytes(e.invalidReason);
}

std::size_t heapBytes(const StreamOpened &e) noexcept
{
    return heapBytes(e.method) + heapBytes(e.scheme) + heapBytes(e.authority) + heapBytes(e.path)
        + heapBytes(e.headers);
}

std::size_t heapBytes(const StreamClosed &e) noexcept
{
    return heapBytes(e.responseHeaders) + heapBytes(e.note);
}

std::size_t heapBytes(const Http1Exchange &e) noexcept
{
    return heapBytes(e.method) + heapBytes(e.target) + heapBytes(e.version) + heapBytes(e.requestHeaders)
        + heapBytes(e.responseHeaders) + heapBytes(e.note);
}

std::size_t heapBytes(const Notice &e) noexcept
{
    return heapBytes(e.code) + heapBytes(e.text);
}

std::size_t heapBytes(const PushOutcome &e) noexcept
{
    return heapBytes(e.path) + heapBytes(e.outcome) + heapBytes(e.detail);
}

// The copy of an opened/closed event kept in ConnectionInfo.
template <typename T>
std::size_t copyBytes(const T &d) noexcept
{
    return sizeof(T) + heapBytes(d);
}

const std::vector<std::size_t> &noIndices()
{
    static const std::vector<std::size_t> empty;
    return empty;
}

} // namespace

void CaptureStore::EventChunks::push_back(Event &&event)
{
    if (m_chunks.empty() || m_chunks.back().size() == kChunk) {
        m_chunks.emplace_back();
        m_chunks.back().reserve(kChunk);
    }
    m_chunks.back().push_back(std::move(event));
    ++m_size;
}

void CaptureStore::EventChunks::pop_front(std::size_t count)
{
    count = std::min(count, m_size);
    for (std::size_t i = 0; i < count; ++i) {
        m_chunks.front()[m_front++] = Event{}; // what it held on the heap goes now
        if (m_front == kChunk) {
            m_chunks.pop_front();
            m_front = 0;
        }
    }
    m_size -= count;
    if (m_size == 0)
        clear();
}

void CaptureStore::EventChunks::clear() noexcept
{
    std::deque<std::vector<Event>>().swap(m_chunks);
    m_front = 0;
    m_size = 0;
}

CaptureStore::CaptureStore(std::size_t budgetBytes) : m_budget(budgetBytes) {}

std::size_t CaptureStore::estimateBytes(const Event &event) noexcept
{
    return sizeof(Event) + std::visit([](const auto &d) { return heapBytes(d); }, event.data);
}

void CaptureStore::add(std::vector<Event> &&batch)
{
    for (Event &e : batch)
        insert(std::move(e));
    const std::size_t added = batch.size();
    batch.clear();
    if (memoryUsed() > m_budget)
        enforceBudget(std::max(m_evictionSlice, 2 * added));
}

void CaptureStore::add(Event &&event)
{
    insert(std::move(event));
    if (memoryUsed() > m_budget)
        enforceBudget(std::max<std::size_t>(m_evictionSlice, 2));
}

void CaptureStore::insert(Event &&event)
{
    Connection &conn = connectionFor(event);
    account(conn, event);

    const std::uint64_t seq = m_nextSeq++;
    m_seqConnection.push_back(conn.info.id);
    const std::size_t logical = static_cast<std::size_t>(conn.info.evictedEvents) + conn.events.size();

    // Stream index: the stream the event is about, and for PUSH_PROMISE also
    // the promised stream, so a pushed stream's history starts at its promise.
    const auto indexStream = [&conn, logical](std::int32_t streamId) {
        if (streamId <= 0)
            return;
        if (!conn.lastStream || conn.lastStreamId != streamId) {
            const auto [it, fresh] = conn.streams.try_emplace(streamId);
            if (fresh)
                it->second.reserve(kStreamIndexReserve);
            conn.lastStreamId = streamId;
            conn.lastStream = &it->second;
        }
        conn.lastStream->push_back(logical);
    };
    std::visit(
        [&](const auto &d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, FrameEvent>) {
                indexStream(d.streamId);
                if (d.type == 0x05 && d.promisedStreamId != d.streamId)
                    indexStream(d.promisedStreamId);
            } else if constexpr (std::is_same_v<T, StreamOpened> || std::is_same_v<T, StreamClosed>
                                 || std::is_same_v<T, Notice>) {
                indexStream(d.streamId);
            } else if constexpr (std::is_same_v<T, PushOutcome>) {
                indexStream(d.promisedStreamId);
            }
        },
        event.data);

    charge(conn.info, estimateBytes(event) + indexBytesPerEvent);
    conn.events.push_back(std::move(event));
    conn.seqs.push_back(seq);
    ++m_storedEvents;
    ++m_addedEvents;
}

CaptureStore::Connection &CaptureStore::connectionFor(const Event &event)
{
    auto it = m_connections.find(event.connectionId);
    if (it == m_connections.end()) {
        Connection fresh;
        fresh.info.id = event.connectionId;
        fresh.info.openedNs = event.timeNs;
        fresh.info.memoryBytes = connectionOverheadBytes;
        m_used += connectionOverheadBytes;
        it = m_connections.emplace(event.connectionId, std::move(fresh)).first;
        m_order.emplace(event.timeNs, event.connectionId);
    }
    return it->second;
}

void CaptureStore::charge(ConnectionInfo &info, std::size_t bytes) noexcept
{
    info.memoryBytes += bytes;
    m_used += bytes;
}

void CaptureStore::release(ConnectionInfo &info, std::size_t bytes) noexcept
{
    bytes = std::min({bytes, info.memoryBytes, m_used});
    info.memoryBytes -= bytes;
    m_used -= bytes;
}

void CaptureStore::account(Connection &conn, const Event &event)
{
    ConnectionInfo &info = conn.info;
    ++info.counters.events;
    std::visit(
        [&](const auto &d) {
            using T = std::decay_t<decltype(d)>;
            ConnectionCounters &c = info.counters;
            if constexpr (std::is_same_v<T, ConnectionOpened>) {
                // The record may have been created by an earlier event (e.g. a
                // TLS-level notice published before the open); the open time is
                // the one eviction should order by, so re-key the order sets.
                if (info.openedNs != event.timeNs) {
                    m_order.erase({info.openedNs, info.id});
                    const bool wasClosed = m_closedOrder.erase({info.openedNs, info.id}) > 0;
                    info.openedNs = event.timeNs;
                    m_order.emplace(info.openedNs, info.id);
                    if (wasClosed)
                        m_closedOrder.emplace(info.openedNs, info.id);
                }
                if (info.opened)
                    release(info, copyBytes(*info.opened)); // a repeated open replaces the copy
                info.opened = d;
                charge(info, copyBytes(d));
            } else if constexpr (std::is_same_v<T, ConnectionClosed>) {
                if (info.closed)
                    release(info, copyBytes(*info.closed));
                info.closed = d;
                info.closedNs = event.timeNs;
                c.socketBytesIn = d.bytesIn;
                c.socketBytesOut = d.bytesOut;
                m_closedOrder.emplace(info.openedNs, info.id);
                charge(info, copyBytes(d));
            } else if constexpr (std::is_same_v<T, FrameEvent>) {
                const std::uint64_t wire = 9u + d.length;
                if (d.dir == Direction::In) {
                    ++c.framesIn;
                    c.frameBytesIn += wire;
                    if (d.type == 0x00)
                        c.dataBytesIn += d.length;
                } else if (!d.notSent) {
                    ++c.framesOut;
                    c.frameBytesOut += wire;
                    if (d.type == 0x00)
                        c.dataBytesOut += d.length;
                }
            } else if constexpr (std::is_same_v<T, StreamOpened>) {
                ++c.streams;
                if (d.pushed)
                    ++c.pushedStreams;
            } else if constexpr (std::is_same_v<T, Http1Exchange>) {
                ++c.streams;
            } else if constexpr (std::is_same_v<T, Notice>) {
                ++c.notices;
            }
        },
        event.data);
}

void CaptureStore::enforceBudget(std::size_t maxEvents)
{
    std::size_t left = maxEvents;
    std::vector<std::uint64_t> touched; // open connections rule 2 took events from
    while (memoryUsed() > m_budget && left > 0) {
        if (!m_closedOrder.empty()) {
            const std::uint64_t id = m_closedOrder.begin()->second;
            Connection &conn = m_connections.at(id);
            if (conn.events.size() <= left) {
                left -= std::max<std::size_t>(conn.events.size(), 1);
                evictConnection(id);
            } else {
                left -= evictFront(conn, left); // the rest goes in later calls
            }
            continue;
        }
        // The oldest stored event, whichever open connection it belongs to:
        // after the trim, the index's front is one.
        trimSeqIndex();
        if (m_seqConnection.empty())
            break; // nothing left to evict but records of open connections
        const std::uint64_t id = m_seqConnection.front();
        Connection &conn = m_connections.at(id);
        if (touched.empty())
            ++m_evictedOpen;
        if (!conn.streamTrimPending) {
            conn.streamTrimPending = true;
            touched.push_back(id);
        }
        left -= evictFront(conn, 1, false);
    }
    for (std::uint64_t id : touched) {
        Connection &conn = m_connections.at(id);
        conn.streamTrimPending = false;
        trimStreamIndex(conn);
    }
    trimSeqIndex();
}

void CaptureStore::evictConnection(std::uint64_t id)
{
    auto it = m_connections.find(id);
    if (it == m_connections.end())
        return;
    Connection &conn = it->second;
    m_order.erase({conn.info.openedNs, id});
    m_closedOrder.erase({conn.info.openedNs, id});
    ++m_evictedConnections;
    m_evictedEvents += conn.events.size();
    m_evictedBytes += conn.info.memoryBytes;
    m_storedEvents -= conn.events.size();
    m_used -= std::min(m_used, conn.info.memoryBytes);
    m_connections.erase(it);
}

std::size_t CaptureStore::evictFront(Connection &conn, std::size_t count, bool trimStreams)
{
    count = std::min(count, conn.events.size());
    std::size_t bytes = 0;
    for (std::size_t i = 0; i < count; ++i)
        bytes += estimateBytes(conn.events[i]) + indexBytesPerEvent;
    conn.events.pop_front(count);
    conn.seqs.erase(conn.seqs.begin(), conn.seqs.begin() + static_cast<std::ptrdiff_t>(count));
    if (conn.events.empty())
        std::deque<std::uint64_t>().swap(conn.seqs); // release the memory, not just the elements
    m_evictedEvents += count;
    m_evictedBytes += bytes;
    m_storedEvents -= count;
    m_used -= std::min(m_used, bytes);
    ConnectionInfo &info = conn.info;
    info.memoryBytes -= std::min(info.memoryBytes, bytes);
    info.evictedEvents += count;
    if (trimStreams)
        trimStreamIndex(conn);
    return count;
}

void CaptureStore::trimStreamIndex(Connection &conn)
{
    // Streams whose events are all gone leave the index. Stream ids mostly
    // grow with time, so the gone ones sit at the front: stop after a run of
    // survivors rather than walking every stream of a long connection.
    const std::size_t first = static_cast<std::size_t>(conn.info.evictedEvents);
    conn.lastStream = nullptr;
    std::size_t survivors = 0;
    for (auto it = conn.streams.begin(); it != conn.streams.end() && survivors < 64;) {
        std::vector<std::size_t> &indices = it->second;
        if (indices.empty() || indices.back() < first) {
            it = conn.streams.erase(it);
            continue;
        }
        if (indices.front() < first)
            indices.erase(indices.begin(), std::lower_bound(indices.begin(), indices.end(), first));
        ++survivors;
        ++it;
    }
}

void CaptureStore::trimSeqIndex()
{
    // Every event before m_firstSeq is gone and a connection loses its events
    // from the front, so the event m_firstSeq names is still stored exactly
    // when it is the first one its connection holds: no search needed.
    while (!m_seqConnection.empty()) {
        const Connection *conn = find(m_seqConnection.front());
        if (conn && !conn->seqs.empty() && conn->seqs.front() == m_firstSeq)
            break;
        m_seqConnection.pop_front();
        ++m_firstSeq;
    }
}

void CaptureStore::clear()
{
    m_connections.clear();
    m_order.clear();
    m_closedOrder.clear();
    m_seqConnection.clear();
    m_firstSeq = m_nextSeq;
    m_used = 0;
    m_storedEvents = 0;
    m_addedEvents = 0;
    m_evictedConnections = 0;
    m_evictedEvents = 0;
    m_evictedBytes = 0;
    m_evictedOpen = 0;
}

void CaptureStore::setBudget(std::size_t budgetBytes)
{
    m_budget = budgetBytes;
    if (memoryUsed() > m_budget)
        enforceBudget(std::numeric_limits<std::size_t>::max());
}

std::vector<std::uint64_t> CaptureStore::connectionIds() const
{
    std::vector<std::uint64_t> ids;
    ids.reserve(m_order.size());
    for (const auto &entry : m_order)
        ids.push_back(entry.second);
    return ids;
}

const CaptureStore::Connection *CaptureStore::find(std::uint64_t id) const
{
    const auto it = m_connections.find(id);
    return it == m_connections.end() ? nullptr : &it->second;
}

const ConnectionInfo *CaptureStore::connection(std::uint64_t connectionId) const
{
    const Connection *conn = find(connectionId);
    return conn ? &conn->info : nullptr;
}

std::size_t CaptureStore::firstEventIndex(std::uint64_t connectionId) const
{
    const Connection *conn = find(connectionId);
    return conn ? static_cast<std::size_t>(conn->info.evictedEvents) : 0;
}

std::size_t CaptureStore::eventCount(std::uint64_t connectionId) const
{
    const Connection *conn = find(connectionId);
    return conn ? static_cast<std::size_t>(conn->info.evictedEvents) + conn->events.size() : 0;
}

const Event *CaptureStore::event(std::uint64_t connectionId, std::size_t index) const
{
    const Connection *conn = find(connectionId);
    if (!conn || index < conn->info.evictedEvents)
        return nullptr;
    const std::size_t pos = index - static_cast<std::size_t>(conn->info.evictedEvents);
    return pos < conn->events.size() ? &conn->events[pos] : nullptr;
}

std::uint64_t CaptureStore::eventSeq(std::uint64_t connectionId, std::size_t index) const
{
    const Connection *conn = find(connectionId);
    if (!conn || index < conn->info.evictedEvents)
        return 0;
    const std::size_t pos = index - static_cast<std::size_t>(conn->info.evictedEvents);
    return pos < conn->seqs.size() ? conn->seqs[pos] : 0;
}

std::vector<std::int32_t> CaptureStore::streamIds(std::uint64_t connectionId) const
{
    std::vector<std::int32_t> ids;
    if (const Connection *conn = find(connectionId)) {
        ids.reserve(conn->streams.size());
        for (const auto &entry : conn->streams)
            ids.push_back(entry.first);
    }
    return ids;
}

const std::vector<std::size_t> &CaptureStore::streamEvents(std::uint64_t connectionId, std::int32_t streamId) const
{
    const Connection *conn = find(connectionId);
    if (!conn)
        return noIndices();
    const auto it = conn->streams.find(streamId);
    return it == conn->streams.end() ? noIndices() : it->second;
}

std::uint64_t CaptureStore::connectionOfSeq(std::uint64_t seq) const
{
    return eventBySeq(seq) ? m_seqConnection[static_cast<std::size_t>(seq - m_firstSeq)] : 0;
}

const Event *CaptureStore::eventBySeq(std::uint64_t seq) const
{
    if (seq < m_firstSeq || seq >= m_nextSeq)
        return nullptr;
    const Connection *conn = find(m_seqConnection[static_cast<std::size_t>(seq - m_firstSeq)]);
    if (!conn)
        return nullptr;
    const auto it = std::lower_bound(conn->seqs.begin(), conn->seqs.end(), seq);
    if (it == conn->seqs.end() || *it != seq)
        return nullptr;
    return &conn->events[static_cast<std::size_t>(it - conn->seqs.begin())];
}

} // namespace h2scope::inspect
