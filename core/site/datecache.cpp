#include "site/datecache.h"

#include "site/httpdate.h"

#include <ctime>

namespace h2scope::site {

const std::string &currentHttpDate()
{
    thread_local std::time_t cachedSecond = -1;
    thread_local std::string cached;
    const std::time_t now = std::time(nullptr);
    if (now != cachedSecond) {
        cachedSecond = now;
        cached = formatHttpDate(static_cast<std::int64_t>(now));
    }
    return cached;
}

} // namespace h2scope::site
