#pragma once
// Loads one page of the served folder the way a browser would, over real
// loopback sockets and real TLS, through the emulated link (LinkEmulator):
// the HTML first, then what it references as it streams in (see
// pageassets.h), stylesheets' fonts and images once they arrive, Link
// preloads of the response, and per mode:
//  - Http1: HTTP/1.1, a new connection whenever every open one is busy, up
//    to `maxHttp1Connections` (6, as browsers do per origin);
//  - Http2: one connection, push disabled;
//  - Http2Push: one connection, promised streams accepted and never
//    requested again; a pushed resource the page needs counts as used,
//    one it never needs as wasted (with its bytes);
//  - Http2Hints: the document is requested as a navigation, and the Link
//    preloads of a 103 Early Hints are requested the moment it arrives.
// No cache: every load is a cold load with fresh connections and full TLS
// handshakes (no session resumption).

#include "lab/loadresult.h"
#include "lab/networkprofile.h"
#include "result.h"

#include <chrono>
#include <cstdint>
#include <string>

namespace h2scope::lab {

struct LoadOptions {
    std::string host = "127.0.0.1"; // the server's address (an IP literal)
    std::uint16_t port = 0;
    std::string serverName = "localhost"; // SNI and :authority host
    std::string page = "/";               // URL path of the page (percent-encoded)
    LoadMode mode = LoadMode::Http2;
    NetworkProfile network;
    unsigned maxHttp1Connections = 6;
    std::chrono::milliseconds timeout{60'000};
    std::uint32_t seed = 1; // for emulated loss
};

class PageLoader final {
public:
    // Loads the page and returns its waterfall and metrics. Blocks the
    // calling thread (which runs its own asio::io_context) for at most
    // `options.timeout`. Fails with Errc::InvalidArgument for a bad host or
    // page, Errc::Io when the server cannot be reached, a connection breaks
    // with requests in flight or the timeout passes, Errc::Tls or
    // Errc::Protocol when the server's TLS or HTTP cannot be read, and
    // Errc::NotFound when the page itself does not answer 2xx.
    // Any thread; loads on different threads are independent.
    static Result<LoadResult> load(const LoadOptions &options);
};

} // namespace h2scope::lab
