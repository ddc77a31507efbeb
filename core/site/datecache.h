#pragma once

#include <cstdint>
#include <string>

namespace h2scope::site {

// `unixSeconds` as an IMF-fixdate for the Date header, formatted once per
// second per thread (callers give the current time). The reference stays
// valid until the calling thread's next call.
const std::string &httpDateAt(std::int64_t unixSeconds);

} // namespace h2scope::site
