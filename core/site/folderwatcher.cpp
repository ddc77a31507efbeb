#include "folderwatcher.h"

#include <algorithm>
#include <array>
#include <set>

#ifdef __linux__
#include <cerrno>
#include <cstring>
#include <dirent.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>
#include <unordered_map>
#endif

namespace h2scope::site {

namespace {

bool endsWith(std::string_view s, std::string_view suffix)
{
    return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

bool isIgnoredFolder(std::string_view name)
{
    return name == ".git" || name == "node_modules" || name == ".hg" || name == ".svn";
}

// The scratch files editors write around a save; the real file's own event
// follows, so reloading on these would only reload twice (or too early).
bool isEditorTempName(std::string_view name)
{
    return name == "4913"                                                    // vim probes the folder with it
           || endsWith(name, "~")                                            // backups
           || name.starts_with(".#")                                         // emacs lock
           || (name.size() > 1 && name.front() == '#' && name.back() == '#') // emacs auto-save
           || endsWith(name, ".swp") || endsWith(name, ".swo") || endsWith(name, ".swx") // vim swap
           || endsWith(name, ".kate-swp") || endsWith(name, ".tmp")
           || name.find("___jb_tmp___") != std::string_view::npos // JetBrains safe write
           || name.find("___jb_old___") != std::string_view::npos
           || name.starts_with(".goutputstream-"); // GNOME's GIO atomic save
}

} // namespace

bool FolderWatcher::isIgnored(std::string_view relativePath)
{
    std::size_t start = 0;
    while (start <= relativePath.size()) {
        std::size_t end = relativePath.find('/', start);
        if (end == std::string_view::npos)
            end = relativePath.size();
        const std::string_view part = relativePath.substr(start, end - start);
        if (isIgnoredFolder(part))
            return true;
        if (end == relativePath.size())
            return !part.empty() && isEditorTempName(part);
        start = end + 1;
    }
    return false;
}

#ifdef __linux__

namespace {

constexpr std::uint32_t kWatchMask = IN_CREATE | IN_DELETE | IN_MODIFY | IN_CLOSE_WRITE | IN_MOVED_FROM | IN_MOVED_TO
                                     | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK;

// How often a served folder that is gone is looked for again.
constexpr int kRootPollMs = 100;

std::string joinRelative(const std::string &dir, std::string_view name)
{
    return dir.empty() ? std::string(name) : dir + "/" + std::string(name);
}

} // namespace

struct FolderWatcher::Impl {
    int inotifyFd = -1;
    int stopFd = -1;
    std::string root;
    std::size_t maxWatches = 0;
    std::unordered_map<int, std::string> watches; // wd -> folder relative to the root ("" = root); watcher thread
    std::atomic<std::size_t> watchCount{0};
    std::size_t unwatched = 0;
    std::size_t hits = 0; // events that changed the pending batch; watcher thread
    // Files that appeared during the pending batch, and files that went: one
    // that did both is a temporary file (sed -i, atomic saves write a file
    // and rename it over the real one) and is left out of the batch. The
    // file that ends up changed is what counts. Watcher thread.
    std::set<std::string> appeared, went;
    // The served folder itself was deleted or moved away (build tools clean
    // their output folder): its path is checked until a folder is there again.
    bool rootGone = false; // watcher thread
    // The folder holding the served one, watched for the served folder's name
    // only: a deleted folder that is still open somewhere (the server holds
    // the root open) reports no IN_DELETE_SELF until the last one closes it,
    // but its parent sees the rmdir at once. -1 when it cannot be watched.
    int parentWd = -1;
    std::string rootName;
    mutable std::mutex warningsMutex;
    std::vector<std::string> warnings;

    ~Impl()
    {
        if (inotifyFd >= 0)
            ::close(inotifyFd);
        if (stopFd >= 0)
            ::close(stopFd);
    }

    void warn(std::string text)
    {
        std::lock_guard lock(warningsMutex);
        if (warnings.size() < 8)
            warnings.push_back(std::move(text));
    }

    // Watches `relDir` and the folders below it. With `report`, the files
    // found are added to `changed`: they may have been written before the
    // watch existed (a folder copied or unpacked in). Returns false only when
    // `relDir` itself could not be watched.
    bool addTree(const std::string &relDir, std::set<std::string> *changed)
    {
        std::vector<std::string> stack{relDir};
        bool first = true;
        bool rootOk = true;
        while (!stack.empty()) {
            const std::string rel = std::move(stack.back());
            stack.pop_back();
            const std::string abs = rel.empty() ? root : root + "/" + rel;
            if (watches.size() >= maxWatches) {
                ++unwatched;
                continue;
            }
            const int wd = ::inotify_add_watch(inotifyFd, abs.c_str(), kWatchMask);
            if (wd < 0) {
                const int err = errno;
                if (first)
                    rootOk = false;
                if (err == ENOSPC)
                    ++unwatched;
                else if (err != ENOENT && err != ENOTDIR)
                    warn("cannot watch " + abs + ": " + std::strerror(err));
                first = false;
                continue;
            }
            first = false;
            watches[wd] = rel;
            DIR *dir = ::opendir(abs.c_str());
            if (!dir)
                continue;
            while (const dirent *entry = ::readdir(dir)) {
                const std::string_view name = entry->d_name;
                if (name == "." || name == "..")
                    continue;
                const std::string childRel = joinRelative(rel, name);
                if (isIgnored(childRel))
                    continue;
                bool isDir = entry->d_type == DT_DIR;
                bool isFile = entry->d_type == DT_REG;
                if (entry->d_type == DT_UNKNOWN) {
                    struct stat st {};
                    if (::lstat((abs + "/" + std::string(name)).c_str(), &st) == 0) {
                        isDir = S_ISDIR(st.st_mode);
                        isFile = S_ISREG(st.st_mode);
                    }
                }
                if (isDir)
                    stack.push_back(childRel);
                else if (isFile && changed)
                    changed->insert("/" + childRel);
            }
            ::closedir(dir);
        }
        watchCount.store(watches.size());
        if (unwatched > 0) {
            std::lock_guard lock(warningsMutex);
            const std::string text = "not watching " + std::to_string(unwatched)
                                     + " folders: the watch limit was reached (raise fs.inotify.max_user_watches)";
            if (!warnings.empty() && warnings.back().starts_with("not watching "))
                warnings.back() = text;
            else if (warnings.size() < 8)
                warnings.push_back(text);
        }
        return rootOk;
    }

    // Forgets `relDir` and everything below it (moved away: their recorded
    // paths are stale; a move back in re-adds them under the new name).
    void dropTree(const std::string &relDir)
    {
        for (auto it = watches.begin(); it != watches.end();) {
            const std::string &rel = it->second;
            if (rel == relDir || rel.starts_with(relDir + "/")) {
                ::inotify_rm_watch(inotifyFd, it->first);
                it = watches.erase(it);
            } else {
                ++it;
            }
        }
        watchCount.store(watches.size());
    }

    void handle(const inotify_event &ev, std::set<std::string> &changed)
    {
        if (ev.mask & IN_Q_OVERFLOW) {
            ++hits;
            changed.insert("/");
            addTree("", nullptr); // folders created meanwhile went unseen
            return;
        }
        if (ev.wd == parentWd) {
            handleParent(ev, changed);
            return;
        }
        const auto it = watches.find(ev.wd);
        if (it == watches.end())
            return;
        const std::string dirRel = it->second;
        if (ev.mask & IN_IGNORED) {
            watches.erase(it);
            watchCount.store(watches.size());
            rootGone = rootGone || dirRel.empty();
            return;
        }
        if (ev.mask & (IN_DELETE_SELF | IN_MOVE_SELF)) {
            if (dirRel.empty()) {
                ++hits;
                changed.insert("/"); // the served folder itself went away
                rootGone = true;
            }
            return; // a subfolder: its parent reports it by name
        }
        if (ev.len == 0)
            return;
        const std::string_view name(ev.name);
        const std::string rel = joinRelative(dirRel, name);
        if (isIgnored(rel))
            return;
        ++hits;
        if (ev.mask & IN_ISDIR) {
            if (ev.mask & IN_MOVED_FROM)
                dropTree(rel);
            if (ev.mask & (IN_CREATE | IN_MOVED_TO))
                addTree(rel, &changed);
            changed.insert("/" + rel + "/");
            return;
        }
        const std::string path = "/" + rel;
        const bool first = !changed.count(path); // its first event in this batch
        if (ev.mask & (IN_CREATE | IN_MOVED_TO)) {
            if (first)
                appeared.insert(path); // it was not there when the batch began
            went.erase(path);
        } else if (ev.mask & (IN_DELETE | IN_MOVED_FROM)) {
            went.insert(path);
        }
        changed.insert(path);
    }

    // The batch as it goes out: without the files that came and went in it.
    std::vector<std::string> settle(std::set<std::string> &pending)
    {
        std::vector<std::string> batch;
        batch.reserve(pending.size());
        for (const std::string &p : pending)
            if (!(appeared.count(p) && went.count(p)))
                batch.push_back(p);
        pending.clear();
        appeared.clear();
        went.clear();
        return batch;
    }

    void dropAll()
    {
        for (const auto &[wd, rel] : watches)
            ::inotify_rm_watch(inotifyFd, wd);
        watches.clear();
        watchCount.store(0);
    }

    void watchParent()
    {
        const std::size_t slash = root.find_last_of('/');
        if (slash == std::string::npos || slash + 1 >= root.size())
            return; // "/" has no parent
        rootName = root.substr(slash + 1);
        const std::string parent = slash == 0 ? std::string("/") : root.substr(0, slash);
        parentWd = ::inotify_add_watch(inotifyFd, parent.c_str(),
                                       IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_ONLYDIR);
    }

    void handleParent(const inotify_event &ev, std::set<std::string> &changed)
    {
        if (ev.len == 0 || !(ev.mask & IN_ISDIR) || rootName != std::string_view(ev.name))
            return;
        if (ev.mask & (IN_DELETE | IN_MOVED_FROM)) {
            dropAll(); // what is left of the old tree is not served any more
            rootGone = true;
            ++hits;
            changed.insert("/");
        }
        if (ev.mask & (IN_CREATE | IN_MOVED_TO))
            rewatchRoot(changed);
    }

    // While the served folder is gone: once a folder is at its path again,
    // watches it (and what was already written into it) afresh. The old
    // watches, on folders that are gone or moved elsewhere, are dropped.
    bool rewatchRoot(std::set<std::string> &changed)
    {
        struct stat st {};
        if (::stat(root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
            return false;
        dropAll();
        if (!addTree("", &changed))
            return false;
        rootGone = false;
        ++hits;
        changed.insert("/");
        return true;
    }

    // Reads what the kernel has queued (non-blocking fd). False on a read
    // error other than "nothing more".
    bool readEvents(std::set<std::string> &changed)
    {
        alignas(inotify_event) std::array<char, 16384> buffer;
        for (int rounds = 0; rounds < 64; ++rounds) {
            const ssize_t n = ::read(inotifyFd, buffer.data(), buffer.size());
            if (n < 0) {
                if (errno == EINTR)
                    continue;
                return errno == EAGAIN;
            }
            if (n == 0)
                return true;
            for (ssize_t offset = 0; offset + static_cast<ssize_t>(sizeof(inotify_event)) <= n;) {
                const auto *ev = reinterpret_cast<const inotify_event *>(buffer.data() + offset);
                handle(*ev, changed);
                offset += static_cast<ssize_t>(sizeof(inotify_event) + ev->len);
            }
        }
        return true;
    }
};

FolderWatcher::FolderWatcher(std::string root, Callback callback, Options options)
    : m_root(std::move(root)), m_callback(std::move(callback)), m_options(options)
{
    while (m_root.size() > 1 && m_root.back() == '/')
        m_root.pop_back();
}

FolderWatcher::~FolderWatcher()
{
    stop();
}

bool FolderWatcher::supported()
{
    return true;
}

Result<void> FolderWatcher::start()
{
    if (m_thread.joinable())
        return makeError(Errc::InvalidArgument, "the folder watcher is already running");
    struct stat st {};
    if (::stat(m_root.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
        return makeError(Errc::NotFound, "cannot watch " + m_root + ": not a folder");

    auto impl = std::make_unique<Impl>();
    impl->root = m_root;
    impl->maxWatches = std::max<std::size_t>(1, m_options.maxWatches);
    impl->inotifyFd = ::inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (impl->inotifyFd < 0)
        return makeError(Errc::Io, std::string("cannot watch the folder for live reload: inotify: ")
                                       + std::strerror(errno) + " (raise fs.inotify.max_user_instances)");
    impl->stopFd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    if (impl->stopFd < 0)
        return makeError(Errc::Io, std::string("cannot watch the folder: eventfd: ") + std::strerror(errno));
    if (!impl->addTree("", nullptr))
        return makeError(Errc::Io, "cannot watch " + m_root + " for live reload: " + std::strerror(errno));
    impl->watchParent();

    m_impl = std::move(impl);
    m_running.store(true);
    m_thread = std::thread([this] {
        const Clock &clock = Clock::orSteady(m_options.clock);
        Impl &d = *m_impl;
        std::set<std::string> pending;
        Clock::time_point firstAt{};
        Clock::time_point lastAt{};
        for (;;) {
            int timeoutMs = -1;
            if (!pending.empty()) {
                const auto deadline = std::min(lastAt + m_options.debounce, firstAt + m_options.maxDelay);
                const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock.now());
                timeoutMs = static_cast<int>(std::max<std::int64_t>(0, left.count()));
            }
            if (d.rootGone)
                timeoutMs = timeoutMs < 0 ? kRootPollMs : std::min(timeoutMs, kRootPollMs);
            std::array<pollfd, 2> fds{{{d.inotifyFd, POLLIN, 0}, {d.stopFd, POLLIN, 0}}};
            const int rc = ::poll(fds.data(), fds.size(), timeoutMs);
            if (rc < 0 && errno != EINTR) {
                d.warn(std::string("stopped watching: poll: ") + std::strerror(errno));
                break;
            }
            if (fds[1].revents != 0)
                break;
            if (rc > 0 && (fds[0].revents & POLLIN)) {
                const bool wasEmpty = pending.empty();
                const std::size_t hitsBefore = d.hits;
                if (!d.readEvents(pending)) {
                    d.warn(std::string("stopped watching: read: ") + std::strerror(errno));
                    break;
                }
                if (d.hits != hitsBefore && !pending.empty()) {
                    const auto now = clock.now();
                    if (wasEmpty)
                        firstAt = now;
                    lastAt = now;
                }
            }
            if (d.rootGone) {
                const bool wasEmpty = pending.empty();
                if (d.rewatchRoot(pending)) {
                    const auto now = clock.now();
                    if (wasEmpty)
                        firstAt = now;
                    lastAt = now;
                }
            }
            if (!pending.empty()) {
                const auto now = clock.now();
                if (now >= lastAt + m_options.debounce || now >= firstAt + m_options.maxDelay) {
                    std::vector<std::string> batch = d.settle(pending);
                    if (m_callback && !batch.empty())
                        m_callback(std::move(batch));
                }
            }
        }
        m_running.store(false);
    });
    return {};
}

void FolderWatcher::stop()
{
    if (!m_thread.joinable())
        return;
    const std::uint64_t one = 1;
    [[maybe_unused]] const ssize_t n = ::write(m_impl->stopFd, &one, sizeof one);
    m_thread.join();
    m_running.store(false);
    m_impl.reset();
}

std::size_t FolderWatcher::watchCount() const
{
    return m_impl ? m_impl->watchCount.load() : 0;
}

std::vector<std::string> FolderWatcher::warnings() const
{
    if (!m_impl)
        return {};
    std::lock_guard lock(m_impl->warningsMutex);
    return m_impl->warnings;
}

#else // not Linux: documented stub

struct FolderWatcher::Impl {};

FolderWatcher::FolderWatcher(std::string root, Callback callback, Options options)
    : m_root(std::move(root)), m_callback(std::move(callback)), m_options(options)
{}

FolderWatcher::~FolderWatcher() = default;

bool FolderWatcher::supported()
{
    return false;
}

Result<void> FolderWatcher::start()
{
    return makeError(Errc::Unsupported, "watching not supported on this platform: live reload stays off");
}

void FolderWatcher::stop() {}

std::size_t FolderWatcher::watchCount() const
{
    return 0;
}

std::vector<std::string> FolderWatcher::warnings() const
{
    return {};
}

#endif

} // namespace h2scope::site
