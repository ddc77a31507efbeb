#pragma once
// A header field as it travels through h2scope: names are lowercase (HTTP/2
// requires it; the HTTP/1.1 adapter lowercases on the way in).

#include <string>
#include <string_view>
#include <vector>

namespace h2scope {

struct Header {
    std::string name;
    std::string value;

    bool operator==(const Header &) const = default;
};

using HeaderList = std::vector<Header>;

// First value of `name` (lowercase) in `headers`, or nullptr.
inline const std::string *findHeader(const HeaderList &headers, std::string_view name)
{
    for (const Header &h : headers)
        if (h.name == name)
            return &h.value;
    return nullptr;
}

} // namespace h2scope
