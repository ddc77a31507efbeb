// libFuzzer: the `_headers` file parser and its matcher. The first line of
// the input is used as a URL path to match against the rules in the rest.
#include "site/headersrules.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view all(reinterpret_cast<const char *>(data), size);
    const std::size_t nl = all.find('\n');
    const std::string_view path = nl == std::string_view::npos ? std::string_view("/") : all.substr(0, nl);
    const std::string_view text = nl == std::string_view::npos ? all : all.substr(nl + 1);
    auto rules = h2scope::site::HeadersRules::parse(text);
    if (!rules)
        return 0;
    if (rules->ruleCount() > h2scope::site::HeadersRules::kMaxRules)
        __builtin_trap();
    (void)rules->headersFor(path);
    (void)rules->preloadsFor(path);
    (void)h2scope::site::preloadsInLinkHeader(text);
    return 0;
}
