#pragma once
// Finds the subresources an HTML page will fetch first, with a real HTML5
// tokenizer and tree builder (gumbo), so comments, <template> contents,
// <noscript> fallbacks, odd attribute case and quoting all behave the way
// a browser sees them.

#include "preloadlink.h"

#include <cstddef>
#include <string_view>
#include <vector>

namespace h2scope::site {

struct DiscoveryLimits {
    std::size_t maxHtmlBytes = 2 * 1024 * 1024; // only this much of the page is parsed
    std::size_t maxAssets = 64;
    // Also the page's images, into PageDiscovery::images (the lab loads a
    // page as a browser does; the server preloads and pushes none of them).
    bool images = false;
    std::size_t maxImages = 1024;
};

// In document order, without duplicates:
//   <link rel=stylesheet href>            -> as=style  (not "alternate", not disabled)
//   <script src>                          -> as=script (classic or type=module; module
//                                            scripts are CORS fetches: crossorigin)
//   <link rel=modulepreload href>         -> as=script, crossorigin
//   <link rel=preload href as=X>          -> as=X (its `type`; crossorigin for fonts
//                                            or when the attribute is present)
// URLs are resolved against the document's first <base href> if it is
// same-origin, else against `pageUrlPath` (the decoded URL path of the page);
// anything not same-origin (other hosts, `//host`, `data:` ...) is skipped;
// see resolveSameOriginPath(). Whether the files exist is not checked here.
// Elements inside <template>, <noscript> or SVG/MathML are ignored, as are
// scripts with a non-JavaScript type or `nomodule`. Any thread.
std::vector<PreloadLink> discoverAssets(std::string_view html, std::string_view pageUrlPath,
                                        const DiscoveryLimits &limits = {});

// The same, and what the module graph starts from: module scripts and
// modulepreloads are marked `module`; the text of inline module scripts and
// of the first import map; the URL path relative references resolve
// against (the page's, or its <base href>). With DiscoveryLimits::images,
// also every <img src> not marked loading=lazy (as=image), in document order,
// without duplicates, apart from `links`.
struct PageDiscovery {
    std::vector<PreloadLink> links;
    std::vector<PreloadLink> images;
    std::vector<std::string> inlineModules;
    std::string importMap;
    std::string baseUrlPath;
};
PageDiscovery discoverPage(std::string_view html, std::string_view pageUrlPath, const DiscoveryLimits &limits = {});

} // namespace h2scope::site
