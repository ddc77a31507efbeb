#pragma once
// ConnectionIndex: what the views need of one connection beyond its events —
// streams with their request, response and push outcome, the frames of each
// stream, settings exchanges with their ACK times and the flow-control
// windows over time — as logical event indices (see CaptureStore), never
// copies of events.
//
// The capture store owns it: one per cached dissection, grown as the
// dissection reads on (CaptureStore::index()), so every view of a
// connection reads the same one. A dissection made again (after the cache
// let it go, or from what is left of a truncated log) comes with a new
// index. The old one stays valid memory for whoever holds it, but its
// numbers belong to the old dissection: read against the store's events
// they may name other events, until the view takes the new index (the
// window does on its next tick).
//
// Threads: the store's (the consumer's).

#include "inspect/event.h"

#include <array>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::inspect {

struct StreamSummary {
    std::int32_t id = 0;     // HTTP/1.1: the exchange's sequence number on its connection
    std::uint32_t order = 0; // its place in ConnectionIndex::creationOrder()
    bool http1 = false;      // an HTTP/1.x exchange (no frames)
    std::string httpVersion; // HTTP/1.x: "HTTP/1.1", "HTTP/1.0"
    bool pushed = false;
    std::int32_t parentId = 0; // the stream whose response promised it
    std::string method;
    std::string path;
    int status = 0;            // final status (1xx are not kept here)
    bool earlyHints = false;   // a 103 went out on this stream
    std::int32_t hintedBy = 0; // a 103 on that stream listed this request's path first
    std::string contentType;
    std::uint64_t bodyBytes = 0;
    std::uint64_t decodedBytes = 0; // sent content-encoded: the body's size decoded (0: as sent)
    std::uint64_t startNs = 0;      // request HEADERS received, or PUSH_PROMISE sent
    std::uint64_t lastNs = 0;       // the stream's last frame or event
    std::uint64_t promiseNs = 0;    // pushed: when the PUSH_PROMISE went out
    bool closed = false;
    bool reset = false; // RST_STREAM seen, either way
    std::uint32_t resetCode = 0;
    std::string pushOutcome; // pushed: completed / cancelled / refused / reset / not-sent
    std::string pushDetail;
    std::string skippedNote;         // a parent: the push-skipped notice, if any
    std::vector<std::size_t> frames; // logical indices of this stream's FrameEvents
};

struct WindowSample {
    std::uint64_t timeNs = 0;
    std::int32_t streamId = 0;
    std::int32_t connLocal = 0;
    std::int32_t connRemote = 0;
    std::int32_t streamLocal = -1;
    std::int32_t streamRemote = -1;
};

// One SETTINGS frame (not an ACK) and the ACK that answered it.
struct SettingsExchange {
    Direction dir = Direction::In; // who sent the settings
    std::uint64_t sentNs = 0;
    std::uint64_t ackNs = 0; // 0 while unanswered
    std::size_t frameIndex = 0;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> values;
};

class ConnectionIndex final {
public:
    explicit ConnectionIndex(std::uint64_t connectionId) : m_id(connectionId) {}
    // Lean: streams, settings and relations only, no frame lists and no
    // window samples (what the store's summaries keep: a request list needs
    // no frames). Set before the first take().
    void setLean(bool lean) noexcept { m_lean = lean; }
    bool lean() const noexcept { return m_lean; }

    std::uint64_t connectionId() const noexcept { return m_id; }
    // Counts every change (an event taken, progress made): a view that saw
    // revision r has no new numbers to read while revision() == r. (When
    // the store evicts a connection's oldest chunk, event() stops returning
    // the events of it with no new revision: views take nullptr as evicted.)
    std::uint64_t revision() const noexcept { return m_revision; }
    // Whether the dissection behind it has read everything the connection
    // recorded so far, and how far it got (0..1) when it has not.
    bool complete() const noexcept { return m_complete; }
    double progress() const noexcept { return m_progress; }

    const std::map<std::int32_t, StreamSummary> &streams() const noexcept { return m_streams; }
    const StreamSummary *stream(std::int32_t id) const;
    // Frames on stream 0 (connection level) and every frame, as logical indices.
    const std::vector<std::size_t> &connectionFrames() const noexcept { return m_connFrames; }
    const std::vector<std::size_t> &frames() const noexcept { return m_frames; }
    const std::vector<SettingsExchange> &settings() const noexcept { return m_settings; }
    const std::vector<WindowSample> &windows() const noexcept { return m_windows; }
    std::uint64_t firstNs() const noexcept { return m_firstNs; }
    std::uint64_t lastNs() const noexcept { return m_lastNs; }
    bool peerDisabledPush() const noexcept { return m_peerDisabledPush; }
    bool earlyHintsSent() const noexcept { return m_earlyHints; }
    std::size_t requestCount() const noexcept { return m_requests; }
    // Stream ids in display order: each client stream followed by the streams
    // it promised (depth first). O(streams): for tests and one-off use.
    std::vector<std::int32_t> displayOrder() const;
    // Stream ids in the order the index first saw them, and the ids of
    // streams that got a push-skipped note, in the order noted: append-only,
    // so a view can follow them with a cursor.
    const std::vector<std::int32_t> &creationOrder() const noexcept { return m_creationOrder; }
    // The streams each take() changed, by their `order`, as a log a view
    // follows with a cursor (changesEnd() is where it stands now): so a view
    // repaints what changed instead of every row. Only the newest entries are
    // kept; changesSince() returns false when some before `from` are gone,
    // and the view must then take every stream as changed.
    std::uint64_t changesEnd() const noexcept { return m_changesDropped + m_changes.size(); }
    template <class F> bool changesSince(std::uint64_t from, F &&f) const
    {
        if (from < m_changesDropped)
            return false;
        for (std::size_t i = static_cast<std::size_t>(from - m_changesDropped); i < m_changes.size(); ++i)
            f(m_changes[i]);
        return true;
    }
    static constexpr std::size_t kMaxChanges = 1u << 16;
    const std::vector<std::int32_t> &skippedOrder() const noexcept { return m_skippedOrder; }
    // About what it holds, for the store's accounting: kept up to date as
    // events are taken, so it costs nothing to ask. recountBytes() works
    // the same figure out from scratch, O(streams), for tests.
    std::size_t bytes() const noexcept;
    std::size_t recountBytes() const noexcept;

    // The store's side: events in logical order, and how far the dissection got.
    void take(const Event &event, std::size_t index);
    void setProgress(bool complete, double progress) noexcept;

private:
    void takeFrame(const FrameEvent &f, std::uint64_t t, std::size_t index);
    StreamSummary &streamFor(std::int32_t id, std::uint64_t t);
    void noteChange(std::uint32_t order);

    // A stream's node in the map, beyond the StreamSummary itself.
    static constexpr std::size_t kStreamNodeBytes = sizeof(StreamSummary) + 64;
    // The streams one take() touched (two at most: a PUSH_PROMISE's parent
    // and promised stream) and their sizes before it.
    struct Touched {
        const StreamSummary *stream = nullptr;
        std::size_t before = 0;
    };

    std::uint64_t m_id;
    bool m_lean = false;
    std::uint64_t m_revision = 0;
    std::array<Touched, 4> m_touched{};
    std::size_t m_touchedCount = 0;
    std::size_t m_streamBytes = 0; // every stream's node and contents
    bool m_complete = true;
    double m_progress = 1.0;
    std::map<std::int32_t, StreamSummary> m_streams;
    std::vector<std::int32_t> m_creationOrder;
    std::vector<std::uint32_t> m_changes; // StreamSummary::order of each change, oldest first
    std::uint64_t m_changesDropped = 0;   // entries let go from its front
    std::vector<std::int32_t> m_skippedOrder;
    std::vector<std::size_t> m_connFrames;
    std::vector<std::size_t> m_frames;
    std::vector<SettingsExchange> m_settings;
    std::vector<WindowSample> m_windows;
    std::uint64_t m_firstNs = 0;
    std::uint64_t m_lastNs = 0;
    bool m_peerDisabledPush = false;
    bool m_earlyHints = false;
    // Paths the 103s sent on this connection listed, not requested since,
    // and the stream whose 103 listed them (bounded: kMaxHinted).
    std::map<std::string, std::int32_t> m_hinted;
    static constexpr std::size_t kMaxHinted = 256;
    static constexpr std::size_t kHintedNodeBytes = 96; // a map node with a short path
    std::size_t m_requests = 0;
};

} // namespace h2scope::inspect
