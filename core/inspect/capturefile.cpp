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
        std::uint64_t length = 0;
        for (const auto &c : *chunks)
            length += c->committed();
        put64(out, id);
        put64(out, info->evictedFrames);
        put64(out, length);
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
    if (version != kCaptureFileVersion)
        return makeError(Errc::InvalidArgument, "the capture is format version " + std::to_string(version)
                                                    + "; this h2scope reads version "
                                                    + std::to_string(kCaptureFileVersion) + ": open it with a newer h2scope");
    store.clear();
    store.setWallClockOffsetNs(static_cast<std::int64_t>(get(bytes, kMagicLen + 8, 8)));
    std::size_t at = kMagicLen + 16;
    while (at < bytes.size()) {
        if (bytes.size() - at < 24) {
            store.clear();
            return makeError(Errc::InvalidArgument, "the capture is cut off at byte " + std::to_string(at));
        }
        const std::uint64_t id = get(bytes, at, 8);
        const std::uint64_t evicted = get(bytes, at + 8, 8);
        const std::uint64_t length = get(bytes, at + 16, 8);
        at += 24;
        if (length > bytes.size() - at) {
            store.clear();
            return makeError(Errc::InvalidArgument, "the capture is cut off in connection " + std::to_string(id));
        }
        if (Result<void> added = store.addLog(id, bytes.substr(at, length), evicted); !added) {
            store.clear();
            return added.error();
        }
        at += length;
    }
    return {};
}

} // namespace h2scope::inspect
