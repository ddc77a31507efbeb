// libFuzzer: the JavaScript import scanner behind the module graph, on any
// bytes. Invariants: it ends; it finds at most the limit; every specifier
// it reports was written in the source, quoted (escapes aside, so only
// sources without a backslash are checked).
#include "site/jsimports.h"

#include <cstddef>
#include <cstdint>
#include <string_view>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const std::string_view source(reinterpret_cast<const char *>(data), size);
    const auto found = h2scope::site::scanImports(source, 64);
    if (found.size() > 64)
        __builtin_trap();
    for (const auto &s : found) {
        if (source.find('\\') != std::string_view::npos)
            break;
        if (source.find("'" + s.specifier + "'") == std::string_view::npos
            && source.find("\"" + s.specifier + "\"") == std::string_view::npos)
            __builtin_trap();
    }
    return 0;
}
