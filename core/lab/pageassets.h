#pragma once
// What the lab's page loader fetches after a page, found the way a browser
// finds it:
//  - in HTML: site::discoverAssets() (the push rules' own gumbo-based
//    discovery: stylesheets, scripts, modulepreload, preload), then the
//    images (<img src>, not loading=lazy) with the same gumbo parser;
//  - in CSS: url(...) references and @import (fonts, background images);
//  - in a 103 Early Hints or a response: Link headers with rel=preload or
//    rel=modulepreload;
//  - in an ES module (the loader's, as it arrives): its imports, through
//    site::scanImports and the page's import map, as a browser follows them.
// Only same-origin paths are returned (resolved and percent-encoded, as
// site::resolveSameOriginPath() does), in document order, without
// duplicates. Pure functions, any thread.

#include "headers.h"
#include "site/htmlassets.h"
#include "site/preloadlink.h"

#include <string_view>
#include <vector>

namespace h2scope::lab {

// The HTML `html` served at the decoded URL path `pagePath`, as a browser
// loads it: the server's discovery (site::discoverPage) in its mode that also
// finds the images. A partial document is fine (a browser's preload scanner
// reads a page as it streams in): what has arrived so far is parsed.
site::PageDiscovery discoverHtmlPage(std::string_view html, std::string_view pagePath);
// What of `page` the loader fetches: its assets, then its images.
std::vector<site::PreloadLink> assetsOf(const site::PageDiscovery &page);
// Both at once.
std::vector<site::PreloadLink> discoverHtmlAssets(std::string_view html, std::string_view pagePath);

// url(...) and @import targets in the stylesheet `css` served at the
// encoded URL path `cssPath`, with `as` "font" for .woff/.woff2/.ttf/.otf/
// .eot, "style" for @import and "image" otherwise. data: URLs are skipped.
std::vector<site::PreloadLink> discoverCssAssets(std::string_view css, std::string_view cssPath);

// The rel=preload targets of every `link` field in `headers` (comma-separated
// lists included), resolved against the encoded URL path `pagePath`.
std::vector<site::PreloadLink> preloadsFromLinkHeaders(const HeaderList &headers, std::string_view pagePath);

} // namespace h2scope::lab
