#pragma once
// Accept-Encoding negotiation (RFC 9110 §12.5.3) for precompressed files.
// Pure functions: callable from any thread.

#include <string_view>

namespace h2scope::site {

// The quality value (0..1) the Accept-Encoding field value `acceptEncoding`
// gives to content coding `coding` (e.g. "br", "gzip"): its own entry if
// listed, else the "*" entry, else 0. "x-gzip" counts as "gzip". Malformed
// q-values make that entry count as q=0 (refused), erring towards identity.
double codingQuality(std::string_view acceptEncoding, std::string_view coding);

} // namespace h2scope::site
