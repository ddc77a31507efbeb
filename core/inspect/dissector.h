#pragma once
// Dissector: one connection's capture log (capturelog.h) read in order and
// turned into inspector events, the way Wireshark dissects a saved trace:
// header blocks decoded with an HPACK inflater per direction, flow-control
// windows replayed from SETTINGS, WINDOW_UPDATE and DATA lengths, streams
// opened from request HEADERS and PUSH_PROMISE, closed with their response
// and body size, push promises with their outcome. Runs on a consumer
// thread, never on an I/O thread; dissecting the same records again gives
// the same events.
//
// Threads: one thread per instance.

#include "inspect/capturelog.h"
#include "inspect/event.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <vector>

namespace h2scope::inspect {

class Dissector final {
public:
    explicit Dissector(std::uint64_t connectionId);
    ~Dissector();
    Dissector(const Dissector &) = delete;
    Dissector &operator=(const Dissector &) = delete;

    // Dissects one record (records must come in log order) and appends the
    // events it completes to `out`. A header block split over CONTINUATION
    // frames is held until its last frame, and so is everything after it,
    // so events always come out in log order.
    void feed(const RecordView &record, std::vector<Event> &out);
    // The log ended (or the caller stops reading): what is held comes out,
    // a header block without its end undecoded.
    void finish(std::vector<Event> &out);

    // Whether the log was started after its beginning (eviction): header
    // compression state is missing, so some header blocks cannot be decoded.
    void startedMidway() noexcept;

    std::uint64_t connectionId() const noexcept { return m_connectionId; }
    bool closed() const noexcept { return m_closed; }

private:
    struct Stream;
    struct Inflater;
    struct PendingBlock;

    void frame(const RecordView &record);
    void headerBlockFrame(FrameEvent &ev, std::span<const std::uint8_t> payload, bool outbound);
    void completeBlock(PendingBlock &block, bool outbound);
    void afterFrame(const FrameEvent &ev, std::span<const std::uint8_t> payload);
    void fillWindows(FrameEvent &ev) const;
    Stream &stream(std::int32_t id);
    Stream *findStream(std::int32_t id);
    void add(EventData &&data);
    void flushHeld();
    void notice(std::int32_t streamId, std::string code, std::string text);

    std::uint64_t m_connectionId;
    std::uint64_t m_time = 0;
    bool m_closed = false;
    std::unique_ptr<Inflater> m_inflate[2]; // [0] what the client sent, [1] what we sent
    std::unique_ptr<PendingBlock> m_block[2];
    bool m_lostState = false; // a gap or eviction: table references may be unresolvable
    std::vector<Event> m_held;
    std::vector<Event> *m_out = nullptr;

    // Flow control (RFC 9113 §6.9), replayed from the wire.
    std::int64_t m_connLocal = 65535;  // what the peer may still send us
    std::int64_t m_connRemote = 65535; // what we may still send the peer
    std::int64_t m_initialLocal = 65535;
    std::int64_t m_initialRemote = 65535;
    std::deque<std::vector<std::pair<std::uint16_t, std::uint32_t>>> m_ourSettingsUnacked;
    std::map<std::int32_t, std::unique_ptr<Stream>> m_streams;
    std::map<std::int32_t, std::uint64_t> m_decoded; // Decoded records until their stream closes
    std::uint32_t m_localMaxFrameSize = 16384;       // ours, once the peer acknowledged it (RFC 9113 §6.5.2)
};

// Dissects a whole log held in memory (a saved capture's connection, a
// test's). Returns the events in order.
std::vector<Event> dissectAll(std::uint64_t connectionId, const std::vector<std::shared_ptr<LogChunk>> &chunks);

} // namespace h2scope::inspect
