#include "inspect/connectionindex.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <functional>
#include <variant>

namespace h2scope::inspect {

namespace {

constexpr std::uint8_t kData = 0x0, kHeaders = 0x1, kRst = 0x3, kSettings = 0x4, kPushPromise = 0x5;
constexpr std::uint8_t kFlagAck = 0x1;
constexpr std::uint16_t kEnablePush = 0x2;

std::string headerValue(const HeaderBlock &headers, std::string_view name)
{
    return std::string(headers.find(name).value_or(std::string_view()));
}

} // namespace

const StreamSummary *ConnectionIndex::stream(std::int32_t id) const
{
    auto it = m_streams.find(id);
    return it == m_streams.end() ? nullptr : &it->second;
}

namespace {

// What a stream holds beyond its node in the map.
std::size_t contentBytes(const StreamSummary &s) noexcept
{
    return s.frames.capacity() * sizeof(std::size_t) + s.method.capacity() + s.path.capacity()
           + s.contentType.capacity() + s.pushOutcome.capacity() + s.pushDetail.capacity() + s.skippedNote.capacity()
           + s.httpVersion.capacity();
}

} // namespace

std::size_t ConnectionIndex::bytes() const noexcept
{
    // Kept as the streams change (take()), so asking costs nothing: the store
    // asks after every hand-over, and a flooded connection has 100,000 streams.
    return sizeof(*this) + (m_frames.capacity() + m_connFrames.capacity()) * sizeof(std::size_t)
           + m_windows.capacity() * sizeof(WindowSample) + m_settings.capacity() * sizeof(SettingsExchange)
           + (m_creationOrder.capacity() + m_skippedOrder.capacity() + m_changes.capacity()) * sizeof(std::int32_t)
           + m_streamBytes + m_hinted.size() * kHintedNodeBytes;
}

std::size_t ConnectionIndex::recountBytes() const noexcept
{
    std::size_t streams = 0;
    for (const auto &entry : m_streams)
        streams += kStreamNodeBytes + contentBytes(entry.second);
    return bytes() - m_streamBytes + streams;
}

void ConnectionIndex::setProgress(bool complete, double progress) noexcept
{
    if (complete != m_complete || progress != m_progress)
        ++m_revision;
    m_complete = complete;
    m_progress = progress;
}

StreamSummary &ConnectionIndex::streamFor(std::int32_t id, std::uint64_t t)
{
    const auto emplaced = m_streams.try_emplace(id);
    StreamSummary &stream = emplaced.first->second;
    if (emplaced.second) {
        stream.id = id;
        stream.order = static_cast<std::uint32_t>(m_creationOrder.size());
        stream.startNs = t;
        stream.pushed = id > 0 && id % 2 == 0; // server-initiated
        m_creationOrder.push_back(id);
        m_streamBytes += kStreamNodeBytes + contentBytes(stream);
    }
    // take() settles what the event changed in this stream's size.
    const auto seen = m_touched.begin() + static_cast<std::ptrdiff_t>(m_touchedCount);
    if (std::find_if(m_touched.begin(), seen, [&](const Touched &x) { return x.stream == &stream; }) == seen
        && m_touchedCount < m_touched.size())
        m_touched[m_touchedCount++] = {&stream, contentBytes(stream)};
    stream.lastNs = std::max(stream.lastNs, t);
    return stream;
}

void ConnectionIndex::noteChange(std::uint32_t order)
{
    if (m_changes.size() >= kMaxChanges) { // the older half goes: amortised O(1) an entry
        const std::size_t half = m_changes.size() / 2;
        m_changes.erase(m_changes.begin(), m_changes.begin() + static_cast<std::ptrdiff_t>(half));
        m_changesDropped += half;
    }
    m_changes.push_back(order);
}

void ConnectionIndex::take(const Event &event, std::size_t index)
{
    ++m_revision;
    m_touchedCount = 0;
    struct Settle {
        ConnectionIndex &self;
        ~Settle()
        {
            for (std::size_t i = 0; i < self.m_touchedCount; ++i) {
                self.m_streamBytes += contentBytes(*self.m_touched[i].stream) - self.m_touched[i].before;
                self.noteChange(self.m_touched[i].stream->order);
            }
        }
    } settle{*this};
    const std::uint64_t t = event.timeNs;
    if (m_firstNs == 0 || t < m_firstNs)
        m_firstNs = t;
    m_lastNs = std::max(m_lastNs, t);
    std::visit(
        [&](const auto &d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, FrameEvent>) {
                takeFrame(d, t, index);
            } else if constexpr (std::is_same_v<T, StreamOpened>) {
                StreamSummary &s = streamFor(d.streamId, t);
                s.pushed = d.pushed;
                if (d.pushed)
                    s.parentId = d.parentStreamId;
                s.method = d.method;
                s.path = d.path;
                if (!d.pushed)
                    ++m_requests;
            } else if constexpr (std::is_same_v<T, StreamClosed>) {
                StreamSummary &s = streamFor(d.streamId, t);
                s.closed = true;
                if (d.status >= 200 || s.status == 0)
                    s.status = d.status;
                s.bodyBytes = d.bodyBytes;
                s.decodedBytes = d.decodedBytes;
                const std::string ct = headerValue(d.responseHeaders, "content-type");
                if (!ct.empty())
                    s.contentType = ct;
            } else if constexpr (std::is_same_v<T, PushOutcome>) {
                StreamSummary &s = streamFor(d.promisedStreamId, t);
                s.pushed = true;
                s.parentId = d.parentStreamId;
                if (s.path.empty())
                    s.path = d.path;
                s.pushOutcome = d.outcome;
                s.pushDetail = d.detail;
            } else if constexpr (std::is_same_v<T, Notice>) {
                if (d.code == "push-skipped" && d.streamId > 0) {
                    StreamSummary &s = streamFor(d.streamId, t);
                    if (s.skippedNote.empty())
                        m_skippedOrder.push_back(d.streamId);
                    s.skippedNote = s.skippedNote.empty() ? d.text : s.skippedNote + "; " + d.text;
                    if (d.text.find("ENABLE_PUSH=0") != std::string::npos)
                        m_peerDisabledPush = true;
                }
            } else if constexpr (std::is_same_v<T, Http1Exchange>) {
                // One row each in the waterfall, as a stream would have.
                StreamSummary &s = streamFor(static_cast<std::int32_t>(d.sequence), d.startNs ? d.startNs : t);
                s.http1 = true;
                s.httpVersion = d.version;
                s.pushed = false;
                s.method = d.method;
                s.path = d.target;
                s.status = d.status;
                s.bodyBytes = d.bodyBytes;
                s.decodedBytes = d.decodedBytes;
                s.closed = true;
                const std::string ct = headerValue(d.responseHeaders, "content-type");
                if (!ct.empty())
                    s.contentType = ct;
                s.lastNs = std::max(s.lastNs, (d.startNs ? d.startNs : t) + d.durationNs);
                ++m_requests;
            }
        },
        event.data);
}

void ConnectionIndex::takeFrame(const FrameEvent &f, std::uint64_t t, std::size_t index)
{
    if (!m_lean)
        m_frames.push_back(index);
    if (!m_lean && (f.connLocalWindow != 0 || f.connRemoteWindow != 0))
        m_windows.push_back(
            {t, f.streamId, f.connLocalWindow, f.connRemoteWindow, f.streamLocalWindow, f.streamRemoteWindow});

    if (f.streamId == 0) {
        if (!m_lean)
            m_connFrames.push_back(index);
        if (f.type == kSettings && !f.notSent) {
            if (f.flags & kFlagAck) {
                // The ACK answers the oldest unanswered SETTINGS from the other side.
                const Direction sender = f.dir == Direction::In ? Direction::Out : Direction::In;
                for (SettingsExchange &x : m_settings) {
                    if (x.dir == sender && x.ackNs == 0) {
                        x.ackNs = t;
                        break;
                    }
                }
            } else {
                m_settings.push_back({f.dir, t, 0, index, f.settings});
                if (f.dir == Direction::In)
                    for (const auto &[id, value] : f.settings)
                        if (id == kEnablePush && value == 0)
                            m_peerDisabledPush = true;
            }
        }
        return;
    }

    StreamSummary &s = streamFor(f.streamId, t);
    if (!m_lean)
        s.frames.push_back(index);
    if (f.type == kHeaders) {
        if (const auto status = f.headers.find(":status")) {
            int code = 0;
            std::from_chars(status->data(), status->data() + status->size(), code);
            if (code == 103) {
                s.earlyHints = true;
                m_earlyHints = true;
                // Each link's target: what the browser preloads next.
                for (HeaderView h : f.headers) {
                    if (h.name != "link")
                        continue;
                    for (std::size_t at = h.value.find('<'); at != std::string_view::npos;
                         at = h.value.find('<', at + 1)) {
                        const std::size_t end = h.value.find('>', at);
                        if (end == std::string_view::npos)
                            break;
                        const std::string_view target = h.value.substr(at + 1, end - at - 1);
                        if (target.starts_with('/') && m_hinted.size() < kMaxHinted)
                            m_hinted.emplace(std::string(target), f.streamId);
                    }
                }
            } else if (code >= 200) {
                s.status = code;
                const std::string ct = headerValue(f.headers, "content-type");
                if (!ct.empty())
                    s.contentType = ct;
            }
        } else if (f.dir == Direction::In && s.path.empty()) {
            s.method = headerValue(f.headers, ":method");
            s.path = headerValue(f.headers, ":path");
            if (!m_hinted.empty())
                if (auto it = m_hinted.find(s.path); it != m_hinted.end()) {
                    s.hintedBy = it->second;
                    m_hinted.erase(it);
                }
        }
    } else if (f.type == kRst) {
        s.reset = true;
        s.resetCode = f.errorCode;
    } else if (f.type == kPushPromise && f.promisedStreamId > 0) {
        StreamSummary &p = streamFor(f.promisedStreamId, t);
        p.pushed = true;
        p.parentId = f.streamId;
        p.promiseNs = t;
        p.startNs = std::min(p.startNs, t);
        if (p.path.empty())
            p.path = headerValue(f.headers, ":path");
        if (f.notSent && p.pushOutcome.empty())
            p.pushOutcome = "not-sent";
    } else if (f.type == kData) {
        // bodyBytes comes from StreamClosed; nothing to add per frame.
    }
}

std::vector<std::int32_t> ConnectionIndex::displayOrder() const
{
    std::map<std::int32_t, std::vector<std::int32_t>> children;
    std::vector<std::int32_t> roots;
    for (const auto &[id, s] : m_streams) {
        if (s.pushed && s.parentId > 0 && s.parentId != id && m_streams.count(s.parentId))
            children[s.parentId].push_back(id);
        else
            roots.push_back(id);
    }
    std::vector<std::int32_t> order;
    order.reserve(m_streams.size());
    const std::function<void(std::int32_t, int)> visit = [&](std::int32_t id, int depth) {
        order.push_back(id);
        if (depth > 16)
            return; // a promise cycle cannot happen in HTTP/2; do not trust that blindly
        auto it = children.find(id);
        if (it != children.end())
            for (std::int32_t c : it->second)
                visit(c, depth + 1);
    };
    for (std::int32_t r : roots)
        visit(r, 0);
    return order;
}

} // namespace h2scope::inspect
