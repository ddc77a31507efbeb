#pragma once

#include "body.h"
#include "headerblock.h"
#include "headers.h"
#include "livebody.h"
#include "preloadlink.h"
#include "request.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace h2scope::site {

// Header fields prepared once for one version of a file and shared, read
// only, by every response that serves it: `block` is what the protocol layer
// sends, `list` the same fields for Response::header() lookups. make() keeps
// only fields a response may carry (responsefields.h), in lowercase, and
// notes whether the site set `date` or `server` itself, so that nothing is
// checked per request.
struct PreparedHeaders {
    HeaderBlock block;
    HeaderList list;
    bool hasDate = false;
    bool hasServer = false;

    static std::shared_ptr<const PreparedHeaders> make(const HeaderList &fields);
};

// A response as the site builds it. The protocol layer sends the fields of
// `fixedHeaders` (when set), then `headers`, as they are (lowercase names, no
// pseudo-headers; content-length included when known) and then `body`, if
// any. HEAD, 304 and 1xx responses have no body.
struct Response {
    int status = 200;
    // Fields shared with other responses (StaticSite's prepared files), sent
    // first; null for responses built field by field.
    std::shared_ptr<const PreparedHeaders> fixedHeaders;
    HeaderList headers;
    std::optional<Body> body;
    // A body written over time (server-sent events); when set, `body` is
    // ignored and no content-length is sent. The stream ends at close().
    std::shared_ptr<LiveBody> live;
    // Paths the handler wants pushed along with this response (the
    // `response.pushPromises()` idiom): the paths of `preloads` without
    // `nopush`, in the same order, percent-encoded, possibly with a query.
    std::vector<std::string> pushPromises;
    // The assets this response's page needs, for 103 Early Hints (and the
    // source of pushPromises, which are these without the nopush ones).
    // StaticSite fills it only for a 200 answer to GET (see linkHeaderValue()).
    std::vector<PreloadLink> preloads;
    // Why the site answered the way it did when that is not obvious from
    // the status (e.g. "path escapes the folder via symlink"); shown in the
    // inspector's stream event. Empty for ordinary responses.
    std::string note;
    // The size of the body once decoded, when it is sent content-encoded (a
    // precompressed sibling): the identity file's size. 0: the body is what
    // it is (or nobody knows).
    std::uint64_t decodedLength = 0;

    // First value of `name` in fixedHeaders, then headers (the order sent).
    const std::string *header(std::string_view name) const
    {
        if (fixedHeaders)
            if (const std::string *value = findHeader(fixedHeaders->list, name))
                return value;
        return findHeader(headers, name);
    }
};

// What turns requests into responses. Implementations must be safe to call
// from several threads at once: the I/O threads and a FilePool's.
class Handler {
public:
    virtual ~Handler() = default;
    // The response, however long the file system takes. Sessions with a
    // FilePool call it on the pool's threads (responder.h), never on an I/O
    // thread; without a pool they call it where they run.
    virtual Response handle(const Request &request) = 0;
    // The response, in `out` (a default Response), when it can be made at
    // once from what the handler holds in memory (it may fstat() descriptors
    // it keeps open, and nothing more: no path lookup, no open(), no read());
    // false, with `out` untouched, when handle() must make it. What it gives
    // is what handle() would return. The I/O threads ask here first. The
    // default suits handlers that touch no files.
    virtual bool handleNow(const Request &request, Response &out)
    {
        out = handle(request);
        return true;
    }
};

} // namespace h2scope::site
