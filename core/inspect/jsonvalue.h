#pragma once
// JsonValue: a small JSON document model and parser, enough to read back what
// the exporters write (reopening a saved JSON Lines capture). Numbers keep
// their source text so 64-bit integers convert exactly. Any thread; no
// shared state.

#include "result.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace h2scope::inspect {

class JsonValue {
public:
    enum class Kind : std::uint8_t { Null, Bool, Number, String, Array, Object };

    // User-provided so that clang with libstdc++ does not check the member
    // vectors of this still-incomplete type for default constructibility.
    JsonValue() noexcept {}

    Kind kind = Kind::Null;
    bool boolean = false;
    std::string text; // String: the decoded value; Number: the literal as written
    std::vector<JsonValue> items;                            // Array
    std::vector<std::pair<std::string, JsonValue>> members;  // Object, in document order

    // The first member called `name`, or nullptr (also when not an object).
    const JsonValue *member(std::string_view name) const;

    // The number as an integer, or nullopt if this is not a number or it is
    // not an integer that fits.
    std::optional<std::uint64_t> asUnsigned() const;
    std::optional<std::int64_t> asSigned() const;
};

// Parses one JSON text (surrounding whitespace allowed, nothing else after).
// Strings: \u0000-\u00ff decode to that single byte (the inverse of
// appendJsonString's escaping of invalid UTF-8), higher code points to UTF-8;
// raw bytes are taken as they are. Fails with Errc::InvalidArgument and a
// message giving the byte offset on malformed input or nesting deeper than 64.
Result<JsonValue> parseJson(std::string_view text);

} // namespace h2scope::inspect
