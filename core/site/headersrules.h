#pragma once
// The `_headers` file Netlify and Cloudflare Pages read from the root of a
// site: a path pattern on a line of its own, then indented `Name: value`
// lines that apply to every response whose path matches.
//
//   # comment
//   /*
//     X-Frame-Options: DENY
//   /blog/:year/*
//     Link: </css/blog.css>; rel=preload; as=style, </js/blog.js>; rel=preload; as=script; nopush
//     X-Blog-Year: :year
//
// Patterns match the whole decoded URL path (no query). `*` is the splat: any
// characters, '/' included, possibly none; `:name` is a placeholder: one or
// more characters other than '/'. Both may be used in the values as `:splat`
// and `:name`. A header set by several matching rules has its values joined
// with ", " in file order, as both hosts do. `Link` headers are kept in the
// header list too; preloadsFor() additionally turns their rel=preload and
// rel=modulepreload entries into PreloadLinks.

#include "headers.h"
#include "preloadlink.h"
#include "result.h"

#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

class HeadersRules final {
public:
    static constexpr std::size_t kMaxTextBytes = 1024 * 1024;
    static constexpr std::size_t kMaxLineLength = 2000; // as Cloudflare Pages
    static constexpr std::size_t kMaxRules = 1000;

    HeadersRules() = default;

    // Parses a `_headers` file. Lines that cannot be used (a header line
    // before any pattern, a line without ':', a name that is not a token or
    // that HTTP/2 forbids, a pattern that is not a path, a malformed Link
    // value ...) are skipped and described in warnings() as "line N: what is
    // wrong"; the rest of the file still applies. Fails with
    // Errc::InvalidArgument only when the whole text is unusable: larger than
    // kMaxTextBytes or containing NUL bytes. Any thread.
    static Result<HeadersRules> parse(std::string_view text);

    // The headers (lowercase names, `:name`/`:splat` substituted) of every
    // rule whose pattern matches the decoded URL path `urlPath`. Any thread.
    HeaderList headersFor(std::string_view urlPath) const;

    // The rel=preload / rel=modulepreload entries of the matching rules'
    // Link headers, in file order, resolved against `urlPath`; cross-origin
    // targets are left out and duplicates removed. Whether the files exist
    // is not checked here. Any thread.
    std::vector<PreloadLink> preloadsFor(std::string_view urlPath) const;

    // "line N: ..." for every line that was skipped, in file order.
    const std::vector<std::string> &warnings() const { return m_warnings; }
    std::size_t ruleCount() const { return m_rules.size(); }

    struct Token {
        enum class Kind { Literal, Placeholder, Splat };
        Kind kind = Kind::Literal;
        std::string text; // the literal, or the placeholder name ("splat" for '*')
    };
    struct Rule {
        std::vector<Token> pattern;
        HeaderList headers;
        int line = 0;
    };

private:
    std::vector<Rule> m_rules;
    std::vector<std::string> m_warnings;
};

// The preload entries (rel=preload or rel=modulepreload) of a Link header
// value holding one or more comma-separated links, targets as written (not
// resolved). `ok`, when given, is set to false if part of the value could not
// be parsed. Any thread.
std::vector<PreloadLink> preloadsInLinkHeader(std::string_view value, bool *ok = nullptr);

} // namespace h2scope::site
