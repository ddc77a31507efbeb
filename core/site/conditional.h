#pragma once
// Validators (ETag, Last-Modified) and the evaluation of conditional request
// headers in the order RFC 9110 §13.2.2 prescribes. All functions are pure:
// callable from any thread.

#include "headers.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace h2scope::site {

// What identifies one version of a served representation.
struct Validators {
    std::string etag;              // quoted entity-tag as sent, e.g. "\"1f-2a-5f3c.0\""; empty if none
    std::int64_t lastModified = 0; // seconds since the Unix epoch
};

// A strong entity-tag for a file version: built from its inode, size and
// modification time in nanoseconds, so any rewrite (even within one second)
// yields a new tag. `variant` (e.g. "br") is appended so that differently
// encoded representations of one resource never share a tag. Returns the
// quoted form.
std::string makeStrongEtag(std::uint64_t inode, std::uint64_t size, std::int64_t mtimeSeconds,
                           std::int64_t mtimeNanoseconds, std::string_view variant = {});

// Strong comparison (RFC 9110 §8.8.3.2): both tags strong and equal opaque parts.
bool etagStrongMatch(std::string_view a, std::string_view b);

// Weak comparison: opaque parts equal, whether W/ or not.
bool etagWeakMatch(std::string_view a, std::string_view b);

// True when the If-Match / If-None-Match field value `list` ("*" or a
// comma-separated list of entity-tags) contains a tag matching `etag`, using
// strong (`strong` = true) or weak comparison. "*" matches any current
// representation. A malformed list matches nothing.
bool etagListMatches(std::string_view list, std::string_view etag, bool strong);

enum class ConditionalOutcome {
    Proceed,            // evaluate the request normally (ranges may still apply)
    NotModified,        // answer 304 with the validators and no body
    PreconditionFailed, // answer 412
};

// Evaluates If-Match, If-Unmodified-Since, If-None-Match and If-Modified-Since
// of `headers` against `current` for a request with `method`, in RFC 9110
// §13.2.2 order. Invalid dates are ignored; If-Unmodified-Since counts only
// without If-Match, If-Modified-Since only without If-None-Match and only
// for GET/HEAD. If-Range is not looked at here (see evaluateIfRange()).
ConditionalOutcome evaluateConditionals(std::string_view method, const HeaderList &headers, const Validators &current);

enum class IfRangeOutcome {
    Matches,         // the range may be served
    DoesNotMatch,    // weak, other or invalid validator: send the full representation
    DateNotYetStrong // the date is Last-Modified's, but within the response's second: full too
};

// Whether an If-Range field value lets a Range request be served partially
// (RFC 9110 §13.1.5): a strong entity-tag that strongly matches
// `current.etag`, or an HTTP-date exactly equal to `current.lastModified`
// that is a strong validator, i.e. at least one second before the response's
// Date, `nowSeconds` (§8.8.2.2: a file changed twice within its last second
// shows one date for two versions, and a range of the newer one would be
// spliced into the older).
IfRangeOutcome evaluateIfRange(std::string_view ifRange, const Validators &current, std::int64_t nowSeconds);

} // namespace h2scope::site
