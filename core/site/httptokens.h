#pragma once
// Small helpers for parsing HTTP field values (RFC 9110 §5.6), as the site
// names them; they live in the shared text helpers (text.h).

#include "text.h"

namespace h2scope::site {

using h2scope::hexDigitValue;
using h2scope::isOws;
using h2scope::trimmed;

} // namespace h2scope::site
