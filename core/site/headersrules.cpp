#include "headersrules.h"

#include "pathresolver.h"
#include "text.h"

#include <algorithm>
#include <utility>

namespace h2scope::site {

namespace {

using Token = HeadersRules::Token;
using Captures = std::vector<std::pair<std::string, std::string_view>>;

bool isNameStart(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isNameChar(char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9') || c == '_';
}

// RFC 9110 tchar.
bool isTokenChar(char c)
{
    return isNameChar(c) || std::string_view("!#$%&'*+-.^`|~").find(c) != std::string_view::npos;
}

// Headers a rule may not set: HTTP/2 forbids the connection-specific ones,
// and the framing ones are the server's to compute.
bool isForbiddenName(std::string_view name)
{
    static constexpr std::string_view kForbidden[] = {
        "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade",
        "te",         "host",       "content-length",   "content-range",     "content-encoding"};
    return std::find(std::begin(kForbidden), std::end(kForbidden), name) != std::end(kForbidden);
}

// Splits a pattern into literals, `:name` placeholders and `*` splats.
std::vector<Token> tokenizePattern(std::string_view pattern)
{
    std::vector<Token> tokens;
    auto literal = [&]() -> std::string & {
        if (tokens.empty() || tokens.back().kind != Token::Kind::Literal)
            tokens.push_back({Token::Kind::Literal, {}});
        return tokens.back().text;
    };
    for (std::size_t i = 0; i < pattern.size(); ++i) {
        const char c = pattern[i];
        if (c == '*') {
            tokens.push_back({Token::Kind::Splat, "splat"});
        } else if (c == ':' && i + 1 < pattern.size() && isNameStart(pattern[i + 1])) {
            std::size_t end = i + 1;
            while (end < pattern.size() && isNameChar(pattern[end]))
                ++end;
            tokens.push_back({Token::Kind::Placeholder, std::string(pattern.substr(i + 1, end - i - 1))});
            i = end - 1;
        } else {
            literal() += c;
        }
    }
    return tokens;
}

// Backtracking match of tokens[index..] against path[pos..]. Whether a state
// (index, pos) can still match does not depend on what was captured before
// it, so a state that failed once is remembered in `failed` (when given) and
// never explored again: adjacent placeholders ("/:a:b:c:d") would otherwise
// try every way of cutting a segment, exponentially many.
struct MatchState {
    const std::vector<Token> &tokens;
    std::string_view path;
    Captures &captures;
    std::vector<bool> *failed; // (tokens+1) x (path+1), or null when not needed
};

bool matchFrom(MatchState &m, std::size_t index, std::size_t pos)
{
    if (index == m.tokens.size())
        return pos == m.path.size();
    const std::size_t state = index * (m.path.size() + 1) + pos;
    if (m.failed && (*m.failed)[state])
        return false;
    const Token &token = m.tokens[index];
    bool matched = false;
    switch (token.kind) {
    case Token::Kind::Literal:
        matched = m.path.substr(pos).starts_with(token.text) && matchFrom(m, index + 1, pos + token.text.size());
        break;
    case Token::Kind::Placeholder:
        for (std::size_t end = pos + 1; !matched && end <= m.path.size() && m.path[end - 1] != '/'; ++end) {
            m.captures.emplace_back(token.text, m.path.substr(pos, end - pos));
            matched = matchFrom(m, index + 1, end);
            if (!matched)
                m.captures.pop_back();
        }
        break;
    case Token::Kind::Splat:
        for (std::size_t end = m.path.size() + 1; !matched && end-- > pos;) { // greedy
            m.captures.emplace_back(token.text, m.path.substr(pos, end - pos));
            matched = matchFrom(m, index + 1, end);
            if (!matched)
                m.captures.pop_back();
        }
        break;
    }
    if (!matched && m.failed)
        (*m.failed)[state] = true;
    return matched;
}

// Matches a whole pattern; the memo is only paid for by patterns with more
// than one placeholder or splat (a single one is linear anyway).
bool matchPattern(const std::vector<Token> &tokens, std::string_view path, Captures &captures)
{
    const auto variable =
        std::count_if(tokens.begin(), tokens.end(), [](const Token &t) { return t.kind != Token::Kind::Literal; });
    std::vector<bool> failed;
    if (variable > 1)
        failed.assign((tokens.size() + 1) * (path.size() + 1), false);
    MatchState m{tokens, path, captures, variable > 1 ? &failed : nullptr};
    return matchFrom(m, 0, 0);
}

// Replaces `:name` in `value` by what the placeholder (or `:splat`) matched.
std::string substitute(std::string_view value, const Captures &captures)
{
    if (captures.empty())
        return std::string(value);
    std::string out;
    for (std::size_t i = 0; i < value.size(); ++i) {
        if (value[i] == ':' && i + 1 < value.size() && isNameStart(value[i + 1])) {
            std::size_t end = i + 1;
            while (end < value.size() && isNameChar(value[end]))
                ++end;
            const std::string_view name = value.substr(i + 1, end - i - 1);
            const auto found =
                std::find_if(captures.begin(), captures.end(), [&](const auto &c) { return c.first == name; });
            if (found != captures.end()) {
                out += found->second;
                i = end - 1;
                continue;
            }
        }
        out += value[i];
    }
    return out;
}

// Reads one Link parameter value at `pos`: a token or a quoted string.
std::string readParamValue(std::string_view v, std::size_t &pos, bool &ok)
{
    std::string out;
    if (pos < v.size() && v[pos] == '"') {
        for (++pos; pos < v.size() && v[pos] != '"'; ++pos) {
            if (v[pos] == '\\' && pos + 1 < v.size())
                ++pos;
            out += v[pos];
        }
        if (pos >= v.size())
            ok = false; // unterminated quote
        else
            ++pos;
        return out;
    }
    while (pos < v.size() && v[pos] != ';' && v[pos] != ',' && !isOws(v[pos]))
        out += v[pos++];
    return out;
}

} // namespace

std::vector<PreloadLink> preloadsInLinkHeader(std::string_view v, bool *okOut)
{
    std::vector<PreloadLink> links;
    bool ok = true;
    std::size_t pos = 0;
    while (pos < v.size()) {
        while (pos < v.size() && (isOws(v[pos]) || v[pos] == ','))
            ++pos;
        if (pos >= v.size())
            break;
        if (v[pos] != '<') {
            ok = false;
            while (pos < v.size() && v[pos] != ',') // skip to the next link
                ++pos;
            continue;
        }
        const std::size_t close = v.find('>', pos);
        if (close == std::string_view::npos) {
            ok = false;
            break;
        }
        PreloadLink link;
        link.path = std::string(trimmed(v.substr(pos + 1, close - pos - 1)));
        pos = close + 1;
        std::vector<std::string> rels;
        bool hasAs = false;
        while (pos < v.size()) {
            while (pos < v.size() && isOws(v[pos]))
                ++pos;
            if (pos >= v.size() || v[pos] == ',')
                break;
            if (v[pos] != ';') {
                ok = false;
                while (pos < v.size() && v[pos] != ';' && v[pos] != ',')
                    ++pos;
                continue;
            }
            ++pos;
            while (pos < v.size() && isOws(v[pos]))
                ++pos;
            std::string name;
            while (pos < v.size() && isTokenChar(v[pos]))
                name += asciiLower(v[pos++]);
            while (pos < v.size() && isOws(v[pos]))
                ++pos;
            std::string value;
            if (pos < v.size() && v[pos] == '=') {
                ++pos;
                while (pos < v.size() && isOws(v[pos]))
                    ++pos;
                value = readParamValue(v, pos, ok);
            }
            if (name == "rel") {
                for (std::size_t start = 0; start < value.size();) {
                    const std::size_t end = std::min(value.find(' ', start), value.size());
                    if (end > start)
                        rels.push_back(lowercase(std::string_view(value).substr(start, end - start)));
                    start = end + 1;
                }
            } else if (name == "as") {
                link.as = lowercase(value);
                hasAs = true;
            } else if (name == "type") {
                link.type = value;
            } else if (name == "crossorigin") {
                link.crossorigin = true;
            } else if (name == "nopush") {
                link.nopush = true;
            }
        }
        const bool preload = std::find(rels.begin(), rels.end(), "preload") != rels.end();
        const bool modulePreload = std::find(rels.begin(), rels.end(), "modulepreload") != rels.end();
        if (modulePreload && !preload) {
            // A module preload is a CORS-mode script fetch; say so in the
            // rel=preload form Early Hints carry.
            if (!hasAs)
                link.as = "script";
            link.crossorigin = true;
        }
        if (link.as == "font")
            link.crossorigin = true;
        if (preload || modulePreload)
            links.push_back(std::move(link));
    }
    if (okOut)
        *okOut = ok;
    return links;
}

Result<HeadersRules> HeadersRules::parse(std::string_view text)
{
    if (text.size() > kMaxTextBytes)
        return makeError(Errc::InvalidArgument, "_headers is larger than 1 MiB; split or shorten it");
    if (text.find('\0') != std::string_view::npos)
        return makeError(Errc::InvalidArgument, "_headers contains NUL bytes; it must be a text file");

    HeadersRules rules;
    auto warn = [&](int line, const std::string &what) {
        rules.m_warnings.push_back("line " + std::to_string(line) + ": " + what);
    };
    Rule *current = nullptr;
    bool skippingRule = false; // headers under a rejected pattern are skipped silently
    int lineNumber = 0;
    for (std::size_t start = 0; start < text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string_view::npos)
            end = text.size();
        std::string_view line = text.substr(start, end - start);
        start = end + 1;
        ++lineNumber;
        if (!line.empty() && line.back() == '\r')
            line.remove_suffix(1);
        const std::string_view content = trimmed(line);
        if (content.empty() || content.front() == '#')
            continue;
        if (line.size() > kMaxLineLength) {
            warn(lineNumber, "longer than " + std::to_string(kMaxLineLength) + " characters; skipped");
            continue;
        }

        if (!isOws(line.front())) { // a pattern
            current = nullptr;
            skippingRule = true;
            if (content.find_first_of(" \t") != std::string_view::npos) {
                warn(lineNumber, "a path pattern cannot contain spaces (is a header line missing its indentation?)");
            } else if (content.starts_with("http://") || content.starts_with("https://")) {
                warn(lineNumber, "absolute URL patterns are not supported; use a path starting with '/'");
            } else if (content.front() != '/') {
                warn(lineNumber, "a path pattern must start with '/'");
            } else if (std::count(content.begin(), content.end(), '*') > 1) {
                warn(lineNumber, "only one '*' is supported per pattern");
            } else if (rules.m_rules.size() >= kMaxRules) {
                warn(lineNumber, "more than " + std::to_string(kMaxRules) + " rules; the rest are ignored");
            } else {
                rules.m_rules.push_back({tokenizePattern(content), {}, lineNumber});
                current = &rules.m_rules.back();
                skippingRule = false;
            }
            continue;
        }

        if (!current) {
            if (!skippingRule)
                warn(lineNumber, "header line before any path pattern");
            continue;
        }
        if (content.front() == '!') {
            warn(lineNumber, "removing headers with '!' is not supported");
            continue;
        }
        const std::size_t colon = content.find(':');
        if (colon == std::string_view::npos) {
            warn(lineNumber, "expected 'Name: value'");
            continue;
        }
        const std::string name = lowercase(trimmed(content.substr(0, colon)));
        const std::string_view value = trimmed(content.substr(colon + 1));
        if (name.empty() || !std::all_of(name.begin(), name.end(), isTokenChar)) {
            warn(lineNumber, "'" + name + "' is not a valid header name");
            continue;
        }
        if (isForbiddenName(name)) {
            warn(lineNumber, "the " + name + " header is set by the server and cannot be overridden");
            continue;
        }
        if (std::any_of(value.begin(), value.end(),
                        [](char c) { return (static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f; })) {
            warn(lineNumber, "control characters are not allowed in header values");
            continue;
        }
        if (name == "link") {
            bool ok = true;
            (void)preloadsInLinkHeader(value, &ok);
            if (!ok || value.empty()) {
                warn(lineNumber, "malformed Link value (expected </path>; rel=preload; as=...)");
                continue;
            }
        }
        current->headers.push_back({name, std::string(value)});
    }
    return rules;
}

HeaderList HeadersRules::headersFor(std::string_view urlPath) const
{
    HeaderList out;
    Captures captures;
    for (const Rule &rule : m_rules) {
        captures.clear();
        if (!matchPattern(rule.pattern, urlPath, captures))
            continue;
        for (const Header &header : rule.headers) {
            std::string value = substitute(header.value, captures);
            const auto existing =
                std::find_if(out.begin(), out.end(), [&](const Header &h) { return h.name == header.name; });
            if (existing != out.end())
                existing->value += ", " + value;
            else
                out.push_back({header.name, std::move(value)});
        }
    }
    return out;
}

std::vector<PreloadLink> HeadersRules::preloadsFor(std::string_view urlPath) const
{
    std::vector<PreloadLink> out;
    const std::string base = PathResolver::encodePath(urlPath);
    Captures captures;
    for (const Rule &rule : m_rules) {
        captures.clear();
        if (!matchPattern(rule.pattern, urlPath, captures))
            continue;
        for (const Header &header : rule.headers) {
            if (header.name != "link")
                continue;
            for (PreloadLink &link : preloadsInLinkHeader(substitute(header.value, captures))) {
                auto resolved = resolveSameOriginPath(link.path, base);
                if (!resolved)
                    continue;
                link.path = std::move(*resolved);
                const bool seen =
                    std::any_of(out.begin(), out.end(), [&](const PreloadLink &l) { return l.path == link.path; });
                if (!seen)
                    out.push_back(std::move(link));
            }
        }
    }
    return out;
}

} // namespace h2scope::site
