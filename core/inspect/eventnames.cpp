// Names for HTTP/2 protocol numbers (RFC 9113 and its extensions), and the
// inspector's clock. Kept free of nghttp2 so exporters and views can use them
// without linking the protocol library.

#include "event.h"

#include <chrono>

namespace h2scope::inspect {

// steady_clock: timestamps must never go backwards when the wall clock is
// adjusted mid-capture; exporters map to wall time with an offset.
std::uint64_t nowNs() noexcept
{
    const auto since = std::chrono::steady_clock::now().time_since_epoch();
    return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(since).count());
}

const char *frameTypeName(std::uint8_t type) noexcept
{
    switch (type) {
    case 0x00: return "DATA";
    case 0x01: return "HEADERS";
    case 0x02: return "PRIORITY";
    case 0x03: return "RST_STREAM";
    case 0x04: return "SETTINGS";
    case 0x05: return "PUSH_PROMISE";
    case 0x06: return "PING";
    case 0x07: return "GOAWAY";
    case 0x08: return "WINDOW_UPDATE";
    case 0x09: return "CONTINUATION";
    case 0x0a: return "ALTSVC";
    case 0x0c: return "ORIGIN";
    case 0x10: return "PRIORITY_UPDATE";
    default: return "UNKNOWN";
    }
}

std::string frameFlagsText(std::uint8_t type, std::uint8_t flags)
{
    // The same bit means different things per frame type (0x1 is END_STREAM on
    // DATA/HEADERS but ACK on SETTINGS/PING), so only flags defined for the
    // type are named; undefined bits are not shown here (the number is).
    std::string out;
    const auto add = [&out](const char *name) {
        if (!out.empty())
            out += '|';
        out += name;
    };
    switch (type) {
    case 0x00: // DATA
        if (flags & 0x01)
            add("END_STREAM");
        if (flags & 0x08)
            add("PADDED");
        break;
    case 0x01: // HEADERS
        if (flags & 0x01)
            add("END_STREAM");
        if (flags & 0x04)
            add("END_HEADERS");
        if (flags & 0x08)
            add("PADDED");
        if (flags & 0x20)
            add("PRIORITY");
        break;
    case 0x04: // SETTINGS
    case 0x06: // PING
        if (flags & 0x01)
            add("ACK");
        break;
    case 0x05: // PUSH_PROMISE
        if (flags & 0x04)
            add("END_HEADERS");
        if (flags & 0x08)
            add("PADDED");
        break;
    case 0x09: // CONTINUATION
        if (flags & 0x04)
            add("END_HEADERS");
        break;
    default: break;
    }
    return out;
}

const char *errorCodeName(std::uint32_t code) noexcept
{
    switch (code) {
    case 0x0: return "NO_ERROR";
    case 0x1: return "PROTOCOL_ERROR";
    case 0x2: return "INTERNAL_ERROR";
    case 0x3: return "FLOW_CONTROL_ERROR";
    case 0x4: return "SETTINGS_TIMEOUT";
    case 0x5: return "STREAM_CLOSED";
    case 0x6: return "FRAME_SIZE_ERROR";
    case 0x7: return "REFUSED_STREAM";
    case 0x8: return "CANCEL";
    case 0x9: return "COMPRESSION_ERROR";
    case 0xa: return "CONNECT_ERROR";
    case 0xb: return "ENHANCE_YOUR_CALM";
    case 0xc: return "INADEQUATE_SECURITY";
    case 0xd: return "HTTP_1_1_REQUIRED";
    default: return "UNKNOWN";
    }
}

const char *settingName(std::uint16_t id) noexcept
{
    switch (id) {
    case 0x1: return "HEADER_TABLE_SIZE";
    case 0x2: return "ENABLE_PUSH";
    case 0x3: return "MAX_CONCURRENT_STREAMS";
    case 0x4: return "INITIAL_WINDOW_SIZE";
    case 0x5: return "MAX_FRAME_SIZE";
    case 0x6: return "MAX_HEADER_LIST_SIZE";
    case 0x8: return "ENABLE_CONNECT_PROTOCOL";
    case 0x9: return "NO_RFC7540_PRIORITIES";
    default: return "UNKNOWN";
    }
}

} // namespace h2scope::inspect
