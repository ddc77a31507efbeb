#pragma once
// Path safety for the static site: turns a raw request-target into a
// normalized path and then into a real file system path that is guaranteed
// (unless the options say otherwise) to lie inside the served folder.
//
// Two steps, so callers can act between them (redirects, index files):
//   parseTarget(): syntax only — query split, one percent-decoding pass,
//                  forbidden bytes, dot-segment removal, limits;
//   resolve():     policy (dotfiles, private keys) and the file system —
//                  openat2(RESOLVE_BENEATH) on Linux (kernel-enforced
//                  containment), else realpath() and a component-wise
//                  containment check.
// Both are const and touch no shared state: safe from any thread.

#include "body.h"
#include "clock.h"
#include "freshness.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <sys/stat.h>

namespace h2scope::site {

// A request-target after parseTarget().
struct TargetPath {
    int status = 200;  // 200 when usable; else 400 or 414, the status to answer with
    std::string note;  // why it was rejected; for the inspector, never for the client
    std::string path;  // decoded and normalized: starts with '/', no empty, "." or ".."
                       // segments; a trailing '/' is kept (it names a directory)
    std::string query; // the raw query, still encoded, without the '?'
    bool hasQuery = false;

    bool ok() const { return status == 200; }
    bool endsWithSlash() const { return !path.empty() && path.back() == '/'; }
};

// A normalized path after resolve().
struct ResolvedPath {
    enum class Kind { File, Directory };
    int status = 200;     // 200 when it may be served; else 404
    std::string note;     // "not found" or "refused: <reason>"; never sent to the client
    std::string realPath; // absolute, symlink-free path of what to serve
    Kind kind = Kind::File;
    // For a file: the descriptor opened while resolving (read-only), and what
    // fstat() said of it, so the bytes served are those of the file checked.
    // Null when the platform could not open it beneath the root in one step.
    std::shared_ptr<const FileHandle> file;
    struct stat stat {};
    // Until when (PathResolver::nowNs()) resolve() answers for this path
    // from its cache, without looking the path up again; a result that was
    // not cached says "now". Caches built on resolve() results expire with it.
    std::int64_t freshUntilNs = 0;
    // Not found because the served folder itself is gone (deleted and not
    // made again): the note says so, and callers should not guess further.
    bool folderGone = false;

    bool ok() const { return status == 200; }
};

class PathResolver final {
public:
    struct Options {
        bool allowDotfiles = false;         // serve segments starting with '.' (".well-known" always is)
        bool allowPrivateKeyFiles = false;  // serve *.pem, *.key, *.p12, *.pfx, id_rsa* ...
        bool followSymlinksOutside = false; // serve symlinks whose target is outside the root
        std::size_t maxTargetLength = 8192; // longer raw targets get 414
        std::size_t maxSegments = 256;      // more path segments get 414
        const Clock *clock = nullptr;       // for freshUntilNs; null: the steady clock. Outlives the resolver.
    };

    // `realRoot` must be an absolute path without symlinks ("." or ".."),
    // i.e. what realpath() returned for the served folder.
    PathResolver(std::string realRoot, Options options);

    const std::string &root() const { return m_root; }
    const Options &options() const { return m_options; }

    // Splits off query and fragment, requires a leading '/', percent-decodes
    // exactly once (an invalid escape is 400; a decoded "%2F" becomes a
    // separator and nothing is decoded twice), rejects NUL, control bytes and
    // backslashes (400), removes dot segments so the path never climbs above
    // the root, collapses repeated slashes, and enforces the limits (414).
    TargetPath parseTarget(std::string_view rawTarget) const;
    // The same without the shortcut parseTarget() takes for plain targets
    // ("/css/site.css", "/app.js?v=3"); for tests that compare the two.
    TargetPath parseTargetGeneral(std::string_view rawTarget) const;

    // Applies the dotfile and private-key policy to `path` (as produced by
    // parseTarget()), then realpath()s it below the root and refuses results
    // outside the root (component-wise, so /srv/site2 is not inside /srv/site)
    // or, via a symlink, onto a refused name. Missing files give 404 with
    // note "not found"; refusals give 404 with note "refused: ...".
    //
    // Results are cached for a second per path, so a page's requests cost
    // one fstat() instead of a lookup each: a cached file is re-checked with
    // fstat() on its open descriptor (edits are seen at once; a file deleted
    // or replaced by a save-and-rename is looked up again) once for each
    // `freshness` (freshness.h), or every time with a default one, and
    // a path that was not found is cached only when `cacheMisses` says so
    // (precompressed siblings), so a page a user has just created is found.
    ResolvedPath resolve(std::string_view path, Freshness freshness = {}, bool cacheMisses = false) const;

    // Why the segment `name` may not be served under the current options
    // ("dotfile", "private key file"), or empty when it may. `isLast` says
    // whether it names the file itself (key-file rules apply only there);
    // `isFirst` whether it is directly below the root (".well-known").
    std::string_view refusalFor(std::string_view name, bool isFirst, bool isLast) const;

    // Percent-encodes a decoded path for use in a URL (Location, hrefs):
    // everything but unreserved characters, sub-delims, ':', '@' and '/'.
    static std::string encodePath(std::string_view decodedPath);

    // True when `path` is `root` or lies below it, comparing whole components.
    static bool isWithin(std::string_view path, std::string_view root);

    // The resolver's clock (Options::clock), and its reading in the unit of
    // ResolvedPath::freshUntilNs.
    const Clock &clock() const noexcept { return Clock::orSteady(m_options.clock); }
    std::int64_t nowNs() const noexcept { return clock().nowNs(); }

private:
    ResolvedPath resolveUncached(std::string_view path) const;
    static void holdOpen(ResolvedPath &result, const struct stat &named);
    ResolvedPath resolveBeneath(std::string_view path, bool &unsupported) const;
    ResolvedPath checkReached(ResolvedPath result) const;

    std::string m_root;
    Options m_options;
    // The root opened (O_PATH, held in the cache so that copies share it).
    // On Linux, lookups use openat2() with RESOLVE_BENEATH against it: the
    // kernel itself refuses any path that leaves the folder, in one system
    // call, with no race between checking and opening. False where that is
    // unavailable (realpath() is used then).
    bool m_beneath = false;
    std::shared_ptr<const FileHandle> rootHandle() const;
    // When a name is not found: if the folder at the root's path is another
    // one than `opened` (deleted and made again), opens and returns that;
    // null if it is the same folder, or with `gone` set if there is none.
    std::shared_ptr<const FileHandle> reopenReplacedRoot(const std::shared_ptr<const FileHandle> &opened,
                                                         bool &gone) const;
    struct Cache;
    std::shared_ptr<Cache> m_cache; // shared by copies of this resolver
};

} // namespace h2scope::site
