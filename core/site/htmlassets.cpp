#include "htmlassets.h"

#include "pathresolver.h"
#include "text.h"

#include <gumbo.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <string>

namespace h2scope::site {

namespace {

struct OutputDeleter {
    void operator()(GumboOutput *output) const { gumbo_destroy_output(&kGumboDefaultOptions, output); }
};

// Gumbo lowercases attribute names; values are as written.
const char *attribute(const GumboElement &element, const char *name)
{
    const GumboAttribute *attr = gumbo_get_attribute(&element.attributes, name);
    return attr ? attr->value : nullptr;
}

bool hasToken(std::string_view list, std::string_view token)
{
    const std::string lowered = lowercase(list);
    std::size_t pos = 0;
    while (pos < lowered.size()) {
        while (pos < lowered.size() && std::string_view(" \t\n\r\f").find(lowered[pos]) != std::string_view::npos)
            ++pos;
        std::size_t end = pos;
        while (end < lowered.size() && std::string_view(" \t\n\r\f").find(lowered[end]) == std::string_view::npos)
            ++end;
        if (end > pos && std::string_view(lowered).substr(pos, end - pos) == token)
            return true;
        pos = end;
    }
    return false;
}

// What a <script> element's `type` makes of it: classic, module, or not a
// script the browser runs (templates, JSON, import maps ...).
enum class ScriptKind { Classic, Module, None };

ScriptKind scriptKind(const GumboElement &element)
{
    const char *type = attribute(element, "type");
    if (!type)
        return ScriptKind::Classic;
    const std::string t = lowercase(trimmedAsciiWhitespace(type));
    if (t == "module")
        return ScriptKind::Module;
    static constexpr std::string_view kJavaScriptTypes[] = {"",
                                                            "text/javascript",
                                                            "application/javascript",
                                                            "application/x-javascript",
                                                            "text/ecmascript",
                                                            "application/ecmascript",
                                                            "text/jscript",
                                                            "text/livescript"};
    for (std::string_view js : kJavaScriptTypes)
        if (t == js)
            return ScriptKind::Classic;
    return ScriptKind::None;
}

// The preload an element asks for, before URL resolution; nullopt if none.
std::optional<PreloadLink> preloadFor(const GumboElement &element)
{
    PreloadLink link;
    const char *url = nullptr;
    if (element.tag == GUMBO_TAG_LINK) {
        const char *rel = attribute(element, "rel");
        url = attribute(element, "href");
        if (!rel || !url)
            return std::nullopt;
        if (hasToken(rel, "stylesheet")) {
            if (hasToken(rel, "alternate") || attribute(element, "disabled"))
                return std::nullopt;
            link.as = "style";
        } else if (hasToken(rel, "modulepreload")) {
            link.as = "script";
            link.crossorigin = true;
            link.module = true;
        } else if (hasToken(rel, "preload")) {
            const char *as = attribute(element, "as");
            link.as = as ? lowercase(trimmedAsciiWhitespace(as)) : std::string();
            if (!isKnownPreloadDestination(link.as))
                return std::nullopt; // browsers ignore such a preload too
            if (const char *type = attribute(element, "type"))
                link.type = std::string(trimmedAsciiWhitespace(type));
        } else {
            return std::nullopt;
        }
    } else if (element.tag == GUMBO_TAG_SCRIPT) {
        url = attribute(element, "src");
        const ScriptKind kind = scriptKind(element);
        if (!url || kind == ScriptKind::None || attribute(element, "nomodule"))
            return std::nullopt;
        link.as = "script";
        link.crossorigin = kind == ScriptKind::Module;
        link.module = kind == ScriptKind::Module;
    } else {
        return std::nullopt;
    }
    if (attribute(element, "crossorigin") || link.as == "font")
        link.crossorigin = true;
    link.path = url;
    return link;
}

// Elements whose descendants the browser does not fetch from while parsing.
bool isInert(const GumboNode &node)
{
    if (node.type == GUMBO_NODE_TEMPLATE)
        return true;
    if (node.type != GUMBO_NODE_ELEMENT)
        return false;
    return node.v.element.tag == GUMBO_TAG_NOSCRIPT || node.v.element.tag_namespace != GUMBO_NAMESPACE_HTML;
}

// Visits elements in document order without recursion (nesting depth is
// unbounded in hostile input).
template <typename Visit> void walk(const GumboNode *root, Visit &&visit)
{
    std::vector<const GumboNode *> stack{root};
    while (!stack.empty()) {
        const GumboNode *node = stack.back();
        stack.pop_back();
        if (node->type != GUMBO_NODE_ELEMENT && node->type != GUMBO_NODE_DOCUMENT)
            continue;
        if (node->type == GUMBO_NODE_ELEMENT && !visit(node->v.element))
            return;
        const GumboVector &children =
            node->type == GUMBO_NODE_DOCUMENT ? node->v.document.children : node->v.element.children;
        for (unsigned i = children.length; i-- > 0;) {
            const auto *child = static_cast<const GumboNode *>(children.data[i]);
            if (!isInert(*child))
                stack.push_back(child);
        }
    }
}

// The text of a <script> element (its one text child), "" when none.
std::string scriptText(const GumboElement &element)
{
    std::string text;
    for (unsigned i = 0; i < element.children.length; ++i) {
        const auto *child = static_cast<const GumboNode *>(element.children.data[i]);
        if (child->type == GUMBO_NODE_TEXT || child->type == GUMBO_NODE_CDATA || child->type == GUMBO_NODE_WHITESPACE)
            text += child->v.text.text;
    }
    return text;
}

} // namespace

std::vector<PreloadLink> discoverAssets(std::string_view html, std::string_view pageUrlPath,
                                        const DiscoveryLimits &limits)
{
    return discoverPage(html, pageUrlPath, limits).links;
}

PageDiscovery discoverPage(std::string_view html, std::string_view pageUrlPath, const DiscoveryLimits &limits)
{
    PageDiscovery page;
    std::vector<PreloadLink> &out = page.links;
    if (limits.maxAssets == 0)
        return page;
    html = html.substr(0, limits.maxHtmlBytes);
    GumboOptions options = kGumboDefaultOptions;
    options.max_errors = 0; // errors are not reported to anyone; do not collect them
    std::unique_ptr<GumboOutput, OutputDeleter> output(gumbo_parse_with_options(&options, html.data(), html.size()));
    if (!output)
        return page;

    std::string base = PathResolver::encodePath(pageUrlPath);
    bool baseIsForeign = false;
    walk(output->document, [&](const GumboElement &element) {
        if (element.tag != GUMBO_TAG_BASE)
            return true;
        const char *href = attribute(element, "href");
        if (!href)
            return true;
        // A base naming a folder keeps its trailing '/': resolution uses
        // everything up to the last '/'. Empty, "#..." and "?..." leave the
        // base in this folder; anything else unresolvable is another origin.
        const std::string_view ref = trimmedAsciiWhitespace(href);
        if (auto resolved = resolveSameOriginPath(ref, base))
            base = *resolved;
        else if (!ref.empty() && ref.front() != '#' && ref.front() != '?')
            baseIsForeign = true;
        return false; // only the first <base href> counts
    });
    if (baseIsForeign)
        return page; // every URL in the page, "/x.css" included, resolves against the other origin
    page.baseUrlPath = base;

    const auto addUnique = [](std::vector<PreloadLink> &to, PreloadLink &&link) {
        if (std::none_of(to.begin(), to.end(), [&](const PreloadLink &l) { return l.path == link.path; }))
            to.push_back(std::move(link));
    };
    walk(output->document, [&](const GumboElement &element) {
        if (limits.images && element.tag == GUMBO_TAG_IMG) {
            const char *src = attribute(element, "src");
            const char *loading = attribute(element, "loading");
            if (src && !(loading && lowercase(trimmedAsciiWhitespace(loading)) == "lazy")
                && page.images.size() < limits.maxImages)
                if (auto path = resolveSameOriginPath(trimmedAsciiWhitespace(src), base))
                    addUnique(page.images, PreloadLink{std::move(*path), "image", "", false, false});
            return true;
        }
        if (element.tag == GUMBO_TAG_SCRIPT && !attribute(element, "src")) {
            const char *type = attribute(element, "type");
            const std::string t = type ? lowercase(trimmedAsciiWhitespace(type)) : std::string();
            if (t == "module" && page.inlineModules.size() < limits.maxAssets)
                page.inlineModules.push_back(scriptText(element));
            else if (t == "importmap" && page.importMap.empty())
                page.importMap = scriptText(element);
            return true;
        }
        auto link = out.size() < limits.maxAssets ? preloadFor(element) : std::nullopt;
        if (!link)
            return true;
        auto resolved = resolveSameOriginPath(link->path, base);
        if (!resolved)
            return true;
        link->path = std::move(*resolved);
        addUnique(out, std::move(*link));
        // Without images, nothing is left to look for once the links are all in.
        return out.size() < limits.maxAssets || limits.images;
    });
    return page;
}

} // namespace h2scope::site
