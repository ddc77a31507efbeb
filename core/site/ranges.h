#pragma once
// Range requests (RFC 9110 §14): parsing a `Range: bytes=...` field, the
// policy that decides what to serve, and the multipart/byteranges body.

#include "body.h"

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

// An inclusive byte range [first, last] within a representation.
struct ByteRange {
    std::uint64_t first = 0;
    std::uint64_t last = 0;

    std::uint64_t length() const { return last - first + 1; }
    bool operator==(const ByteRange &) const = default;
};

struct RangeRequest {
    enum class Kind {
        Ignore,        // no usable Range field (malformed, other unit): send 200
        Unsatisfiable, // valid syntax, but no range overlaps the content: send 416
        Satisfiable,   // `ranges` holds the satisfiable ranges, clamped, in request order
    };
    Kind kind = Kind::Ignore;
    std::vector<ByteRange> ranges;
};

// Parses a Range field value against a representation of `length` bytes.
// Accepts "bytes=" (unit case-insensitive) followed by a comma list of
// "a-b", "a-" and "-suffix"; empty list elements and optional whitespace are
// allowed. Any syntax error, a-b with b < a, or another unit gives Ignore.
// Ranges starting at or past `length` (and "-0") are dropped as
// unsatisfiable; if none remain the result is Unsatisfiable.
RangeRequest parseRangeHeader(std::string_view value, std::uint64_t length);

// Limits that keep a hostile Range field from turning a small file into a
// huge or expensive response.
struct RangeLimits {
    std::size_t maxRanges = 16;       // more requested ranges: serve the whole file
    std::uint64_t maxTotalFactor = 2; // ranges summing to more than this x length: whole file
};

// Applies the limits to the satisfiable `ranges` of a `length`-byte
// representation and merges overlapping or adjacent ranges (sorted by
// offset). Returns an empty vector when the whole representation should be
// sent instead with 200 (limits exceeded, or no ranges given).
std::vector<ByteRange> planRanges(std::vector<ByteRange> ranges, std::uint64_t length, RangeLimits limits = {});

// "bytes FIRST-LAST/LENGTH", the Content-Range value of one part.
std::string contentRangeValue(const ByteRange &range, std::uint64_t length);

// A boundary for multipart/byteranges: fixed prefix plus 64 random bits
// (per-thread generator; callable from any thread).
std::string makeMultipartBoundary();

// The multipart/byteranges body for `ranges` of `file` (a `length`-byte
// representation of type `contentType`), built from literal segments for
// the part headers and file segments for the data, so nothing is read now.
// Its size() is the exact Content-Length.
Body makeMultipartBody(const std::shared_ptr<const FileHandle> &file, const std::vector<ByteRange> &ranges,
                       std::uint64_t length, std::string_view contentType, std::string_view boundary);

} // namespace h2scope::site
