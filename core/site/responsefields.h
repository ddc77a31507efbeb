#pragma once
// The fields of a response head, by one set of rules for HTTP/1.1 and
// HTTP/2 alike: the site's fields (the prepared ones, then the response's
// own) as they are, less those the protocol layer owns or that cannot be
// sent safely, then `date` and `server` unless the site set them.
//
// The protocol layer adds only what its framing needs: `:status` (HTTP/2),
// the status line, content-length and connection fields (HTTP/1.1).

#include "datecache.h"
#include "response.h"

#include <string_view>

namespace h2scope::site {

// Fields that describe one hop's connection (RFC 9110 §7.6.1). HTTP/2 forbids
// them in any message (RFC 9113 §8.2.2); over HTTP/1.1 the session owns them,
// and a handler's copy would contradict the framing or the connection's fate.
bool isConnectionSpecificField(std::string_view name) noexcept;

// Whether a field can go on the wire as it is: a CR, LF or NUL (e.g. from a
// user's _headers file) would split an HTTP/1.1 head and is malformed in
// HTTP/2 (RFC 9113 §8.2.1); a colon cannot be in a name.
bool isSendableField(std::string_view name, std::string_view value) noexcept;

// Both of the above: a field a response may carry.
inline bool isResponseField(std::string_view name, std::string_view value) noexcept
{
    return !isConnectionSpecificField(name) && isSendableField(name, value);
}

// `add(name, value, lowercase)` for each field of the head, in the order
// sent: views into `response` (its fixed and own fields), `date` and
// literals. `lowercase`: the name is known to be in lowercase (the prepared
// fields and the ones added here); a handler's own fields are lowercase by
// Response's rules, but nothing checked them.
// `dropContentLength`: the protocol layer states the length itself (or must
// not state one), so the site's content-length is left out. `date`: now, as
// httpDateAt() writes it, for the date field.
template <class Add>
void forEachResponseField(const Response &response, bool dropContentLength, std::string_view date, Add &&add)
{
    bool haveDate = false, haveServer = false;
    if (const PreparedHeaders *fixed = response.fixedHeaders.get()) {
        // Checked once, when they were prepared (PreparedHeaders::make).
        for (HeaderView h : fixed->block)
            if (!dropContentLength || h.name != "content-length")
                add(h.name, h.value, true);
        haveDate = fixed->hasDate;
        haveServer = fixed->hasServer;
    }
    for (const Header &h : response.headers) {
        if (!isResponseField(h.name, h.value) || (dropContentLength && h.name == "content-length"))
            continue;
        haveDate = haveDate || h.name == "date";
        haveServer = haveServer || h.name == "server";
        add(std::string_view(h.name), std::string_view(h.value), false);
    }
    if (!haveDate)
        add(std::string_view("date"), date, true);
    if (!haveServer)
        add(std::string_view("server"), std::string_view("h2scope"), true);
}

} // namespace h2scope::site
