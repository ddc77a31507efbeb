#include "lab/pageloader.h"

#include "lab/clientconnection.h"
#include "lab/clienttls.h"
#include "lab/linkemulator.h"
#include "lab/pageassets.h"
#include "site/htmlassets.h"
#include "site/httptokens.h"
#include "site/jsimports.h"
#include "site/modulegraph.h"
#include "site/pathresolver.h"
#include "text.h"

#include <algorithm>
#include <deque>
#include <map>
#include <optional>
#include <set>

namespace h2scope::lab {

namespace {

using Clock = LinkEmulator::Clock;

std::string destinationForPath(const std::string &path)
{
    std::string p = path.substr(0, path.find('?'));
    const std::size_t dot = p.rfind('.');
    const std::string ext = dot == std::string::npos ? std::string() : p.substr(dot + 1);
    if (ext == "css")
        return "style";
    if (ext == "js" || ext == "mjs")
        return "script";
    if (ext == "woff2" || ext == "woff" || ext == "ttf" || ext == "otf")
        return "font";
    if (ext == "png" || ext == "jpg" || ext == "jpeg" || ext == "gif" || ext == "svg" || ext == "webp" || ext == "avif"
        || ext == "ico")
        return "image";
    return "fetch";
}

// The URL path without its query, percent-decoded (discovery re-encodes it);
// as it is when it is not validly encoded (the server then answers 400).
std::string decodePath(const std::string &page)
{
    const std::string path = page.substr(0, page.find('?'));
    return percentDecoded(path).value_or(path);
}

// One page load: owns the io_context, the link, the connections and the waterfall.
class LoadSession final : public ConnectionObserver {
public:
    explicit LoadSession(const LoadOptions &options)
        : m_options(options), m_link(LinkEmulator::Options{options.network, 1460, options.seed}), m_timeout(m_io)
    {}

    Result<LoadResult> run();

    // Forwarded from the per-connection sinks.
    void informational(std::uint64_t conn, std::int32_t stream, int status, const HeaderList &headers);
    void responseHeaders(std::uint64_t conn, std::int32_t stream, int status, const HeaderList &headers);
    void body(std::uint64_t conn, std::int32_t stream, std::string_view data);
    void streamEnd(std::uint64_t conn, std::int32_t stream, bool complete);
    void pushPromise(std::uint64_t conn, std::int32_t promised, const std::string &path);

    void onConnectionReady(ClientConnection &connection) override;
    void onConnectionLost(ClientConnection &connection, const Error &error) override;

private:
    struct Sink final : ResponseSink {
        Sink(LoadSession &s, std::uint64_t c) : session(s), conn(c) {}
        void onInformational(std::int32_t st, int status, const HeaderList &h) override
        {
            session.informational(conn, st, status, h);
        }
        void onResponseHeaders(std::int32_t st, int status, const HeaderList &h) override
        {
            session.responseHeaders(conn, st, status, h);
        }
        void onBody(std::int32_t st, std::string_view d) override { session.body(conn, st, d); }
        void onStreamEnd(std::int32_t st, bool complete) override { session.streamEnd(conn, st, complete); }
        void onPushPromise(std::int32_t, std::int32_t promised, const std::string &path) override
        {
            session.pushPromise(conn, promised, path);
        }
        LoadSession &session;
        std::uint64_t conn;
    };

    bool http2() const { return m_options.mode != LoadMode::Http1; }
    std::int64_t nowUs() const
    {
        return std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - m_epoch).count();
    }
    ResourceTiming *find(std::uint64_t conn, std::int32_t stream);
    void need(const std::string &path, const std::string &as, const char *initiator, bool module = false);
    void followImports(std::string_view code, const std::string &importerPath);
    void needAll(const std::vector<site::PreloadLink> &links, const char *initiator);
    ClientConnection &openConnection();
    bool send(ClientConnection &conn, std::size_t index);
    void dispatch();
    void checkDone();
    void finish(std::optional<Error> error);
    HeaderList requestHeaders(const ResourceTiming &r) const;

    LoadOptions m_options;
    asio::io_context m_io;
    LinkEmulator m_link;
    asio::steady_timer m_timeout;
    Clock::time_point m_epoch;
    std::shared_ptr<SSL_CTX> m_tlsContext;
    asio::ip::tcp::endpoint m_endpoint;
    std::string m_authority;
    std::string m_decodedPage;
    site::ImportMap m_importMap;      // the page's, for bare specifiers
    std::set<std::size_t> m_imported; // resources the page's module graph reached (by import or module script)

    std::vector<std::unique_ptr<Sink>> m_sinks;
    std::vector<std::unique_ptr<ClientConnection>> m_conns;
    std::vector<ResourceTiming> m_res;
    std::map<std::string, std::size_t> m_byPath;
    std::map<std::pair<std::uint64_t, std::int32_t>, std::size_t> m_byStream;
    std::deque<std::size_t> m_pending;
    std::map<std::size_t, std::string> m_text; // bodies the loader parses: the HTML, stylesheets, modules
    std::uint32_t m_earlyHints = 0, m_promises = 0;
    bool m_finished = false;
    std::optional<Error> m_error;
};

Result<LoadResult> LoadSession::run()
{
    std::error_code ec;
    const asio::ip::address address = asio::ip::make_address(m_options.host, ec);
    if (ec)
        return makeError(Errc::InvalidArgument, "\"" + m_options.host + "\" is not an IP address");
    if (m_options.page.empty() || m_options.page.front() != '/')
        return makeError(Errc::InvalidArgument, "the page must be a URL path starting with '/'");
    m_decodedPage = decodePath(m_options.page);
    m_endpoint = asio::ip::tcp::endpoint(address, m_options.port);
    m_authority = m_options.serverName + ":" + std::to_string(m_options.port);
    auto ctx = ClientTls::makeContext(http2() ? "h2" : "http/1.1");
    if (!ctx)
        return ctx.error();
    m_tlsContext = *ctx;

    m_epoch = Clock::now();
    m_timeout.expires_after(m_options.timeout);
    m_timeout.async_wait([this](const std::error_code &e) {
        if (!e && !m_finished)
            finish(makeError(Errc::Io, "the page did not finish loading within "
                                           + std::to_string(m_options.timeout.count() / 1000) + " s"));
    });
    need(m_options.page, "document", "navigation");
    // Bounded by the timeout above: run() returns once finish() stopped it.
    m_io.run();
    for (auto &c : m_conns)
        c->close();
    if (m_error)
        return *m_error;

    LoadResult result;
    result.mode = m_options.mode;
    result.page = m_options.page;
    result.resources = m_res;
    LoadMetrics &m = result.metrics;
    for (const auto &c : m_conns) {
        const ConnectionTiming &t = c->timing();
        result.connections.push_back(t);
        ++m.connections;
        if (t.tlsUs >= 0)
            ++m.tlsHandshakes;
        m.requests += t.requests;
        m.bytesUp += t.bytesSent;
        m.bytesDown += t.bytesReceived;
    }
    m.earlyHints = m_earlyHints;
    m.pushedStreams = m_promises;
    std::int64_t complete = 0;
    for (const ResourceTiming &r : m_res) {
        if (r.needed)
            complete = std::max(complete, r.completeUs);
        if (r.pushed && r.needed)
            ++m.pushedUsed;
        if (r.pushed && !r.needed) {
            ++m.pushedWasted;
            m.pushedWastedBytes += r.bodyBytes;
        }
    }
    m.ttfbUs = m_res.front().responseUs;
    m.pageCompleteUs = complete;
    return result;
}

ResourceTiming *LoadSession::find(std::uint64_t conn, std::int32_t stream)
{
    auto it = m_byStream.find({conn, stream});
    return it == m_byStream.end() ? nullptr : &m_res[it->second];
}

HeaderList LoadSession::requestHeaders(const ResourceTiming &r) const
{
    HeaderList h;
    if (r.as == "document") {
        if (m_options.mode == LoadMode::Http2Hints) {
            // A navigation: what makes the server send 103 Early Hints.
            h.push_back({"accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"});
            h.push_back({"sec-fetch-mode", "navigate"});
            h.push_back({"sec-fetch-dest", "document"});
        } else {
            h.push_back({"accept", "*/*"});
        }
    } else {
        h.push_back({"accept", r.as == "style" ? "text/css,*/*;q=0.1" : "*/*"});
        h.push_back({"sec-fetch-mode", r.as == "font" ? "cors" : "no-cors"});
        h.push_back({"sec-fetch-dest", r.as});
    }
    h.push_back({"accept-encoding", "identity"}); // bodies are parsed as they are
    h.push_back({"user-agent", "h2scope-lab/1"});
    return h;
}

void LoadSession::need(const std::string &path, const std::string &as, const char *initiator, bool module)
{
    // A module the page's scripts reach (not one only pushed or hinted):
    // what it imports is fetched once it has arrived, as a browser does.
    const bool imported = module && (std::string_view(initiator) == "html" || std::string_view(initiator) == "import");
    auto it = m_byPath.find(path);
    if (it != m_byPath.end()) {
        ResourceTiming &known = m_res[it->second];
        known.needed = true; // a pushed stream becomes "used"
        known.module = known.module || module;
        if (imported && m_imported.insert(it->second).second && known.complete) {
            // It arrived (pushed, hinted) before anyone imported it: a
            // browser follows its imports now.
            const std::string knownPath = known.path;
            followImports(m_text[it->second], knownPath);
        }
        return;
    }
    if (imported)
        m_imported.insert(m_res.size());
    ResourceTiming r;
    r.path = path;
    r.module = module;
    r.as = as.empty() ? destinationForPath(path) : as;
    r.initiator = initiator;
    r.discoveredUs = nowUs();
    m_byPath[path] = m_res.size();
    m_pending.push_back(m_res.size());
    m_res.push_back(std::move(r));
    dispatch();
}

void LoadSession::needAll(const std::vector<site::PreloadLink> &links, const char *initiator)
{
    for (const site::PreloadLink &l : links)
        need(l.path, l.as, initiator, l.module);
}

void LoadSession::followImports(std::string_view code, const std::string &importerPath)
{
    // What a browser's module loader fetches once a module has arrived and
    // parsed: each import, resolved as it resolves them.
    for (const site::ImportSpecifier &spec : site::scanImports(code))
        if (auto path = site::resolveModuleSpecifier(spec.specifier, importerPath, m_importMap))
            need(*path, "script", "import", true);
}

ClientConnection &LoadSession::openConnection()
{
    const std::uint64_t id = m_conns.size() + 1;
    m_sinks.push_back(std::make_unique<Sink>(*this, id));
    ClientConnection::Options o;
    o.endpoint = m_endpoint;
    o.tlsContext = m_tlsContext;
    o.sni = m_options.serverName;
    o.authority = m_authority;
    o.http2 = http2();
    o.enablePush = m_options.mode == LoadMode::Http2Push;
    m_conns.push_back(
        std::make_unique<ClientConnection>(m_io, m_link, id, std::move(o), *m_sinks.back(), *this, m_epoch));
    ClientConnection &c = *m_conns.back();
    c.start();
    return c;
}

bool LoadSession::send(ClientConnection &conn, std::size_t index)
{
    ResourceTiming &r = m_res[index];
    const std::int32_t stream = conn.protocol()->submitGet(r.path, requestHeaders(r));
    if (stream < 0)
        return false;
    r.connection = conn.id();
    r.stream = stream;
    r.requestUs = nowUs();
    m_byStream[{conn.id(), stream}] = index;
    return true;
}

void LoadSession::dispatch()
{
    if (m_finished)
        return;
    if (http2()) {
        if (m_conns.empty()) {
            openConnection();
            return;
        }
        ClientConnection &c = *m_conns.front();
        if (!c.ready())
            return;
        while (!m_pending.empty() && send(c, m_pending.front()))
            m_pending.pop_front();
        c.flush();
        return;
    }
    // HTTP/1.1: an idle connection takes the next request; when none is idle,
    // open another while fewer are on their way than requests wait.
    for (std::size_t guard = 0; !m_pending.empty() && guard < 10'000; ++guard) {
        ClientConnection *idle = nullptr;
        std::size_t connecting = 0, open = 0;
        for (auto &c : m_conns) {
            if (c->closed())
                continue;
            ++open;
            if (!c->ready())
                ++connecting;
            else if (!idle && c->protocol()->canSubmit())
                idle = c.get();
        }
        if (idle) {
            if (!send(*idle, m_pending.front()))
                break;
            m_pending.pop_front();
            idle->flush();
            continue;
        }
        if (m_pending.size() > connecting && open < std::max(1u, m_options.maxHttp1Connections)) {
            openConnection();
            continue;
        }
        break;
    }
}

void LoadSession::onConnectionReady(ClientConnection &)
{
    dispatch();
}

void LoadSession::onConnectionLost(ClientConnection &connection, const Error &error)
{
    if (m_finished)
        return;
    for (const ResourceTiming &r : m_res)
        if (r.connection == connection.id() && r.completeUs < 0 && r.needed) {
            finish(makeError(error.code, "connection " + std::to_string(connection.id()) + " lost while loading "
                                             + r.path + ": " + error.message));
            return;
        }
    dispatch(); // an idle HTTP/1.1 connection the server closed
}

void LoadSession::informational(std::uint64_t conn, std::int32_t stream, int status, const HeaderList &headers)
{
    if (status != 103)
        return;
    ++m_earlyHints;
    const ResourceTiming *r = find(conn, stream);
    if (m_options.mode == LoadMode::Http2Hints && r && r->as == "document")
        needAll(preloadsFromLinkHeaders(headers, m_options.page), "early-hints");
}

void LoadSession::responseHeaders(std::uint64_t conn, std::int32_t stream, int status, const HeaderList &headers)
{
    ResourceTiming *r = find(conn, stream);
    if (!r)
        return;
    r->status = status;
    r->responseUs = nowUs();
    if (r->as != "document" || r != &m_res.front())
        return;
    if (status < 200 || status > 299) {
        finish(makeError(Errc::NotFound, "the page " + m_options.page + " answered " + std::to_string(status)));
        return;
    }
    // A browser preloads what the response's Link fields name, in every mode.
    needAll(preloadsFromLinkHeaders(headers, m_options.page), "html");
}

void LoadSession::body(std::uint64_t conn, std::int32_t stream, std::string_view data)
{
    auto it = m_byStream.find({conn, stream});
    if (it == m_byStream.end())
        return;
    const std::size_t index = it->second;
    m_res[index].bodyBytes += data.size();
    const std::string as = m_res[index].as;
    if (index == 0 || as == "style" || as == "script") { // scripts: in case they turn out to be modules
        std::string &text = m_text[index];
        if (text.size() < 4 * 1024 * 1024)
            text.append(data.substr(0, 4 * 1024 * 1024 - text.size()));
    }
    // The preload scanner reads the page as it arrives.
    if (index == 0 && m_text[0].size() <= 512 * 1024)
        needAll(discoverHtmlAssets(m_text[0], m_decodedPage), "html");
}

void LoadSession::streamEnd(std::uint64_t conn, std::int32_t stream, bool complete)
{
    auto it = m_byStream.find({conn, stream});
    if (it == m_byStream.end())
        return;
    const std::size_t index = it->second;
    ResourceTiming &r = m_res[index];
    if (!complete && r.pushed) {
        // A cancelled push: a browser requests what it still needs.
        m_byStream.erase(it);
        r.pushed = false;
        r.connection = 0;
        r.stream = 0;
        r.bodyBytes = 0;
        if (r.needed) {
            m_pending.push_back(index);
            dispatch();
        } else {
            m_byPath.erase(r.path);
        }
        return;
    }
    r.complete = complete;
    r.completeUs = nowUs();
    if (index == 0) {
        if (!complete) {
            finish(makeError(Errc::Protocol, "the server reset the page's stream"));
            return;
        }
        // One parse of the page: its assets and images, its import map and
        // inline modules, all against its <base> (discovery takes the decoded path).
        const site::PageDiscovery page = discoverHtmlPage(m_text[0], m_decodedPage);
        if (!page.importMap.empty())
            m_importMap = site::parseImportMap(page.importMap, page.baseUrlPath);
        needAll(assetsOf(page), "html");
        for (const std::string &inlineModule : page.inlineModules)
            followImports(inlineModule, page.baseUrlPath);
    } else if (r.as == "style" && complete) {
        const std::string path = r.path;
        needAll(discoverCssAssets(m_text[index], path), "css");
    } else if (r.module && complete && m_imported.count(index)) {
        const std::string path = r.path;
        followImports(m_text[index], path);
    }
    checkDone();
    dispatch(); // an HTTP/1.1 connection is free for the next request
}

void LoadSession::pushPromise(std::uint64_t conn, std::int32_t promised, const std::string &path)
{
    ++m_promises;
    std::size_t index;
    auto it = m_byPath.find(path);
    if (it != m_byPath.end()) {
        index = it->second;
        if (m_res[index].connection != 0)
            return; // already requested: nghttp2 refuses a duplicate on its own
        m_pending.erase(std::remove(m_pending.begin(), m_pending.end(), index), m_pending.end());
    } else {
        ResourceTiming r;
        r.path = path;
        r.as = destinationForPath(path);
        r.initiator = "push";
        r.needed = false; // until the page asks for it
        r.discoveredUs = nowUs();
        index = m_res.size();
        m_byPath[path] = index;
        m_res.push_back(std::move(r));
    }
    ResourceTiming &r = m_res[index];
    r.pushed = true;
    r.connection = conn;
    r.stream = promised;
    r.requestUs = nowUs();
    m_byStream[{conn, promised}] = index;
}

void LoadSession::checkDone()
{
    if (m_finished || m_res.empty() || !m_res.front().complete)
        return;
    for (const ResourceTiming &r : m_res)
        if (r.needed && r.completeUs < 0)
            return;
    finish(std::nullopt);
}

void LoadSession::finish(std::optional<Error> error)
{
    if (m_finished)
        return;
    m_finished = true;
    m_error = std::move(error);
    m_timeout.cancel();
    for (auto &c : m_conns)
        c->close();
    m_io.stop();
}

} // namespace

Result<LoadResult> PageLoader::load(const LoadOptions &options)
{
    LoadSession session(options);
    return session.run();
}

} // namespace h2scope::lab
