#include "preloadlink.h"

#include "pathresolver.h"

namespace h2scope::site {

namespace {

bool isAsciiAlpha(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

bool isUrlWhitespace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f';
}

// True when `ref` starts with "scheme:" (RFC 3986: ALPHA *( ALPHA / DIGIT / "+" / "-" / "." )).
bool hasScheme(std::string_view ref)
{
    if (ref.empty() || !isAsciiAlpha(ref.front()))
        return false;
    for (char c : ref.substr(1)) {
        if (c == ':')
            return true;
        if (!isAsciiAlpha(c) && !(c >= '0' && c <= '9') && c != '+' && c != '-' && c != '.')
            return false;
    }
    return false;
}

// Percent-encodes what a browser's URL parser would before sending the path:
// spaces, controls, non-ASCII and the few ASCII characters not allowed raw.
void appendEncoded(std::string &out, std::string_view text)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    for (char c : text) {
        const auto u = static_cast<unsigned char>(c);
        if (u <= 0x20 || u >= 0x7f || std::string_view("\"<>^`{|}").find(c) != std::string_view::npos) {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        } else {
            out += c;
        }
    }
}

} // namespace

std::string linkHeaderValue(const PreloadLink &link)
{
    // modulepreload is always a CORS fetch of a script. `as=script` is its
    // default and says nothing new to an HTML parser, but Chromium's Early
    // Hints preloader sets a preload's priority from `as` alone: without it
    // a hinted module goes out at idle priority (`priority: u=4, i`), with
    // it at the priority Chromium gives module scripts itself (`u=1`).
    if (link.module)
        return "<" + link.path + ">; rel=modulepreload; as=script" + (link.nopush ? "; nopush" : "");
    std::string value = "<" + link.path + ">; rel=preload";
    if (!link.as.empty())
        value += "; as=" + link.as;
    if (!link.type.empty())
        value += "; type=\"" + link.type + "\"";
    if (link.crossorigin || link.as == "font")
        value += "; crossorigin";
    if (link.nopush)
        value += "; nopush";
    return value;
}

bool isKnownPreloadDestination(std::string_view as)
{
    static constexpr std::string_view kDestinations[] = {"audio",  "document", "embed", "fetch", "font",  "image",
                                                         "object", "script",   "style", "track", "video", "worker"};
    for (std::string_view known : kDestinations)
        if (as == known)
            return true;
    return false;
}

std::optional<std::string> resolveSameOriginPath(std::string_view ref, std::string_view baseUrlPath)
{
    while (!ref.empty() && isUrlWhitespace(ref.front()))
        ref.remove_prefix(1);
    while (!ref.empty() && isUrlWhitespace(ref.back()))
        ref.remove_suffix(1);
    std::string cleaned; // the URL parser drops tabs and newlines anywhere
    cleaned.reserve(ref.size());
    for (char c : ref)
        if (c != '\t' && c != '\n' && c != '\r')
            cleaned += c;
    if (const auto hash = cleaned.find('#'); hash != std::string::npos)
        cleaned.resize(hash);
    // '\' counts as '/' for http(s) URLs, so "/\host" would leave the origin.
    if (cleaned.empty() || cleaned.front() == '?' || cleaned.find('\\') != std::string::npos)
        return std::nullopt;
    if (cleaned.starts_with("//") || hasScheme(cleaned))
        return std::nullopt;

    std::string combined;
    if (cleaned.front() != '/') {
        const auto slash = baseUrlPath.rfind('/');
        combined = slash == std::string_view::npos ? std::string("/") : std::string(baseUrlPath.substr(0, slash + 1));
        if (combined.empty() || combined.front() != '/')
            combined.insert(combined.begin(), '/');
    }
    appendEncoded(combined, cleaned);

    // Only the syntax half of PathResolver is used: no root, no file system.
    static const PathResolver syntax("/", PathResolver::Options{});
    const TargetPath target = syntax.parseTarget(combined);
    if (!target.ok())
        return std::nullopt;
    std::string result = PathResolver::encodePath(target.path);
    if (target.hasQuery && !target.query.empty())
        result += "?" + target.query;
    return result;
}

} // namespace h2scope::site
