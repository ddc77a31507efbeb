#pragma once
// The module graph of a page: its module scripts, and what they import,
// level by level (breadth first, the order a browser discovers them in),
// with specifiers resolved the way a browser resolves them — relative
// (`./a.js`, `../b.js`) and root-relative (`/c.js`) against the importing
// module's URL, bare ones (`lit`, `lodash/map.js`) through the page's import
// map (`imports`, exact and prefix entries; `scopes` are not read), and the
// rest (other origins, bare specifiers the map does not name) left alone
// and listed. Pure: reading files is the caller's (PushPolicy caches per
// file until it changes).

#include "site/jsimports.h"

#include <cstddef>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

struct ImportMap {
    // Specifier (or prefix ending in '/') -> same-origin URL path.
    std::map<std::string, std::string> imports;
    std::string error; // why the map (or part of it) was not used; "" when fine
};

// The `<script type="importmap">` text of the page at `pageUrlPath`.
ImportMap parseImportMap(std::string_view json, std::string_view pageUrlPath);

// `specifier` as imported by the module at `importerUrlPath`: the module's
// URL path, or nullopt (then `bare` says whether it was a bare specifier
// the map does not name, rather than another origin).
std::optional<std::string> resolveModuleSpecifier(std::string_view specifier, std::string_view importerUrlPath,
                                                  const ImportMap &map, bool *bare = nullptr);

struct ModuleGraphLimits {
    std::size_t maxDepth = 8;     // import levels below the page's own module scripts
    std::size_t maxModules = 256; // in all
};

struct ModuleNode {
    std::string path;      // URL path, percent-encoded
    std::size_t depth = 0; // 0: named by the page; n: n imports away
    std::string importer;  // the module that imports it first ("" for depth 0)
};

struct ModuleGraph {
    std::vector<ModuleNode> modules;     // breadth first, each once
    std::vector<std::string> unresolved; // bare specifiers without a map entry, as written, each once
    bool truncated = false;              // a limit stopped the walk
};

// Walks from `entries` (URL paths of the page's module scripts and
// modulepreloads, depth 0) and `inlineImports` (what the page's inline
// module scripts import, resolved against `pageUrlPath`, depth 0).
// `importsOf(urlPath)` gives a module's imports, or nullopt when there is
// no such module to serve (it is then left out, and so is what it would
// import). Static and dynamic imports alike are followed: a dynamic import
// with a literal is a module the page will most likely ask for.
ModuleGraph
walkModuleGraph(const std::vector<std::string> &entries, const std::vector<ImportSpecifier> &inlineImports,
                std::string_view pageUrlPath, const ImportMap &map,
                const std::function<std::optional<std::vector<ImportSpecifier>>(const std::string &)> &importsOf,
                const ModuleGraphLimits &limits = {});

} // namespace h2scope::site
