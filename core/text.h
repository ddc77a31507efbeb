#pragma once
// Text helpers every part of h2scope shares (the site, both protocols, the
// lab, the certificate tool): ASCII case folding, HTTP's optional whitespace,
// HTML's whitespace, hexadecimal digits.
//
// ASCII only, by design: header names, tokens, file extensions, host names
// and HTML tag names are compared without regard to the locale, which a GUI
// program takes from its environment (std::tolower would follow it).

#include <optional>
#include <string>
#include <string_view>

namespace h2scope {

constexpr char asciiLower(char c) noexcept
{
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

inline void lowercaseInPlace(std::string &s) noexcept
{
    for (char &c : s)
        c = asciiLower(c);
}

inline std::string lowercase(std::string_view s)
{
    std::string out(s);
    lowercaseInPlace(out);
    return out;
}

// Optional whitespace (RFC 9110 §5.6.3): SP or HTAB.
constexpr bool isOws(char c) noexcept
{
    return c == ' ' || c == '\t';
}

// `s` without the leading and trailing characters `space` says are spaces.
template <class Space> constexpr std::string_view trimmedWhere(std::string_view s, Space space) noexcept
{
    while (!s.empty() && space(s.front()))
        s.remove_prefix(1);
    while (!s.empty() && space(s.back()))
        s.remove_suffix(1);
    return s;
}

// `s` without leading and trailing optional whitespace.
constexpr std::string_view trimmed(std::string_view s) noexcept
{
    return trimmedWhere(s, isOws);
}

// ASCII whitespace as HTML and URLs define it: TAB, LF, FF, CR, SP.
constexpr bool isAsciiWhitespace(char c) noexcept
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r';
}

constexpr std::string_view trimmedAsciiWhitespace(std::string_view s) noexcept
{
    return trimmedWhere(s, isAsciiWhitespace);
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

// `s` with every %XX escape decoded, in one pass (what it yields is never
// decoded again); nullopt when a '%' is not followed by two hex digits.
inline std::optional<std::string> percentDecoded(std::string_view s)
{
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] != '%') {
            out.push_back(s[i]);
            continue;
        }
        const int hi = i + 1 < s.size() ? hexDigitValue(s[i + 1]) : -1;
        const int lo = i + 2 < s.size() ? hexDigitValue(s[i + 2]) : -1;
        if (hi < 0 || lo < 0)
            return std::nullopt;
        out.push_back(static_cast<char>(hi * 16 + lo));
        i += 2;
    }
    return out;
}

} // namespace h2scope
