#pragma once
// What one page load measured: the mode, a waterfall row per resource, a
// row per connection and the summary metrics. Times are microseconds since
// the load started (-1: never happened). Plain values, any thread.

#include "lab/networkprofile.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::lab {

enum class LoadMode {
    Http1,      // HTTP/1.1 over TLS, up to 6 connections, keep-alive, no pipelining
    Http2,      // HTTP/2, SETTINGS_ENABLE_PUSH=0, no navigation request fields (no 103)
    Http2Push,  // HTTP/2, push enabled, promised streams accepted, no 103 asked for
    Http2Hints, // HTTP/2, push disabled, a navigation request: 103 Early Hints acted on
};

// "http1", "h2", "h2-push", "h2-hints".
const char *loadModeName(LoadMode mode);
// "HTTP/1.1", "HTTP/2", "HTTP/2 + push", "HTTP/2 + early hints".
const char *loadModeLabel(LoadMode mode);
// The names above (case-insensitive); nullopt otherwise.
std::optional<LoadMode> parseLoadMode(std::string_view name);
// The four modes in table order.
const std::vector<LoadMode> &allLoadModes();

struct ResourceTiming {
    std::string path;             // the request's :path (encoded, with query)
    std::string as;               // document, style, script, image, font, ...
    std::string initiator;        // navigation, html, css, early-hints, push
    std::uint64_t connection = 0; // ConnectionTiming::id; 0 if never sent
    std::int32_t stream = 0;      // HTTP/2 stream id or HTTP/1.1 request number
    bool pushed = false;          // arrived by server push
    bool needed = true;           // the page references it (false: wasted push)
    bool module = false;          // an ES module: what it imports is fetched once it arrived
    int status = 0;
    std::int64_t discoveredUs = -1; // the loader learned it needs it (or the promise came)
    std::int64_t requestUs = -1;    // the request went to the connection (promise for pushes)
    std::int64_t responseUs = -1;   // final response headers arrived
    std::int64_t completeUs = -1;   // the whole body arrived
    std::uint64_t bodyBytes = 0;
    bool complete = false;
};

struct ConnectionTiming {
    std::uint64_t id = 0;            // 1, 2, ... in opening order
    std::int64_t startUs = -1;       // connect() called
    std::int64_t connectedUs = -1;   // TCP up (after the emulated handshake round trip)
    std::int64_t tlsUs = -1;         // TLS handshake complete
    std::string alpn;                // "h2" or "http/1.1"
    std::uint64_t bytesSent = 0;     // TLS bytes written to the socket
    std::uint64_t bytesReceived = 0; // TLS bytes read from the socket
    std::uint32_t requests = 0;
};

struct LoadMetrics {
    std::int64_t ttfbUs = -1;         // first byte of the HTML's final response
    std::int64_t pageCompleteUs = -1; // every needed resource complete
    std::uint32_t connections = 0;
    std::uint32_t tlsHandshakes = 0;
    std::uint32_t requests = 0;      // requests the loader sent (pushes excluded)
    std::uint32_t earlyHints = 0;    // 103 responses received
    std::uint32_t pushedStreams = 0; // promises received
    std::uint32_t pushedUsed = 0;    // promised and needed by the page
    std::uint32_t pushedWasted = 0;  // promised, not needed
    std::uint64_t pushedWastedBytes = 0;
    std::uint64_t bytesUp = 0;   // TLS bytes loader -> server, all connections
    std::uint64_t bytesDown = 0; // TLS bytes server -> loader
};

struct LoadResult {
    LoadMode mode = LoadMode::Http2;
    std::string page;                      // the page's path
    std::vector<ResourceTiming> resources; // document first, then in discovery order
    std::vector<ConnectionTiming> connections;
    LoadMetrics metrics;
};

} // namespace h2scope::lab
