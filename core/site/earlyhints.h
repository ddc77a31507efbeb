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

// The `link` field values of the 103, one per preload.
std::vector<std::string> earlyHintLinks(const Response &response);

} // namespace h2scope::site
