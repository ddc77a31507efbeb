#pragma once
// CaptureStore: the capture as the window (and a HAR written at exit) keeps
// it: every connection's raw capture log (capturelog.h), never dropped,
// within a memory budget, plus what the connection list needs — counters,
// state, the connection's opened and closed records — kept up to date by a
// cheap scan of each record's kind and frame header as the logs grow.
//
// Events (frames with decoded headers, streams, push outcomes) are made on
// demand by dissecting a connection's log (dissector.h) and cached for the
// connections last asked for; the cache is let go under pressure and can
// always be made again. Events are numbered per connection: event(id, i)
// for i in [firstEventIndex(id), eventCount(id)); the one index of a
// connection's streams, frames, settings and windows over those numbers is
// the store's too (index(id), connectionindex.h), so every view reads the
// same one and ingest() says which connections changed. Indices never shift: when
// an open connection loses its oldest chunk, its cached dissection drops the
// events of that chunk (firstEventIndex moves on; event() of those is
// nullptr) and keeps decoding with its state intact. dissectionGeneration(id)
// changes when indices start over: a dissection made again from what is left
// of a truncated log, or clear().
//
// Memory budget (default 256 MiB), over the logs' bytes and the store's own
// bookkeeping: when ingest() takes it over, the store evicts
//   1. whole closed connections, the first accepted first;
//   2. then the oldest chunks of open connections, oldest first, never the
//      chunk a connection is writing; such a connection is truncated:
//      ConnectionInfo::evictedFrames says how many of its frames are gone,
//      and its header blocks may no longer decode where they refer to the
//      compression state of the evicted part.
// A connection's counters, opened and closed state are never evicted with
// its chunks: the list always tells the wire's truth.
//
// Threads: one thread (the consumer: the GUI thread, or the headless
// controller) owns the store and makes every call, const ones included
// (they fill the dissection cache). An event's address stays valid while its
// connection's dissection is cached and the event not evicted: until the next
// non-const call, or until more than kCachedDissections other connections
// are dissected.

#include "inspect/capturelog.h"
#include "inspect/connectionindex.h"
#include "inspect/event.h"
#include "result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

namespace h2scope::inspect {

class Dissector;

struct ConnectionCounters {
    std::uint64_t framesIn = 0;
    std::uint64_t framesOut = 0;    // frames nghttp2 decided not to send are not counted
    std::uint64_t frameBytesIn = 0; // 9-byte headers + payloads, as framed
    std::uint64_t frameBytesOut = 0;
    std::uint64_t dataBytesIn = 0; // DATA payload lengths (padding included)
    std::uint64_t dataBytesOut = 0;
    std::uint64_t socketBytesIn = 0; // from the closed record (TLS included); 0 while open
    std::uint64_t socketBytesOut = 0;
    std::uint32_t streams = 0; // request streams + promised streams + HTTP/1.1 exchanges
    std::uint32_t pushedStreams = 0;
    std::uint32_t notices = 0;
    std::uint64_t records = 0; // records ever read for this connection, evicted ones included
};

struct ConnectionInfo {
    std::uint64_t id = 0;
    std::uint64_t openedNs = 0;             // the opened record's time, else the first record's
    std::uint64_t lastNs = 0;               // the newest record's time
    std::optional<ConnectionOpened> opened; // absent for a connection refused or failed before it
    std::optional<ConnectionClosed> closed; // absent while open
    std::uint64_t closedNs = 0;
    ConnectionCounters counters;
    std::string client;              // user-agent of its first request ("" until one came)
    std::uint64_t evictedFrames = 0; // frames of this connection evicted while it was open
    std::size_t memoryBytes = 0;     // bytes of its log the store holds
};

// What one ingest() changed. Ids of one list are distinct and ascending.
struct StoreDelta {
    std::vector<std::uint64_t> added;   // connections new to the store
    std::vector<std::uint64_t> changed; // counters or state changed (added ones included)
    std::vector<std::uint64_t> removed; // evicted whole
    bool truncated = false;             // an open connection lost its oldest chunks
    bool empty() const noexcept { return added.empty() && changed.empty() && removed.empty() && !truncated; }
};

class CaptureStore final {
public:
    explicit CaptureStore(std::size_t budgetBytes = kDefaultBudget);
    ~CaptureStore();
    CaptureStore(const CaptureStore &) = delete;
    CaptureStore &operator=(const CaptureStore &) = delete;
    static constexpr std::size_t kDefaultBudget = 256u << 20;

    // Takes the chunks the hub announced (the vector is emptied), reads
    // every record committed since the last call, evicts as described above
    // and says what changed.
    StoreDelta ingest(std::vector<LogAnnouncement> &&announcements);
    StoreDelta ingest() { return ingest({}); }

    // A whole log read from a saved capture: `records` as written by the
    // connection, `evictedFrames` what the saver had already lost of it, and
    // the counters it had (which a truncated log's records alone would not
    // give back; null: count them from the records). Fails (nothing added)
    // when the bytes are not whole records.
    Result<void> addLog(std::uint64_t connectionId, std::string_view records, std::uint64_t evictedFrames = 0,
                        const ConnectionCounters *counters = nullptr);

    // Wall-clock ns minus steady-clock ns while the capture was taken (see
    // har.h), so exports of a reopened capture keep their real dates.
    void setWallClockOffsetNs(std::int64_t offset) noexcept { m_wallOffsetNs = offset; }
    std::int64_t wallClockOffsetNs() const noexcept { return m_wallOffsetNs; }

    // Drops everything. Generations keep counting, so views notice.
    void clear();
    void setBudget(std::size_t budgetBytes); // lowering it evicts at once
    std::size_t budget() const noexcept { return m_budget; }
    std::size_t memoryUsed() const noexcept { return m_used; }
    // Bytes of events in the dissection cache (outside the budget: it goes
    // first under pressure and is rebuilt on demand).
    std::size_t dissectionBytes() const noexcept;

    std::uint64_t evictedConnections() const noexcept { return m_evictedConnections; }
    std::uint64_t evictedFrames() const noexcept { return m_evictedFrames; }
    std::uint64_t evictedBytes() const noexcept { return m_evictedBytes; }
    std::uint64_t evictedOpenConnections() const noexcept { return m_evictedOpen; }
    // Frames held now, in every stored connection.
    std::uint64_t storedFrames() const noexcept { return m_storedFrames; }

    // ---- connections ----
    // Ids of the stored connections in the order they were accepted.
    std::vector<std::uint64_t> connectionIds() const;
    std::size_t connectionCount() const noexcept { return m_connections.size(); }
    const ConnectionInfo *connection(std::uint64_t connectionId) const;
    // The chunks of a connection's log as the store holds them (for saving).
    const std::vector<std::shared_ptr<LogChunk>> *chunks(std::uint64_t connectionId) const;

    // ---- events, dissected on demand ----
    // Everything committed so far is dissected first (incrementally: only
    // what is new since the last call). 0 / nullptr for an unknown id.
    std::size_t firstEventIndex(std::uint64_t connectionId) const;
    std::size_t eventCount(std::uint64_t connectionId) const;
    const Event *event(std::uint64_t connectionId, std::size_t index) const;
    std::uint64_t dissectionGeneration(std::uint64_t connectionId) const;

    // Dissects what is new of a connection for about `budget` at most (zero:
    // all of it), so a window can take a huge connection in slices, and says
    // how far it got. eventCount() and event() dissect everything first.
    struct DissectionProgress {
        std::size_t first = 0, end = 0; // the events there are now, as for event()
        std::uint64_t bytesRead = 0, bytes = 0;
        bool complete = true; // everything committed so far is dissected
    };
    DissectionProgress dissect(std::uint64_t connectionId, std::chrono::nanoseconds budget) const;
    // The connection's index (connectionindex.h), grown by the same
    // dissection as its events, for about `budget` at most (zero: all of
    // it); null for an unknown id. The same object while the dissection is
    // cached: compare revision() to see whether it changed. A new one when
    // the dissection is made again (its indices start over); the old one
    // stays valid, and stale, for whoever still holds it.
    std::shared_ptr<const ConnectionIndex> index(std::uint64_t connectionId,
                                                 std::chrono::nanoseconds budget = {}) const;
    // How many connections' dissections are kept at once.
    static constexpr std::size_t kCachedDissections = 3;
    // Each cached dissection keeps its events up to this many bytes
    // (default, 0: half the budget); past it, at the next ingest(), the
    // events of its oldest chunks are let go (firstEventIndex() moves on, as
    // for an eviction), while the log keeps their records for saving and
    // exports. Views tell the two apart with eventTrimmed().
    void setDissectionLimit(std::size_t bytes) noexcept { m_dissectionLimit = bytes; }
    std::size_t dissectionLimit() const noexcept;
    // True for an event of the cached dissection that was let go by that
    // limit (not by an eviction): it is still in the log.
    bool eventTrimmed(std::uint64_t connectionId, std::size_t index) const;
    // Every event of a connection's log (what the budget left of it),
    // dissected afresh for the caller and not cached: exports, which must
    // neither depend on what the views' cache holds nor push the views'
    // connection out of it. In order, in batches; `f` must not call back
    // into the store's non-const members.
    void forEachEvent(std::uint64_t connectionId, const std::function<void(const Event &)> &f) const;

    // ---- every connection's requests (the Requests view) ----
    // Off until a consumer asks: then every connection's log is dissected
    // once more, as it grows, into a summary index that keeps the streams
    // (StreamSummary: request, response, push and hint relations) and drops
    // the events as they are made, so it costs a few hundred bytes per
    // stream, not the events' size. Reading is the consumer's, in slices
    // (summarize()); the log stays the truth, so a summary that lags under
    // a flood catches up later and loses nothing, unless the budget evicts a
    // chunk it has not read yet (then it starts over from what is left, as
    // a dissection does, and summaryLostConnections() counts it).
    // Like the dissection cache, summaries are the store's own business:
    // const callers (the views) turn them on and read them on.
    void setSummaries(bool on) const;
    bool summaries() const noexcept { return m_summaries; }
    // Reads the summaries on for about `budget` (zero: everything there is);
    // true when every one has read everything committed so far.
    bool summarize(std::chrono::nanoseconds budget = {}) const;
    // A connection's summary index (null when off or unknown). The same
    // object while it lasts (revision() says when it changed); a new one
    // after it started over.
    std::shared_ptr<const ConnectionIndex> summary(std::uint64_t connectionId) const;
    std::size_t summaryBytes() const noexcept;
    std::uint64_t summaryLostConnections() const noexcept { return m_summaryLost; }

private:
    struct ChunkStats {
        std::uint64_t frames = 0;
    };
    struct Dissection;
    struct Connection {
        ConnectionInfo info;
        LogReader scan; // the counting pass
        std::vector<ChunkStats> chunkStats;
        std::int32_t lastClientStream = 0;
        bool complete = false;                // closed and read to the end
        mutable std::uint64_t generation = 0; // bumped by a dissection made again (const callers too)
        // The cache is the store's own business: const callers fill it too.
        mutable std::unique_ptr<Dissection> dissection;
        mutable std::unique_ptr<Dissection> summary; // setSummaries(true): streams only, no events
        mutable bool summaryDone = false;            // closed, read to the end and finished
    };
    void startSummary(const Connection &conn) const;
    static bool readToTheEnd(const Connection &conn, const LogReader &reader);

    Connection &connectionFor(std::uint64_t id, StoreDelta &delta);
    bool scanNew(Connection &conn);
    void account(Connection &conn, const RecordView &r);                   // every record but a frame
    static void noteTime(ConnectionInfo &info, std::uint64_t ns) noexcept; // a Time record read
    void compactLastChunk(Connection &conn);
    void charge(Connection &conn, std::ptrdiff_t bytes) noexcept;
    void enforceBudget(StoreDelta &delta);
    void evictConnection(std::uint64_t id, StoreDelta &delta);
    bool evictOldestOpenChunk(StoreDelta &delta);
    Dissection *dissected(std::uint64_t id, std::chrono::nanoseconds budget = {}) const;
    void dropDissection(const Connection &conn) const;

    std::size_t m_budget;
    std::size_t m_dissectionLimit = 0;
    std::size_t m_used = 0;
    std::uint64_t m_evictedConnections = 0;
    std::uint64_t m_evictedFrames = 0;
    std::uint64_t m_evictedBytes = 0;
    std::uint64_t m_evictedOpen = 0;
    std::uint64_t m_storedFrames = 0;
    mutable std::uint64_t m_generations = 0;
    std::int64_t m_wallOffsetNs = 0;

    std::unordered_map<std::uint64_t, Connection> m_connections;
    // Connection ids are handed out as connections are accepted: their order
    // is the order connections opened in.
    std::set<std::uint64_t> m_order;
    std::set<std::uint64_t> m_closedOrder;
    std::set<std::uint64_t> m_live;                  // connections whose log may still grow
    mutable std::vector<std::uint64_t> m_cacheOrder; // dissected connections, most recent last
    mutable bool m_summaries = false;
    mutable std::set<std::uint64_t> m_summaryPending; // summaries with records still to read
    std::uint64_t m_summaryLost = 0;
};

} // namespace h2scope::inspect
