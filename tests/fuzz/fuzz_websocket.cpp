// libFuzzer: the reader of client WebSocket frames behind live reload. The
// first byte sets the size of the pieces the rest arrives in. Invariants:
// the same events whatever the split; nothing after a Close or an Error;
// no control payload above 125 bytes (nothing else is ever kept).
#include "site/websocket.h"

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

using h2scope::site::websocket::Event;
using h2scope::site::websocket::Reader;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::size_t chunk = data[0] + 1u;
    const std::string_view input(reinterpret_cast<const char *>(data + 1), size - 1);

    Reader whole;
    std::vector<Event> expected;
    whole.feed(input, expected);

    Reader pieces;
    std::vector<Event> got;
    for (std::size_t at = 0; at < input.size(); at += chunk)
        pieces.feed(input.substr(at, chunk), got);

    if (got.size() != expected.size() || whole.finished() != pieces.finished())
        __builtin_trap();
    for (std::size_t i = 0; i < got.size(); ++i) {
        const Event &a = got[i], &b = expected[i];
        if (a.kind != b.kind || a.code != b.code || a.payload != b.payload)
            __builtin_trap();
        const bool last = a.kind == Event::Kind::Close || a.kind == Event::Kind::Error;
        if (last && i + 1 != got.size())
            __builtin_trap();
        if ((a.kind == Event::Kind::Ping || a.kind == Event::Kind::Pong || a.kind == Event::Kind::Close)
            && a.payload.size() > 125)
            __builtin_trap();
        if (a.kind == Event::Kind::Message && !a.payload.empty())
            __builtin_trap();
    }
    return 0;
}
