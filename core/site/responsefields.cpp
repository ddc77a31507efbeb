#include "responsefields.h"

#include "text.h"

#include <algorithm>

namespace h2scope::site {

bool isConnectionSpecificField(std::string_view name) noexcept
{
    return name == "connection" || name == "keep-alive" || name == "transfer-encoding" || name == "upgrade"
           || name == "proxy-connection" || name == "te" || name == "trailer";
}

bool isSendableField(std::string_view name, std::string_view value) noexcept
{
    const auto bad = [](char c) { return c == '\r' || c == '\n' || c == '\0'; };
    return !name.empty() && std::none_of(name.begin(), name.end(), bad) && std::none_of(value.begin(), value.end(), bad)
           && name.find(':') == std::string_view::npos;
}

std::shared_ptr<const PreparedHeaders> PreparedHeaders::make(const HeaderList &fields)
{
    auto prepared = std::make_shared<PreparedHeaders>();
    prepared->list.reserve(fields.size());
    for (const Header &h : fields) {
        if (!isResponseField(h.name, h.value))
            continue;
        prepared->list.push_back(h);
        Header &kept = prepared->list.back();
        lowercaseInPlace(kept.name); // what forEachResponseField() promises of these names
        prepared->hasDate = prepared->hasDate || kept.name == "date";
        prepared->hasServer = prepared->hasServer || kept.name == "server";
    }
    prepared->block = HeaderBlock(prepared->list);
    return prepared;
}

} // namespace h2scope::site
