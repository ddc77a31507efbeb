#pragma once
// 103 Early Hints: which requests get them and what they say. Shared by the
// HTTP/2 and HTTP/1.1 sessions.

#include "request.h"
#include "response.h"

#include <string>
#include <vector>

namespace h2scope::site {

// A page load: `sec-fetch-mode: navigate`, or (for clients that do not send
// fetch metadata) an Accept whose first media range is text/html — browsers
// list it first for documents and never for subresources.
bool isNavigationRequest(const Request &request);

// Whether `response` to `request` deserves a 103: a GET page load answered
// 2xx that has assets to preload.
bool wantsEarlyHints(const Request &request, const Response &response);

// The `link` field values of the 103, one per preload; of the module graph
// (PreloadLink::depth > 0) only the first kMaxHintDepth levels, and only
// while the 103's links stay within kMaxHintBytes: browsers act on a few
// dozen hints, and a 103 that grows with the graph would delay the page.
std::vector<std::string> earlyHintLinks(const Response &response);
constexpr unsigned kMaxHintDepth = 3;
constexpr std::size_t kMaxHintBytes = 8 * 1024;

} // namespace h2scope::site
