#pragma once
// Inspector events: small value types, each stamped with a monotonic time in
// nanoseconds and the connection it belongs to. The dissector makes them from
// a connection's capture log (capturelog.h, dissector.h), off the I/O thread;
// views, the frame log and the exporters read them.

#include "headerblock.h"

#include <array>
#include <cstdint>
#include <string>
#include <utility>
#include <variant>
#include <vector>

namespace h2scope::inspect {

// Monotonic nanoseconds (steady clock) — the time base of every event, as
// the views read it now. The records of a connection's capture log are
// stamped by the log's own clock (capturelog.h), a time point of this one
// in the server.
std::uint64_t nowNs() noexcept;

enum class Direction : std::uint8_t { In, Out };

struct ConnectionOpened {
    std::string peer;  // "127.0.0.1:53422" / "[::1]:53422"
    std::string local; // address:port the connection arrived on
    bool tls = false;
    std::string tlsVersion; // "TLSv1.3"
    std::string cipher;     // "TLS_AES_128_GCM_SHA256"
    std::string alpn;       // "h2", "http/1.1" or "" (none offered/selected)
    std::string sni;        // server name the client asked for, or ""
    std::string group;      // key exchange group, "X25519"
    bool resumed = false;   // TLS session resumption
    std::uint64_t handshakeNs = 0;
    std::string protocol; // what the connection speaks: "h2", "http/1.1", "h2c"

    bool operator==(const ConnectionOpened &) const = default;
};

struct ConnectionClosed {
    std::string reason;            // "peer closed", "GOAWAY sent: PROTOCOL_ERROR", "server shutdown", ...
    std::int32_t goawayCode = -1;  // GOAWAY error code sent or received, -1 if none
    std::int32_t lastStreamId = 0; // from that GOAWAY
    std::uint64_t bytesIn = 0;     // bytes read from the socket (TLS included)
    std::uint64_t bytesOut = 0;    // bytes written to the socket
    std::uint32_t streams = 0;     // streams (or HTTP/1.1 exchanges) seen

    bool operator==(const ConnectionClosed &) const = default;
};

// One HTTP/2 frame, sent or received. The wire tap supplies the 9-byte header
// as it was on the wire; nghttp2 callbacks supply the meaning.
struct FrameEvent {
    Direction dir = Direction::In;
    std::uint8_t type = 0; // NGHTTP2_DATA ... NGHTTP2_CONTINUATION, or unknown
    std::uint8_t flags = 0;
    std::int32_t streamId = 0;
    std::uint32_t length = 0;                // payload length from the frame header
    std::uint8_t padding = 0;                // pad length (PADDED flag), 0 if none
    std::array<std::uint8_t, 9> rawHeader{}; // exactly as on the wire

    HeaderBlock headers;                      // decoded fields (HEADERS, PUSH_PROMISE), pseudo-headers first
    std::uint32_t headerBlockDecodedSize = 0; // sum of name+value lengths (+32 each, RFC 7541 §4.1)
    std::vector<std::pair<std::uint16_t, std::uint32_t>> settings; // SETTINGS id, value
    std::uint32_t windowIncrement = 0;                             // WINDOW_UPDATE
    std::uint32_t errorCode = 0;                                   // RST_STREAM, GOAWAY
    std::int32_t promisedStreamId = 0;                             // PUSH_PROMISE
    std::int32_t lastStreamId = 0;                                 // GOAWAY
    std::uint64_t opaque = 0;                                      // PING data (big-endian as a number)
    std::string debugData;                                         // GOAWAY additional debug data
    std::int32_t hdCategory = -1; // HEADERS category: 0 request, 1 response, 2 push response, 3 headers (trailers/1xx)
    // PRIORITY, or HEADERS with the PRIORITY flag (RFC 7540 §6.3): the stream
    // depended on (-1: no priority fields), the weight (1-256) and whether the
    // dependency is exclusive.
    std::int32_t priorityDependency = -1;
    std::uint16_t priorityWeight = 0;
    bool priorityExclusive = false;

    bool notSent = false;      // nghttp2 decided not to send it (on_frame_not_send)
    std::string notSentReason; // nghttp2_strerror of that decision
    bool invalid = false;      // received but rejected (on_invalid_frame_recv)
    std::string invalidReason;
    bool incomplete = false; // the connection ended inside this frame: only part of it arrived

    // Flow-control windows after this frame was processed (bytes).
    std::int32_t connLocalWindow = 0;    // how much the peer may still send us
    std::int32_t connRemoteWindow = 0;   // how much we may still send the peer
    std::int32_t streamLocalWindow = -1; // -1: no stream / stream gone
    std::int32_t streamRemoteWindow = -1;

    bool operator==(const FrameEvent &) const = default;
};

struct StreamOpened {
    std::int32_t streamId = 0;
    std::string method, scheme, authority, path;
    HeaderBlock headers;             // request headers, no pseudo-headers
    bool pushed = false;             // a promised (server-initiated) stream
    std::int32_t parentStreamId = 0; // the stream whose response promised it

    bool operator==(const StreamOpened &) const = default;
};

struct StreamClosed {
    std::int32_t streamId = 0;
    int status = 0; // 0 if no response was sent
    HeaderBlock responseHeaders;
    std::uint64_t bodyBytes = 0;    // DATA payload bytes sent
    std::uint64_t durationNs = 0;   // from request HEADERS to close
    std::uint32_t errorCode = 0;    // nghttp2 close error code (0 = NO_ERROR)
    std::string note;               // the site's note (e.g. why a path was refused)
    std::uint64_t decodedBytes = 0; // sent content-encoded: the body's size decoded (0: as sent)

    bool operator==(const StreamClosed &) const = default;
};

struct Http1Exchange {
    std::string method, target, version;
    HeaderBlock requestHeaders;
    int status = 0;
    HeaderBlock responseHeaders;
    std::uint64_t bodyBytes = 0;
    std::uint64_t durationNs = 0;
    std::uint64_t startNs = 0;  // when the request line arrived
    std::uint32_t sequence = 0; // 1-based index of the exchange on its connection
    std::string note;
    std::uint64_t decodedBytes = 0; // sent content-encoded: the body's size decoded (0: as sent)

    bool operator==(const Http1Exchange &) const = default;
};

// Anything else worth telling a user about a connection: protocol errors
// that did not produce a frame, limits hit, push skipped, and so on.
struct Notice {
    std::string code; // short machine-readable tag, e.g. "bad-request", "push-skipped"
    std::string text; // one line for people
    std::int32_t streamId = 0;

    bool operator==(const Notice &) const = default;
};

// What became of one server push promise.
struct PushOutcome {
    std::int32_t promisedStreamId = 0;
    std::int32_t parentStreamId = 0;
    std::string path;
    // "completed", "cancelled" (RST_STREAM CANCEL), "refused" (REFUSED_STREAM),
    // "reset" (another code) or "not-sent" (nghttp2 did not send the PUSH_PROMISE)
    std::string outcome;
    std::string detail;          // why, in words (nghttp2's reason for not-sent)
    std::uint64_t resetAtNs = 0; // when the client's RST_STREAM arrived, 0 if none
    std::uint64_t bodyBytes = 0; // DATA bytes of the pushed response sent before the end

    bool operator==(const PushOutcome &) const = default;
};

// FrameEvent first: most events are frames.
using EventData = std::variant<FrameEvent, ConnectionOpened, ConnectionClosed, StreamOpened, StreamClosed,
                               Http1Exchange, Notice, PushOutcome>;

struct Event {
    std::uint64_t timeNs = 0;
    std::uint64_t connectionId = 0;
    EventData data;

    // Field-by-field equality: what a JSON Lines round trip must preserve.
    bool operator==(const Event &) const = default;
};

// HTTP/2 names, for exporters and views.
const char *frameTypeName(std::uint8_t type) noexcept;             // "DATA", ..., "UNKNOWN"
std::string frameFlagsText(std::uint8_t type, std::uint8_t flags); // "END_STREAM|END_HEADERS"
const char *errorCodeName(std::uint32_t code) noexcept;            // "NO_ERROR", ..., "UNKNOWN"
const char *settingName(std::uint16_t id) noexcept;                // "MAX_CONCURRENT_STREAMS", ...

} // namespace h2scope::inspect
