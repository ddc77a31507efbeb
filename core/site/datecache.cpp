#include "site/datecache.h"

#include "site/httpdate.h"

namespace h2scope::site {

const std::string &httpDateAt(std::int64_t unixSeconds)
{
    thread_local std::int64_t cachedSecond = -1;
    thread_local std::string cached;
    if (unixSeconds != cachedSecond) {
        cachedSecond = unixSeconds;
        cached = formatHttpDate(unixSeconds);
    }
    return cached;
}

} // namespace h2scope::site
