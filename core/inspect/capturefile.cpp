#include "inspect/capturefile.h"

#include <cstring>

namespace h2scope::inspect {
namespace {

constexpr char kMagic[] = "H2SCOPE-CAPTURE\n";
constexpr std::size_t kMagicLen = sizeof kMagic - 1;

void put32(std::string &out, std::uint32_t v)
{
    for (int i = 0; i < 4; ++i)
        out.push_back(static_cast<char>(v >> (8 * i)));
}
void put64(std::string &out, std::uint64_t v)
{
    put32(out, static_cast<std::uint32_t>(v));
    put32(out, static_cast<std::uint32_t>(v >> 32));
}
std::uint64_t get(std::string_view b, std::size_t at, int bytes)
{
    std::uint64_t v = 0;
    for (int i = bytes - 1; i >= 0; --i)
        v = (v << 8) | static_cast<std::uint8_t>(b[at + static_cast<std::size_t>(i)]);
    return v;
}

// A connection's counters, in this order, each a u64.
constexpr std::size_t kCounterFields = 12;
constexpr std::size_t kBlockHeader = 8 + 8 + kCounterFields * 8 + 8;

void putCounters(std::string &out, const ConnectionCounters &k)
{
    for (std::uint64_t v : {k.framesIn, k.framesOut, k.frameBytesIn, k.frameBytesOut, k.dataBytesIn, k.dataBytesOut,
                            k.socketBytesIn, k.socketBytesOut, std::uint64_t(k.streams), std::uint64_t(k.pushedStreams),
                            std::uint64_t(k.notices), k.records})
        put64(out, v);
}

ConnectionCounters getCounters(std::string_view b, std::size_t at)
{
    ConnectionCounters k;
    std::uint64_t *wide[] = {&k.framesIn,    &k.framesOut,    &k.frameBytesIn,  &k.frameBytesOut,
                             &k.dataBytesIn, &k.dataBytesOut, &k.socketBytesIn, &k.socketBytesOut};
    for (std::size_t i = 0; i < 8; ++i)
        *wide[i] = get(b, at + 8 * i, 8);
    k.streams = static_cast<std::uint32_t>(get(b, at + 64, 8));
    k.pushedStreams = static_cast<std::uint32_t>(get(b, at + 72, 8));
    k.notices = static_cast<std::uint32_t>(get(b, at + 80, 8));
    k.records = get(b, at + 88, 8);
    return k;
}

// Whether a log's first record after its time is the connection's opening.
bool startsWithOpened(const std::vector<std::shared_ptr<LogChunk>> &chunks)
{
    LogReader reader;
    for (const auto &c : chunks)
        reader.append(c);
    RecordView r;
    while (reader.next(r))
        if (r.kind != RecordKind::Time)
            return r.kind == RecordKind::Opened;
    return false;
}

} // namespace

bool looksLikeCapture(std::string_view bytes) noexcept
{
    return bytes.size() >= kMagicLen && bytes.substr(0, kMagicLen) == std::string_view(kMagic, kMagicLen);
}

std::string serializeCapture(const CaptureStore &store)
{
    std::string out(kMagic, kMagicLen);
    put32(out, kCaptureFileVersion);
    put32(out, 0);
    put64(out, static_cast<std::uint64_t>(store.wallClockOffsetNs()));
    for (std::uint64_t id : store.connectionIds()) {
        const ConnectionInfo *info = store.connection(id);
        const auto *chunks = store.chunks(id);
        if (!info || !chunks)
            continue;
        // A log whose opening was evicted gets it back in front, so the
        // reopened connection still says who it was with and how.
        const std::string opening = info->evictedFrames > 0 && info->opened && !startsWithOpened(*chunks)
                                        ? encodeOpened(info->openedNs, *info->opened)
                                        : std::string();
        std::uint64_t length = opening.size();
        for (const auto &c : *chunks)
            length += c->committed();
        put64(out, id);
        put64(out, info->evictedFrames);
        putCounters(out, info->counters);
        put64(out, length);
        out += opening;
        for (const auto &c : *chunks)
            out.append(reinterpret_cast<const char *>(c->data()), c->committed());
    }
    return out;
}

Result<void> parseCapture(std::string_view bytes, CaptureStore &store)
{
    if (!looksLikeCapture(bytes))
        return makeError(Errc::InvalidArgument, "not an h2scope capture (it does not start with H2SCOPE-CAPTURE)");
    if (bytes.size() < kMagicLen + 16)
        return makeError(Errc::InvalidArgument, "the capture is cut off in its header");
    const auto version = static_cast<std::uint32_t>(get(bytes, kMagicLen, 4));
    if (version < kOldestCaptureFileVersion || version > kCaptureFileVersion)
        return makeError(Errc::InvalidArgument,
                         "the capture is format version " + std::to_string(version) + "; this h2scope reads versions "
                             + std::to_string(kOldestCaptureFileVersion) + " to " + std::to_string(kCaptureFileVersion)
                             + ": open it with a newer h2scope");
    store.clear();
    store.setWallClockOffsetNs(static_cast<std::int64_t>(get(bytes, kMagicLen + 8, 8)));
    std::size_t at = kMagicLen + 16;
    while (at < bytes.size()) {
        if (bytes.size() - at < kBlockHeader) {
            store.clear();
            return makeError(Errc::InvalidArgument, "the capture is cut off at byte " + std::to_string(at));
        }
        const std::uint64_t id = get(bytes, at, 8);
        const std::uint64_t evicted = get(bytes, at + 8, 8);
        const ConnectionCounters counters = getCounters(bytes, at + 16);
        const std::uint64_t length = get(bytes, at + 16 + kCounterFields * 8, 8);
        at += kBlockHeader;
        if (length > bytes.size() - at) {
            store.clear();
            return makeError(Errc::InvalidArgument, "the capture is cut off in connection " + std::to_string(id));
        }
        if (Result<void> added = store.addLog(id, bytes.substr(at, length), evicted, &counters); !added) {
            store.clear();
            return added.error();
        }
        at += length;
    }
    return {};
}

} // namespace h2scope::inspect
