// libFuzzer: the wire tap's frame boundary scanner, fed in pieces whose size
// comes from the first byte. Invariants: scan() always makes progress and
// never claims more than it was given; frames are reported at most once per
// 9 bytes.
#include "h2/wiretap.h"

#include <cstddef>
#include <cstdint>
#include <optional>

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const bool skipPreface = (data[0] & 0x80) != 0;
    const std::size_t chunk = (data[0] & 0x7f) + 1u;
    ++data;
    --size;
    h2scope::h2::WireTap tap(skipPreface);
    std::size_t frames = 0;
    std::size_t offset = 0;
    while (offset < size) {
        const std::size_t give = size - offset < chunk ? size - offset : chunk;
        std::size_t used = 0;
        while (used < give) {
            std::optional<h2scope::h2::TapFrame> done;
            const std::size_t n = tap.scan(data + offset + used, give - used, done);
            if (n == 0 || n > give - used)
                __builtin_trap();
            used += n;
            if (done)
                ++frames;
            (void)tap.partial();
        }
        offset += give;
    }
    if (frames > size / 9 + 1)
        __builtin_trap();
    if (tap.framesSeen() != frames)
        __builtin_trap();
    return 0;
}
