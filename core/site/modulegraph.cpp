#include "site/modulegraph.h"

#include "jsonread.h"
#include "site/preloadlink.h"

#include <algorithm>
#include <deque>
#include <set>

namespace h2scope::site {

namespace {

// A URL-like specifier (RFC: "starts with /, ./ or ../"); everything else
// is bare, unless it carries a scheme (another origin, or data:).
bool isPathLike(std::string_view s)
{
    return s.starts_with("/") || s.starts_with("./") || s.starts_with("../");
}

bool hasScheme(std::string_view s)
{
    const std::size_t colon = s.find(':');
    if (colon == std::string_view::npos || colon == 0)
        return false;
    return std::all_of(s.begin(), s.begin() + static_cast<std::ptrdiff_t>(colon), [](char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '+' || c == '-'
               || c == '.';
    });
}

} // namespace

ImportMap parseImportMap(std::string_view json, std::string_view pageUrlPath)
{
    ImportMap map;
    Result<Json> parsed = parseJsonText(json);
    if (!parsed) {
        map.error = "the import map is not JSON: " + parsed.error().message;
        return map;
    }
    const Json &root = *parsed;
    if (!root.is_object() || !root.contains("imports") || !root["imports"].is_object()) {
        map.error = "the import map has no \"imports\" object";
        return map;
    }
    for (const auto &[key, value] : root["imports"].items()) {
        if (!value.is_string() || key.empty())
            continue;
        const std::string &target = value.get_ref<const std::string &>();
        if (auto path = resolveSameOriginPath(target, pageUrlPath))
            map.imports[key] = key.back() == '/' && path->back() != '/' ? *path + "/" : *path;
    }
    return map;
}

std::optional<std::string> resolveModuleSpecifier(std::string_view specifier, std::string_view importerUrlPath,
                                                  const ImportMap &map, bool *bare)
{
    if (bare)
        *bare = false;
    if (isPathLike(specifier))
        return resolveSameOriginPath(specifier, importerUrlPath);
    if (hasScheme(specifier))
        return std::nullopt; // https://cdn…, data:, node: …
    // Bare: the map's exact entry, else its longest prefix entry.
    if (auto it = map.imports.find(std::string(specifier)); it != map.imports.end())
        return it->second;
    const std::pair<const std::string, std::string> *best = nullptr;
    for (const auto &entry : map.imports)
        if (entry.first.back() == '/' && specifier.starts_with(entry.first)
            && (!best || entry.first.size() > best->first.size()))
            best = &entry;
    if (best)
        return resolveSameOriginPath(best->second + std::string(specifier.substr(best->first.size())), "/");
    if (bare)
        *bare = true;
    return std::nullopt;
}

ModuleGraph
walkModuleGraph(const std::vector<std::string> &entries, const std::vector<ImportSpecifier> &inlineImports,
                std::string_view pageUrlPath, const ImportMap &map,
                const std::function<std::optional<std::vector<ImportSpecifier>>(const std::string &)> &importsOf,
                const ModuleGraphLimits &limits)
{
    ModuleGraph graph;
    std::set<std::string> seen, unresolved;
    std::deque<ModuleNode> queue;
    const auto enqueue = [&](std::string path, std::size_t depth, const std::string &importer) {
        if (seen.count(path))
            return;
        if (seen.size() >= limits.maxModules || depth > limits.maxDepth) {
            graph.truncated = true;
            return;
        }
        seen.insert(path);
        queue.push_back(ModuleNode{std::move(path), depth, importer});
    };
    const auto follow = [&](const ImportSpecifier &spec, const std::string &importerPath, std::size_t depth,
                            const std::string &importer) {
        bool bare = false;
        if (auto path = resolveModuleSpecifier(spec.specifier, importerPath, map, &bare))
            enqueue(std::move(*path), depth, importer);
        else if (bare && unresolved.insert(spec.specifier).second)
            graph.unresolved.push_back(spec.specifier);
    };
    for (const std::string &entry : entries)
        enqueue(entry, 0, {});
    for (const ImportSpecifier &spec : inlineImports)
        follow(spec, std::string(pageUrlPath), 0, {});
    while (!queue.empty()) {
        ModuleNode node = std::move(queue.front());
        queue.pop_front();
        const std::optional<std::vector<ImportSpecifier>> imports = importsOf(node.path);
        if (!imports)
            continue; // nothing there to serve
        for (const ImportSpecifier &spec : *imports)
            follow(spec, node.path, node.depth + 1, node.path);
        graph.modules.push_back(std::move(node));
    }
    return graph;
}

} // namespace h2scope::site
