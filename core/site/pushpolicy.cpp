#include "pushpolicy.h"

#include "headersrules.h"
#include "pushmanifest.h"

#include <algorithm>
#include <cerrno>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace h2scope::site {

namespace {

constexpr const char *kHeadersFile = "/_headers";
constexpr const char *kManifestFile = "/push_manifest.json";

PushPolicy::FileKey keyFromStat(const struct stat &st)
{
    PushPolicy::FileKey key;
    key.dev = static_cast<unsigned long long>(st.st_dev);
    key.ino = static_cast<unsigned long long>(st.st_ino);
    key.size = static_cast<unsigned long long>(st.st_size);
    key.mtimeSec = static_cast<long long>(st.st_mtim.tv_sec);
    key.mtimeNsec = static_cast<long long>(st.st_mtim.tv_nsec);
    key.exists = true;
    return key;
}

PushPolicy::FileKey statKey(const std::string &path)
{
    struct stat st {};
    if (path.empty() || ::stat(path.c_str(), &st) != 0 || !S_ISREG(st.st_mode))
        return {};
    return keyFromStat(st);
}

// Reads at most `limit` bytes of the regular file `path`; the key describes
// the file actually read. O_NONBLOCK and O_NOFOLLOW for the same reasons as
// StaticSite: a FIFO must not hang us, and `path` is already symlink-free.
bool readPrefix(const std::string &path, std::size_t limit, std::string &out, PushPolicy::FileKey &key)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return false;
    struct stat st {};
    bool ok = ::fstat(fd, &st) == 0 && S_ISREG(st.st_mode);
    if (ok) {
        key = keyFromStat(st);
        out.resize(std::min<std::size_t>(limit, static_cast<std::size_t>(st.st_size)));
        std::size_t done = 0;
        while (done < out.size()) {
            const ssize_t n = ::read(fd, out.data() + done, out.size() - done);
            if (n < 0 && errno == EINTR)
                continue;
            if (n <= 0)
                break;
            done += static_cast<std::size_t>(n);
        }
        out.resize(done);
    }
    ::close(fd);
    return ok;
}

std::string directoryOf(const std::string &urlPath)
{
    const auto slash = urlPath.rfind('/');
    return slash == std::string::npos ? std::string("/") : urlPath.substr(0, slash + 1);
}

} // namespace

struct PushPolicy::RuleFiles {
    FileKey headersKey;
    FileKey manifestKey;
    std::optional<HeadersRules> headers;
    std::optional<PushManifest> manifest;
    std::vector<std::string> warnings;
};

std::optional<PushMode> parsePushMode(std::string_view text)
{
    std::string lowered(text);
    std::transform(lowered.begin(), lowered.end(), lowered.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    if (lowered == "off")
        return PushMode::Off;
    if (lowered == "rules")
        return PushMode::Rules;
    if (lowered == "auto")
        return PushMode::Auto;
    return std::nullopt;
}

const char *pushModeName(PushMode mode)
{
    switch (mode) {
    case PushMode::Off: return "off";
    case PushMode::Rules: return "rules";
    case PushMode::Auto: return "auto";
    }
    return "auto";
}

PushPolicy::PushPolicy(PathResolver resolver, Options options) : m_resolver(std::move(resolver)), m_options(options) {}

PushPolicy::~PushPolicy() = default;

std::shared_ptr<const PushPolicy::RuleFiles> PushPolicy::ruleFiles() const
{
    const auto now = m_resolver.clock().now();
    std::shared_ptr<const RuleFiles> current;
    {
        std::lock_guard lock(m_mutex);
        current = m_rules;
        if (current && now - m_lastCheck < m_options.recheckInterval)
            return current;
        m_lastCheck = now;
        m_recheckDueNs.store(
            std::chrono::duration_cast<std::chrono::nanoseconds>((now + m_options.recheckInterval).time_since_epoch())
                .count(),
            std::memory_order_relaxed);
    }
    if (current) {
        const ResolvedPath headers = m_resolver.resolve(kHeadersFile);
        const ResolvedPath manifest = m_resolver.resolve(kManifestFile);
        if (statKey(headers.ok() ? headers.realPath : std::string()) == current->headersKey
            && statKey(manifest.ok() ? manifest.realPath : std::string()) == current->manifestKey)
            return current;
    }
    auto fresh = loadRuleFiles();
    std::lock_guard lock(m_mutex);
    m_rules = fresh;
    m_rulesSeen.store(fresh.get(), std::memory_order_relaxed);
    return fresh;
}

std::shared_ptr<const PushPolicy::RuleFiles> PushPolicy::loadRuleFiles() const
{
    auto files = std::make_shared<RuleFiles>();
    std::string text;
    if (const ResolvedPath headers = m_resolver.resolve(kHeadersFile); headers.ok()) {
        if (readPrefix(headers.realPath, HeadersRules::kMaxTextBytes + 1, text, files->headersKey)) {
            if (auto parsed = HeadersRules::parse(text)) {
                for (const std::string &w : parsed->warnings())
                    files->warnings.push_back("_headers: " + w);
                files->headers.emplace(std::move(*parsed));
            } else {
                files->warnings.push_back("_headers: " + parsed.error().message);
            }
        }
    }
    if (const ResolvedPath manifest = m_resolver.resolve(kManifestFile); manifest.ok()) {
        if (readPrefix(manifest.realPath, PushManifest::kMaxTextBytes + 1, text, files->manifestKey)) {
            if (auto parsed = PushManifest::parse(text)) {
                for (const std::string &w : parsed->warnings())
                    files->warnings.push_back("push_manifest.json: " + w);
                files->manifest.emplace(std::move(*parsed));
            } else {
                files->warnings.push_back("push_manifest.json: " + parsed.error().message);
            }
        }
    }
    return files;
}

std::vector<PreloadLink> PushPolicy::discovered(const std::string &urlPath, const std::string &realPath,
                                                bool &graphWalked) const
{
    // Relative URLs resolve against the page's folder, so a file reached
    // through two folders (a symlink) is cached once per folder.
    const std::string cacheKey = realPath + '\n' + directoryOf(urlPath);
    const FileKey key = statKey(realPath);
    if (!key.exists)
        return {};
    std::optional<CachedPage> cached;
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_pages.find(cacheKey); it != m_pages.end() && it->second.key == key)
            cached = it->second;
    }
    if (cached) {
        std::vector<PreloadLink> links = cached->links;
        if (m_options.moduleGraph)
            graphWalked = addModuleGraph(urlPath, *cached, links); // outside the lock: it reads files
        return links;
    }
    std::string html;
    FileKey readKey;
    if (!readPrefix(realPath, m_options.maxHtmlBytes, html, readKey))
        return {};
    PageDiscovery found = discoverPage(html, urlPath, {m_options.maxHtmlBytes, m_options.maxAssets});
    CachedPage page{readKey, std::move(found.links), {}, {}, std::move(found.baseUrlPath)};
    for (const std::string &code : found.inlineModules) {
        std::vector<ImportSpecifier> imports = scanImports(code);
        page.inlineImports.insert(page.inlineImports.end(), imports.begin(), imports.end());
    }
    if (!found.importMap.empty())
        page.importMap = parseImportMap(found.importMap, page.baseUrlPath);
    std::vector<PreloadLink> links = page.links;
    if (m_options.moduleGraph)
        graphWalked = addModuleGraph(urlPath, page, links);
    std::lock_guard lock(m_mutex);
    if (m_pages.size() >= m_options.maxCachedPages && !m_pages.contains(cacheKey))
        m_pages.clear(); // crude but bounded; pages are re-parsed on demand
    m_pages[cacheKey] = std::move(page);
    return links;
}

std::optional<std::vector<ImportSpecifier>> PushPolicy::moduleImports(const std::string &urlPath) const
{
    std::string realPath;
    if (!existsAsFile(urlPath, &realPath))
        return std::nullopt;
    const FileKey key = statKey(realPath);
    {
        std::lock_guard lock(m_mutex);
        if (const auto it = m_modules.find(realPath); it != m_modules.end() && it->second.key == key)
            return it->second.imports;
    }
    std::string source;
    FileKey readKey;
    if (!readPrefix(realPath, m_options.maxModuleBytes, source, readKey))
        return std::vector<ImportSpecifier>{}; // there, but unreadable: nothing to follow
    CachedModule module{readKey, scanImports(source)};
    std::lock_guard lock(m_mutex);
    if (m_modules.size() >= m_options.maxCachedPages && !m_modules.contains(realPath))
        m_modules.clear();
    m_modules[realPath] = module;
    return module.imports;
}

bool PushPolicy::addModuleGraph(const std::string &urlPath, const CachedPage &page,
                                std::vector<PreloadLink> &links) const
{
    std::vector<std::string> entries;
    for (const PreloadLink &link : page.links)
        if (link.module)
            entries.push_back(link.path);
    if (entries.empty() && page.inlineImports.empty())
        return false;
    // Every module is stat()ed again (one per module per page load), so an
    // edit anywhere in the graph shows in the next load's pushes and hints.
    const ModuleGraph graph = walkModuleGraph(
        entries, page.inlineImports, page.baseUrlPath.empty() ? urlPath : page.baseUrlPath, page.importMap,
        [this](const std::string &path) { return moduleImports(path); }, m_options.graphLimits);
    for (const ModuleNode &node : graph.modules) {
        if (std::any_of(links.begin(), links.end(), [&](const PreloadLink &l) { return l.path == node.path; }))
            continue;
        PreloadLink link;
        link.path = node.path;
        link.as = "script";
        link.crossorigin = true;
        link.module = true;
        link.depth = static_cast<unsigned>(node.depth);
        links.push_back(std::move(link));
    }
    std::vector<std::string> notes;
    if (!page.importMap.error.empty())
        notes.push_back(urlPath + ": " + page.importMap.error);
    for (const std::string &bare : graph.unresolved)
        notes.push_back(urlPath + ": bare specifier \"" + bare + "\" has no import map entry; not followed");
    if (graph.truncated)
        notes.push_back(urlPath + ": the module graph is larger than its limits ("
                        + std::to_string(m_options.graphLimits.maxModules) + " modules, "
                        + std::to_string(m_options.graphLimits.maxDepth)
                        + " levels); the rest is not pushed or hinted");
    if (notes.empty())
        return true;
    std::lock_guard lock(m_mutex);
    for (std::string &n : notes)
        if (std::find(m_graphWarnings.begin(), m_graphWarnings.end(), n) == m_graphWarnings.end())
            m_graphWarnings.push_back(std::move(n));
    if (m_graphWarnings.size() > 64)
        m_graphWarnings.erase(m_graphWarnings.begin(), m_graphWarnings.end() - 64);
    return true;
}

bool PushPolicy::existsAsFile(const std::string &path, std::string *realPath, ResolvedPath *found,
                              Freshness freshness) const
{
    const TargetPath target = m_resolver.parseTarget(path);
    if (!target.ok() || target.endsWithSlash())
        return false;
    const ResolvedPath resolved = m_resolver.resolve(target.path, freshness);
    if (!resolved.ok() || resolved.kind != ResolvedPath::Kind::File)
        return false;
    *realPath = resolved.realPath;
    if (found)
        *found = resolved;
    return true;
}

std::vector<PreloadLink> PushPolicy::preloadsFor(const std::string &urlPath, const std::string &realPath, bool isHtml,
                                                 Freshness freshness, PreloadBasis *basis) const
{
    if (m_options.mode == PushMode::Off || m_options.maxAssets == 0)
        return {};
    const auto rules = ruleFiles();
    if (basis)
        basis->rules = rules;
    std::vector<PreloadLink> candidates;
    if (rules->headers)
        candidates = rules->headers->preloadsFor(urlPath);
    if (rules->manifest) {
        auto fromManifest = rules->manifest->assetsFor(urlPath);
        candidates.insert(candidates.end(), fromManifest.begin(), fromManifest.end());
    }
    if (m_options.mode == PushMode::Auto && isHtml) {
        bool graphWalked = false;
        auto fromPage = discovered(urlPath, realPath, graphWalked);
        candidates.insert(candidates.end(), fromPage.begin(), fromPage.end());
        if (basis && graphWalked)
            basis->reusable = false;
    }

    std::vector<PreloadLink> out;
    std::string assetRealPath;
    ResolvedPath found;
    std::size_t assets = 0; // the module graph has limits of its own (graphLimits)
    for (PreloadLink &link : candidates) {
        if (assets >= m_options.maxAssets && !(link.module && link.depth > 0))
            continue;
        const bool seen =
            std::any_of(out.begin(), out.end(), [&](const PreloadLink &l) { return l.path == link.path; });
        if (seen)
            continue;
        if (!existsAsFile(link.path, &assetRealPath, basis ? &found : nullptr, freshness)) {
            if (basis)
                basis->reusable = false;
            continue;
        }
        if (basis) {
            if (found.file)
                basis->assets.push_back(found.file);
            else
                basis->reusable = false;
            basis->freshUntilNs = std::min(basis->freshUntilNs, found.freshUntilNs);
        }
        if (assetRealPath == realPath)
            continue;
        assets += link.module && link.depth > 0 ? 0 : 1;
        out.push_back(std::move(link));
    }
    return out;
}

HeaderList PushPolicy::extraHeadersFor(const std::string &urlPath) const
{
    std::shared_ptr<const void> version;
    return extraHeadersFor(urlPath, version);
}

std::shared_ptr<const void> PushPolicy::rulesVersion() const
{
    return ruleFiles();
}

bool PushPolicy::rulesStillAre(const std::shared_ptr<const void> &version, std::int64_t nowNs) const
{
    return rulesKnownToBe(version, nowNs) || rulesVersion() == version;
}

bool PushPolicy::rulesKnownToBe(const std::shared_ptr<const void> &version, std::int64_t nowNs) const
{
    return nowNs < m_recheckDueNs.load(std::memory_order_relaxed)
           && m_rulesSeen.load(std::memory_order_relaxed) == version.get();
}

bool PushPolicy::surelyNoPreloads(const std::shared_ptr<const void> &version, const std::string &urlPath,
                                  bool isHtml) const
{
    if (!mayPreload(version, isHtml))
        return true;
    if (m_options.mode == PushMode::Auto && isHtml)
        return false; // the page's own assets
    const auto *rules = static_cast<const RuleFiles *>(version.get());
    if (!rules)
        return false;
    return (!rules->headers || rules->headers->preloadsFor(urlPath).empty())
           && (!rules->manifest || rules->manifest->assetsFor(urlPath).empty());
}

bool PushPolicy::mayPreload(const std::shared_ptr<const void> &version, bool isHtml) const
{
    if (m_options.mode == PushMode::Off || m_options.maxAssets == 0)
        return false;
    if (m_options.mode == PushMode::Auto && isHtml)
        return true;
    const auto *rules = static_cast<const RuleFiles *>(version.get());
    return !rules || rules->headers || rules->manifest;
}

HeaderList PushPolicy::extraHeadersFor(const std::string &urlPath, std::shared_ptr<const void> &version) const
{
    const auto rules = ruleFiles();
    version = rules;
    if (!rules->headers)
        return {};
    HeaderList headers = rules->headers->headersFor(urlPath);
    if (m_options.mode == PushMode::Off)
        std::erase_if(headers, [](const Header &h) { return h.name == "link"; });
    return headers;
}

std::vector<std::string> PushPolicy::warnings() const
{
    std::vector<std::string> all = ruleFiles()->warnings;
    std::lock_guard lock(m_mutex);
    all.insert(all.end(), m_graphWarnings.begin(), m_graphWarnings.end());
    return all;
}

} // namespace h2scope::site
