#include "livereload.h"

#include "site/websocket.h"
#include "text.h"

#include <algorithm>

namespace h2scope::site {

namespace {

// The page side. A same-origin WebSocket (which the browser carries over
// the page's HTTP/2 connection when it does RFC 8441), reconnecting after a
// second when it drops; only when the first one cannot open at all (a proxy
// that refuses WebSocket, say) an EventSource on the same path, which
// reconnects by itself after the `retry:` delay. css events swap matching
// stylesheets by cloning the <link> with a cache-busting query and dropping
// the old one once the new one has loaded (no flash of unstyled content); a
// stylesheet that no <link> names (an @import, say) refreshes every
// same-origin stylesheet; reload events reload the page, no sooner than
// 2.1 s after it loaded (see SiteOptions::kHintedCacheControl).
// window.__h2scopeLiveReload says which transport is in use.
constexpr std::string_view kScript =
    R"JS(// h2scope live reload: injected by the development server, not part of your site.
(() => {
  if (window.__h2scopeLiveReload) return;
  window.__h2scopeLiveReload = 'connecting';
  const path = '/__h2scope/livereload';
  const swap = (link) => {
    const url = new URL(link.href, location.href);
    url.searchParams.set('h2scope-reload', Date.now().toString());
    const next = link.cloneNode();
    next.href = url.href;
    const done = () => link.remove();
    next.addEventListener('load', done);
    next.addEventListener('error', done);
    link.after(next);
  };
  const css = (changed) => {
    const links = [...document.querySelectorAll('link[rel~="stylesheet"][href]')]
      .filter((link) => new URL(link.href, location.href).origin === location.origin);
    const named = links.filter((link) => {
      try { return decodeURIComponent(new URL(link.href, location.href).pathname) === changed; }
      catch { return false; }
    });
    (named.length ? named : links).forEach(swap);
  };
  // Assets a 103 Early Hints announced are fresh for 2 s (max-age=2): a
  // reload sooner could reuse one from before the edit.
  const reload = () => setTimeout(() => location.reload(), Math.max(0, 2100 - performance.now()));
  const handle = (event, data) => {
    if (event === 'css') css(data);
    else if (event === 'reload') reload();
  };
  const eventSource = () => {
    window.__h2scopeLiveReload = 'eventsource';
    const source = new EventSource(path);
    source.addEventListener('css', (e) => handle('css', e.data));
    source.addEventListener('reload', (e) => handle('reload', e.data));
  };
  let everOpened = false;
  const connect = () => {
    let socket;
    try { socket = new WebSocket(location.origin.replace(/^http/, 'ws') + path); }
    catch { eventSource(); return; }
    socket.onopen = () => { everOpened = true; window.__h2scopeLiveReload = 'websocket'; };
    socket.onmessage = (m) => {
      const text = String(m.data);
      const nl = text.indexOf('\n');
      if (nl > 0) handle(text.slice(0, nl), text.slice(nl + 1));
    };
    socket.onclose = () => {
      if (everOpened) setTimeout(connect, 1000);
      else eventSource();
    };
  };
  if (typeof WebSocket === 'function') connect();
  else eventSource();
})();
)JS";

bool isCss(std::string_view path)
{
    if (path.size() < 4)
        return false;
    return lowercase(path.substr(path.size() - 4)) == ".css";
}

std::string oneLine(std::string_view text)
{
    std::string out(text);
    std::replace_if(
        out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return out;
}

} // namespace

Response LiveReload::subscribe()
{
    Response response;
    response.headers = {
        {"content-type", "text/event-stream"}, {"cache-control", "no-store"}, {"x-content-type-options", "nosniff"}};
    response.live = std::make_shared<LiveBody>();
    // The reconnect delay, and a first chunk so the client sees the stream open.
    response.live->push("retry: 1000\n: h2scope live reload\n\n");
    response.note = "live reload event stream";
    add(response.live, false);
    return response;
}

void LiveReload::add(const std::shared_ptr<LiveBody> &body, bool webSocket)
{
    std::lock_guard lock(m_mutex);
    liveLocked(); // prune before growing
    m_subscribers.push_back(Subscriber{body, webSocket});
}

Response LiveReload::subscribeWebSocket(const Request &request)
{
    namespace ws = websocket;
    Response response;
    const std::string *version = request.header("sec-websocket-version");
    if (!version || *version != "13") {
        response.status = 426;
        response.headers = {{"sec-websocket-version", "13"}, {"content-type", "text/plain; charset=utf-8"}};
        response.body = Body::fromString("426: live reload speaks WebSocket version 13 (RFC 6455)\n");
        response.note = "WebSocket refused: Sec-WebSocket-Version is not 13";
        return response;
    }
    if (request.protocol == Protocol::Http1) {
        const std::string *key = request.header("sec-websocket-key");
        if (!key || !ws::validClientKey(*key)) {
            response.status = 400;
            response.headers = {{"content-type", "text/plain; charset=utf-8"}};
            response.body =
                Body::fromString("400: a WebSocket handshake needs a Sec-WebSocket-Key of 16 bytes in base64\n");
            response.note = "WebSocket refused: no valid Sec-WebSocket-Key";
            return response;
        }
        response.status = 101;
        response.headers = {{"sec-websocket-accept", ws::acceptKey(*key)}};
    } else {
        response.status = 200; // RFC 8441 §5: the extended CONNECT succeeded
    }
    response.headers.push_back({"cache-control", "no-store"});
    response.live = std::make_shared<LiveBody>();
    // The client's frames: Ping answered, Close echoed, anything malformed
    // closed with 1002; messages read and dropped.
    response.live->setInbound([reader = std::make_shared<ws::Reader>()](LiveBody &body, std::string_view bytes) {
        std::vector<ws::Event> events;
        reader->feed(bytes, events);
        for (ws::Event &event : events) {
            switch (event.kind) {
            case ws::Event::Kind::Ping: body.push(ws::serverFrame(ws::Opcode::Pong, event.payload)); break;
            case ws::Event::Kind::Close:
                body.push(ws::closeFrame(event.code)); // echoed (RFC 6455 §5.5.1)
                body.close();
                break;
            case ws::Event::Kind::Error:
                body.push(ws::closeFrame(event.code, event.payload));
                body.close();
                break;
            case ws::Event::Kind::Pong:
            case ws::Event::Kind::Message: break;
            }
        }
    });
    response.note = "live reload WebSocket";
    add(response.live, true);
    return response;
}

Response LiveReload::scriptResponse()
{
    Response response;
    response.headers = {{"content-type", "text/javascript; charset=utf-8"},
                        {"cache-control", "no-store"},
                        {"x-content-type-options", "nosniff"},
                        {"content-length", std::to_string(kScript.size())}};
    response.body = Body::fromString(std::string(kScript));
    return response;
}

std::vector<LiveReload::Live> LiveReload::liveLocked()
{
    std::vector<Live> live;
    live.reserve(m_subscribers.size());
    std::vector<Subscriber> kept;
    kept.reserve(m_subscribers.size());
    for (const Subscriber &s : m_subscribers) {
        std::shared_ptr<LiveBody> body = s.body.lock();
        if (!body || body->closed())
            continue;
        kept.push_back(Subscriber{body, s.webSocket});
        live.push_back(Live{std::move(body), s.webSocket});
    }
    m_subscribers = std::move(kept);
    return live;
}

std::vector<LiveReload::Live> LiveReload::live()
{
    std::lock_guard lock(m_mutex);
    return liveLocked();
}

std::size_t LiveReload::broadcast(std::string_view event, std::string_view data)
{
    const std::string sse = "event: " + oneLine(event) + "\ndata: " + oneLine(data) + "\n\n";
    const std::string frame = websocket::serverFrame(websocket::Opcode::Text, oneLine(event) + "\n" + oneLine(data));
    // Pushed outside the lock: push() wakes connection threads.
    const std::vector<Live> subscribers = live();
    for (const Live &s : subscribers)
        s.body->push(s.webSocket ? frame : sse);
    return subscribers.size();
}

std::size_t LiveReload::notifyChanged(const std::vector<std::string> &urlPaths)
{
    if (urlPaths.empty())
        return 0;
    const auto other = std::find_if(urlPaths.begin(), urlPaths.end(), [](const std::string &p) { return !isCss(p); });
    if (other != urlPaths.end())
        return broadcast("reload", *other);
    std::size_t written = 0;
    for (const std::string &path : urlPaths)
        written = std::max(written, broadcast("css", path));
    return written;
}

void LiveReload::heartbeat()
{
    const std::string ping = websocket::serverFrame(websocket::Opcode::Ping, {});
    for (const Live &s : live())
        s.body->push(s.webSocket ? ping : std::string(": ping\n\n"));
}

void LiveReload::closeAll()
{
    std::vector<Live> subscribers;
    {
        std::lock_guard lock(m_mutex);
        subscribers = liveLocked();
        m_subscribers.clear();
    }
    for (const Live &s : subscribers) {
        if (s.webSocket)
            s.body->push(websocket::closeFrame(websocket::kGoingAway, "h2scope is stopping"));
        s.body->close();
    }
}

std::size_t LiveReload::subscriberCount()
{
    return live().size();
}

std::string LiveReload::injectScript(std::string_view html)
{
    // The last "</body" in any case; a later one in a comment or script
    // would be odd but harmless (the tag still runs).
    std::size_t at = std::string_view::npos;
    for (std::size_t i = html.size(); i-- > 0;) {
        if (html[i] != '<' || i + 6 > html.size())
            continue;
        if (lowercase(html.substr(i, 6)) == "</body") {
            at = i;
            break;
        }
    }
    std::string out;
    out.reserve(html.size() + kScriptTag.size() + 1);
    if (at == std::string_view::npos) {
        out.append(html);
        if (!out.empty() && out.back() != '\n')
            out += '\n';
        out.append(kScriptTag);
        out += '\n';
    } else {
        out.append(html.substr(0, at));
        out.append(kScriptTag);
        out.append(html.substr(at));
    }
    return out;
}

} // namespace h2scope::site
