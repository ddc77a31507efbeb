#include "ranges.h"
#include "httptokens.h"

#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <limits>
#include <optional>
#include <random>

namespace h2scope::site {

namespace {

// Non-empty run of digits; values too large for 64 bits saturate, which is
// the right answer for both positions (past the end) and suffixes (whole file).
std::optional<std::uint64_t> parseDigits(std::string_view s)
{
    if (s.empty())
        return std::nullopt;
    std::uint64_t value = 0;
    constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
    for (char c : s) {
        if (c < '0' || c > '9')
            return std::nullopt;
        const auto digit = static_cast<std::uint64_t>(c - '0');
        value = value > (kMax - digit) / 10 ? kMax : value * 10 + digit;
    }
    return value;
}

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        char x = a[i];
        if (x >= 'A' && x <= 'Z')
            x = static_cast<char>(x - 'A' + 'a');
        if (x != b[i])
            return false;
    }
    return true;
}

} // namespace

RangeRequest parseRangeHeader(std::string_view value, std::uint64_t length)
{
    RangeRequest result;
    value = trimmed(value);
    const auto eq = value.find('=');
    if (eq == std::string_view::npos || !equalsIgnoringCase(trimmed(value.substr(0, eq)), "bytes"))
        return result;
    std::string_view list = value.substr(eq + 1);

    bool sawRange = false;
    // Bounded so a field of a million commas costs no more than a short one.
    constexpr std::size_t kMaxElements = 1000;
    std::size_t elements = 0;
    while (!list.empty()) {
        const auto comma = list.find(',');
        const std::string_view element = trimmed(list.substr(0, comma));
        list = comma == std::string_view::npos ? std::string_view{} : list.substr(comma + 1);
        if (element.empty())
            continue;
        if (++elements > kMaxElements)
            return {};
        const auto dash = element.find('-');
        if (dash == std::string_view::npos)
            return {};
        const std::string_view firstText = element.substr(0, dash);
        const std::string_view lastText = element.substr(dash + 1);
        sawRange = true;
        if (firstText.empty()) {
            // Suffix range: the final N bytes.
            const auto suffix = parseDigits(lastText);
            if (!suffix)
                return {};
            if (*suffix == 0 || length == 0)
                continue;
            const std::uint64_t n = std::min(*suffix, length);
            result.ranges.push_back({length - n, length - 1});
            continue;
        }
        const auto first = parseDigits(firstText);
        if (!first)
            return {};
        std::uint64_t last = std::numeric_limits<std::uint64_t>::max();
        if (!lastText.empty()) {
            const auto parsed = parseDigits(lastText);
            if (!parsed || *parsed < *first)
                return {};
            last = *parsed;
        }
        if (*first >= length)
            continue; // unsatisfiable on its own; others may still be fine
        result.ranges.push_back({*first, std::min(last, length - 1)});
    }
    if (!sawRange)
        return {};
    result.kind = result.ranges.empty() ? RangeRequest::Kind::Unsatisfiable : RangeRequest::Kind::Satisfiable;
    return result;
}

std::vector<ByteRange> planRanges(std::vector<ByteRange> ranges, std::uint64_t length, RangeLimits limits)
{
    if (ranges.empty() || ranges.size() > limits.maxRanges)
        return {};
    std::uint64_t total = 0;
    for (const ByteRange &r : ranges)
        total += r.length(); // at most maxRanges * length: no overflow for real files
    if (total > limits.maxTotalFactor * length)
        return {};

    std::sort(ranges.begin(), ranges.end(), [](const ByteRange &a, const ByteRange &b) { return a.first < b.first; });
    std::vector<ByteRange> merged;
    for (const ByteRange &r : ranges) {
        // Adjacent ranges merge too: separate parts would only add overhead.
        if (!merged.empty() && r.first <= merged.back().last + 1)
            merged.back().last = std::max(merged.back().last, r.last);
        else
            merged.push_back(r);
    }
    return merged;
}

std::string contentRangeValue(const ByteRange &range, std::uint64_t length)
{
    char buf[80];
    std::snprintf(buf, sizeof buf, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, range.first, range.last, length);
    return buf;
}

std::string makeMultipartBoundary()
{
    thread_local std::mt19937_64 generator{std::random_device{}()};
    char buf[40];
    std::snprintf(buf, sizeof buf, "h2scope-%016" PRIx64, static_cast<std::uint64_t>(generator()));
    return buf;
}

Body makeMultipartBody(const std::shared_ptr<const FileHandle> &file, const std::vector<ByteRange> &ranges,
                       std::uint64_t length, std::string_view contentType, std::string_view boundary)
{
    Body body;
    bool firstPart = true;
    for (const ByteRange &r : ranges) {
        std::string head;
        // The delimiter is CRLF "--" boundary; the very first one may omit the CRLF.
        head += firstPart ? "--" : "\r\n--";
        head += boundary;
        head += "\r\nContent-Type: ";
        head += contentType;
        head += "\r\nContent-Range: ";
        head += contentRangeValue(r, length);
        head += "\r\n\r\n";
        body.appendLiteral(std::move(head));
        body.appendFile(file, r.first, r.length());
        firstPart = false;
    }
    std::string tail = "\r\n--";
    tail += boundary;
    tail += "--\r\n";
    body.appendLiteral(std::move(tail));
    return body;
}

} // namespace h2scope::site
