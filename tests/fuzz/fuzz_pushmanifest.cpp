// libFuzzer: the push manifest (JSON) parser and its page matcher. The
// first line of the input is the URL path to look up.
#include "site/pushmanifest.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view all(reinterpret_cast<const char *>(data), size);
    const std::size_t nl = all.find('\n');
    const std::string_view path = nl == std::string_view::npos ? std::string_view("/") : all.substr(0, nl);
    const std::string_view text = nl == std::string_view::npos ? all : all.substr(nl + 1);
    auto manifest = h2scope::site::PushManifest::parse(text);
    if (!manifest)
        return 0;
    (void)manifest->assetsFor(path);
    return 0;
}
