#pragma once
// ConnectionDigest: what the views derive from one connection's events —
// streams with their request, response and push outcome, the frames of each
// stream, settings exchanges with their ACK times and the flow-control windows
// over time. Built incrementally: update() only reads events added since the
// last call, so a busy connection costs each refresh only its new events.
//
// Holds logical event indices (see CaptureStore), never copies of events.
// GUI thread only, like the store it reads.

#include "inspect/capturestore.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::ui {

struct StreamDigest {
    std::int32_t id = 0;
    bool pushed = false;
    std::int32_t parentId = 0;      // the stream whose response promised it
    std::string method;
    std::string path;
    int status = 0;                 // final status (1xx are not kept here)
    bool earlyHints = false;        // a 103 went out on this stream
    std::string contentType;
    std::uint64_t bodyBytes = 0;
    std::uint64_t startNs = 0;      // request HEADERS received, or PUSH_PROMISE sent
    std::uint64_t lastNs = 0;       // the stream's last frame or event
    std::uint64_t promiseNs = 0;    // pushed: when the PUSH_PROMISE went out
    bool closed = false;
    bool reset = false;             // RST_STREAM seen, either way
    std::uint32_t resetCode = 0;
    std::string pushOutcome;        // pushed: completed / cancelled / refused / reset / not-sent
    std::string pushDetail;
    std::string skippedNote;        // a parent: the push-skipped notice, if any
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
    inspect::Direction dir = inspect::Direction::In; // who sent the settings
    std::uint64_t sentNs = 0;
    std::uint64_t ackNs = 0;                          // 0 while unanswered
    std::size_t frameIndex = 0;
    std::vector<std::pair<std::uint16_t, std::uint32_t>> values;
};

class ConnectionDigest final {
public:
    explicit ConnectionDigest(std::uint64_t connectionId) : m_id(connectionId) {}

    // Reads the events added since the last call, dissecting the connection
    // for about `budget` at most (zero: all of it; see complete()). Returns
    // true when anything changed. Starts over by itself when the store's
    // dissection of the connection starts over (dissectionGeneration()).
    bool update(const inspect::CaptureStore &store, std::chrono::nanoseconds budget = {});
    // Whether the last update() got to everything the connection recorded,
    // and how far it got (0..1) when it did not.
    bool complete() const noexcept { return m_complete; }
    double progress() const noexcept { return m_progress; }

    std::uint64_t connectionId() const noexcept { return m_id; }
    // Bumped each time the digest starts over; positions into frames() from
    // an older generation are meaningless.
    std::uint64_t generation() const noexcept { return m_generation; }
    const std::map<std::int32_t, StreamDigest> &streams() const noexcept { return m_streams; }
    const StreamDigest *stream(std::int32_t id) const;
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
    // Stream ids in the order the digest first saw them, and the ids of
    // streams that got a push-skipped note, in the order noted: append-only
    // within a generation, so a view can follow them with a cursor.
    const std::vector<std::int32_t> &creationOrder() const noexcept { return m_creationOrder; }
    const std::vector<std::int32_t> &skippedOrder() const noexcept { return m_skippedOrder; }

private:
    void reset();
    void take(const inspect::Event &event, std::size_t index);
    void takeFrame(const inspect::FrameEvent &f, std::uint64_t t, std::size_t index);
    StreamDigest &streamFor(std::int32_t id, std::uint64_t t);

    std::uint64_t m_id;
    std::size_t m_next = 0;          // next logical index to read
    std::uint64_t m_storeGeneration = 0; // store.dissectionGeneration() at the last update
    bool m_complete = true;
    double m_progress = 1.0;
    std::map<std::int32_t, StreamDigest> m_streams;
    std::vector<std::int32_t> m_creationOrder;
    std::vector<std::int32_t> m_skippedOrder;
    std::vector<std::size_t> m_connFrames;
    std::vector<std::size_t> m_frames;
    std::vector<SettingsExchange> m_settings;
    std::vector<WindowSample> m_windows;
    std::uint64_t m_firstNs = 0;
    std::uint64_t m_lastNs = 0;
    bool m_peerDisabledPush = false;
    bool m_earlyHints = false;
    std::size_t m_requests = 0;
    std::uint64_t m_generation = 0;
};

} // namespace h2scope::ui
