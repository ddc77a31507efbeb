#include "pathresolver.h"

#include "site/httptokens.h"
#include "text.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdlib>
#include <fcntl.h>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#include <vector>

#if defined(__linux__)
#include <linux/openat2.h>
#include <sys/syscall.h>
#endif

namespace h2scope::site {

namespace {

bool isControl(unsigned char c)
{
    return c < 0x20 || c == 0x7f;
}

TargetPath rejected(int status, std::string note)
{
    TargetPath t;
    t.status = status;
    t.note = std::move(note);
    return t;
}

ResolvedPath notServed(std::string note)
{
    ResolvedPath r;
    r.status = 404;
    r.note = std::move(note);
    return r;
}

// Splits a normalized path into its segments (no empty ones).
std::vector<std::string_view> segmentsOf(std::string_view path)
{
    std::vector<std::string_view> out;
    std::size_t pos = 0;
    while (pos < path.size()) {
        const auto slash = path.find('/', pos);
        const auto end = slash == std::string_view::npos ? path.size() : slash;
        if (end > pos)
            out.push_back(path.substr(pos, end - pos));
        pos = end + 1;
    }
    return out;
}

struct FreeDeleter {
    void operator()(char *p) const { std::free(p); }
};

} // namespace

namespace {

// Lets the cache find a std::string key from a std::string_view without
// building a string for every lookup.
struct PathHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view path) const noexcept { return std::hash<std::string_view>{}(path); }
};

} // namespace

// Recent lookups, sharded so that I/O threads rarely wait on each other.
struct PathResolver::Cache {
    static constexpr std::size_t kShards = 16;
    static constexpr std::size_t kMaxPerShard = 1024;
    static constexpr std::int64_t kTtlNs = 1'000'000'000;
    struct Entry {
        ResolvedPath resolved;
        std::int64_t atNs = 0;
        std::uint64_t checkedIn = 0; // the Freshness::id() it was last fstat()ed for
    };
    struct Shard {
        std::mutex mutex;
        std::unordered_map<std::string, Entry, PathHash, std::equal_to<>> entries;
    };
    std::array<Shard, kShards> shards;
    // The root opened (O_PATH), shared by copies of the resolver; replaced
    // when the folder at the root's path is not the one opened any more.
    std::mutex rootMutex;
    std::shared_ptr<const FileHandle> rootDir;

    Shard &shardFor(std::string_view path) { return shards[std::hash<std::string_view>{}(path) % kShards]; }
};

PathResolver::PathResolver(std::string realRoot, Options options)
    : m_root(std::move(realRoot)), m_options(options), m_cache(std::make_shared<Cache>())
{
    // "/srv/site/" and "/srv/site" must compare the same in isWithin().
    while (m_root.size() > 1 && m_root.back() == '/')
        m_root.pop_back();
#if defined(__linux__) && defined(SYS_openat2)
    if (!m_options.followSymlinksOutside) {
        const int fd = ::open(m_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd >= 0) {
            m_cache->rootDir = std::make_shared<const FileHandle>(fd);
            m_beneath = true;
        }
    }
#endif
}

namespace {

// Bytes a plain path may hold and still need no decoding or normalizing:
// unreserved characters and '/'.
constexpr std::array<bool, 256> kPlainPathBytes = [] {
    std::array<bool, 256> table{};
    for (int c = 'a'; c <= 'z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = 'A'; c <= 'Z'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (int c = '0'; c <= '9'; ++c)
        table[static_cast<std::size_t>(c)] = true;
    for (char c : {'-', '.', '_', '~', '/'})
        table[static_cast<unsigned char>(c)] = true;
    return table;
}();

} // namespace

TargetPath PathResolver::parseTarget(std::string_view rawTarget) const
{
    // Most targets are already normalized ("/css/site.css", "/app.js?v=3"):
    // those are their own path, and the general parser below would only copy
    // them. Anything else (escapes, "//", dot segments, a fragment, control
    // bytes, limits) takes the general route.
    if (rawTarget.size() > m_options.maxTargetLength || rawTarget.empty() || rawTarget.front() != '/')
        return parseTargetGeneral(rawTarget);
    const std::size_t end = std::min(rawTarget.find('?'), rawTarget.size());
    const std::string_view rawPath = rawTarget.substr(0, end);
    std::size_t segments = 0;
    std::size_t segmentStart = 1;
    for (std::size_t i = 1; i <= rawPath.size(); ++i) {
        if (i < rawPath.size() && rawPath[i] != '/') {
            if (!kPlainPathBytes[static_cast<unsigned char>(rawPath[i])])
                return parseTargetGeneral(rawTarget);
            continue;
        }
        const std::string_view segment = rawPath.substr(segmentStart, i - segmentStart);
        if (segment.empty() ? i < rawPath.size() : segment == "." || segment == "..")
            return parseTargetGeneral(rawTarget); // "//", or a dot segment
        if (!segment.empty() && ++segments > m_options.maxSegments)
            return parseTargetGeneral(rawTarget);
        segmentStart = i + 1;
    }
    TargetPath result;
    if (end < rawTarget.size()) {
        const std::string_view query = rawTarget.substr(end + 1);
        for (char c : query)
            if (isControl(static_cast<unsigned char>(c)) || c == ' ' || c == '#')
                return parseTargetGeneral(rawTarget);
        result.hasQuery = true;
        result.query = std::string(query);
    }
    result.path = std::string(rawPath);
    return result;
}

TargetPath PathResolver::parseTargetGeneral(std::string_view rawTarget) const
{
    if (rawTarget.size() > m_options.maxTargetLength)
        return rejected(414,
                        "rejected: request target longer than " + std::to_string(m_options.maxTargetLength) + " bytes");
    for (char c : rawTarget)
        if (isControl(static_cast<unsigned char>(c)) || c == ' ')
            return rejected(400, "rejected: control character or space in the request target");

    TargetPath result;
    std::string_view rawPath = rawTarget;
    // A fragment never belongs on the wire, but if one arrives it is not path.
    if (const auto hash = rawPath.find('#'); hash != std::string_view::npos)
        rawPath = rawPath.substr(0, hash);
    if (const auto question = rawPath.find('?'); question != std::string_view::npos) {
        result.hasQuery = true;
        result.query = std::string(rawPath.substr(question + 1));
        rawPath = rawPath.substr(0, question);
    }
    if (rawPath.empty() || rawPath.front() != '/')
        return rejected(400, "rejected: request target does not start with '/'");

    // Exactly one decoding pass. What it yields is never decoded again, so
    // "%252e" stays the literal text "%2e" and cannot turn into "." later.
    std::optional<std::string> decodedPath = percentDecoded(rawPath);
    if (!decodedPath)
        return rejected(400, "rejected: invalid percent-escape in the path");
    const std::string decoded = std::move(*decodedPath);
    for (const char c : decoded) {
        // After decoding: an encoded NUL would truncate C strings, and a
        // backslash is a separator on some systems and in some browsers.
        if (isControl(static_cast<unsigned char>(c)))
            return rejected(400, "rejected: NUL or control character in the path");
        if (c == '\\')
            return rejected(400, "rejected: backslash in the path");
    }

    // Decode first, then split: a decoded "%2F" separates segments like '/'.
    // Dot segments are removed on the segment list (RFC 3986 §5.2.4): ".."
    // at the root stays at the root, so nothing can climb above it.
    std::vector<std::string_view> segments;
    bool trailingSlash = decoded.back() == '/';
    std::size_t seen = 0;
    std::size_t pos = 0;
    while (pos < decoded.size()) {
        const auto slash = decoded.find('/', pos);
        const auto end = slash == std::string::npos ? decoded.size() : slash;
        const std::string_view segment = std::string_view(decoded).substr(pos, end - pos);
        pos = end + 1;
        if (segment.empty())
            continue; // repeated slashes collapse
        if (++seen > m_options.maxSegments)
            return rejected(414, "rejected: more than " + std::to_string(m_options.maxSegments) + " path segments");
        const bool last = end == decoded.size();
        if (segment == ".") {
            trailingSlash = trailingSlash || last;
        } else if (segment == "..") {
            if (!segments.empty())
                segments.pop_back();
            trailingSlash = trailingSlash || last;
        } else {
            segments.push_back(segment);
        }
    }

    result.path = "/";
    for (std::size_t i = 0; i < segments.size(); ++i) {
        if (i > 0)
            result.path += '/';
        result.path += segments[i];
    }
    if (trailingSlash && !segments.empty())
        result.path += '/';
    return result;
}

std::string_view PathResolver::refusalFor(std::string_view name, bool isFirst, bool isLast) const
{
    if (name.starts_with('.') && !m_options.allowDotfiles && !(isFirst && name == ".well-known"))
        return "dotfile";
    if (isLast && !m_options.allowPrivateKeyFiles) {
        const std::string lower = lowercase(name);
        static constexpr std::array<std::string_view, 4> kKeySuffixes = {".pem", ".key", ".p12", ".pfx"};
        static constexpr std::array<std::string_view, 4> kKeyPrefixes = {"id_rsa", "id_ed25519", "id_ecdsa", "id_dsa"};
        for (std::string_view suffix : kKeySuffixes)
            if (lower.ends_with(suffix))
                return "private key file";
        for (std::string_view prefix : kKeyPrefixes)
            if (lower.starts_with(prefix))
                return "private key file";
    }
    return {};
}

ResolvedPath PathResolver::resolve(std::string_view path, Freshness freshness, bool cacheMisses) const
{
    Cache::Shard &shard = m_cache->shardFor(path);
    const std::int64_t now = nowNs();
    std::optional<ResolvedPath> hit;
    {
        std::lock_guard lock(shard.mutex);
        auto it = shard.entries.find(path);
        if (it != shard.entries.end() && now - it->second.atNs < Cache::kTtlNs) {
            // A folder, a cached miss, or a file already checked for this freshness.
            if (!it->second.resolved.file || freshness.trusts(it->second.checkedIn))
                return it->second.resolved;
            hit = it->second.resolved;
        }
    }
    if (hit) {
        // The descriptor shows edits at once; a file that was deleted or
        // replaced (save-and-rename) has no links left: look it up again.
        struct stat st {};
        if (::fstat(hit->file->fd(), &st) == 0 && st.st_nlink > 0) {
            hit->stat = st;
            std::lock_guard lock(shard.mutex);
            auto it = shard.entries.find(path);
            if (it != shard.entries.end() && it->second.resolved.file == hit->file) {
                it->second.resolved.stat = st;
                it->second.checkedIn = freshness.id();
            }
            return *hit;
        }
    }
    ResolvedPath fresh = resolveUncached(path);
    fresh.freshUntilNs = now;
    if (fresh.ok() || cacheMisses) {
        fresh.freshUntilNs = now + Cache::kTtlNs;
        std::lock_guard lock(shard.mutex);
        if (shard.entries.size() >= Cache::kMaxPerShard)
            shard.entries.clear();
        // A fresh lookup opened and fstat()ed the file: it counts as checked.
        shard.entries.insert_or_assign(std::string(path), Cache::Entry{fresh, now, freshness.id()});
    }
    return fresh;
}

ResolvedPath PathResolver::resolveUncached(std::string_view path) const
{
    // Policy on the name the client asked for.
    const std::vector<std::string_view> requested = segmentsOf(path);
    const bool namesDirectory = path.ends_with('/');
    for (std::size_t i = 0; i < requested.size(); ++i) {
        const bool last = i + 1 == requested.size() && !namesDirectory;
        if (const auto why = refusalFor(requested[i], i == 0, last); !why.empty())
            return notServed("refused: " + std::string(why));
    }

    if (m_beneath) {
        bool unsupported = false;
        ResolvedPath beneath = resolveBeneath(path, unsupported);
        if (!unsupported)
            return beneath;
    }

    std::string full = m_root == "/" ? std::string() : m_root;
    full += path;
    if (full.size() >= PATH_MAX)
        return notServed("not found");

    std::unique_ptr<char, FreeDeleter> real(::realpath(full.c_str(), nullptr));
    if (!real) {
        switch (errno) {
        case EACCES: return notServed("refused: permission denied by the operating system");
        case ELOOP: return notServed("refused: symlink loop");
        default: // ENOENT, ENOTDIR (a file named with a trailing '/'), ENAMETOOLONG
            return notServed("not found");
        }
    }
    ResolvedPath result;
    result.realPath = real.get();
    result = checkReached(std::move(result));
    if (!result.ok())
        return result;

    struct stat st {};
    if (::stat(result.realPath.c_str(), &st) != 0)
        return notServed("not found");
    if (S_ISDIR(st.st_mode)) {
        result.kind = ResolvedPath::Kind::Directory;
    } else if (S_ISREG(st.st_mode)) {
        result.kind = ResolvedPath::Kind::File;
        holdOpen(result, st);
    } else {
        return notServed("refused: not a regular file (device, socket or pipe)");
    }
    return result;
}

// Without openat2 (an older kernel, a sandbox that filters it, or symlinks
// out of the folder allowed) the file realpath() reached is opened here all
// the same, as resolveBeneath() does, so that the cache and the prepared
// answers check this very file by its descriptor instead of looking it up
// and building its answer afresh for every request. O_NOFOLLOW: realpath()
// left no symlink in the name, so one there now is a swap; the descriptor
// must be the file that was stat()ed. A file that cannot be held is still
// served, by name, as before.
void PathResolver::holdOpen(ResolvedPath &result, const struct stat &named)
{
    const int fd = ::open(result.realPath.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY | O_NOFOLLOW);
    if (fd < 0)
        return;
    auto handle = std::make_shared<const FileHandle>(fd);
    struct stat opened {};
    if (::fstat(fd, &opened) != 0 || !S_ISREG(opened.st_mode) || opened.st_dev != named.st_dev
        || opened.st_ino != named.st_ino)
        return;
    result.stat = opened;
    result.file = std::move(handle);
}

// Policy on the name actually reached: a symlink called "notes.txt" must
// not hand out ".env" or "server.key" from elsewhere in the folder.
ResolvedPath PathResolver::checkReached(ResolvedPath result) const
{
    if (isWithin(result.realPath, m_root)) {
        const std::string_view below = std::string_view(result.realPath).substr(m_root == "/" ? 0 : m_root.size());
        const std::vector<std::string_view> reached = segmentsOf(below);
        for (std::size_t i = 0; i < reached.size(); ++i) {
            if (const auto why = refusalFor(reached[i], i == 0, i + 1 == reached.size()); !why.empty())
                return notServed("refused: resolves to a " + std::string(why) + " via symlink");
        }
    } else if (!m_options.followSymlinksOutside) {
        return notServed("refused: resolves outside the served folder via symlink");
    } else {
        const auto slash = result.realPath.find_last_of('/');
        const std::string_view base = std::string_view(result.realPath).substr(slash + 1);
        if (const auto why = refusalFor(base, false, true); !why.empty())
            return notServed("refused: resolves to a " + std::string(why) + " via symlink");
    }
    return result;
}

ResolvedPath PathResolver::resolveBeneath(std::string_view path, bool &unsupported) const
{
#if defined(__linux__) && defined(SYS_openat2)
    std::string relative(
        path.substr(path.find_first_not_of('/') == std::string_view::npos ? path.size() : path.find_first_not_of('/')));
    if (relative.empty())
        relative = ".";
    // O_NONBLOCK: a FIFO planted in the folder cannot hang an I/O thread.
    open_how how{};
    how.flags = O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY;
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_MAGICLINKS;
    // Build tools delete and recreate their output folder, or move a new one
    // into its place: the folder opened at start is then gone or elsewhere,
    // and the one at its path is served. The old one shows as names not found
    // beneath it, or as names reached outside the root: "<root> (deleted)"
    // for "." (the folder itself, which an open descriptor keeps answering),
    // or the old folder's new name.
    std::shared_ptr<const FileHandle> root = rootHandle();
    bool reopened = false;
    enum class Root { Same, Replaced, Gone };
    auto checkRoot = [&] {
        bool gone = false;
        if (std::shared_ptr<const FileHandle> fresh = reopenReplacedRoot(root, gone)) {
            root = std::move(fresh);
            reopened = true;
            return Root::Replaced;
        }
        return gone ? Root::Gone : Root::Same;
    };
    auto folderGone = [] {
        ResolvedPath result = notServed("not found (the served folder is gone)");
        result.folderGone = true;
        return result;
    };
    int fd = -1;
    std::shared_ptr<const FileHandle> handle;
    char buf[PATH_MAX];
    ssize_t n = 0;
    for (;;) {
        fd = static_cast<int>(::syscall(SYS_openat2, root->fd(), relative.c_str(), &how, sizeof how));
        const int err = fd < 0 ? errno : 0;
        if (err == ENOENT && !reopened) {
            const Root state = checkRoot();
            if (state == Root::Replaced)
                continue;
            if (state == Root::Gone)
                return folderGone();
        }
        if (fd < 0) {
            switch (err) {
            case EXDEV:
                // RESOLVE_BENEATH also refuses absolute symlinks, even those that
                // point back inside the folder: let realpath() and the
                // containment check decide those.
                unsupported = true;
                return notServed("not found");
            case EACCES: return notServed("refused: permission denied by the operating system");
            case ELOOP: return notServed("refused: symlink loop");
            case ENOSYS: // older kernel, or a sandbox that filters the call
            case EPERM:
            case E2BIG: unsupported = true; return notServed("not found");
            default: return notServed("not found");
            }
        }
        handle = std::make_shared<const FileHandle>(fd);
        // The name the kernel reached, for the policy on symlink targets.
        const std::string link = "/proc/self/fd/" + std::to_string(fd);
        n = ::readlink(link.c_str(), buf, sizeof buf - 1);
        if (n <= 0) {
            unsupported = true; // no /proc: let realpath() decide
            return notServed("not found");
        }
        if (!reopened && !isWithin(std::string_view(buf, static_cast<std::size_t>(n)), m_root)) {
            const Root state = checkRoot();
            if (state == Root::Replaced)
                continue; // `handle` closes the old folder's descriptor
            if (state == Root::Gone)
                return folderGone();
        }
        break;
    }
    ResolvedPath result;
    result.realPath.assign(buf, static_cast<std::size_t>(n));
    result = checkReached(std::move(result));
    if (!result.ok())
        return result;
    if (::fstat(fd, &result.stat) != 0)
        return notServed("not found");
    if (S_ISDIR(result.stat.st_mode)) {
        result.kind = ResolvedPath::Kind::Directory;
    } else if (S_ISREG(result.stat.st_mode)) {
        result.kind = ResolvedPath::Kind::File;
        result.file = std::move(handle);
    } else {
        return notServed("refused: not a regular file (device, socket or pipe)");
    }
    return result;
#else
    (void)path;
    unsupported = true;
    return notServed("not found");
#endif
}

std::shared_ptr<const FileHandle> PathResolver::rootHandle() const
{
    std::lock_guard lock(m_cache->rootMutex);
    return m_cache->rootDir;
}

std::shared_ptr<const FileHandle> PathResolver::reopenReplacedRoot(const std::shared_ptr<const FileHandle> &opened,
                                                                   bool &gone) const
{
    struct stat now {};
    struct stat was {};
    if (::stat(m_root.c_str(), &now) != 0 || !S_ISDIR(now.st_mode)) {
        gone = true;
        return nullptr;
    }
    if (::fstat(opened->fd(), &was) == 0 && was.st_dev == now.st_dev && was.st_ino == now.st_ino)
        return nullptr; // the same folder: the file is simply not there
    const int fd = ::open(m_root.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        gone = true;
        return nullptr;
    }
    auto fresh = std::make_shared<const FileHandle>(fd);
    std::lock_guard lock(m_cache->rootMutex);
    if (m_cache->rootDir == opened) // else another thread replaced it first: use that one
        m_cache->rootDir = std::move(fresh);
    return m_cache->rootDir;
}

std::string PathResolver::encodePath(std::string_view decodedPath)
{
    static constexpr char kHex[] = "0123456789ABCDEF";
    std::string out;
    out.reserve(decodedPath.size());
    for (char c : decodedPath) {
        const auto u = static_cast<unsigned char>(c);
        const bool keep = (u >= 'a' && u <= 'z') || (u >= 'A' && u <= 'Z') || (u >= '0' && u <= '9')
                          || std::string_view("-._~!$&'()*+,;=:@/").find(c) != std::string_view::npos;
        if (keep) {
            out += c;
        } else {
            out += '%';
            out += kHex[u >> 4];
            out += kHex[u & 0xf];
        }
    }
    return out;
}

bool PathResolver::isWithin(std::string_view path, std::string_view root)
{
    while (root.size() > 1 && root.back() == '/')
        root.remove_suffix(1);
    if (root == "/")
        return path.starts_with('/');
    if (!path.starts_with(root))
        return false;
    // Whole components only: "/srv/site2" is not within "/srv/site".
    return path.size() == root.size() || path[root.size()] == '/';
}

} // namespace h2scope::site
