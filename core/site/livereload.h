#pragma once
// Live reload: the hub between the folder watcher and the pages open in
// browsers. Each page loads /__h2scope/livereload.js (injected into HTML by
// StaticSite), which opens an EventSource on /__h2scope/livereload: a
// server-sent-events stream carried like any other response (over the same
// HTTP/2 connection, visible in the inspector). When files change the hub
// sends, to every open stream,
//     event: css\ndata: /css/site.css\n\n     (only stylesheets changed:
//                                              swapped in place, one event per file)
//     event: reload\ndata: /index.html\n\n    (anything else: the page reloads)
//
// Injection and its validators: the injected page is built in memory, so its
// Content-Length is exact; its ETag is the file's with an "-lr" suffix, so a
// cache never mixes the injected and the plain bytes; Range requests on an
// injected page are answered with the full 200 (Accept-Ranges: none), since
// byte offsets of a page that changes size with the option would mislead.

#include "response.h"

#include <cstddef>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

class LiveReload final {
public:
    // Everything below this prefix is h2scope's own and never read from disk.
    static constexpr std::string_view kReservedPrefix = "/__h2scope/";
    static constexpr std::string_view kEventsPath = "/__h2scope/livereload";
    static constexpr std::string_view kScriptPath = "/__h2scope/livereload.js";
    // What is injected into HTML pages.
    static constexpr std::string_view kScriptTag = "<script src=\"/__h2scope/livereload.js\" defer></script>";

    LiveReload() = default;
    LiveReload(const LiveReload &) = delete;
    LiveReload &operator=(const LiveReload &) = delete;

    // A new event stream: 200, content-type text/event-stream, cache-control
    // no-store, a first "retry:" line, and Response::live registered with the
    // hub. Streams whose connection went away are pruned on the next
    // broadcast. Any thread.
    Response subscribe();

    // The client script (application/javascript, no-store). Any thread.
    static Response scriptResponse();

    // Tells every open stream what changed (URL paths, as FolderWatcher
    // reports them): one `css` event per path when every path ends in .css,
    // else a single `reload` event naming the first non-css path. Returns
    // the number of streams written to. Any thread (the watcher's).
    std::size_t notifyChanged(const std::vector<std::string> &urlPaths);

    // Sends one event to every open stream; `data` must be a single line
    // (newlines are replaced by spaces). Returns the streams written to.
    std::size_t broadcast(std::string_view event, std::string_view data);

    // An SSE comment line, so idle timeouts never end a quiet stream. Call
    // every few tens of seconds. Any thread.
    void heartbeat();

    // Ends every stream (shutdown). Later subscriptions still work. Any thread.
    void closeAll();

    // Open streams (after pruning the ones already closed). Any thread.
    std::size_t subscriberCount();

    // `html` with kScriptTag inserted before the last </body> (any case), or
    // appended when there is none. Pure.
    static std::string injectScript(std::string_view html);

private:
    // Live streams, pruned of closed/expired ones. Caller holds m_mutex.
    std::vector<std::shared_ptr<LiveBody>> liveLocked();

    std::mutex m_mutex;
    std::vector<std::weak_ptr<LiveBody>> m_subscribers;
};

} // namespace h2scope::site
