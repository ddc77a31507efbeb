#pragma once

#include <string>

namespace h2scope::site {

// The current time as an IMF-fixdate for the Date header, formatted at most
// once per second per thread. The reference stays valid until the calling
// thread's next call.
const std::string &currentHttpDate();

} // namespace h2scope::site
