#pragma once
// The static-file handler: serves one folder with the validators, ranges,
// precompressed variants and path safety a development server needs.

#include "pathresolver.h"
#include "pushpolicy.h"
#include "response.h"
#include "result.h"

#include <memory>
#include <string>

namespace h2scope::site {

struct SiteOptions {
    std::string root;                    // the folder to serve
    bool listing = false;                // HTML index for folders without index.html
    bool allowDotfiles = false;          // serve .env, .git/... (/.well-known/ always is)
    bool followSymlinksOutside = false;  // serve symlinks that lead out of `root`
    std::string cacheControl = "no-cache";
    bool allowPrivateKeyFiles = false;   // serve *.pem, *.key, id_rsa* ...
    // What 200 answers to GET announce and push (Response::preloads and
    // pushPromises): Off = nothing, Rules = `_headers` Link entries and
    // push_manifest.json, Auto = rules plus the assets found in HTML pages.
    // Headers from `_headers` apply in every mode (only its Link headers are
    // dropped in Off, so that Off really means no preloading).
    PushMode pushMode = PushMode::Auto;
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
    // push_manifest.json when they changed, and an HTML page not yet in the
    // discovery cache, up to 2 MiB). Headers from `_headers` are added to
    // every response whose path they match (304 and HEAD included); a 200
    // answer to GET also gets preloads and pushPromises from the push policy.
    // Safe to call from several threads at once.
    Response handle(const Request &request) override;

    // The real (symlink-free, absolute) path of the served folder.
    const std::string &root() const { return m_resolver.root(); }
    const SiteOptions &options() const { return m_options; }
    // The push policy, e.g. for its warnings() about `_headers`.
    const PushPolicy &pushPolicy() const { return m_push; }

    StaticSite(const StaticSite &) = delete;
    StaticSite &operator=(const StaticSite &) = delete;

private:
    StaticSite(SiteOptions options, std::string realRoot);

    // `pagePath` is the request's path ("/docs/" for docs/index.html), which
    // the push rules match; `urlPath` names the file served.
    Response serveFile(const Request &request, const std::string &pagePath, const std::string &urlPath,
                       const ResolvedPath &resolved) const;
    void addPreloads(Response &response, const std::string &pagePath, const std::string &urlPath,
                     const ResolvedPath &resolved) const;
    Response serveDirectory(const Request &request, const TargetPath &target, const ResolvedPath &resolved) const;

    SiteOptions m_options;
    PathResolver m_resolver;
    PushPolicy m_push;
};

} // namespace h2scope::site
