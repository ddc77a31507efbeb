#pragma once
// One asset a page needs early: what HTTP/2 server push promises and what a
// 103 Early Hints / Link header announces. Shared by the `_headers` rules,
// the push manifest, HTML discovery and the push policy.

#include <optional>
#include <string>
#include <string_view>

namespace h2scope::site {

struct PreloadLink {
    std::string path;         // same-origin URL path, percent-encoded, may carry "?query"
    std::string as;           // request destination: style, script, font, image, fetch, document ...
    std::string type;         // optional media type hint ("font/woff2"); empty when not given
    bool crossorigin = false; // fetched in CORS mode (fonts, module scripts, crossorigin attribute)
    bool nopush = false;      // announce (Early Hints, Link) but do not push
    // An ES module (a module script, a modulepreload, or what they import):
    // announced as rel=modulepreload. `depth`: how many imports away from
    // the page's own module scripts (0: the page names it).
    bool module = false;
    unsigned depth = 0;

    bool operator==(const PreloadLink &) const = default;
};

// The Link header value for `link`, e.g. `</css/site.css>; rel=preload; as=style`
// (`</app.js>; rel=modulepreload` for a module),
// followed by `; type="..."` when a type is known, `; crossorigin` when set
// (always for as=font: browsers only reuse a font preload fetched in CORS
// mode) and `; nopush` when set. Thread-safe.
std::string linkHeaderValue(const PreloadLink &link);

// Resolves the URL reference `ref` (an href/src attribute, a Link target, a
// manifest key) against `baseUrlPath`, an already percent-encoded URL path
// whose directory (everything up to its last '/') is the base, the way a
// browser would, and returns the normalized, percent-encoded same-origin
// path, with the query kept (`/app.js?v=3`: it is what the browser will
// request, so a push only matches with it) and the fragment dropped.
// Returns nullopt for anything that is not a same-origin path: an empty
// reference or one naming only a query or fragment (the page itself),
// absolute URLs with a scheme (`https:`, `data:`, `javascript:` ...),
// scheme-relative `//host/...`, backslashes, or what PathResolver::parseTarget
// rejects. `..` never climbs above "/". No file system access; thread-safe.
std::optional<std::string> resolveSameOriginPath(std::string_view ref, std::string_view baseUrlPath);

// The request destinations a preload may name (`as` values), lowercase.
bool isKnownPreloadDestination(std::string_view as);

} // namespace h2scope::site
