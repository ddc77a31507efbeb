#pragma once
// HTTP-date (RFC 9110 §5.6.7): formatting in the preferred IMF-fixdate form
// and parsing of the three forms a recipient must accept.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace h2scope::site {

// Seconds since the Unix epoch formatted as IMF-fixdate,
// e.g. "Sun, 06 Nov 1994 08:49:37 GMT". Thread-safe.
std::string formatHttpDate(std::int64_t unixSeconds);

// Parses an IMF-fixdate, RFC 850 ("Sunday, 06-Nov-94 08:49:37 GMT") or
// asctime ("Sun Nov  6 08:49:37 1994") date into seconds since the Unix
// epoch. Returns nullopt for anything else (out-of-range fields, trailing
// garbage, an unknown day or month name): callers ignore such dates, as
// RFC 9110 requires. Thread-safe.
std::optional<std::int64_t> parseHttpDate(std::string_view text);

} // namespace h2scope::site
