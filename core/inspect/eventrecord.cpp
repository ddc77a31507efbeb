#include "eventrecord.h"

#include <cstring>
#include <string>
#include <type_traits>

namespace h2scope::inspect::Internal {

namespace {

constexpr std::size_t align8(std::size_t n) noexcept
{
    return (n + 7) & ~std::size_t(7);
}

struct RecordHeader {
    std::uint32_t size;
    RecordKind kind;
    std::uint8_t reserved[3];
    std::uint64_t timeNs;
    std::uint64_t connectionId;
};
static_assert(sizeof(RecordHeader) == 24);

// A FrameEvent's scalar fields; the header block, the settings and the
// strings follow it in that order.
struct FrameFixed {
    Direction dir;
    std::uint8_t type, flags, padding;
    std::int32_t streamId;
    std::uint32_t length, headerBlockDecodedSize, windowIncrement, errorCode;
    std::int32_t promisedStreamId, lastStreamId, hdCategory;
    std::int32_t connLocalWindow, connRemoteWindow, streamLocalWindow, streamRemoteWindow;
    std::uint64_t opaque;
    std::array<std::uint8_t, 9> rawHeader;
    bool notSent, invalid, hasHeaders;
    std::uint32_t settingsCount, debugLen, notSentLen, invalidLen;
};

struct StreamOpenedFixed {
    std::int32_t streamId, parentStreamId;
    bool pushed, hasHeaders;
    std::uint32_t methodLen, schemeLen, authorityLen, pathLen;
};

struct StreamClosedFixed {
    std::int32_t streamId;
    std::int32_t status;
    std::uint64_t bodyBytes, durationNs;
    std::uint32_t errorCode;
    bool hasHeaders;
    std::uint32_t noteLen;
};

static_assert(std::is_trivially_copyable_v<FrameFixed> && std::is_trivially_copyable_v<StreamOpenedFixed>
              && std::is_trivially_copyable_v<StreamClosedFixed> && std::is_trivially_copyable_v<HeaderBlock::Parcel>);

constexpr std::size_t kParcel = sizeof(HeaderBlock::Parcel);
constexpr std::size_t kSetting = 8; // u16 id, 2 spare bytes, u32 value

class Writer {
public:
    explicit Writer(std::uint8_t *p) noexcept : m_p(p) {}
    template <typename T> void put(const T &v) noexcept
    {
        std::memcpy(m_p, &v, sizeof v);
        m_p += sizeof v;
    }
    void put(const std::string &s) noexcept
    {
        if (s.empty())
            return;
        std::memcpy(m_p, s.data(), s.size());
        m_p += s.size();
    }
    void put(HeaderBlock &block) noexcept { put(block.take()); }

private:
    std::uint8_t *m_p;
};

class Reader {
public:
    explicit Reader(const std::uint8_t *p) noexcept : m_p(p) {}
    template <typename T> T get() noexcept
    {
        T v;
        std::memcpy(&v, m_p, sizeof v);
        m_p += sizeof v;
        return v;
    }
    void string(std::string &to, std::size_t n)
    {
        if (n == 0)
            return;
        to.assign(reinterpret_cast<const char *>(m_p), n);
        m_p += n;
    }
    void skip(std::size_t n) noexcept { m_p += n; }
    HeaderBlock block() noexcept { return HeaderBlock::adopt(get<HeaderBlock::Parcel>()); }

private:
    const std::uint8_t *m_p;
};

std::size_t frameSize(const FrameEvent &f) noexcept
{
    return sizeof(RecordHeader) + sizeof(FrameFixed) + (f.headers.empty() ? 0 : kParcel) + f.settings.size() * kSetting
           + f.debugData.size() + f.notSentReason.size() + f.invalidReason.size();
}

RecordHeader headerOf(const std::uint8_t *src) noexcept
{
    RecordHeader h;
    std::memcpy(&h, src, sizeof h);
    return h;
}

} // namespace

bool recordIsBoxed(std::size_t size) noexcept
{
    return size == kBoxedRecord;
}

std::size_t recordSize(const Event &event) noexcept
{
    std::size_t n = 0;
    if (const auto *f = std::get_if<FrameEvent>(&event.data))
        return frameRecordSize(*f);
    if (const auto *o = std::get_if<StreamOpened>(&event.data))
        n = sizeof(RecordHeader) + sizeof(StreamOpenedFixed) + (o->headers.empty() ? 0 : kParcel) + o->method.size()
            + o->scheme.size() + o->authority.size() + o->path.size();
    else if (const auto *c = std::get_if<StreamClosed>(&event.data))
        n = sizeof(RecordHeader) + sizeof(StreamClosedFixed) + (c->responseHeaders.empty() ? 0 : kParcel)
            + c->note.size();
    else
        return kBoxedRecord;
    n = align8(n);
    // An inline record is never exactly a boxed one's size: the fixed parts
    // alone are larger.
    return n > kMaxInlineRecord ? kBoxedRecord : n;
}

void writeRecord(Event &&event, std::uint8_t *dst) noexcept
{
    const auto size = static_cast<std::uint32_t>(recordSize(event));
    RecordHeader h{size, RecordKind::Boxed, {}, event.timeNs, event.connectionId};
    Writer w(dst + sizeof h);
    if (auto *f = std::get_if<FrameEvent>(&event.data)) {
        writeFrameRecord(event.timeNs, event.connectionId, std::move(*f), dst);
        return;
    } else if (auto *o = std::get_if<StreamOpened>(&event.data)) {
        h.kind = RecordKind::StreamOpened;
        const StreamOpenedFixed fixed{o->streamId,
                                      o->parentStreamId,
                                      o->pushed,
                                      !o->headers.empty(),
                                      static_cast<std::uint32_t>(o->method.size()),
                                      static_cast<std::uint32_t>(o->scheme.size()),
                                      static_cast<std::uint32_t>(o->authority.size()),
                                      static_cast<std::uint32_t>(o->path.size())};
        w.put(fixed);
        if (fixed.hasHeaders)
            w.put(o->headers);
        w.put(o->method);
        w.put(o->scheme);
        w.put(o->authority);
        w.put(o->path);
    } else if (auto *c = std::get_if<StreamClosed>(&event.data)) {
        h.kind = RecordKind::StreamClosed;
        const StreamClosedFixed fixed{c->streamId,   c->status,    c->bodyBytes,
                                      c->durationNs, c->errorCode, !c->responseHeaders.empty(),
                                      static_cast<std::uint32_t>(c->note.size())};
        w.put(fixed);
        if (fixed.hasHeaders)
            w.put(c->responseHeaders);
        w.put(c->note);
    }
    std::memcpy(dst, &h, sizeof h);
}

std::size_t frameRecordSize(const FrameEvent &frame) noexcept
{
    const std::size_t n = align8(frameSize(frame));
    return n > kMaxInlineRecord ? kBoxedRecord : n;
}

void writeFrameRecord(std::uint64_t timeNs, std::uint64_t connectionId, FrameEvent &&frame, std::uint8_t *dst) noexcept
{
    FrameEvent &f = frame;
    const RecordHeader h{static_cast<std::uint32_t>(frameRecordSize(frame)), RecordKind::Frame, {}, timeNs, connectionId};
    Writer w(dst + sizeof h);
    const FrameFixed fixed{f.dir, f.type, f.flags, f.padding, f.streamId, f.length,
                   f.headerBlockDecodedSize, f.windowIncrement, f.errorCode, f.promisedStreamId,
                   f.lastStreamId, f.hdCategory, f.connLocalWindow, f.connRemoteWindow,
                   f.streamLocalWindow, f.streamRemoteWindow, f.opaque, f.rawHeader, f.notSent,
                   f.invalid, !f.headers.empty(), static_cast<std::uint32_t>(f.settings.size()),
                   static_cast<std::uint32_t>(f.debugData.size()),
                   static_cast<std::uint32_t>(f.notSentReason.size()),
                   static_cast<std::uint32_t>(f.invalidReason.size())};
    w.put(fixed);
    if (fixed.hasHeaders)
        w.put(f.headers);
    for (const auto &[id, value] : f.settings) {
        w.put(static_cast<std::uint32_t>(id));
        w.put(value);
    }
    w.put(f.debugData);
    w.put(f.notSentReason);
    w.put(f.invalidReason);
    std::memcpy(dst, &h, sizeof h);
}

void writeBoxedRecord(Event *box, std::uint8_t *dst) noexcept
{
    const RecordHeader h{static_cast<std::uint32_t>(kBoxedRecord), RecordKind::Boxed, {}, 0, 0};
    std::memcpy(dst, &h, sizeof h);
    std::memcpy(dst + sizeof h, &box, sizeof box);
    static_assert(sizeof(RecordHeader) + sizeof(Event *) == kBoxedRecord);
}

void writeWrapRecord(std::size_t bytes, std::uint8_t *dst) noexcept
{
    const std::uint32_t size = static_cast<std::uint32_t>(bytes);
    const RecordKind kind = RecordKind::Wrap;
    std::memcpy(dst, &size, sizeof size);
    std::memcpy(dst + sizeof size, &kind, sizeof kind);
}

RecordKind recordKind(const std::uint8_t *src) noexcept
{
    RecordKind kind;
    std::memcpy(&kind, src + sizeof(std::uint32_t), sizeof kind);
    return kind;
}

std::size_t recordBytes(const std::uint8_t *src) noexcept
{
    std::uint32_t size;
    std::memcpy(&size, src, sizeof size);
    return size;
}

void readRecord(const std::uint8_t *src, Event &event)
{
    const RecordHeader h = headerOf(src);
    Reader r(src + sizeof h);
    event.timeNs = h.timeNs;
    event.connectionId = h.connectionId;
    switch (h.kind) {
    case RecordKind::Frame: {
        const auto fixed = r.get<FrameFixed>();
        auto *existing = std::get_if<FrameEvent>(&event.data);
        FrameEvent &f = existing ? *existing : event.data.emplace<FrameEvent>();
        f.dir = fixed.dir;
        f.type = fixed.type;
        f.flags = fixed.flags;
        f.padding = fixed.padding;
        f.streamId = fixed.streamId;
        f.length = fixed.length;
        f.headerBlockDecodedSize = fixed.headerBlockDecodedSize;
        f.windowIncrement = fixed.windowIncrement;
        f.errorCode = fixed.errorCode;
        f.promisedStreamId = fixed.promisedStreamId;
        f.lastStreamId = fixed.lastStreamId;
        f.hdCategory = fixed.hdCategory;
        f.connLocalWindow = fixed.connLocalWindow;
        f.connRemoteWindow = fixed.connRemoteWindow;
        f.streamLocalWindow = fixed.streamLocalWindow;
        f.streamRemoteWindow = fixed.streamRemoteWindow;
        f.opaque = fixed.opaque;
        f.rawHeader = fixed.rawHeader;
        f.notSent = fixed.notSent;
        f.invalid = fixed.invalid;
        if (fixed.hasHeaders)
            f.headers = r.block();
        if (fixed.settingsCount)
            f.settings.reserve(fixed.settingsCount);
        for (std::uint32_t i = 0; i < fixed.settingsCount; ++i) {
            const auto id = r.get<std::uint32_t>();
            const auto value = r.get<std::uint32_t>();
            f.settings.emplace_back(static_cast<std::uint16_t>(id), value);
        }
        r.string(f.debugData, fixed.debugLen);
        r.string(f.notSentReason, fixed.notSentLen);
        r.string(f.invalidReason, fixed.invalidLen);
        break;
    }
    case RecordKind::StreamOpened: {
        const auto fixed = r.get<StreamOpenedFixed>();
        StreamOpened &o = event.data.emplace<StreamOpened>();
        o.streamId = fixed.streamId;
        o.parentStreamId = fixed.parentStreamId;
        o.pushed = fixed.pushed;
        if (fixed.hasHeaders)
            o.headers = r.block();
        r.string(o.method, fixed.methodLen);
        r.string(o.scheme, fixed.schemeLen);
        r.string(o.authority, fixed.authorityLen);
        r.string(o.path, fixed.pathLen);
        break;
    }
    case RecordKind::StreamClosed: {
        const auto fixed = r.get<StreamClosedFixed>();
        StreamClosed &c = event.data.emplace<StreamClosed>();
        c.streamId = fixed.streamId;
        c.status = fixed.status;
        c.bodyBytes = fixed.bodyBytes;
        c.durationNs = fixed.durationNs;
        c.errorCode = fixed.errorCode;
        if (fixed.hasHeaders)
            c.responseHeaders = r.block();
        r.string(c.note, fixed.noteLen);
        break;
    }
    case RecordKind::Boxed: {
        Event *box = r.get<Event *>();
        event = std::move(*box);
        delete box;
        break;
    }
    case RecordKind::Wrap:
        break;
    }
}

void discardRecord(const std::uint8_t *src) noexcept
{
    const RecordHeader h = headerOf(src);
    Reader r(src + sizeof h);
    switch (h.kind) {
    case RecordKind::Frame:
        if (r.get<FrameFixed>().hasHeaders)
            (void)r.block();
        break;
    case RecordKind::StreamOpened:
        if (r.get<StreamOpenedFixed>().hasHeaders)
            (void)r.block();
        break;
    case RecordKind::StreamClosed:
        if (r.get<StreamClosedFixed>().hasHeaders)
            (void)r.block();
        break;
    case RecordKind::Boxed:
        delete r.get<Event *>();
        break;
    case RecordKind::Wrap:
        break;
    }
}

} // namespace h2scope::inspect::Internal
