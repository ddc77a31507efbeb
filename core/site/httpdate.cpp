#include "httpdate.h"

#include <array>
#include <cctype>
#include <cstdio>
#include <cstring>

namespace h2scope::site {

namespace {

constexpr std::array<std::string_view, 7> kDays = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
constexpr std::array<std::string_view, 7> kLongDays = {"Sunday",   "Monday", "Tuesday", "Wednesday",
                                                       "Thursday", "Friday", "Saturday"};
constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};

// Days since 1970-01-01 of a proleptic Gregorian date (month 1..12). Works on
// 400-year eras so that no table or libc time zone state is involved.
std::int64_t daysFromCivil(std::int64_t year, unsigned month, unsigned day)
{
    year -= month <= 2 ? 1 : 0;
    const std::int64_t era = (year >= 0 ? year : year - 399) / 400;
    const auto yearOfEra = static_cast<unsigned>(year - era * 400);
    const unsigned shiftedMonth = month > 2 ? month - 3 : month + 9;
    const unsigned dayOfYear = (153 * shiftedMonth + 2) / 5 + day - 1;
    const unsigned dayOfEra = yearOfEra * 365 + yearOfEra / 4 - yearOfEra / 100 + dayOfYear;
    return era * 146097 + static_cast<std::int64_t>(dayOfEra) - 719468;
}

struct Civil {
    std::int64_t year;
    unsigned month; // 1..12
    unsigned day;   // 1..31
};

// Inverse of daysFromCivil.
Civil civilFromDays(std::int64_t days)
{
    days += 719468;
    const std::int64_t era = (days >= 0 ? days : days - 146096) / 146097;
    const auto dayOfEra = static_cast<unsigned>(days - era * 146097);
    const unsigned yearOfEra = (dayOfEra - dayOfEra / 1460 + dayOfEra / 36524 - dayOfEra / 146096) / 365;
    const unsigned dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100);
    const unsigned shiftedMonth = (5 * dayOfYear + 2) / 153;
    const unsigned day = dayOfYear - (153 * shiftedMonth + 2) / 5 + 1;
    const unsigned month = shiftedMonth < 10 ? shiftedMonth + 3 : shiftedMonth - 9;
    const std::int64_t year = static_cast<std::int64_t>(yearOfEra) + era * 400 + (month <= 2 ? 1 : 0);
    return {year, month, day};
}

bool isLeapYear(std::int64_t year)
{
    return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
}

unsigned daysInMonth(std::int64_t year, unsigned month)
{
    static constexpr std::array<unsigned, 12> kLengths = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return month == 2 && isLeapYear(year) ? 29 : kLengths[month - 1];
}

// A small cursor over the date text; every step either consumes exactly what
// it expects or fails, so partial matches never slip through.
class Cursor {
public:
    explicit Cursor(std::string_view text) : m_text(text) {}

    bool literal(std::string_view expected)
    {
        if (!m_text.starts_with(expected))
            return false;
        m_text.remove_prefix(expected.size());
        return true;
    }

    // Exactly `count` digits.
    std::optional<unsigned> digits(std::size_t count)
    {
        if (m_text.size() < count)
            return std::nullopt;
        unsigned value = 0;
        for (std::size_t i = 0; i < count; ++i) {
            const char c = m_text[i];
            if (c < '0' || c > '9')
                return std::nullopt;
            value = value * 10 + static_cast<unsigned>(c - '0');
        }
        m_text.remove_prefix(count);
        return value;
    }

    // One of `names` (exact case, as the grammar requires); returns its index.
    template <std::size_t N> std::optional<unsigned> name(const std::array<std::string_view, N> &names)
    {
        // Longest first would matter only for prefixes; none of ours collide
        // within one table except "Sun"/"Sunday", which live in separate tables.
        for (std::size_t i = 0; i < N; ++i)
            if (literal(names[i]))
                return static_cast<unsigned>(i);
        return std::nullopt;
    }

    bool atEnd() const { return m_text.empty(); }

private:
    std::string_view m_text;
};

struct TimeOfDay {
    unsigned hour, minute, second;
};

std::optional<TimeOfDay> parseTime(Cursor &c)
{
    const auto h = c.digits(2);
    if (!h || !c.literal(":"))
        return std::nullopt;
    const auto m = c.digits(2);
    if (!m || !c.literal(":"))
        return std::nullopt;
    const auto s = c.digits(2);
    if (!s || *h > 23 || *m > 59 || *s > 60) // 60: a leap second
        return std::nullopt;
    return TimeOfDay{*h, *m, *s};
}

std::optional<std::int64_t> assemble(std::int64_t year, unsigned month, unsigned day, TimeOfDay t)
{
    if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
        return std::nullopt;
    const std::int64_t days = daysFromCivil(year, month, day);
    // A leap second (:60) is clamped to :59: HTTP dates only need to compare
    // correctly, and Unix time has no leap seconds anyway.
    const unsigned second = t.second == 60 ? 59 : t.second;
    return days * 86400 + t.hour * 3600 + t.minute * 60 + second;
}

// "Sun, 06 Nov 1994 08:49:37 GMT"
std::optional<std::int64_t> parseImfFixdate(std::string_view text)
{
    Cursor c(text);
    if (!c.name(kDays) || !c.literal(", "))
        return std::nullopt;
    const auto day = c.digits(2);
    if (!day || !c.literal(" "))
        return std::nullopt;
    const auto month = c.name(kMonths);
    if (!month || !c.literal(" "))
        return std::nullopt;
    const auto year = c.digits(4);
    if (!year || !c.literal(" "))
        return std::nullopt;
    const auto time = parseTime(c);
    if (!time || !c.literal(" GMT") || !c.atEnd())
        return std::nullopt;
    return assemble(*year, *month + 1, *day, *time);
}

// "Sunday, 06-Nov-94 08:49:37 GMT"
std::optional<std::int64_t> parseRfc850(std::string_view text)
{
    Cursor c(text);
    if (!c.name(kLongDays) || !c.literal(", "))
        return std::nullopt;
    const auto day = c.digits(2);
    if (!day || !c.literal("-"))
        return std::nullopt;
    const auto month = c.name(kMonths);
    if (!month || !c.literal("-"))
        return std::nullopt;
    const auto yy = c.digits(2);
    if (!yy || !c.literal(" "))
        return std::nullopt;
    const auto time = parseTime(c);
    if (!time || !c.literal(" GMT") || !c.atEnd())
        return std::nullopt;
    // Two-digit years: RFC 9110 asks for the year that is not more than 50
    // years in the future; a fixed pivot at 70 gives that for any date a
    // client still sends in this obsolete form.
    const std::int64_t year = *yy < 70 ? 2000 + *yy : 1900 + *yy;
    return assemble(year, *month + 1, *day, *time);
}

// "Sun Nov  6 08:49:37 1994"
std::optional<std::int64_t> parseAsctime(std::string_view text)
{
    Cursor c(text);
    if (!c.name(kDays) || !c.literal(" "))
        return std::nullopt;
    const auto month = c.name(kMonths);
    if (!month || !c.literal(" "))
        return std::nullopt;
    std::optional<unsigned> day;
    if (c.literal(" "))
        day = c.digits(1);
    else
        day = c.digits(2);
    if (!day || !c.literal(" "))
        return std::nullopt;
    const auto time = parseTime(c);
    if (!time || !c.literal(" "))
        return std::nullopt;
    const auto year = c.digits(4);
    if (!year || !c.atEnd())
        return std::nullopt;
    return assemble(*year, *month + 1, *day, *time);
}

} // namespace

std::string formatHttpDate(std::int64_t unixSeconds)
{
    std::int64_t days = unixSeconds / 86400;
    std::int64_t secondsOfDay = unixSeconds % 86400;
    if (secondsOfDay < 0) {
        secondsOfDay += 86400;
        --days;
    }
    const Civil civil = civilFromDays(days);
    // 1970-01-01 was a Thursday (index 4).
    const auto weekday = static_cast<std::size_t>(((days % 7) + 11) % 7);
    if (civil.year >= 0 && civil.year <= 9999) {
        // The common case by hand ("Sun, 06 Nov 1994 08:49:37 GMT"): every
        // file response carries one.
        const auto two = [](char *at, unsigned v) {
            at[0] = static_cast<char>('0' + v / 10 % 10);
            at[1] = static_cast<char>('0' + v % 10);
        };
        std::string out(29, ' ');
        char *p = out.data();
        std::memcpy(p, kDays[weekday].data(), 3);
        p[3] = ',';
        two(p + 5, static_cast<unsigned>(civil.day));
        std::memcpy(p + 8, kMonths[civil.month - 1].data(), 3);
        const auto year = static_cast<unsigned>(civil.year);
        two(p + 12, year / 100);
        two(p + 14, year % 100);
        two(p + 17, static_cast<unsigned>(secondsOfDay / 3600));
        p[19] = ':';
        two(p + 20, static_cast<unsigned>(secondsOfDay / 60 % 60));
        p[22] = ':';
        two(p + 23, static_cast<unsigned>(secondsOfDay % 60));
        std::memcpy(p + 26, "GMT", 3);
        return out;
    }
    char buf[64];
    std::snprintf(buf, sizeof buf, "%s, %02u %s %04lld %02u:%02u:%02u GMT", kDays[weekday].data(), civil.day,
                  kMonths[civil.month - 1].data(), static_cast<long long>(civil.year),
                  static_cast<unsigned>(secondsOfDay / 3600), static_cast<unsigned>(secondsOfDay / 60 % 60),
                  static_cast<unsigned>(secondsOfDay % 60));
    return buf;
}

std::optional<std::int64_t> parseHttpDate(std::string_view text)
{
    // Surrounding whitespace is field syntax, not part of the date.
    while (!text.empty() && (text.front() == ' ' || text.front() == '\t'))
        text.remove_prefix(1);
    while (!text.empty() && (text.back() == ' ' || text.back() == '\t'))
        text.remove_suffix(1);
    if (text.size() < 4)
        return std::nullopt;
    if (text[3] == ',')
        return parseImfFixdate(text);
    if (text[3] == ' ')
        return parseAsctime(text);
    return parseRfc850(text);
}

} // namespace h2scope::site
