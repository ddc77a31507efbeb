#pragma once
// Small helpers for parsing HTTP field values (RFC 9110 §5.6).

#include <string_view>

namespace h2scope::site {

// Optional whitespace: SP or HTAB.
constexpr bool isOws(char c) noexcept
{
    return c == ' ' || c == '\t';
}

// The value of a hexadecimal digit (either case), or -1.
constexpr int hexDigitValue(char c) noexcept
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// `s` without leading and trailing optional whitespace.
constexpr std::string_view trimmed(std::string_view s) noexcept
{
    while (!s.empty() && isOws(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && isOws(s.back()))
        s.remove_suffix(1);
    return s;
}

} // namespace h2scope::site
