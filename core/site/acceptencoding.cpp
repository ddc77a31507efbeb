#include "acceptencoding.h"
#include "httptokens.h"

#include <algorithm>
#include <optional>

namespace h2scope::site {

namespace {

bool equalsIgnoringCase(std::string_view a, std::string_view b)
{
    if (a.size() != b.size())
        return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        auto lower = [](char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; };
        if (lower(a[i]) != lower(b[i]))
            return false;
    }
    return true;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
std::optional<double> parseQValue(std::string_view s)
{
    if (s.empty() || (s[0] != '0' && s[0] != '1'))
        return std::nullopt;
    double value = s[0] - '0';
    if (s.size() == 1)
        return value;
    if (s[1] != '.' || s.size() > 5)
        return std::nullopt;
    double scale = 0.1;
    for (std::size_t i = 2; i < s.size(); ++i) {
        if (s[i] < '0' || s[i] > '9')
            return std::nullopt;
        value += (s[i] - '0') * scale;
        scale /= 10;
    }
    if (value > 1.0)
        return std::nullopt;
    return value;
}

} // namespace

double codingQuality(std::string_view acceptEncoding, std::string_view coding)
{
    std::optional<double> exact;
    std::optional<double> wildcard;
    while (!acceptEncoding.empty()) {
        const auto comma = acceptEncoding.find(',');
        std::string_view element = acceptEncoding.substr(0, comma);
        acceptEncoding = comma == std::string_view::npos ? std::string_view{} : acceptEncoding.substr(comma + 1);

        double q = 1.0;
        const auto semicolon = element.find(';');
        const std::string_view name = trimmed(element.substr(0, semicolon));
        if (name.empty())
            continue;
        if (semicolon != std::string_view::npos) {
            std::string_view params = element.substr(semicolon + 1);
            // Only the q parameter means anything here; it must be "q=".
            while (!params.empty()) {
                const auto next = params.find(';');
                const std::string_view param = trimmed(params.substr(0, next));
                params = next == std::string_view::npos ? std::string_view{} : params.substr(next + 1);
                const auto eq = param.find('=');
                if (eq != std::string_view::npos && equalsIgnoringCase(trimmed(param.substr(0, eq)), "q"))
                    q = parseQValue(trimmed(param.substr(eq + 1))).value_or(0.0);
            }
        }
        const bool matches = equalsIgnoringCase(name, coding)
                             || (equalsIgnoringCase(coding, "gzip") && equalsIgnoringCase(name, "x-gzip"));
        if (matches)
            exact = exact ? std::max(*exact, q) : q;
        else if (name == "*")
            wildcard = q;
    }
    if (exact)
        return *exact;
    return wildcard.value_or(0.0);
}

} // namespace h2scope::site
