#pragma once
// The static-file handler: serves one folder with the validators, ranges,
// precompressed variants and path safety a development server needs.

#include "hostallowlist.h"
#include "livereload.h"
#include "pathresolver.h"
#include "preparedfiles.h"
#include "pushpolicy.h"
#include "response.h"
#include "result.h"

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace h2scope::site {

struct SiteOptions {
    std::string root;                   // the folder to serve
    bool listing = false;               // HTML index for folders without index.html
    bool allowDotfiles = false;         // serve .env, .git/... (/.well-known/ always is)
    bool followSymlinksOutside = false; // serve symlinks that lead out of `root`
    std::string cacheControl = "no-cache";
    // What a request that a 103 Early Hints announced gets instead of the
    // default no-cache (Request::earlyHinted): fresh just long enough for
    // the page that was hinted to use the preload.
    static constexpr const char *kHintedCacheControl = "max-age=2";
    bool allowPrivateKeyFiles = false; // serve *.pem, *.key, id_rsa* ...
    // What 200 answers to GET announce and push (Response::preloads and
    // pushPromises): Off = nothing, Rules = `_headers` Link entries and
    // push_manifest.json, Auto = rules plus the assets found in HTML pages.
    // Headers from `_headers` apply in every mode (only its Link headers are
    // dropped in Off, so that Off really means no preloading).
    PushMode pushMode = PushMode::Auto;
    // In mode Auto, also push and hint the page's module graph: what its
    // module scripts import, level by level (PushPolicy, modulegraph.h).
    bool moduleGraph = true;
    // Live reload: HTML pages (files, SPA fallback, 404.html, listings) get
    // LiveReload::kScriptTag, and /__h2scope/livereload(.js) are served; see
    // livereload.h for the validators of injected pages. Off: /__h2scope/ is 404.
    // Off here so that a StaticSite serves files byte for byte unless asked
    // (in-process servers, the lab, tests); the product default is on
    // (app::Options::liveReload, --no-live-reload), and the app feeds the hub.
    bool liveReload = false;
    // A missing path whose last segment has no extension ("/users/42") is
    // answered with /index.html (200), for client-side routers.
    bool spaFallback = false;
    // A 404 for GET/HEAD shows the folder's own 404.html (status stays 404).
    bool custom404 = true;
    // Host / :authority values served besides localhost names and this
    // machine's addresses ("*.example.test" matches subdomains); the rest get
    // 421 Misdirected Request (DNS-rebinding defence). allowAnyHost: no check.
    std::vector<std::string> allowedHosts;
    bool allowAnyHost = false;
    // The clocks the site reads (file freshness, snapshots, If-Range dates,
    // rule rechecks); null: the system's. Outlives the site.
    const Clock *clock = nullptr;
};

class StaticSite final : public Handler {
public:
    // Checks that `options.root` is a readable folder and pins its real path.
    // Fails with Errc::NotFound ("folder X does not exist"),
    // Errc::InvalidArgument ("X is not a folder", or an empty root) or
    // Errc::PermissionDenied when the folder cannot be read.
    static Result<std::unique_ptr<StaticSite>> create(SiteOptions options);

    // GET and HEAD of files and folders (405 otherwise). Never throws, never
    // blocks on more than a few stat/open calls: file bytes are read later
    // through the returned Body (the exceptions: `_headers` and
    // push_manifest.json when they changed, an HTML page not yet in the
    // discovery cache, up to 2 MiB, and a settled file up to
    // kMaxSnapshotFile the first time a version of it is sent, read whole
    // into its shared snapshot). Headers from `_headers` are added to
    // every response whose path they match (304 and HEAD included); a 200
    // answer to GET also gets preloads and pushPromises from the push policy.
    // A request whose authority the host allow-list refuses gets 421 with a
    // short text/plain explanation (and a note) before anything else.
    // /__h2scope/ paths are never read from disk: the live reload stream and
    // script when live reload is on, 404 otherwise.
    // A GET or HEAD of a file without Range or conditionals is answered, from
    // the second time on, with the fields prepared the first time
    // (Response::fixedHeaders; see preparedfiles.h) while the files involved
    // are unchanged: the same fields, bytes and preloads, only cheaper.
    // Safe to call from several threads at once.
    Response handle(const Request &request) override;
    // The prepared answer (see above) of a plain GET or HEAD when every
    // part of it is in memory: the file's snapshot is held (or the file is
    // streamed), the rule files need no recheck and the answer preloads
    // nothing; and the answers to extended CONNECT and /__h2scope/ paths,
    // which read no file. Otherwise false, for handle() to answer on a file
    // pool.
    bool handleNow(const Request &request, Response &out) override;

    // Files up to this size are sent from a shared in-memory snapshot of
    // their current version (FileHandle::snapshot(), within the site's
    // SnapshotBudget): no read per response, one copy per byte sent. Larger
    // files, and files still being written, are streamed from their
    // descriptor, never held whole. 2 MiB covers the bundles, fonts, images
    // and source maps a page loads again and again, and keeps at least 32 of
    // them inside the 64 MiB budget.
    static constexpr std::size_t kMaxSnapshotFile = 2u << 20;

    // The real (symlink-free, absolute) path of the served folder.
    const std::string &root() const { return m_resolver.root(); }
    const SiteOptions &options() const { return m_options; }
    // The push policy, e.g. for its warnings() about `_headers`.
    const PushPolicy &pushPolicy() const { return m_push; }
    // The live reload hub, for the folder watcher to feed; null when
    // SiteOptions::liveReload is off. Its methods are thread-safe.
    const std::shared_ptr<LiveReload> &liveReload() const { return m_liveReload; }

    StaticSite(const StaticSite &) = delete;
    StaticSite &operator=(const StaticSite &) = delete;

private:
    StaticSite(SiteOptions options, std::string realRoot);

    // `pagePath` is the request's path ("/docs/" for docs/index.html), which
    // the push rules match; `urlPath` names the file served. With `capture`,
    // a 200 also records what it was made of, for m_prepared.
    Response serveFile(const Request &request, const std::string &pagePath, const std::string &urlPath,
                       const ResolvedPath &resolved, PreparedFiles::Capture *capture = nullptr) const;
    // The push policy's preloads (and pushes) for the page. `reusable`, when
    // given, gets them for later answers from memory, when they can be
    // reused (PreloadBasis), else null. `freshness`: the page request's.
    void addPreloads(Response &response, const std::string &pagePath, const std::string &realPath, bool isHtml,
                     Freshness freshness, std::shared_ptr<const PreparedFiles::Preloads> *reusable = nullptr) const;
    static void setPreloads(Response &response, std::vector<PreloadLink> links);
    // The answer m_prepared holds for a GET or HEAD of the file `urlPath`
    // without Range or conditionals, or nullopt when the general code must
    // answer (no entry, files or rules changed, that coding not prepared).
    // Fills `out` (a default Response) and returns true, or leaves it alone
    // and returns false. `inMemory`: false too when answering would read or
    // look up a file.
    bool servePrepared(const Request &request, const std::string &urlPath, bool inMemory, Response &out) const;
    Response serveDirectory(const Request &request, const TargetPath &target, const ResolvedPath &resolved) const;
    // The file as it is on disk (precompressed variants, ranges).
    Response serveFilePlain(const Request &request, const std::string &pagePath, const std::string &urlPath,
                            const ResolvedPath &resolved, PreparedFiles::Capture *capture = nullptr) const;
    // An HTML file with the live reload script added (built in memory).
    Response serveInjectedHtml(const Request &request, const std::string &pagePath, const std::string &urlPath,
                               const ResolvedPath &resolved, PreparedFiles::Capture *capture = nullptr) const;
    Response serveReserved(const Request &request, const TargetPath &target) const;
    void freshForTheHintedPage(Response &response) const; // see Request::earlyHinted
    // SPA fallback for a missing `target`, or nullopt when it does not apply.
    std::optional<Response> spaFallback(const Request &request, const TargetPath &target,
                                        const ResolvedPath &resolved) const;
    // The folder's 404.html with status 404, or nullopt when there is none.
    std::optional<Response> custom404(const std::string &note) const;

    SiteOptions m_options;
    const Clock &m_clock;
    PathResolver m_resolver;
    PushPolicy m_push;
    HostAllowList m_hosts;
    std::shared_ptr<LiveReload> m_liveReload;
    // Prepared answers for plain GET/HEAD of files (see preparedfiles.h).
    PreparedFiles m_prepared;
    // What this site's file snapshots hold at once (shared with the bytes,
    // which give it back when the last response holding them is done).
    std::shared_ptr<SnapshotBudget> m_snapshots = std::make_shared<SnapshotBudget>();
};

} // namespace h2scope::site
