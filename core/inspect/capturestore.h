#pragma once
// CaptureStore: the drained inspector events, indexed by connection and stream,
// kept within a memory budget.
//
// Every stored event gets a global sequence number (never reused, not even by
// clear()), and within its connection a logical index that never shifts:
// eviction removes whole connections, or, for an open connection, every event
// stored so far (its logical indices then start at firstEventIndex()). Item
// models can therefore be thin vectors of (connection id, index) or of
// sequence numbers, resolved in data(); an evicted entry resolves to nullptr.
//
// When memoryUsed() exceeds budget() the store evicts, in this order:
//   1. the closed connection that opened first, whole (record and events);
//   2. only when no closed connection is left: the oldest stored events,
//      whichever open connections they belong to; records and counters stay,
//      and ConnectionInfo::evictedEvents says how many of a connection's
//      events are gone. Oldest first, so many long-lived connections (a
//      browser's, h2load's) all keep their recent history.
// Eviction work is bounded per call, so that the thread that owns the store
// (the GUI) never stalls on freeing a huge connection at once: one add()
// evicts at most max(evictionSlice(), 2 x the events it added). A connection
// bigger than that loses its oldest events slice by slice (its logical
// indices then start later, exactly as for rule 2) and goes whole, record
// included, once the last slice is gone. Usage may therefore exceed the
// budget by about one batch for a moment; it comes back under it because
// every add() evicts at least twice what it brought. setBudget() and
// clear() are explicit user actions and finish at once.
// Memory is an estimate: sizeof plus the heap capacity of strings and vectors
// plus index overhead, including the global sequence index's slots of events
// already evicted behind an older one still stored (an open connection kept
// since long ago): those count until eviction reaches that connection, so
// they can never grow past the budget. Bodies are never stored (events carry
// sizes only).
//
// Threads: not thread-safe. One thread (the consumer that drains the
// EventHub, usually the GUI thread) owns the store and makes every call.
// Pointers and references returned stay valid until the next add(), clear()
// or setBudget().

#include "event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <set>
#include <unordered_map>
#include <deque>
#include <utility>
#include <vector>

namespace h2scope::inspect {

struct ConnectionCounters {
    std::uint64_t framesIn = 0;
    std::uint64_t framesOut = 0;       // frames nghttp2 did not send are not counted
    std::uint64_t frameBytesIn = 0;    // 9-byte headers + payloads, as framed
    std::uint64_t frameBytesOut = 0;
    std::uint64_t dataBytesIn = 0;     // DATA payload lengths (padding included)
    std::uint64_t dataBytesOut = 0;
    std::uint64_t socketBytesIn = 0;   // from ConnectionClosed (TLS included); 0 while open
    std::uint64_t socketBytesOut = 0;
    std::uint32_t streams = 0;         // streams opened + HTTP/1.1 exchanges
    std::uint32_t pushedStreams = 0;
    std::uint32_t notices = 0;
    std::uint64_t events = 0;          // events ever added for this connection, evicted ones included
};

struct ConnectionInfo {
    std::uint64_t id = 0;
    std::uint64_t openedNs = 0;                 // ConnectionOpened time, else the first event's time
    std::optional<ConnectionOpened> opened;     // absent if that event was dropped by the hub
    std::optional<ConnectionClosed> closed;     // absent while open
    std::uint64_t closedNs = 0;
    ConnectionCounters counters;
    std::uint64_t evictedEvents = 0;            // events of this (open) connection evicted for memory
    std::size_t memoryBytes = 0;                // estimated bytes this connection holds in the store
};

class CaptureStore final {
public:
    explicit CaptureStore(std::size_t budgetBytes = 256u << 20);

    // Store a batch drained from the hub (the vector is emptied), or one
    // event; evicts as described above when over budget.
    void add(std::vector<Event> &&batch);
    void add(Event &&event);

    // Drops everything stored and resets every counter, except that sequence
    // numbers keep counting so stale indices held by views never alias.
    void clear();

    // Budget in bytes; lowering it evicts immediately, all that is needed.
    void setBudget(std::size_t budgetBytes);

    // The least number of events one add() may evict (see above).
    static constexpr std::size_t kDefaultEvictionSlice = 2048;
    void setEvictionSlice(std::size_t events) noexcept { m_evictionSlice = events > 0 ? events : 1; }
    std::size_t evictionSlice() const noexcept { return m_evictionSlice; }
    std::size_t budget() const noexcept { return m_budget; }
    std::size_t memoryUsed() const noexcept { return m_used + indexHoleBytes(); }

    // What eviction has removed so far. evictedOpenConnections() counts the
    // times rule 2 (events of an open connection) had to be used.
    std::uint64_t evictedConnections() const noexcept { return m_evictedConnections; }
    std::uint64_t evictedEvents() const noexcept { return m_evictedEvents; }
    std::uint64_t evictedBytes() const noexcept { return m_evictedBytes; }
    std::uint64_t evictedOpenConnections() const noexcept { return m_evictedOpen; }

    // Events currently held / ever added.
    std::size_t storedEvents() const noexcept { return m_storedEvents; }
    std::uint64_t addedEvents() const noexcept { return m_addedEvents; }

    // ---- connections ----
    // Ids of the stored connections, ordered by open time (then id).
    std::vector<std::uint64_t> connectionIds() const;
    std::size_t connectionCount() const noexcept { return m_connections.size(); }
    // nullptr if the id is unknown or was evicted.
    const ConnectionInfo *connection(std::uint64_t connectionId) const;

    // ---- events of one connection, by logical index ----
    // Valid indices are [firstEventIndex, eventCount); both 0 for an unknown id.
    std::size_t firstEventIndex(std::uint64_t connectionId) const;
    std::size_t eventCount(std::uint64_t connectionId) const;
    // nullptr if out of range or evicted.
    const Event *event(std::uint64_t connectionId, std::size_t index) const;
    // Sequence number of that event, or 0 (sequence numbers start at 1).
    std::uint64_t eventSeq(std::uint64_t connectionId, std::size_t index) const;

    // ---- streams ----
    // Stream ids with stored events on that connection, ascending.
    std::vector<std::int32_t> streamIds(std::uint64_t connectionId) const;
    // Logical indices (as for event()) of the events of one stream, in order:
    // frames on that stream, StreamOpened/StreamClosed, notices naming it, and
    // the PUSH_PROMISE frame that promised it. Empty if none.
    const std::vector<std::size_t> &streamEvents(std::uint64_t connectionId, std::int32_t streamId) const;

    // ---- global order ----
    // Sequence numbers in [firstSeq, nextSeq) were handed out to events still
    // possibly stored; eventBySeq() returns nullptr for evicted ones.
    std::uint64_t firstSeq() const noexcept { return m_firstSeq; }
    std::uint64_t nextSeq() const noexcept { return m_nextSeq; }
    const Event *eventBySeq(std::uint64_t seq) const;
    // The connection an event belongs to (0 if unknown / evicted).
    std::uint64_t connectionOfSeq(std::uint64_t seq) const;

    // The estimate used for the budget: sizeof(Event) plus heap capacity.
    static std::size_t estimateBytes(const Event &event) noexcept;

private:
    // Events packed kChunk to an allocation (a std::deque would give each
    // ~300-byte Event a 512-byte block of its own), never moved once stored,
    // removable from the front.
    class EventChunks {
    public:
        static constexpr std::size_t kChunk = 64;
        std::size_t size() const noexcept { return m_size; }
        bool empty() const noexcept { return m_size == 0; }
        const Event &operator[](std::size_t i) const noexcept
        {
            const std::size_t at = m_front + i;
            return m_chunks[at / kChunk][at % kChunk];
        }
        void push_back(Event &&event);
        void pop_front(std::size_t count); // frees what the events held at once
        void clear() noexcept;

    private:
        std::deque<std::vector<Event>> m_chunks; // each reserved to kChunk: no reallocation
        std::size_t m_front = 0;                 // events already removed from the first chunk
        std::size_t m_size = 0;
    };

    struct Connection {
        ConnectionInfo info;
        EventChunks events;                // logical index = info.evictedEvents + position
        std::deque<std::uint64_t> seqs;    // parallel to events, ascending
        bool streamTrimPending = false;    // enforceBudget(): trim its stream index at the end
        std::map<std::int32_t, std::vector<std::size_t>> streams;
        // The stream the last event was indexed under (a request's frames
        // and stream events tend to come in pairs); reset whenever the
        // stream index loses an entry.
        std::int32_t lastStreamId = 0;
        std::vector<std::size_t> *lastStream = nullptr;
    };

    Connection &connectionFor(const Event &event);
    void account(Connection &conn, const Event &event);
    void charge(ConnectionInfo &info, std::size_t bytes) noexcept;
    void release(ConnectionInfo &info, std::size_t bytes) noexcept;
    void insert(Event &&event);
    void enforceBudget(std::size_t maxEvents);
    void evictConnection(std::uint64_t id);
    // Evicts the oldest `count` events of `conn`; the stream index is
    // trimmed now or, when many single events go, once by the caller.
    std::size_t evictFront(Connection &conn, std::size_t count, bool trimStreams = true);
    void trimStreamIndex(Connection &conn);
    void trimSeqIndex();
    // Slots of the global sequence index whose events are gone.
    std::size_t indexHoleBytes() const noexcept
    {
        return (m_seqConnection.size() - std::min(m_seqConnection.size(), m_storedEvents)) * sizeof(std::uint64_t);
    }
    const Connection *find(std::uint64_t id) const;

    std::size_t m_budget;
    std::size_t m_evictionSlice = kDefaultEvictionSlice;
    std::size_t m_used = 0;
    std::size_t m_storedEvents = 0;
    std::uint64_t m_addedEvents = 0;
    std::uint64_t m_evictedConnections = 0;
    std::uint64_t m_evictedEvents = 0;
    std::uint64_t m_evictedBytes = 0;
    std::uint64_t m_evictedOpen = 0;

    std::unordered_map<std::uint64_t, Connection> m_connections;
    std::set<std::pair<std::uint64_t, std::uint64_t>> m_order;       // (openedNs, id), all
    std::set<std::pair<std::uint64_t, std::uint64_t>> m_closedOrder; // (openedNs, id), closed only

    // seq -> connection id, for seq in [m_firstSeq, m_nextSeq). Holes left by
    // evicted connections cost 8 bytes each until the front is trimmed.
    std::deque<std::uint64_t> m_seqConnection;
    std::uint64_t m_firstSeq = 1;
    std::uint64_t m_nextSeq = 1;
};

} // namespace h2scope::inspect
