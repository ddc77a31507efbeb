#include "livereload.h"

#include <algorithm>
#include <cctype>

namespace h2scope::site {

namespace {

// The page side. Same-origin EventSource (it reconnects by itself after the
// `retry:` delay); css events swap matching stylesheets by cloning the <link>
// with a cache-busting query and dropping the old one once the new one has
// loaded (no flash of unstyled content); a stylesheet that no <link> names
// (an @import, say) refreshes every same-origin stylesheet; reload events
// reload the page, no sooner than 2.1 s after it loaded (see
// SiteOptions::kHintedCacheControl).
constexpr std::string_view kScript = R"JS(// h2scope live reload: injected by the development server, not part of your site.
(() => {
  if (window.__h2scopeLiveReload) return;
  window.__h2scopeLiveReload = true;
  const source = new EventSource('/__h2scope/livereload');
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
  source.addEventListener('css', (event) => {
    const links = [...document.querySelectorAll('link[rel~="stylesheet"][href]')]
      .filter((link) => new URL(link.href, location.href).origin === location.origin);
    const named = links.filter((link) => {
      try { return decodeURIComponent(new URL(link.href, location.href).pathname) === event.data; }
      catch { return false; }
    });
    (named.length ? named : links).forEach(swap);
  });
  // Assets a 103 Early Hints announced are fresh for 2 s (max-age=2): a
  // reload sooner could reuse one from before the edit.
  source.addEventListener('reload', () =>
    setTimeout(() => location.reload(), Math.max(0, 2100 - performance.now())));
})();
)JS";

bool isCss(std::string_view path)
{
    if (path.size() < 4)
        return false;
    std::string tail(path.substr(path.size() - 4));
    std::transform(tail.begin(), tail.end(), tail.begin(), [](unsigned char c) { return std::tolower(c); });
    return tail == ".css";
}

std::string oneLine(std::string_view text)
{
    std::string out(text);
    std::replace_if(out.begin(), out.end(), [](char c) { return c == '\n' || c == '\r'; }, ' ');
    return out;
}

} // namespace

Response LiveReload::subscribe()
{
    Response response;
    response.headers = {{"content-type", "text/event-stream"},
                        {"cache-control", "no-store"},
                        {"x-content-type-options", "nosniff"}};
    response.live = std::make_shared<LiveBody>();
    // The reconnect delay, and a first chunk so the client sees the stream open.
    response.live->push("retry: 1000\n: h2scope live reload\n\n");
    response.note = "live reload event stream";
    std::lock_guard lock(m_mutex);
    liveLocked(); // prune before growing
    m_subscribers.push_back(response.live);
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

std::vector<std::shared_ptr<LiveBody>> LiveReload::liveLocked()
{
    std::vector<std::shared_ptr<LiveBody>> live;
    live.reserve(m_subscribers.size());
    std::vector<std::weak_ptr<LiveBody>> kept;
    kept.reserve(m_subscribers.size());
    for (const auto &weak : m_subscribers) {
        std::shared_ptr<LiveBody> body = weak.lock();
        if (!body || body->closed())
            continue;
        kept.push_back(body);
        live.push_back(std::move(body));
    }
    m_subscribers = std::move(kept);
    return live;
}

std::size_t LiveReload::broadcast(std::string_view event, std::string_view data)
{
    const std::string message = "event: " + oneLine(event) + "\ndata: " + oneLine(data) + "\n\n";
    std::vector<std::shared_ptr<LiveBody>> live;
    {
        std::lock_guard lock(m_mutex);
        live = liveLocked();
    }
    // Pushed outside the lock: push() wakes connection threads.
    for (const auto &body : live)
        body->push(message);
    return live.size();
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
    std::vector<std::shared_ptr<LiveBody>> live;
    {
        std::lock_guard lock(m_mutex);
        live = liveLocked();
    }
    for (const auto &body : live)
        body->push(": ping\n\n");
}

void LiveReload::closeAll()
{
    std::vector<std::shared_ptr<LiveBody>> live;
    {
        std::lock_guard lock(m_mutex);
        live = liveLocked();
        m_subscribers.clear();
    }
    for (const auto &body : live)
        body->close();
}

std::size_t LiveReload::subscriberCount()
{
    std::lock_guard lock(m_mutex);
    return liveLocked().size();
}

std::string LiveReload::injectScript(std::string_view html)
{
    // The last "</body" in any case; a later one in a comment or script
    // would be odd but harmless (the tag still runs).
    std::size_t at = std::string_view::npos;
    for (std::size_t i = html.size(); i-- > 0;) {
        if (html[i] != '<' || i + 6 > html.size())
            continue;
        std::string word(html.substr(i, 6));
        std::transform(word.begin(), word.end(), word.begin(), [](unsigned char c) { return std::tolower(c); });
        if (word == "</body") {
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
