#pragma once
// Live reload: the hub between the folder watcher and the pages open in
// browsers. Each page loads /__h2scope/livereload.js (injected into HTML by
// StaticSite), which opens a WebSocket on /__h2scope/livereload: over the
// page's own HTTP/2 connection where the browser does RFC 8441 (an extended
// CONNECT stream, visible in the inspector like any other), else an
// HTTP/1.1 Upgrade. A WebSocket is not a resource load, so a page holding
// one still reaches network idle (headless screenshots with
// --virtual-time-budget, Puppeteer's networkidle0). Where WebSocket fails
// the script falls back to an EventSource on the same path: a
// server-sent-events stream, which browsers count as a request in flight.
//
// When files change the hub sends, to every open subscriber,
//     css + /css/site.css       (only stylesheets changed: swapped in
//                                place, one event per file)
//     reload + /index.html      (anything else: the page reloads)
// as SSE (`event: css\ndata: /css/site.css\n\n`) or as one WebSocket text
// message (`css\n/css/site.css`: the event, a newline, the data).
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

    // A WebSocket subscriber, for a request whose `upgrade` is "websocket":
    // 101 with Sec-WebSocket-Accept over HTTP/1.1, 200 over HTTP/2; 426 for
    // a Sec-WebSocket-Version other than 13, 400 for a missing or malformed
    // Sec-WebSocket-Key (HTTP/1.1). The body answers the client's Ping,
    // echoes its Close and ends, and closes with 1002 when the client breaks
    // the protocol; messages the client sends are read and dropped. Any thread.
    Response subscribeWebSocket(const Request &request);

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

    // An SSE comment line or a WebSocket Ping, so idle timeouts never end a
    // quiet subscriber. Call every few tens of seconds. Any thread.
    void heartbeat();

    // Ends every stream (shutdown; WebSockets get a Close 1001 first). Later
    // subscriptions still work. Any thread.
    void closeAll();

    // Open streams (after pruning the ones already closed). Any thread.
    std::size_t subscriberCount();

    // `html` with kScriptTag inserted before the last </body> (any case), or
    // appended when there is none. Pure.
    static std::string injectScript(std::string_view html);

private:
    struct Subscriber {
        std::weak_ptr<LiveBody> body;
        bool webSocket = false;
    };
    struct Live {
        std::shared_ptr<LiveBody> body;
        bool webSocket = false;
    };
    void add(const std::shared_ptr<LiveBody> &body, bool webSocket);
    // Live subscribers, pruned of closed/expired ones. Caller holds m_mutex.
    std::vector<Live> liveLocked();
    std::vector<Live> live();

    std::mutex m_mutex;
    std::vector<Subscriber> m_subscribers;
};

} // namespace h2scope::site
