#pragma once
// Media types for the static site, from a built-in table keyed by file
// extension. No system mime database is consulted, so a page behaves the same
// on every developer's machine.

#include <string>
#include <string_view>

namespace h2scope::site {

// The bare media type for `path` (only the extension of its last segment
// counts, case-insensitively), e.g. "text/css". Unknown or missing
// extensions give "application/octet-stream". Thread-safe.
std::string_view mimeTypeFor(std::string_view path);

// True for media types a browser decodes as text, which therefore get an
// explicit charset: text/*, JavaScript, JSON, web manifests, SVG and XML.
bool isTextMimeType(std::string_view mimeType);

// The Content-Type value to send for `path`: mimeTypeFor(path), plus
// "; charset=utf-8" when isTextMimeType() says so.
std::string contentTypeFor(std::string_view path);

} // namespace h2scope::site
