#include "staticsite.h"

#include "acceptencoding.h"
#include "conditional.h"
#include "directorylisting.h"
#include "errorpage.h"
#include "httpdate.h"
#include "mime.h"
#include "ranges.h"

#include <algorithm>
#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace h2scope::site {

namespace {

// A precompressed sibling: `file.br` next to `file`.
struct Variant {
    std::string_view coding; // Content-Encoding and Accept-Encoding token
    std::string_view suffix; // appended to the file name
    std::string_view tag;    // distinguishes its ETag
};
constexpr Variant kVariants[] = {{"br", ".br", "br"}, {"gzip", ".gz", "gz"}}; // preference order on ties
static_assert(std::size(kVariants) == PreparedFiles::kSiblings);

// The precompressed sibling a client gets, of those `present`: the one its
// Accept-Encoding rates highest (strictly: on a tie the earlier variant, br,
// wins), or kSiblings when it accepts none of them (the file itself). The
// general and the prepared answers both choose here, so they cannot differ.
std::size_t chooseVariant(const std::string *acceptEncoding, const std::array<bool, PreparedFiles::kSiblings> &present)
{
    std::size_t chosen = PreparedFiles::kSiblings;
    double bestQuality = 0.0;
    for (std::size_t i = 0; acceptEncoding && i < PreparedFiles::kSiblings; ++i) {
        if (!present[i])
            continue;
        if (const double quality = codingQuality(*acceptEncoding, kVariants[i].coding); quality > bestQuality) {
            bestQuality = quality;
            chosen = i;
        }
    }
    return chosen;
}

// An HTTP/2 CONNECT with :protocol (RFC 8441): the only CONNECT a static
// site answers, and only for a WebSocket at LiveReload::kEventsPath.
bool isExtendedConnect(const Request &request)
{
    return request.method == "CONNECT" && !request.upgrade.empty();
}

// GET or HEAD without Range or conditional headers: the request whose answer
// depends only on the files (and Accept-Encoding), so it may be prepared.
bool isPlainFetch(const Request &request)
{
    if (request.method != "GET" && request.method != "HEAD")
        return false;
    for (const Header &h : request.headers) {
        const std::string_view name = h.name;
        if (name == "range"
            || (name.starts_with("if-")
                && (name == "if-match" || name == "if-none-match" || name == "if-modified-since"
                    || name == "if-unmodified-since" || name == "if-range")))
            return false;
    }
    return true;
}

void setBody(Response &response, Body body)
{
    response.headers.push_back({"content-length", std::to_string(body.size())});
    response.body = std::move(body);
}

// Opens `path` for reading and describes the file actually opened. O_NOFOLLOW
// because `path` came from realpath(): a symlink there now means the file was
// swapped under us. O_NONBLOCK so a FIFO planted in the folder cannot hang an
// I/O thread in open(); it is then refused as not regular.
std::shared_ptr<const FileHandle> openRegularFile(const std::string &path, struct stat &st)
{
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NONBLOCK);
    if (fd < 0)
        return nullptr;
    auto handle = std::make_shared<const FileHandle>(fd);
    if (::fstat(fd, &st) != 0 || !S_ISREG(st.st_mode))
        return nullptr;
    return handle;
}

// The descriptor the resolver already opened (beneath the root, checked),
// or a fresh open of the real path where it could not.
std::shared_ptr<const FileHandle> openRegularFile(const ResolvedPath &resolved, struct stat &st)
{
    if (resolved.file) {
        st = resolved.stat;
        return resolved.file;
    }
    return openRegularFile(resolved.realPath, st);
}

// [offset, offset+length) of the file whose fstat() gave `st`, at `unixSeconds`,
// from a snapshot within `budget` where it can be.
Body fileBody(std::shared_ptr<const FileHandle> file, const struct stat &st, std::uint64_t offset, std::uint64_t length,
              std::int64_t unixSeconds, const std::shared_ptr<SnapshotBudget> &budget)
{
    if (std::shared_ptr<const std::string> bytes =
            file->snapshot(st, StaticSite::kMaxSnapshotFile, unixSeconds, budget))
        return Body::fromShared(std::move(bytes), offset, length);
    return Body::fromFile(std::move(file), offset, length);
}

// Adds the `_headers` headers: a header the site already set is replaced
// (the user asked for their value), except Vary, which is merged so the
// precompression negotiation stays announced. Content-Type only replaces the
// file's own type: never an error page's, nor a multipart/byteranges one.
void applyExtraHeaders(Response &response, const HeaderList &extra)
{
    for (const Header &header : extra) {
        auto existing = std::find_if(response.headers.begin(), response.headers.end(),
                                     [&](const Header &h) { return h.name == header.name; });
        if (header.name == "content-type") {
            const bool fileType = response.status == 200
                                  || (response.status == 206 && existing != response.headers.end()
                                      && !existing->value.starts_with("multipart/"));
            if (!fileType)
                continue;
        }
        if (existing == response.headers.end())
            response.headers.push_back(header);
        else if (header.name == "vary")
            existing->value += ", " + header.value;
        else
            existing->value = header.value;
    }
}

// Pages larger than this are served as they are, without the live reload
// script: they are read whole into memory to inject it.
constexpr std::uint64_t kMaxInjectedPage = 4 * 1024 * 1024;

// The validators of one version of a file (`variant` tells encodings and the
// page with the live-reload script apart), and the headers every answer
// about it carries, a 304 included.
std::pair<Validators, HeaderList> versionHeaders(const struct stat &st, std::string_view variant,
                                                 const std::string &cacheControl)
{
    Validators validators;
    validators.etag = makeStrongEtag(static_cast<std::uint64_t>(st.st_ino), static_cast<std::uint64_t>(st.st_size),
                                     st.st_mtim.tv_sec, st.st_mtim.tv_nsec, variant);
    validators.lastModified = st.st_mtim.tv_sec;
    HeaderList common;
    common.push_back({"etag", validators.etag});
    common.push_back({"last-modified", formatHttpDate(validators.lastModified)});
    if (!cacheControl.empty())
        common.push_back({"cache-control", cacheControl});
    return {std::move(validators), std::move(common)};
}

bool isHtmlPath(std::string_view urlPath)
{
    const std::string_view mime = mimeTypeFor(urlPath);
    return mime == "text/html" || mime == "application/xhtml+xml";
}

// 421 for a Host the allow-list refuses: a short explanation the developer
// sees in the browser (text/plain, so the echoed name cannot become markup).
Response misdirected(const std::string &authority)
{
    std::string host = HostAllowList::hostOf(authority);
    if (host.size() > 200)
        host = host.substr(0, 200) + "...";
    std::replace_if(
        host.begin(), host.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; }, '?');
    Response response;
    response.status = 421;
    const std::string text =
        "421 Misdirected Request\n\nh2scope does not answer for the host \"" + host
        + "\".\nIt serves localhost, this machine's addresses and the names given with --allow-host;"
          " this keeps other web pages from reaching it through DNS rebinding.\n";
    response.headers = {{"content-type", "text/plain; charset=utf-8"}, {"cache-control", "no-store"}};
    setBody(response, Body::fromString(text));
    response.note = "refused: host \"" + host
                    + "\" is not on the allow-list (localhost, this machine's addresses,"
                      " --allow-host)";
    return response;
}

} // namespace

Result<std::unique_ptr<StaticSite>> StaticSite::create(SiteOptions options)
{
    if (options.root.empty())
        return makeError(Errc::InvalidArgument, "no folder to serve was given; pass the folder to serve");
    struct stat st {};
    if (::stat(options.root.c_str(), &st) != 0) {
        const int err = errno;
        if (err == EACCES)
            return makeError(Errc::PermissionDenied,
                             "folder " + options.root
                                 + " cannot be accessed: permission denied; check its permissions");
        return makeError(Errc::NotFound, "folder " + options.root + " does not exist");
    }
    if (!S_ISDIR(st.st_mode))
        return makeError(Errc::InvalidArgument, options.root + " is not a folder; pass the folder that holds the site");
    if (::access(options.root.c_str(), R_OK | X_OK) != 0)
        return makeError(Errc::PermissionDenied, "folder " + options.root + " is not readable; check its permissions");
    char *real = ::realpath(options.root.c_str(), nullptr);
    if (!real)
        return makeError(Errc::Io, "cannot resolve folder " + options.root + ": " + std::strerror(errno));
    std::string realRoot = real;
    std::free(real);
    return std::unique_ptr<StaticSite>(new StaticSite(std::move(options), std::move(realRoot)));
}

StaticSite::StaticSite(SiteOptions options, std::string realRoot)
    : m_options(std::move(options)),
      m_clock(Clock::orSteady(m_options.clock)),
      m_resolver(std::move(realRoot),
                 [this] {
                     PathResolver::Options o;
                     o.allowDotfiles = m_options.allowDotfiles;
                     o.allowPrivateKeyFiles = m_options.allowPrivateKeyFiles;
                     o.followSymlinksOutside = m_options.followSymlinksOutside;
                     o.clock = &m_clock;
                     return o;
                 }()),
      m_push(m_resolver,
             [this] {
                 PushPolicy::Options o;
                 o.mode = m_options.pushMode;
                 o.moduleGraph = m_options.moduleGraph;
                 return o;
             }()),
      m_hosts(m_options.allowedHosts, m_options.allowAnyHost, &m_clock),
      m_liveReload(m_options.liveReload ? std::make_shared<LiveReload>() : nullptr)
{}

Response StaticSite::handle(const Request &request)
{
    const bool head = request.method == "HEAD";
    Response response;
    PreparedFiles::Capture capture;
    std::string capturedPath;
    std::shared_ptr<const void> rules;
    if (!m_hosts.allows(request.authority)) {
        response = misdirected(request.authority);
    } else if (request.method != "GET" && !head && !isExtendedConnect(request)) {
        response = errorResponse(405, "method " + request.method + " is not allowed on static files");
        response.headers.push_back({"allow", "GET, HEAD"});
    } else if (const TargetPath target = m_resolver.parseTarget(request.target); !target.ok()) {
        response = errorResponse(target.status, target.note);
    } else if (target.path.starts_with(LiveReload::kReservedPrefix)) {
        response = serveReserved(request, target);
    } else if (isExtendedConnect(request)) {
        response = errorResponse(404, "not found: only " + std::string(LiveReload::kEventsPath)
                                          + " accepts a WebSocket (extended CONNECT)");
    } else {
        const bool plainFetch = isPlainFetch(request);
        if (plainFetch && !request.earlyHinted) // the prepared fields carry the usual cache-control
            if (servePrepared(request, target.path, false, response))
                return response;
        if (const ResolvedPath resolved = m_resolver.resolve(target.path, request.freshness); !resolved.ok()) {
            std::optional<Response> spa = spaFallback(request, target, resolved);
            response = spa ? std::move(*spa) : errorResponse(resolved.status, resolved.note);
        } else if (resolved.kind == ResolvedPath::Kind::Directory) {
            response = serveDirectory(request, target, resolved);
        } else {
            response = serveFile(request, target.path, target.path, resolved, plainFetch ? &capture : nullptr);
            if (capture.usable)
                capturedPath = target.path;
        }
        if (response.status == 404 && m_options.custom404)
            if (std::optional<Response> page = custom404(response.note))
                response = std::move(*page);
        applyExtraHeaders(response, m_push.extraHeadersFor(target.path, rules));
    }

    if (!response.header("x-content-type-options"))
        response.headers.push_back({"x-content-type-options", "nosniff"});
    // What the next plain fetch of this file can reuse: these very fields.
    if (capture.usable && response.status == 200 && response.note.empty() && !response.live)
        m_prepared.store(capturedPath, capture, std::move(rules), response.headers, request.freshness);
    if (request.earlyHinted && (response.status == 200 || response.status == 304))
        freshForTheHintedPage(response);
    // HEAD: the same headers (content-length included) as GET, no body.
    if (head) {
        response.body.reset();
        response.live.reset();
    }
    return response;
}

void StaticSite::freshForTheHintedPage(Response &response) const
{
    // Chromium keeps what a 103 Early Hints preloaded in its HTTP cache; the
    // page's own request then finds it there, and with no-cache it asks
    // again (a 304, a second request for every hinted asset). Fresh for two
    // seconds, the preload is what the page uses: its request follows within
    // milliseconds, and anything later revalidates as before. Only the site's
    // default is replaced: a cache-control that `_headers` sets is kept.
    if (m_options.cacheControl != "no-cache")
        return;
    for (Header &h : response.headers)
        if (h.name == "cache-control" && h.value == m_options.cacheControl)
            h.value = SiteOptions::kHintedCacheControl;
}

Response StaticSite::serveReserved(const Request &request, const TargetPath &target) const
{
    if (!m_liveReload)
        return errorResponse(404, "not found: /__h2scope/ is reserved, and live reload is off");
    if (target.path == LiveReload::kScriptPath)
        return LiveReload::scriptResponse();
    if (target.path == LiveReload::kEventsPath && request.upgrade == "websocket")
        return m_liveReload->subscribeWebSocket(request);
    if (isExtendedConnect(request))
        return errorResponse(501, "extended CONNECT for '" + request.upgrade
                                      + "': live reload speaks only WebSocket, at "
                                      + std::string(LiveReload::kEventsPath));
    if (target.path == LiveReload::kEventsPath) {
        if (request.method == "HEAD") { // no subscription for a body that is never read
            Response response;
            response.headers = {{"content-type", "text/event-stream"}, {"cache-control", "no-store"}};
            return response;
        }
        return m_liveReload->subscribe();
    }
    return errorResponse(404, "not found: /__h2scope/ is reserved for h2scope's own resources");
}

std::optional<Response> StaticSite::spaFallback(const Request &request, const TargetPath &target,
                                                const ResolvedPath &resolved) const
{
    if (!m_options.spaFallback || resolved.note != "not found")
        return std::nullopt; // refusals stay refusals
    std::string_view last = target.path;
    if (last.ends_with('/'))
        last.remove_suffix(1);
    last = last.substr(last.rfind('/') + 1);
    if (last.find('.') != std::string_view::npos)
        return std::nullopt; // "/app.js" missing is a real 404, not a route
    const std::string indexPath = "/index.html";
    const ResolvedPath index = m_resolver.resolve(indexPath, request.freshness);
    if (!index.ok() || index.kind != ResolvedPath::Kind::File)
        return std::nullopt;
    Response response = serveFile(request, "/", indexPath, index);
    if (response.note.empty())
        response.note = "SPA fallback: " + target.path + " answered with /index.html";
    return response;
}

std::optional<Response> StaticSite::custom404(const std::string &note) const
{
    const ResolvedPath page = m_resolver.resolve("/404.html");
    if (!page.ok() || page.kind != ResolvedPath::Kind::File)
        return std::nullopt;
    struct stat st {};
    std::shared_ptr<const FileHandle> file = openRegularFile(page, st);
    std::string html;
    const auto size = static_cast<std::uint64_t>(st.st_size);
    if (!file || size > kMaxInjectedPage || !file->readAll(static_cast<std::size_t>(size), html))
        return std::nullopt;
    if (m_liveReload)
        html = LiveReload::injectScript(html);
    Response response;
    response.status = 404;
    response.headers = {{"content-type", "text/html; charset=utf-8"}, {"cache-control", "no-cache"}};
    setBody(response, Body::fromString(std::move(html)));
    response.note = note.empty() ? "not found (served 404.html)" : note + " (served 404.html)";
    return response;
}

Response StaticSite::serveDirectory(const Request &request, const TargetPath &target,
                                    const ResolvedPath &resolved) const
{
    if (!target.endsWithSlash()) {
        // Built from the normalized path, whose segments are never empty, so
        // the Location always starts with exactly one '/': never "//host".
        std::string location = PathResolver::encodePath(target.path) + "/";
        if (target.hasQuery)
            location += "?" + target.query;
        Response response = errorResponse(301);
        response.headers.push_back({"location", std::move(location)});
        return response;
    }

    const std::string indexPath = target.path + "index.html";
    const ResolvedPath index = m_resolver.resolve(indexPath, request.freshness);
    if (index.ok() && index.kind == ResolvedPath::Kind::File)
        return serveFile(request, target.path, indexPath, index);
    if (!index.ok() && index.note.starts_with("refused"))
        return errorResponse(404, "index.html " + index.note);
    if (!index.ok() && index.folderGone) // the opened folder still answers ".", but it was deleted
        return errorResponse(404, index.note);
    if (!m_options.listing)
        return errorResponse(404, "not found: folder has no index.html and directory listing is off");

    auto entries = readDirectory(resolved.realPath, m_resolver);
    if (!entries)
        return errorResponse(404, "refused: " + entries.error().message);
    Response response;
    response.headers.push_back({"content-type", "text/html; charset=utf-8"});
    if (!m_options.cacheControl.empty())
        response.headers.push_back({"cache-control", m_options.cacheControl});
    std::string listing = renderDirectoryListing(target.path, *entries);
    if (m_liveReload)
        listing = LiveReload::injectScript(listing);
    setBody(response, Body::fromString(std::move(listing)));
    return response;
}

Response StaticSite::serveFile(const Request &request, const std::string &pagePath, const std::string &urlPath,
                               const ResolvedPath &resolved, PreparedFiles::Capture *capture) const
{
    // Injected pages are built in memory from the identity file; precompressed
    // siblings cannot carry the script, so they are not offered then.
    if (m_liveReload && isHtmlPath(urlPath))
        return serveInjectedHtml(request, pagePath, urlPath, resolved, capture);
    return serveFilePlain(request, pagePath, urlPath, resolved, capture);
}

bool StaticSite::handleNow(const Request &request, Response &out)
{
    // handle() reads nothing for an extended CONNECT or a /__h2scope/ path
    // (live reload lives in memory), and a WebSocket's first bytes must find
    // its live body in place.
    const TargetPath target = m_resolver.parseTarget(request.target);
    if (isExtendedConnect(request) || (target.ok() && target.path.starts_with(LiveReload::kReservedPrefix))) {
        out = handle(request);
        return true;
    }
    // Otherwise only the prepared answer of a plain fetch is made here, and
    // only from what is in memory; everything else goes to handle().
    if (!target.ok() || !isPlainFetch(request) || request.earlyHinted || !m_hosts.allows(request.authority))
        return false;
    return servePrepared(request, target.path, true, out);
}

bool StaticSite::servePrepared(const Request &request, const std::string &urlPath, bool inMemory, Response &out) const
{
    const std::int64_t now = m_resolver.nowNs();
    const std::shared_ptr<const PreparedFiles::Entry> entry = m_prepared.find(urlPath, now, request.freshness);
    if (!entry)
        return false;
    // `_headers` as the general code would read it now (same recheck times).
    if (inMemory ? !m_push.rulesKnownToBe(entry->rules, now) : !m_push.rulesStillAre(entry->rules, now))
        return false;
    const PreparedFiles::Capture &files = entry->files;

    // The representation the general code would choose (see serveFilePlain).
    std::array<bool, PreparedFiles::kSiblings> present{};
    for (std::size_t i = 0; i < PreparedFiles::kSiblings; ++i)
        present[i] = files.siblings[i].present;
    const std::size_t variant = chooseVariant(request.header("accept-encoding"), present);
    const std::size_t choice = variant < PreparedFiles::kSiblings ? variant + 1 : 0;
    if (!entry->headers[choice])
        return false; // this coding was not asked for yet
    const PreparedFiles::FileState &served = choice ? files.siblings[choice - 1] : files.identity;

    const bool head = request.method == "HEAD";
    // Finding a page's assets looks files up: in memory, only preloads found
    // before for this very entry, and still holding, will do.
    std::shared_ptr<const PreparedFiles::Preloads> preloads;
    if (inMemory && !head && !m_push.surelyNoPreloads(entry->rules, urlPath, files.isHtml)) {
        preloads = entry->preloads();
        if (!preloads || !preloads->hold(now, entry->rules, request.freshness))
            return false;
    }
    // `out` is written only from here on, once the answer is sure.
    Response &response = out;
    const std::int64_t unixNow = m_clock.unixSeconds();
    if (files.injectedBody) {
        // The same snapshot means the same page bytes; anything else (a
        // page still settling, a new version) is injected afresh.
        if (!FileHandle::snapshotWanted(served.st, kMaxInjectedPage, unixNow)
            || (inMemory ? served.file->heldSnapshot(served.st)
                         : served.file->snapshot(served.st, kMaxInjectedPage, unixNow, m_snapshots))
                   != files.injectedSource)
            return false;
        if (!head)
            response.body = Body::fromShared(files.injectedBody, 0, files.injectedBody->size());
    } else if (!head) {
        const auto size = static_cast<std::uint64_t>(served.st.st_size);
        if (!inMemory) {
            response.body = fileBody(served.file, served.st, 0, size, unixNow, m_snapshots);
        } else if (!FileHandle::snapshotWanted(served.st, kMaxSnapshotFile, unixNow)) {
            response.body = Body::fromFile(served.file, 0, size); // streamed, as fileBody() would
        } else if (std::shared_ptr<const std::string> held = served.file->heldSnapshot(served.st)) {
            response.body = Body::fromShared(std::move(held), 0, size);
        } else {
            return false; // its first snapshot is read on the file pool
        }
    }
    response.fixedHeaders = entry->headers[choice];
    if (choice != 0 && !files.injectedBody)
        response.decodedLength = static_cast<std::uint64_t>(files.identity.st.st_size);
    // In memory, asking the push policy could recheck the rule files: only
    // what was found before (above) is used.
    if (preloads) {
        setPreloads(response, preloads->links);
    } else if (!inMemory && !head && m_push.mayPreload(entry->rules, files.isHtml)) {
        addPreloads(response, urlPath, files.realPath, files.isHtml, request.freshness, &preloads);
        entry->setPreloads(std::move(preloads));
    }
    return true;
}

Response StaticSite::serveFilePlain(const Request &request, const std::string &pagePath, const std::string &urlPath,
                                    const ResolvedPath &resolved, PreparedFiles::Capture *capture) const
{
    // Which representation: a precompressed sibling if the client takes it.
    std::array<ResolvedPath, PreparedFiles::kSiblings> siblings;
    std::array<bool, PreparedFiles::kSiblings> present{};
    bool hasSiblings = false;
    // Only files opened beneath the root can be checked by descriptor later.
    bool preparable = capture && resolved.file;
    for (std::size_t i = 0; i < PreparedFiles::kSiblings; ++i) {
        siblings[i] = m_resolver.resolve(urlPath + std::string(kVariants[i].suffix), request.freshness, true);
        if (capture)
            capture->lookedUp(siblings[i]);
        present[i] = siblings[i].ok() && siblings[i].kind == ResolvedPath::Kind::File;
        if (!present[i])
            continue;
        if (capture) {
            capture->siblings[i] = {true, siblings[i].file, siblings[i].stat};
            preparable = preparable && siblings[i].file;
        }
        hasSiblings = true;
    }
    const std::size_t variant = chooseVariant(request.header("accept-encoding"), present);
    const Variant *chosen = variant < PreparedFiles::kSiblings ? &kVariants[variant] : nullptr;

    struct stat st {};
    std::shared_ptr<const FileHandle> file;
    if (chosen) {
        file = openRegularFile(siblings[variant], st);
        if (!file)
            chosen = nullptr; // vanished meanwhile: the identity file still serves
    }
    if (!file)
        file = openRegularFile(resolved, st);
    if (!file)
        return errorResponse(404, "not found: the file could not be opened");

    const auto length = static_cast<std::uint64_t>(st.st_size);
    // Named references, not a structured binding: lambdas below capture them.
    auto version = versionHeaders(st, chosen ? chosen->tag : std::string_view{}, m_options.cacheControl);
    Validators &validators = version.first;
    HeaderList &common = version.second;
    if (hasSiblings)
        common.push_back({"vary", "accept-encoding"});

    switch (evaluateConditionals(request.method, request.headers, validators)) {
    case ConditionalOutcome::NotModified: {
        Response response;
        response.status = 304;
        response.headers = std::move(common);
        return response;
    }
    case ConditionalOutcome::PreconditionFailed: {
        Response response = errorResponse(412, "precondition failed (If-Match / If-Unmodified-Since)");
        if (hasSiblings)
            response.headers.push_back({"vary", "accept-encoding"});
        return response;
    }
    case ConditionalOutcome::Proceed: break;
    }

    const std::string contentType = contentTypeFor(urlPath);
    Response response;
    // The 416 page is plain HTML, so it must not claim the file's encoding.
    auto addRepresentationHeaders = [&](Response &r, bool describesFileBytes = true) {
        if (chosen && describesFileBytes)
            r.headers.push_back({"content-encoding", std::string(chosen->coding)});
        r.headers.insert(r.headers.end(), common.begin(), common.end());
        r.headers.push_back({"accept-ranges", "bytes"});
    };

    const std::string *range = request.header("range");
    if (range && request.method == "GET") {
        const std::string *ifRange = request.header("if-range");
        // Now by the site's clock: the system's, as for the sessions' date field, unless a
        // test gives either a clock of its own.
        const IfRangeOutcome ifRangeOutcome =
            ifRange ? evaluateIfRange(*ifRange, validators, m_clock.unixSeconds()) : IfRangeOutcome::Matches;
        if (ifRangeOutcome == IfRangeOutcome::DateNotYetStrong) {
            response.note = "range ignored: If-Range's date is the file's last-modified second, not yet a strong "
                            "validator (the file may change again within it)";
        } else if (ifRangeOutcome == IfRangeOutcome::DoesNotMatch) {
            response.note = "range ignored: If-Range does not match";
        } else {
            const RangeRequest parsed = parseRangeHeader(*range, length);
            if (parsed.kind == RangeRequest::Kind::Unsatisfiable) {
                Response unsatisfiable = errorResponse(416, "range not satisfiable");
                unsatisfiable.headers.push_back({"content-range", "bytes */" + std::to_string(length)});
                addRepresentationHeaders(unsatisfiable, false);
                return unsatisfiable;
            }
            if (parsed.kind == RangeRequest::Kind::Ignore) {
                response.note = "range ignored: malformed Range header";
            } else if (const auto plan = planRanges(parsed.ranges, length); plan.empty()) {
                response.note = "range ignored: too many or too large ranges";
            } else if (plan.size() == 1) {
                response.status = 206;
                response.headers.push_back({"content-type", contentType});
                response.headers.push_back({"content-range", contentRangeValue(plan.front(), length)});
                addRepresentationHeaders(response);
                setBody(response, fileBody(file, st, plan.front().first, plan.front().length(), m_clock.unixSeconds(),
                                           m_snapshots));
                return response;
            } else {
                const std::string boundary = makeMultipartBoundary();
                response.status = 206;
                response.headers.push_back({"content-type", "multipart/byteranges; boundary=" + boundary});
                addRepresentationHeaders(response);
                setBody(response, makeMultipartBody(file, plan, length, contentType, boundary));
                return response;
            }
        }
    }

    response.status = 200;
    response.headers.push_back({"content-type", contentType});
    addRepresentationHeaders(response);
    setBody(response, fileBody(std::move(file), st, 0, length, m_clock.unixSeconds(), m_snapshots));
    if (chosen)
        response.decodedLength = static_cast<std::uint64_t>(resolved.stat.st_size);
    // Only a full 200 to GET: a 206 is a resumed download or media seek, not
    // a page load that would use the pushes; a 304 means the client has it all.
    if (request.method == "GET")
        addPreloads(response, pagePath, resolved.realPath, isHtmlPath(urlPath), request.freshness,
                    capture ? &capture->preloads : nullptr);
    if (preparable && response.note.empty()) {
        capture->identity = {true, resolved.file, resolved.stat};
        capture->lookedUp(resolved);
        capture->choice = chosen ? static_cast<std::size_t>(chosen - kVariants) + 1 : 0;
        capture->realPath = resolved.realPath;
        capture->isHtml = isHtmlPath(urlPath);
        capture->usable = true;
    }
    return response;
}

Response StaticSite::serveInjectedHtml(const Request &request, const std::string &pagePath, const std::string &urlPath,
                                       const ResolvedPath &resolved, PreparedFiles::Capture *capture) const
{
    struct stat st {};
    std::shared_ptr<const FileHandle> file = openRegularFile(resolved, st);
    if (!file)
        return errorResponse(404, "not found: the file could not be opened");
    const auto length = static_cast<std::uint64_t>(st.st_size);
    std::string html;
    if (length > kMaxInjectedPage || !file->readAll(static_cast<std::size_t>(length), html)) {
        // Too large (or changing under us): serve the plain file instead.
        const std::string why = length > kMaxInjectedPage ? "page over 4 MiB" : "page changed while read";
        Response plain = serveFilePlain(request, pagePath, urlPath, resolved);
        if (plain.note.empty())
            plain.note = "live reload script not injected: " + why;
        return plain;
    }

    // The "lr" variant: never the plain file's ETag (see livereload.h).
    const auto version = versionHeaders(st, "lr", m_options.cacheControl);
    const Validators &validators = version.first;
    const HeaderList &common = version.second;

    Response response;
    switch (evaluateConditionals(request.method, request.headers, validators)) {
    case ConditionalOutcome::NotModified:
        response.status = 304;
        response.headers = std::move(common);
        return response;
    case ConditionalOutcome::PreconditionFailed:
        return errorResponse(412, "precondition failed (If-Match / If-Unmodified-Since)");
    case ConditionalOutcome::Proceed: break;
    }
    if (request.header("range"))
        response.note = "range ignored: the live reload script was injected into this page";
    response.status = 200;
    response.headers.push_back({"content-type", contentTypeFor(urlPath)});
    response.headers.insert(response.headers.end(), common.begin(), common.end());
    response.headers.push_back({"accept-ranges", "none"});
    std::string injected = LiveReload::injectScript(html);
    // Prepared only from a settled snapshot holding exactly the bytes read:
    // the same snapshot later means the same page (see FileHandle::snapshot()).
    if (capture && resolved.file && response.note.empty()) {
        std::shared_ptr<const std::string> source =
            file->snapshot(st, kMaxInjectedPage, m_clock.unixSeconds(), m_snapshots);
        if (source && *source == html) {
            capture->identity = {true, resolved.file, resolved.stat};
            capture->lookedUp(resolved);
            capture->realPath = resolved.realPath;
            capture->isHtml = true;
            capture->injectedSource = std::move(source);
            capture->injectedBody = std::make_shared<const std::string>(injected);
            capture->usable = true;
        }
    }
    setBody(response, Body::fromString(std::move(injected)));
    if (request.method == "GET")
        addPreloads(response, pagePath, resolved.realPath, true, request.freshness,
                    capture ? &capture->preloads : nullptr);
    return response;
}

void StaticSite::addPreloads(Response &response, const std::string &pagePath, const std::string &realPath, bool isHtml,
                             Freshness freshness, std::shared_ptr<const PreparedFiles::Preloads> *reusable) const
{
    if (!reusable) {
        setPreloads(response, m_push.preloadsFor(pagePath, realPath, isHtml, freshness));
        return;
    }
    PreloadBasis basis;
    setPreloads(response, m_push.preloadsFor(pagePath, realPath, isHtml, freshness, &basis));
    auto kept = std::make_shared<PreparedFiles::Preloads>(); // as it is: never holds
    if (basis.reusable) {
        kept->links = response.preloads;
        kept->rules = std::move(basis.rules);
        kept->assets.assign(basis.assets.begin(), basis.assets.end());
        kept->freshUntilNs = basis.freshUntilNs;
        kept->checkedIn.store(freshness.id(), std::memory_order_relaxed); // just looked up
    }
    *reusable = std::move(kept);
}

void StaticSite::setPreloads(Response &response, std::vector<PreloadLink> links)
{
    response.preloads = std::move(links);
    for (const PreloadLink &link : response.preloads)
        if (!link.nopush)
            response.pushPromises.push_back(link.path);
}

} // namespace h2scope::site
