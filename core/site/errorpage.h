#pragma once
// The small HTML pages the site answers errors and redirects with. They name
// the status only: why a request was refused goes to Response::note, which
// the inspector shows and the client never sees.

#include "response.h"

#include <string>
#include <string_view>

namespace h2scope::site {

// A response with `status`, a short text/html page saying e.g.
// "404 Not Found", content-length and x-content-type-options set, and
// `note` recorded for the inspector. Any thread.
Response errorResponse(int status, std::string note = {});

// handler.handle(request), or a 500 whose note says what the handler threw:
// a handler bug must not take an I/O thread down. Any thread.
Response handleGuarded(Handler &handler, const Request &request);

// The reason phrase for `status` ("Not Found"), or "Unknown".
std::string_view reasonPhrase(int status);

} // namespace h2scope::site
