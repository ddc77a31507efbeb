#pragma once

namespace h2scope {

// The reason phrase of an HTTP status code ("Not Found"); "Unknown" for codes
// without one. Used for HTTP/1.1 status lines, error pages and HAR files.
const char *reasonPhrase(int status) noexcept;

} // namespace h2scope
