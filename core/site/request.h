#pragma once

#include "freshness.h"
#include "headers.h"

#include <cstdint>
#include <string>

namespace h2scope::site {

enum class Protocol : std::uint8_t { Http1, Http2 };

// A request as the site sees it, whichever protocol carried it.
struct Request {
    std::string method;    // "GET", "HEAD", ...
    std::string scheme;    // "https" or "http"
    std::string authority; // :authority or Host
    std::string target;    // :path / request-target, raw (still percent-encoded, with query)
    HeaderList headers;    // lowercase names, no pseudo-headers
    Protocol protocol = Protocol::Http2;
    // The connection listed this path in a 103 Early Hints it sent, and this
    // is the first request for it since: most likely the browser's preload.
    bool earlyHinted = false;
    // The protocol the client asks to switch to, lowercase: HTTP/2's
    // :protocol of an extended CONNECT (RFC 8441), or HTTP/1.1's Upgrade
    // with `connection: upgrade` (RFC 9110 §7.8). Empty for plain requests.
    std::string upgrade = {};
    // How fresh the folder must look to this request (freshness.h): the
    // session gives the requests of one batch of bytes the same one.
    Freshness freshness = {};

    const std::string *header(std::string_view name) const { return findHeader(headers, name); }
};

} // namespace h2scope::site
