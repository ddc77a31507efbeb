#include "lab/pageassets.h"

#include "site/htmlassets.h"
#include "site/pathresolver.h"
#include "text.h"

#include <algorithm>
#include <cstring>
#include <memory>
#include <string>

namespace h2scope::lab {

namespace {

void addUnique(std::vector<site::PreloadLink> &out, site::PreloadLink link)
{
    if (std::none_of(out.begin(), out.end(), [&](const site::PreloadLink &l) { return l.path == link.path; }))
        out.push_back(std::move(link));
}

std::string cssDestination(const std::string &path)
{
    std::string p = lowercase(path.substr(0, path.find('?')));
    for (const char *ext : {".woff2", ".woff", ".ttf", ".otf", ".eot"})
        if (p.size() >= std::strlen(ext) && p.compare(p.size() - std::strlen(ext), std::string::npos, ext) == 0)
            return "font";
    return "image";
}

// The quoted or bare URL starting at `s` (after "url(" or "@import").
std::string_view cssUrlAt(std::string_view s, bool needParen)
{
    s = trimmedAsciiWhitespace(s);
    if (!s.empty() && (s.front() == '"' || s.front() == '\'')) {
        const char q = s.front();
        const std::size_t end = s.find(q, 1);
        return end == std::string_view::npos ? std::string_view{} : s.substr(1, end - 1);
    }
    if (!needParen)
        return {};
    return trimmedAsciiWhitespace(s.substr(0, s.find(')')));
}

} // namespace

site::PageDiscovery discoverHtmlPage(std::string_view html, std::string_view pagePath)
{
    site::DiscoveryLimits limits;
    limits.images = true;
    return site::discoverPage(html, pagePath, limits);
}

std::vector<site::PreloadLink> assetsOf(const site::PageDiscovery &page)
{
    std::vector<site::PreloadLink> out = page.links;
    for (const site::PreloadLink &image : page.images)
        addUnique(out, image);
    return out;
}

std::vector<site::PreloadLink> discoverHtmlAssets(std::string_view html, std::string_view pagePath)
{
    return assetsOf(discoverHtmlPage(html, pagePath));
}

std::vector<site::PreloadLink> discoverCssAssets(std::string_view css, std::string_view cssPath)
{
    std::vector<site::PreloadLink> out;
    const std::string text = lowercase(css.substr(0, 2 * 1024 * 1024));
    std::size_t pos = 0;
    for (std::size_t guard = 0; guard < 10'000; ++guard) {
        const std::size_t comment = text.find("/*", pos);
        const std::size_t url = text.find("url(", pos);
        const std::size_t import = text.find("@import", pos);
        const std::size_t next = std::min({comment, url, import});
        if (next == std::string::npos)
            break;
        if (next == comment) {
            const std::size_t end = text.find("*/", comment + 2);
            if (end == std::string::npos)
                break;
            pos = end + 2;
            continue;
        }
        const bool isImport = next == import;
        const std::size_t start = next + (isImport ? 7 : 4);
        std::string_view ref;
        if (isImport && trimmedAsciiWhitespace(std::string_view(text).substr(start)).substr(0, 4) == "url(")
            ref = {}; // the url( that follows is found next round, as a stylesheet
        else
            ref = cssUrlAt(css.substr(start), !isImport);
        pos = start;
        if (ref.empty() || lowercase(ref.substr(0, 5)) == "data:")
            continue;
        auto path = site::resolveSameOriginPath(ref, cssPath);
        if (!path)
            continue;
        const bool afterImport =
            !isImport && next >= 8 && trimmedAsciiWhitespace(text.substr(0, next)).ends_with("@import");
        addUnique(out, {*path, isImport || afterImport ? "style" : cssDestination(*path), "", false, false});
    }
    return out;
}

std::vector<site::PreloadLink> preloadsFromLinkHeaders(const HeaderList &headers, std::string_view pagePath)
{
    std::vector<site::PreloadLink> out;
    for (const Header &h : headers) {
        if (h.name != "link")
            continue;
        std::string_view v = h.value;
        for (std::size_t guard = 0; guard < 1000; ++guard) {
            const std::size_t open = v.find('<');
            if (open == std::string_view::npos)
                break;
            const std::size_t close = v.find('>', open);
            if (close == std::string_view::npos)
                break;
            const std::string_view target = v.substr(open + 1, close - open - 1);
            v.remove_prefix(close + 1);
            // Parameters up to the next link (a ',' outside quotes).
            std::size_t end = 0;
            bool quoted = false;
            for (; end < v.size(); ++end) {
                if (v[end] == '"')
                    quoted = !quoted;
                else if (v[end] == ',' && !quoted)
                    break;
            }
            const std::string params = lowercase(v.substr(0, end));
            v.remove_prefix(std::min(end + 1, v.size()));
            site::PreloadLink link;
            bool preload = false;
            std::size_t p = 0;
            for (std::size_t g2 = 0; g2 < 100 && p < params.size(); ++g2) {
                std::size_t semi = params.find(';', p);
                if (semi == std::string::npos)
                    semi = params.size();
                const std::string_view param = trimmedAsciiWhitespace(std::string_view(params).substr(p, semi - p));
                p = semi + 1;
                const std::size_t eq = param.find('=');
                const std::string_view key = trimmedAsciiWhitespace(param.substr(0, eq));
                std::string_view value =
                    eq == std::string_view::npos ? std::string_view{} : trimmedAsciiWhitespace(param.substr(eq + 1));
                if (value.size() >= 2 && value.front() == '"' && value.back() == '"')
                    value = value.substr(1, value.size() - 2);
                if (key == "rel") {
                    for (std::size_t s = 0; s <= value.size();) {
                        std::size_t sp = value.find(' ', s);
                        if (sp == std::string_view::npos)
                            sp = value.size();
                        if (value.substr(s, sp - s) == "preload")
                            preload = true;
                        if (value.substr(s, sp - s) == "modulepreload") {
                            preload = true;
                            link.module = true;
                            link.as = "script";
                            link.crossorigin = true;
                        }
                        s = sp + 1;
                    }
                } else if (key == "as") {
                    link.as = std::string(value);
                } else if (key == "type") {
                    link.type = std::string(value);
                } else if (key == "crossorigin") {
                    link.crossorigin = true;
                } else if (key == "nopush") {
                    link.nopush = true;
                }
            }
            if (!preload)
                continue;
            auto path = site::resolveSameOriginPath(trimmedAsciiWhitespace(target), pagePath);
            if (!path)
                continue;
            link.path = *path;
            addUnique(out, std::move(link));
        }
    }
    return out;
}

} // namespace h2scope::lab
