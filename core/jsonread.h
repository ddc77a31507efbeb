#pragma once
// Reading JSON that other tools wrote (push manifests, capture files):
// nlohmann-json, standard JSON, members in document order. Any thread.

#include "result.h"

#include <nlohmann/json.hpp>

#include <string>
#include <string_view>

namespace h2scope {

using Json = nlohmann::ordered_json;

// Parses one JSON text; fails with Errc::InvalidArgument and nlohmann's
// account of where ("parse error at line 3, column 7: ..."). Never throws.
inline Result<Json> parseJsonText(std::string_view text)
{
    try {
        return Json::parse(text);
    } catch (const Json::exception &e) { // parse_error, and out_of_range for a number like 1e400
        // "[json.exception.parse_error.101] parse error at ...": the words after the tag.
        const std::string what = e.what();
        const std::size_t at = what.find("] ");
        return makeError(Errc::InvalidArgument, at == std::string::npos ? what : what.substr(at + 2));
    }
}

} // namespace h2scope
