#pragma once
// Decides what a response announces (103 Early Hints, Link) and pushes
// (PUSH_PROMISE), from three same-origin sources, in this order:
//   1. `_headers` rules at the root (Link: ...; rel=preload), in file order;
//   2. `push_manifest.json` at the root (Polymer format), by weight;
//   3. discovery in HTML pages (stylesheets, scripts, modulepreload,
//      preload), in document order, mode Auto only;
//   4. then, mode Auto with moduleGraph on, the page's module graph below
//      its module scripts (modulegraph.h), breadth first: what a browser
//      would find one round trip at a time.
// Every path is resolved through the site's PathResolver: only regular files
// inside the folder that may be served (no dotfiles, nothing outside) are
// kept; the page itself and duplicates are dropped.

#include "headers.h"
#include "htmlassets.h"
#include "modulegraph.h"
#include "pathresolver.h"
#include "preloadlink.h"

#include <atomic>
#include <chrono>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

namespace h2scope::site {

enum class PushMode {
    Off,   // no preloads from any source; `_headers` still adds its non-Link headers
    Rules, // `_headers` and push_manifest.json
    Auto,  // rules, then discovery in HTML pages
};

// "off", "rules", "auto" (case-insensitive); nullopt otherwise.
std::optional<PushMode> parsePushMode(std::string_view text);
const char *pushModeName(PushMode mode);

// What preloadsFor() found its answer from, beyond the page's bytes and the
// rule files: the assets it found, each by the descriptor its lookup opened
// (one deleted or saved over has no links left), and when the earliest of
// those lookups expires (ResolvedPath::freshUntilNs). Not `reusable` when
// the answer rests on more than that: a candidate not found (a file created
// later must show at once), an asset without a descriptor, or a module
// graph (every module is looked at again on each load).
struct PreloadBasis {
    bool reusable = true;
    std::shared_ptr<const void> rules; // the load of the rule files used (rulesVersion())
    std::vector<std::shared_ptr<const FileHandle>> assets;
    std::int64_t freshUntilNs = std::numeric_limits<std::int64_t>::max();
};

class PushPolicy final {
public:
    struct Options {
        PushMode mode = PushMode::Auto;
        // How often `_headers` and push_manifest.json are stat()ed for changes.
        std::chrono::milliseconds recheckInterval{1000};
        std::size_t maxAssets = 64;                 // per response, all sources together (but the module graph's)
        std::size_t maxHtmlBytes = 2 * 1024 * 1024; // parsed per page
        std::size_t maxCachedPages = 1024;          // discovery cache entries (and module cache entries)
        bool moduleGraph = true;                    // follow the page's module imports
        ModuleGraphLimits graphLimits{};
        std::size_t maxModuleBytes = 1024 * 1024; // read per module
    };

    // `resolver` is the site's (copied): it decides which files exist and may
    // be served. Nothing is read until the first call.
    PushPolicy(PathResolver resolver, Options options);
    ~PushPolicy();

    PushPolicy(const PushPolicy &) = delete;
    PushPolicy &operator=(const PushPolicy &) = delete;

    // The preloads for the response to the decoded URL path `urlPath`, whose
    // file is `realPath` (as PathResolver::resolve() gave it; used to skip
    // the page itself and as the discovery cache key) and which is an HTML
    // page when `isHtml`. At most Options::maxAssets, rules first, then the
    // manifest, then discovery. Empty in mode Off. A file that cannot be read
    // contributes nothing. Any thread; file I/O happens outside the lock.
    // `basis`, when given, says what the answer rests on, beyond the page's
    // bytes and the rule files (see PreloadBasis). The assets are looked up
    // with the page request's `freshness`.
    std::vector<PreloadLink> preloadsFor(const std::string &urlPath, const std::string &realPath, bool isHtml,
                                         Freshness freshness = {}, PreloadBasis *basis = nullptr) const;

    // The `_headers` headers for `urlPath` (lowercase names); in mode Off
    // without the Link headers. Any thread.
    HeaderList extraHeadersFor(const std::string &urlPath) const;
    // The same, and which load of the rule files it came from (see
    // rulesVersion()), in `version`.
    HeaderList extraHeadersFor(const std::string &urlPath, std::shared_ptr<const void> &version) const;

    // The rule files as loaded now, rechecked for changes at the same times
    // extraHeadersFor() rechecks them: a different pointer after every
    // reload of `_headers` or push_manifest.json, so what was derived from
    // one load can tell when it is stale. Any thread.
    std::shared_ptr<const void> rulesVersion() const;
    // rulesVersion() == version, without the lock while no recheck is due.
    // `version` must be held by the caller (so its address names one load);
    // `nowNs` is PathResolver::nowNs(). Any thread.
    bool rulesStillAre(const std::shared_ptr<const void> &version, std::int64_t nowNs) const;

    // Whether preloadsFor() may return anything for a page (HTML or not)
    // under the rules of `version`: false in mode Off, or when there are no
    // rules and no discovery for such a page. Any thread.
    bool mayPreload(const std::shared_ptr<const void> &version, bool isHtml) const;

    // For answers made on an I/O thread, where nothing may wait on the disk:
    // rulesStillAre() when no recheck is due (false when one is), and
    // whether preloadsFor() is sure to be empty for `urlPath` under the
    // rules of `version` (mode Off; or no discovery, and no rule or manifest
    // entry for the path). Neither touches the file system. Any thread.
    bool rulesKnownToBe(const std::shared_ptr<const void> &version, std::int64_t nowNs) const;
    bool surelyNoPreloads(const std::shared_ptr<const void> &version, const std::string &urlPath, bool isHtml) const;

    // Why parts of `_headers` or push_manifest.json were ignored, prefixed
    // with the file name ("_headers: line 3: ..."), and what a page's module
    // graph could not follow ("/index.html: bare specifier \"lit\" ...");
    // empty when all is fine. Reflects the files as last loaded. Any thread.
    std::vector<std::string> warnings() const;

    PushMode mode() const { return m_options.mode; }

    // A file's identity for change detection.
    struct FileKey {
        unsigned long long dev = 0, ino = 0, size = 0;
        long long mtimeSec = 0, mtimeNsec = 0;
        bool exists = false;
        bool operator==(const FileKey &) const = default;
    };

private:
    struct RuleFiles;
    struct CachedPage {
        FileKey key;
        std::vector<PreloadLink> links;
        std::vector<ImportSpecifier> inlineImports; // of its inline module scripts
        ImportMap importMap;
        std::string baseUrlPath;
    };
    struct CachedModule {
        FileKey key;
        std::vector<ImportSpecifier> imports;
    };
    // False when the page has no module to walk from.
    bool addModuleGraph(const std::string &urlPath, const CachedPage &page, std::vector<PreloadLink> &links) const;
    std::optional<std::vector<ImportSpecifier>> moduleImports(const std::string &urlPath) const;

    std::shared_ptr<const RuleFiles> ruleFiles() const;
    std::shared_ptr<const RuleFiles> loadRuleFiles() const;
    // `graphWalked`: set when a module graph was walked for the page.
    std::vector<PreloadLink> discovered(const std::string &urlPath, const std::string &realPath,
                                        bool &graphWalked) const;
    bool existsAsFile(const std::string &path, std::string *realPath, ResolvedPath *found = nullptr,
                      Freshness freshness = {}) const;

    PathResolver m_resolver;
    Options m_options;

    mutable std::mutex m_mutex; // guards everything below; never held during I/O
    mutable std::shared_ptr<const RuleFiles> m_rules;
    mutable std::chrono::steady_clock::time_point m_lastCheck;
    // Lock-free copies for rulesStillAre(): m_rules.get(), and when the
    // next recheck is due (steady clock, ns). Written under m_mutex.
    mutable std::atomic<const void *> m_rulesSeen{nullptr};
    mutable std::atomic<std::int64_t> m_recheckDueNs{0};
    mutable std::unordered_map<std::string, CachedPage> m_pages;
    mutable std::unordered_map<std::string, CachedModule> m_modules; // by real path
    mutable std::vector<std::string> m_graphWarnings;                // bounded; newest last
};

} // namespace h2scope::site
