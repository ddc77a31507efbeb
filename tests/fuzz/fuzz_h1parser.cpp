// libFuzzer: the HTTP/1.1 request parser, fed in pieces whose sizes come
// from the input itself, so that split points are explored too.
#include "h1/requestparser.h"

#include <cstddef>
#include <cstdint>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    // First byte: chunk size (1..256) for the rest of the input.
    const std::size_t chunk = static_cast<std::size_t>(data[0]) + 1;
    ++data;
    --size;
    h2scope::h1::ParserLimits limits;
    limits.maxTarget = 512;
    limits.maxHeaderBytes = 4096;
    limits.maxFields = 20;
    limits.maxBody = 8192;
    h2scope::h1::RequestParser parser(limits);
    std::size_t requests = 0;
    while (size > 0 && requests < 1000) {
        const std::size_t n = size < chunk ? size : chunk;
        const auto took = parser.feed(data, n);
        if (!took) {
            // A failed parser stays failed.
            if (parser.feed(data, n) || parser.failureStatus() == 0)
                __builtin_trap();
            return 0;
        }
        if (*took > n)
            __builtin_trap();
        if (parser.hasRequest()) {
            const h2scope::h1::ParsedRequest r = parser.takeRequest();
            if (r.method.empty())
                __builtin_trap();
            ++requests;
        } else if (*took == 0) {
            __builtin_trap(); // no progress without a request waiting
        }
        data += *took;
        size -= *took;
    }
    return 0;
}
