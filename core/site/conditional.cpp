#include "conditional.h"
#include "httptokens.h"

#include "httpdate.h"

#include <charconv>
#include <cinttypes>
#include <cstdio>

namespace h2scope::site {

namespace {

struct EntityTag {
    bool weak = false;
    std::string_view opaque; // including the quotes
};

// Parses one entity-tag at the start of `s`, advancing past it.
std::optional<EntityTag> takeEntityTag(std::string_view &s)
{
    EntityTag tag;
    if (s.starts_with("W/")) {
        tag.weak = true;
        s.remove_prefix(2);
    }
    if (s.empty() || s.front() != '"')
        return std::nullopt;
    const auto close = s.find('"', 1);
    if (close == std::string_view::npos)
        return std::nullopt;
    for (std::size_t i = 1; i < close; ++i) {
        const auto c = static_cast<unsigned char>(s[i]);
        // etagc = %x21 / %x23-7E / obs-text
        if (c < 0x21 || c == 0x7f)
            return std::nullopt;
    }
    tag.opaque = s.substr(0, close + 1);
    s.remove_prefix(close + 1);
    return tag;
}

std::optional<EntityTag> parseEntityTag(std::string_view s)
{
    s = trimmed(s);
    auto tag = takeEntityTag(s);
    if (!tag || !s.empty())
        return std::nullopt;
    return tag;
}

bool hasMethod(std::string_view method, std::string_view a, std::string_view b)
{
    return method == a || method == b;
}

} // namespace

std::string makeStrongEtag(std::uint64_t inode, std::uint64_t size, std::int64_t mtimeSeconds,
                           std::int64_t mtimeNanoseconds, std::string_view variant)
{
    // "inode-size-seconds.nanoseconds" in hex, by hand: this runs for every
    // file response.
    std::string tag;
    tag.reserve(2 + 4 * 17 + 1 + variant.size());
    tag += '"';
    const auto appendHex = [&tag](std::uint64_t v, char after) {
        char buf[16];
        const auto end = std::to_chars(buf, buf + sizeof buf, v, 16).ptr;
        tag.append(buf, end);
        if (after)
            tag += after;
    };
    appendHex(inode, '-');
    appendHex(size, '-');
    appendHex(static_cast<std::uint64_t>(mtimeSeconds), '.');
    appendHex(static_cast<std::uint64_t>(mtimeNanoseconds), 0);
    if (!variant.empty()) {
        tag += '-';
        tag += variant;
    }
    tag += '"';
    return tag;
}

bool etagStrongMatch(std::string_view a, std::string_view b)
{
    const auto ta = parseEntityTag(a);
    const auto tb = parseEntityTag(b);
    return ta && tb && !ta->weak && !tb->weak && ta->opaque == tb->opaque;
}

bool etagWeakMatch(std::string_view a, std::string_view b)
{
    const auto ta = parseEntityTag(a);
    const auto tb = parseEntityTag(b);
    return ta && tb && ta->opaque == tb->opaque;
}

bool etagListMatches(std::string_view list, std::string_view etag, bool strong)
{
    list = trimmed(list);
    if (list == "*")
        return true;
    const auto current = parseEntityTag(etag);
    if (!current || (strong && current->weak))
        return false;
    // #entity-tag: elements separated by commas, empty elements allowed.
    while (true) {
        while (!list.empty() && (isOws(list.front()) || list.front() == ','))
            list.remove_prefix(1);
        if (list.empty())
            return false;
        const auto tag = takeEntityTag(list);
        if (!tag)
            return false; // malformed: stop trusting the rest of the list
        if (tag->opaque == current->opaque && (!strong || !tag->weak))
            return true;
        list = trimmed(list);
        if (!list.empty() && list.front() != ',')
            return false;
    }
}

ConditionalOutcome evaluateConditionals(std::string_view method, const HeaderList &headers, const Validators &current)
{
    const bool getOrHead = hasMethod(method, "GET", "HEAD");

    // Step 1 and 2: the client's precondition on the current state.
    if (const std::string *ifMatch = findHeader(headers, "if-match")) {
        if (!etagListMatches(*ifMatch, current.etag, /*strong=*/true))
            return ConditionalOutcome::PreconditionFailed;
    } else if (const std::string *ifUnmodified = findHeader(headers, "if-unmodified-since")) {
        const auto date = parseHttpDate(*ifUnmodified);
        if (date && current.lastModified > *date)
            return ConditionalOutcome::PreconditionFailed;
    }

    // Step 3 and 4: does the client already have this representation?
    if (const std::string *ifNoneMatch = findHeader(headers, "if-none-match")) {
        if (etagListMatches(*ifNoneMatch, current.etag, /*strong=*/false))
            return getOrHead ? ConditionalOutcome::NotModified : ConditionalOutcome::PreconditionFailed;
    } else if (getOrHead) {
        if (const std::string *ifModified = findHeader(headers, "if-modified-since")) {
            const auto date = parseHttpDate(*ifModified);
            if (date && current.lastModified <= *date)
                return ConditionalOutcome::NotModified;
        }
    }
    return ConditionalOutcome::Proceed;
}

IfRangeOutcome evaluateIfRange(std::string_view ifRange, const Validators &current, std::int64_t nowSeconds)
{
    ifRange = trimmed(ifRange);
    if (ifRange.starts_with("\"") || ifRange.starts_with("W/"))
        return etagStrongMatch(ifRange, current.etag) ? IfRangeOutcome::Matches : IfRangeOutcome::DoesNotMatch;
    const auto date = parseHttpDate(ifRange);
    if (!date || *date != current.lastModified)
        return IfRangeOutcome::DoesNotMatch;
    return current.lastModified < nowSeconds ? IfRangeOutcome::Matches : IfRangeOutcome::DateNotYetStrong;
}

} // namespace h2scope::site
