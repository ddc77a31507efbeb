#include "lab/loadresult.h"

#include "text.h"

namespace h2scope::lab {

const char *loadModeName(LoadMode mode)
{
    switch (mode) {
    case LoadMode::Http1: return "http1";
    case LoadMode::Http2: return "h2";
    case LoadMode::Http2Push: return "h2-push";
    case LoadMode::Http2Hints: return "h2-hints";
    }
    return "?";
}

const char *loadModeLabel(LoadMode mode)
{
    switch (mode) {
    case LoadMode::Http1: return "HTTP/1.1";
    case LoadMode::Http2: return "HTTP/2";
    case LoadMode::Http2Push: return "HTTP/2 + push";
    case LoadMode::Http2Hints: return "HTTP/2 + early hints";
    }
    return "?";
}

std::optional<LoadMode> parseLoadMode(std::string_view name)
{
    const std::string key = lowercase(name);
    for (LoadMode m : allLoadModes())
        if (key == loadModeName(m))
            return m;
    return std::nullopt;
}

const std::vector<LoadMode> &allLoadModes()
{
    static const std::vector<LoadMode> modes{LoadMode::Http1, LoadMode::Http2, LoadMode::Http2Push,
                                             LoadMode::Http2Hints};
    return modes;
}

} // namespace h2scope::lab
