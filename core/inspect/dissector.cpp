#include "inspect/dissector.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <cstring>
#include <string>

namespace h2scope::inspect {
namespace {

constexpr std::uint8_t kData = 0x0, kHeaders = 0x1, kPriority = 0x2, kRstStream = 0x3, kSettings = 0x4,
                       kPushPromise = 0x5, kPing = 0x6, kGoaway = 0x7, kWindowUpdate = 0x8, kContinuation = 0x9;
constexpr std::uint8_t kAck = 0x1, kEndHeaders = 0x4, kPadded = 0x8, kPriorityFlag = 0x20;
constexpr std::uint16_t kHeaderTableSize = 0x1, kInitialWindowSize = 0x4, kMaxFrameSize = 0x5;
// The inspector keeps at most this much of one decoded header list (the
// server refuses requests over its SETTINGS_MAX_HEADER_LIST_SIZE anyway); a
// small block of table references can otherwise decode to megabytes.
constexpr std::size_t kMaxKeptHeaderList = 256u << 10;

std::uint32_t be32(const std::uint8_t *p) noexcept
{
    return (std::uint32_t(p[0]) << 24) | (std::uint32_t(p[1]) << 16) | (std::uint32_t(p[2]) << 8) | p[3];
}

// The 5 bytes of priority fields: E bit and stream dependency, weight - 1.
void readPriority(FrameEvent &ev, const std::uint8_t *p)
{
    const std::uint32_t word = be32(p);
    ev.priorityExclusive = (word & 0x80000000u) != 0;
    ev.priorityDependency = static_cast<std::int32_t>(word & 0x7fffffffu);
    ev.priorityWeight = static_cast<std::uint16_t>(p[4] + 1);
}

std::string errorText(std::int32_t nghttp2Error)
{
    return nghttp2_strerror(nghttp2Error);
}

} // namespace

struct Dissector::Inflater {
    nghttp2_hd_inflater *hd = nullptr;
    bool broken = false; // a block failed to decode: the table is unknown from here on
    Inflater() { nghttp2_hd_inflate_new(&hd); }
    ~Inflater() { nghttp2_hd_inflate_del(hd); }
    Inflater(const Inflater &) = delete;
    Inflater &operator=(const Inflater &) = delete;
};

struct Dissector::PendingBlock {
    std::size_t heldIndex = 0; // the HEADERS / PUSH_PROMISE event in m_held
    std::string fragments;     // the block, as its frames carried it
    std::int32_t streamId = 0;
};

struct Dissector::Stream {
    std::int32_t id = 0;
    bool pushed = false;
    std::int32_t parentId = 0;
    std::uint64_t startNs = 0;
    bool requestSeen = false;   // inbound HEADERS (request) or PUSH_PROMISE
    bool finalResponse = false; // a final (non-1xx) response HEADERS went out
    int status = 0;
    HeaderBlock response;
    std::uint64_t bodyBytes = 0; // DATA payload sent, padding excluded
    std::uint64_t resetAtNs = 0; // the client's RST_STREAM
    std::int64_t local = 0, remote = 0;
};

Dissector::Dissector(std::uint64_t connectionId) : m_connectionId(connectionId)
{
    m_inflate[0] = std::make_unique<Inflater>();
    m_inflate[1] = std::make_unique<Inflater>();
}

Dissector::~Dissector() = default;

void Dissector::startedMidway() noexcept
{
    m_lostState = true;
}

Dissector::Stream &Dissector::stream(std::int32_t id)
{
    auto &slot = m_streams[id];
    if (!slot) {
        slot = std::make_unique<Stream>();
        slot->id = id;
        slot->startNs = m_time;
        slot->local = m_initialLocal;
        slot->remote = m_initialRemote;
    }
    return *slot;
}

Dissector::Stream *Dissector::findStream(std::int32_t id)
{
    auto it = m_streams.find(id);
    return it == m_streams.end() ? nullptr : it->second.get();
}

void Dissector::add(EventData &&data)
{
    Event e{m_time, m_connectionId, std::move(data)};
    if (m_block[0] || m_block[1] || !m_held.empty())
        m_held.push_back(std::move(e));
    else
        m_out->push_back(std::move(e));
}

void Dissector::flushHeld()
{
    if (m_block[0] || m_block[1])
        return;
    for (Event &e : m_held)
        m_out->push_back(std::move(e));
    m_held.clear();
}

void Dissector::notice(std::int32_t streamId, std::string code, std::string text)
{
    Notice n;
    n.streamId = streamId;
    n.code = std::move(code);
    n.text = std::move(text);
    add(std::move(n));
}

void Dissector::fillWindows(FrameEvent &ev) const
{
    auto clamp = [](std::int64_t v) {
        return static_cast<std::int32_t>(std::clamp<std::int64_t>(v, INT32_MIN, INT32_MAX));
    };
    ev.connLocalWindow = clamp(m_connLocal);
    ev.connRemoteWindow = clamp(m_connRemote);
    ev.streamLocalWindow = -1;
    ev.streamRemoteWindow = -1;
    if (ev.streamId > 0)
        if (auto it = m_streams.find(ev.streamId); it != m_streams.end()) {
            ev.streamLocalWindow = std::max(-1, clamp(it->second->local));
            ev.streamRemoteWindow = std::max(-1, clamp(it->second->remote));
        }
}

void Dissector::feed(const RecordView &r, std::vector<Event> &out)
{
    m_out = &out;
    FieldReader f(r.body, r.size);
    switch (r.kind) {
    case RecordKind::Time: m_time = f.u64(); break;
    case RecordKind::Frame:
    case RecordKind::InFrame:
    case RecordKind::OutFrame: frame(r); break;
    case RecordKind::Opened: {
        ConnectionOpened o;
        readOpened(r, o);
        add(std::move(o));
        break;
    }
    case RecordKind::Closed: {
        // Nothing follows: a header block still waiting for its end never gets it.
        finish(out);
        ConnectionClosed c;
        readClosed(r, c);
        m_closed = true;
        add(std::move(c));
        break;
    }
    case RecordKind::NotSent: {
        FrameEvent ev;
        ev.dir = Direction::Out;
        ev.type = f.u8();
        ev.streamId = f.i32();
        ev.promisedStreamId = f.i32();
        ev.notSent = true;
        ev.notSentReason = errorText(f.i32());
        fillWindows(ev);
        add(std::move(ev));
        break;
    }
    case RecordKind::StreamClosed:
    case RecordKind::StreamEnded: {
        StreamClosed c;
        c.streamId = f.i32();
        if (r.kind == RecordKind::StreamClosed) {
            c.errorCode = f.u32();
            c.note = std::string(f.str());
        }
        if (auto d = m_decoded.find(c.streamId); d != m_decoded.end()) {
            c.decodedBytes = d->second;
            m_decoded.erase(d);
        }
        if (auto it = m_streams.find(c.streamId); it != m_streams.end()) {
            const Stream &s = *it->second;
            c.status = s.status;
            c.responseHeaders = s.response.withoutPseudo();
            c.bodyBytes = s.bodyBytes;
            c.durationNs = m_time >= s.startNs ? m_time - s.startNs : 0;
            m_streams.erase(it);
        }
        add(std::move(c));
        break;
    }
    case RecordKind::PushOutcome: {
        PushOutcome p;
        p.promisedStreamId = f.i32();
        p.parentStreamId = f.i32();
        p.outcome = std::string(f.str());
        p.detail = std::string(f.str());
        p.path = std::string(f.str());
        if (const Stream *s = findStream(p.promisedStreamId)) {
            p.resetAtNs = s->resetAtNs;
            p.bodyBytes = s->bodyBytes;
        }
        add(std::move(p));
        break;
    }
    case RecordKind::Notice: {
        const std::int32_t streamId = f.i32();
        std::string code(f.str());
        std::string text(f.str());
        notice(streamId, std::move(code), std::move(text));
        break;
    }
    case RecordKind::Http1: {
        Http1Exchange x;
        auto block = [&f] {
            HeaderBlock::Builder b;
            const std::uint32_t n = f.u32();
            for (std::uint32_t i = 0; i < n && !f.failed(); ++i) {
                const std::string_view name = f.str();
                const std::string_view value = f.str();
                b.add(name, value);
            }
            return b.build();
        };
        x.method = std::string(f.str());
        x.target = std::string(f.str());
        x.version = std::string(f.str());
        x.requestHeaders = block();
        x.status = static_cast<int>(f.u32());
        x.responseHeaders = block();
        x.bodyBytes = f.u64();
        x.durationNs = f.u64();
        x.startNs = f.u64();
        x.sequence = f.u32();
        x.note = std::string(f.str());
        if (auto d = m_decoded.find(static_cast<std::int32_t>(x.sequence)); d != m_decoded.end()) {
            x.decodedBytes = d->second;
            m_decoded.erase(d);
        }
        add(std::move(x));
        break;
    }
    case RecordKind::Decoded: {
        const std::int32_t id = f.i32();
        const std::uint64_t bytes = f.u64();
        if (!f.failed() && m_decoded.size() < 4096) // its stream's closing record comes next
            m_decoded[id] = bytes;
        break;
    }
    case RecordKind::Client:
        break; // for the connection list (the store reads it); the request's own headers say it too
    case RecordKind::Gap:
        // Records were not written for a while: whatever the header blocks
        // of that time added to the compression tables is unknown.
        finish(out);
        m_lostState = true;
        m_inflate[0] = std::make_unique<Inflater>();
        m_inflate[1] = std::make_unique<Inflater>();
        notice(0, "capture-gap", "the capture was paused here: frames of that time are not in it");
        break;
    }
    if (!m_block[0] && !m_block[1])
        flushHeld();
    m_out = nullptr;
}

void Dissector::finish(std::vector<Event> &out)
{
    m_out = &out;
    for (int dir = 0; dir < 2; ++dir)
        if (m_block[dir]) {
            const std::int32_t id = m_block[dir]->streamId;
            m_block[dir].reset();
            // The block never ended: its fragments cannot be decoded, and the
            // table state of this direction is unknown from here on.
            m_inflate[dir]->broken = true;
            notice(id, "header-block-incomplete",
                   "a header block on stream " + std::to_string(id) + " never ended (no END_HEADERS): not decoded");
        }
    flushHeld();
}

void Dissector::frame(const RecordView &r)
{
    FrameRecord fr;
    if (!readFrame(r, fr))
        return;
    const bool outbound = fr.outbound;
    const std::span<const std::uint8_t> payload = fr.payload;

    FrameEvent ev;
    ev.dir = outbound ? Direction::Out : Direction::In;
    std::copy(fr.header.begin(), fr.header.end(), ev.rawHeader.begin());
    ev.length = fr.length;
    ev.type = fr.type;
    ev.flags = fr.flags;
    ev.streamId = fr.streamId;
    ev.incomplete = fr.incomplete;
    // nghttp2 refuses a frame over our SETTINGS_MAX_FRAME_SIZE by its header
    // alone (GOAWAY FRAME_SIZE_ERROR) and reports it through no callback:
    // the limit is ours, replayed from our SETTINGS, so the verdict is derived.
    const std::int32_t judgement = fr.judgement != 0                              ? fr.judgement
                                   : !outbound && fr.length > m_localMaxFrameSize ? NGHTTP2_ERR_FRAME_SIZE_ERROR
                                                                                  : 0;
    if (judgement != 0) {
        ev.invalid = true;
        ev.invalidReason = errorText(judgement);
    }
    const bool padded = (ev.flags & kPadded) && (ev.type == kData || ev.type == kHeaders || ev.type == kPushPromise);
    if (padded && !payload.empty())
        ev.padding = payload[0];

    // A header block in progress in this direction takes only CONTINUATIONs.
    const int dir = outbound ? 1 : 0;
    if (m_block[dir] && ev.type != kContinuation) {
        m_block[dir].reset();
        m_inflate[dir]->broken = true;
    }

    switch (ev.type) {
    case kData: {
        const std::int64_t n = ev.length;
        if (Stream *s = ev.streamId > 0 ? findStream(ev.streamId) : nullptr) {
            if (outbound) {
                s->remote -= n;
                const std::uint32_t pad = padded ? 1u + ev.padding : 0u;
                s->bodyBytes += ev.length >= pad ? ev.length - pad : 0;
            } else {
                s->local -= n;
            }
        }
        (outbound ? m_connRemote : m_connLocal) -= n;
        break;
    }
    case kSettings: {
        if (ev.flags & kAck) {
            // The peer acknowledged our oldest SETTINGS: they apply now.
            if (!outbound && !m_ourSettingsUnacked.empty()) {
                for (const auto &[id, value] : m_ourSettingsUnacked.front()) {
                    if (id == kInitialWindowSize) {
                        const std::int64_t delta = std::int64_t(value) - m_initialLocal;
                        m_initialLocal = value;
                        for (auto &[sid, s] : m_streams)
                            s->local += delta;
                    }
                    if (id == kHeaderTableSize)
                        nghttp2_hd_inflate_change_table_size(m_inflate[0]->hd, value);
                    if (id == kMaxFrameSize)
                        m_localMaxFrameSize = value;
                }
                m_ourSettingsUnacked.pop_front();
            }
            break;
        }
        for (std::size_t i = 0; i + 6 <= payload.size(); i += 6) {
            const std::uint16_t id = static_cast<std::uint16_t>((payload[i] << 8) | payload[i + 1]);
            const std::uint32_t value = be32(payload.data() + i + 2);
            ev.settings.emplace_back(id, value);
        }
        if (outbound) {
            m_ourSettingsUnacked.push_back(ev.settings);
        } else {
            for (const auto &[id, value] : ev.settings) {
                if (id == kInitialWindowSize && value <= 0x7fffffffu) {
                    const std::int64_t delta = std::int64_t(value) - m_initialRemote;
                    m_initialRemote = value;
                    for (auto &[sid, s] : m_streams)
                        s->remote += delta;
                }
                if (id == kHeaderTableSize)
                    nghttp2_hd_inflate_change_table_size(m_inflate[1]->hd, value);
            }
        }
        break;
    }
    case kWindowUpdate:
        if (payload.size() >= 4) {
            ev.windowIncrement = be32(payload.data()) & 0x7fffffffu;
            if (ev.streamId == 0) {
                (outbound ? m_connLocal : m_connRemote) += ev.windowIncrement;
            } else if (Stream *s = findStream(ev.streamId)) {
                (outbound ? s->local : s->remote) += ev.windowIncrement;
            }
        }
        break;
    case kRstStream:
        if (payload.size() >= 4)
            ev.errorCode = be32(payload.data());
        if (!outbound)
            if (Stream *s = findStream(ev.streamId); s && s->pushed)
                s->resetAtNs = m_time;
        break;
    case kGoaway:
        if (payload.size() >= 8) {
            ev.lastStreamId = static_cast<std::int32_t>(be32(payload.data()) & 0x7fffffffu);
            ev.errorCode = be32(payload.data() + 4);
            ev.debugData.assign(reinterpret_cast<const char *>(payload.data()) + 8, payload.size() - 8);
        }
        break;
    case kPing:
        if (payload.size() >= 8)
            for (std::size_t i = 0; i < 8; ++i)
                ev.opaque = (ev.opaque << 8) | payload[i];
        break;
    case kHeaders:
    case kPushPromise:
    case kContinuation:
        headerBlockFrame(ev, payload, outbound);
        return; // emitted there, with the block's decoded fields
    case kPriority:
        if (payload.size() == 5)
            readPriority(ev, payload.data());
        break;
    default: break;
    }
    fillWindows(ev);
    add(std::move(ev));
}

void Dissector::headerBlockFrame(FrameEvent &ev, std::span<const std::uint8_t> payload, bool outbound)
{
    const int dir = outbound ? 1 : 0;
    std::span<const std::uint8_t> fragment = payload;
    if (ev.type != kContinuation) {
        std::size_t skip = 0, pad = 0;
        if (ev.flags & kPadded) {
            skip = 1;
            pad = ev.padding;
        }
        if (ev.type == kHeaders && (ev.flags & kPriorityFlag)) {
            if (payload.size() >= skip + 5)
                readPriority(ev, payload.data() + skip);
            skip += 5;
        }
        if (ev.type == kPushPromise) {
            if (payload.size() >= skip + 4)
                ev.promisedStreamId = static_cast<std::int32_t>(be32(payload.data() + skip) & 0x7fffffffu);
            skip += 4;
        }
        fragment = payload.size() >= skip + pad ? payload.subspan(skip, payload.size() - skip - pad)
                                                : std::span<const std::uint8_t>{};
        // Which header block this is (nghttp2's categories).
        if (ev.type == kHeaders) {
            Stream *s = findStream(ev.streamId);
            if (!outbound)
                ev.hdCategory = (!s || !s->requestSeen) ? 0 : 3;
            else
                ev.hdCategory = (s && !s->finalResponse) ? (s->pushed ? 2 : 1) : 3;
        }
        // The stream exists from its request (or promise) on.
        if (ev.type == kHeaders && !outbound && ev.hdCategory == 0 && ev.streamId > 0) {
            stream(ev.streamId).requestSeen = true;
        }
        if (ev.type == kPushPromise && outbound && ev.promisedStreamId > 0) {
            Stream &s = stream(ev.promisedStreamId);
            s.pushed = true;
            s.parentId = ev.streamId;
            s.requestSeen = true;
        }
        fillWindows(ev);
        m_block[dir] = std::make_unique<PendingBlock>();
        m_block[dir]->streamId = ev.streamId;
        m_block[dir]->heldIndex = m_held.size();
        m_held.push_back(Event{m_time, m_connectionId, std::move(ev)});
    } else {
        fillWindows(ev);
        const bool orphan = !m_block[dir];
        m_held.push_back(Event{m_time, m_connectionId, std::move(ev)});
        if (orphan) {
            // A CONTINUATION without a block to continue: shown as it is.
            flushHeld();
            return;
        }
    }
    PendingBlock &block = *m_block[dir];
    block.fragments.append(reinterpret_cast<const char *>(fragment.data()), fragment.size());
    const FrameEvent &last = std::get<FrameEvent>(m_held.back().data);
    if (last.flags & kEndHeaders) {
        std::unique_ptr<PendingBlock> done = std::move(m_block[dir]);
        completeBlock(*done, outbound);
    }
    flushHeld();
}

void Dissector::completeBlock(PendingBlock &block, bool outbound)
{
    Inflater &inf = *m_inflate[outbound ? 1 : 0];
    FrameEvent &first = std::get<FrameEvent>(m_held[block.heldIndex].data);
    HeaderBlock::Builder b;
    std::size_t kept = 0;
    std::uint32_t decodedSize = 0;
    bool truncated = false;
    std::string failure;
    if (inf.broken) {
        failure = "an earlier header block in this direction could not be decoded";
    } else {
        const auto *in = reinterpret_cast<const std::uint8_t *>(block.fragments.data());
        std::size_t left = block.fragments.size();
        for (;;) {
            nghttp2_nv nv;
            int flags = 0;
            const ssize_t rv = nghttp2_hd_inflate_hd2(inf.hd, &nv, &flags, in, left, 1);
            if (rv < 0) {
                failure = errorText(static_cast<int>(rv));
                inf.broken = true;
                break;
            }
            in += rv;
            left -= static_cast<std::size_t>(rv);
            if (flags & NGHTTP2_HD_INFLATE_EMIT) {
                decodedSize += static_cast<std::uint32_t>(nv.namelen + nv.valuelen + 32);
                kept += nv.namelen + nv.valuelen;
                if (kept <= kMaxKeptHeaderList)
                    b.add(std::string_view(reinterpret_cast<const char *>(nv.name), nv.namelen),
                          std::string_view(reinterpret_cast<const char *>(nv.value), nv.valuelen));
                else
                    truncated = true;
            }
            if (flags & NGHTTP2_HD_INFLATE_FINAL) {
                nghttp2_hd_inflate_end_headers(inf.hd);
                break;
            }
            if (rv == 0 && left == 0) {
                failure = "the header block ends inside a field";
                inf.broken = true;
                break;
            }
        }
    }
    first.headers = b.build();
    first.headerBlockDecodedSize = decodedSize;
    // What follows adds events to m_held, which may move `first`: keep copies.
    const std::int32_t streamId = first.streamId;
    const std::uint8_t type = first.type;
    const std::int32_t promisedStreamId = first.promisedStreamId;
    const std::int32_t hdCategory = first.hdCategory;
    const HeaderBlock headers = first.headers; // a reference count
    if (!failure.empty()) {
        notice(streamId, "header-block-not-decoded",
               "the header block of stream " + std::to_string(streamId) + " could not be decoded: " + failure
                   + (m_lostState ? " (the capture does not hold the start of this connection's header compression)"
                                  : ""));
    }
    if (truncated)
        notice(streamId, "header-list-clipped",
               "the header list of stream " + std::to_string(streamId) + " decodes to " + std::to_string(decodedSize)
                   + " bytes; the inspector keeps the first " + std::to_string(kMaxKeptHeaderList / 1024) + " KiB");

    // What the block means for its stream.
    auto field = [&headers](std::string_view name) -> std::string_view {
        for (HeaderView h : headers)
            if (h.name == name)
                return h.value;
        return {};
    };
    // A request, or a promise, opens its stream.
    auto open = [&](std::int32_t id, bool pushed) {
        StreamOpened o;
        o.streamId = id;
        o.method = std::string(field(":method"));
        o.scheme = std::string(field(":scheme"));
        o.authority = std::string(field(":authority"));
        o.path = std::string(field(":path"));
        o.headers = headers.withoutPseudo();
        o.pushed = pushed;
        o.parentStreamId = pushed ? streamId : 0;
        add(std::move(o));
    };
    if (type == kHeaders && !outbound && hdCategory == 0) {
        open(streamId, false);
    } else if (type == kPushPromise && outbound && promisedStreamId > 0) {
        open(promisedStreamId, true);
    } else if (type == kHeaders && outbound) {
        if (Stream *s = findStream(streamId)) {
            const std::string_view status = field(":status");
            int code = 0;
            for (char c : status)
                code = (c >= '0' && c <= '9' && code < 1000) ? code * 10 + (c - '0') : code;
            if (code >= 200 || (code == 0 && !s->finalResponse && failure.empty())) {
                if (!s->finalResponse) {
                    s->status = code;
                    s->response = headers;
                }
                s->finalResponse = true;
            }
        }
    }
}

// ---- whole logs ----

std::vector<Event> dissectAll(std::uint64_t connectionId, const std::vector<std::shared_ptr<LogChunk>> &chunks)
{
    std::vector<Event> out;
    LogReader reader;
    for (const auto &c : chunks)
        reader.append(c);
    Dissector d(connectionId);
    RecordView r;
    while (reader.next(r))
        d.feed(r, out);
    d.finish(out);
    return out;
}

} // namespace h2scope::inspect
