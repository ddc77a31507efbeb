#pragma once
// Watches the served folder for changes, for live reload. Linux: inotify,
// recursive (new subfolders are watched as they appear), debounced, on its
// own thread. Other platforms: a stub whose start() fails with
// Errc::Unsupported ("watching not supported on this platform"), so the app
// serves as usual and only live reload stays quiet.
//
// What is ignored: anything under .git, .hg, .svn or node_modules, and the
// temporary files editors write next to the real one (vim's .x.swp and 4913,
// backup~ files, emacs' .#lock and #auto-save#, kate's .x.kate-swp, *.tmp,
// JetBrains' ___jb_tmp___, GNOME's .goutputstream-*), and any file that
// appears and goes again within one batch, whatever its name (sed -i's
// sedXXXXXX, the temporary file an atomic save renames over the real one):
// the batch names the file that ends up changed. Symlinked folders are
// not followed (their targets may lie outside the served folder). When the
// served folder itself is deleted or moved away (a build tool cleaning its
// output folder), which its parent folder's watch reports, it is reported as
// "/"; once a folder is at its path again (the parent's watch says so, or a
// look every 100 ms while it is gone) it is watched afresh, reported as "/".

#include "clock.h"
#include "result.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace h2scope::site {

class FolderWatcher final {
public:
    // Receives a batch: the URL paths of what changed ("/css/site.css", decoded,
    // relative to the root, sorted, no duplicates). "/" alone means "something
    // changed, rescan" (the kernel queue overflowed, or the root itself went).
    // A deleted or renamed folder is reported as its own path ("/old/").
    // Called on the watcher's thread; must not call stop() on this watcher.
    using Callback = std::function<void(std::vector<std::string> urlPaths)>;

    struct Options {
        // A batch is delivered once no event arrived for this long...
        std::chrono::milliseconds debounce{100};
        // ...or when the first event of the batch is this old (a file written
        // continuously still reloads the page now and then).
        std::chrono::milliseconds maxDelay{1000};
        // At most this many folders are watched (the kernel's own limit,
        // fs.inotify.max_user_watches, may be lower); the rest go unwatched
        // and warnings() says so.
        std::size_t maxWatches = 8192;
        // Where the debounce reads the time; null: the steady clock. Outlives
        // the watcher.
        const Clock *clock = nullptr;
    };

    FolderWatcher(std::string root, Callback callback, Options options);
    FolderWatcher(std::string root, Callback callback) : FolderWatcher(std::move(root), std::move(callback), Options{})
    {}
    // Stops the thread (see stop()).
    ~FolderWatcher();
    FolderWatcher(const FolderWatcher &) = delete;
    FolderWatcher &operator=(const FolderWatcher &) = delete;

    // Watches `root` and everything below it, then starts the thread. Fails
    // with Errc::Unsupported off Linux, Errc::NotFound when `root` is not a
    // folder, Errc::Io when inotify is unavailable (e.g. the per-user instance
    // limit), or Errc::InvalidArgument when already started. Call from one
    // thread, as stop() is.
    Result<void> start();

    // Ends the thread and drops a pending batch; returns once the thread has
    // joined, so the callback is not running afterwards. Idempotent. Never
    // call it from the callback.
    void stop();

    bool running() const { return m_running.load(); }
    // Folders currently watched. Any thread, but not during start()/stop().
    std::size_t watchCount() const;
    // Problems that did not stop watching ("not watching 120 folders: the
    // watch limit was reached"); at most a handful. Any thread, but not
    // during start()/stop().
    std::vector<std::string> warnings() const;

    // True when changes to `relativePath` ("a/b.css", no leading '/') are
    // ignored: a .git/node_modules/.hg/.svn component or an editor temp name.
    static bool isIgnored(std::string_view relativePath);
    // False on platforms where start() always fails.
    static bool supported();

private:
    struct Impl;

    std::string m_root;
    Callback m_callback;
    Options m_options;
    std::unique_ptr<Impl> m_impl;
    std::thread m_thread;
    std::atomic<bool> m_running{false};
};

} // namespace h2scope::site
