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
                             "folder " + options.root + " cannot be accessed: permission denied; check its permissions");
        return makeError(Errc::NotFound, "folder " + options.root + " does not exist");
    }
    if (!S_ISDIR(st.st_mode))
        return makeError(Errc::InvalidArgument, options.root + " is not a folder; pass the folder that holds the site");
    if (::access(options.root.c_str(), R_OK | X_OK) != 0)
        return makeError(Errc::PermissionDenied,
                         "folder " + options.root + " is not readable; check its permissions");
    char *real = ::realpath(options.root.c_str(), nullptr);
    if (!real)
        return makeError(Errc::Io, "cannot resolve folder " + options.root + ": " + std::strerror(errno));
    std::string realRoot = real;
    std::free(real);
    return std::unique_ptr<StaticSite>(new StaticSite(std::move(options), std::move(realRoot)));
}

StaticSite::StaticSite(SiteOptions options, std::string realRoot)
    : m_options(std::move(options)),
      m_resolver(std::move(realRoot),
                 PathResolver::Options{m_options.allowDotfiles, m_options.allowPrivateKeyFiles,
                                       m_options.followSymlinksOutside}),
      m_push(m_resolver, PushPolicy::Options{m_options.pushMode})
{
}

Response StaticSite::handle(const Request &request)
{
    const bool head = request.method == "HEAD";
    Response response;
    if (request.method != "GET" && !head) {
        response = errorResponse(405, "method " + request.method + " is not allowed on static files");
        response.headers.push_back({"allow", "GET, HEAD"});
    } else if (const TargetPath target = m_resolver.parseTarget(request.target); !target.ok()) {
        response = errorResponse(target.status, target.note);
    } else {
        if (const ResolvedPath resolved = m_resolver.resolve(target.path); !resolved.ok())
            response = errorResponse(resolved.status, resolved.note);
        else if (resolved.kind == ResolvedPath::Kind::Directory)
            response = serveDirectory(request, target, resolved);
        else
            response = serveFile(request, target.path, target.path, resolved);
        applyExtraHeaders(response, m_push.extraHeadersFor(target.path));
    }

    if (!response.header("x-content-type-options"))
        response.headers.push_back({"x-content-type-options", "nosniff"});
    // HEAD: the same headers (content-length included) as GET, no body.
    if (head)
        response.body.reset();
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
    const ResolvedPath index = m_resolver.resolve(indexPath);
    if (index.ok() && index.kind == ResolvedPath::Kind::File)
        return serveFile(request, target.path, indexPath, index);
    if (!index.ok() && index.note.starts_with("refused"))
        return errorResponse(404, "index.html " + index.note);
    if (!m_options.listing)
        return errorResponse(404, "not found: folder has no index.html and directory listing is off");

    auto entries = readDirectory(resolved.realPath, m_resolver);
    if (!entries)
        return errorResponse(404, "refused: " + entries.error().message);
    Response response;
    response.headers.push_back({"content-type", "text/html; charset=utf-8"});
    if (!m_options.cacheControl.empty())
        response.headers.push_back({"cache-control", m_options.cacheControl});
    setBody(response, Body::fromString(renderDirectoryListing(target.path, *entries)));
    return response;
}

Response StaticSite::serveFile(const Request &request, const std::string &pagePath, const std::string &urlPath,
                               const ResolvedPath &resolved) const
{
    // Which representation: a precompressed sibling if the client takes it.
    const std::string *acceptEncoding = request.header("accept-encoding");
    bool hasSiblings = false;
    const Variant *chosen = nullptr;
    std::string chosenPath;
    double bestQuality = 0.0;
    for (const Variant &variant : kVariants) {
        const ResolvedPath sibling = m_resolver.resolve(urlPath + std::string(variant.suffix));
        if (!sibling.ok() || sibling.kind != ResolvedPath::Kind::File)
            continue;
        hasSiblings = true;
        const double quality = acceptEncoding ? codingQuality(*acceptEncoding, variant.coding) : 0.0;
        if (quality > bestQuality) { // strictly greater: br wins ties
            bestQuality = quality;
            chosen = &variant;
            chosenPath = sibling.realPath;
        }
    }

    struct stat st {};
    std::shared_ptr<const FileHandle> file;
    if (chosen) {
        file = openRegularFile(chosenPath, st);
        if (!file)
            chosen = nullptr; // vanished meanwhile: the identity file still serves
    }
    if (!file)
        file = openRegularFile(resolved.realPath, st);
    if (!file)
        return errorResponse(404, "not found: the file could not be opened");

    const auto length = static_cast<std::uint64_t>(st.st_size);
    Validators validators;
    validators.etag = makeStrongEtag(static_cast<std::uint64_t>(st.st_ino), length, st.st_mtim.tv_sec,
                                     st.st_mtim.tv_nsec, chosen ? chosen->tag : std::string_view{});
    validators.lastModified = st.st_mtim.tv_sec;

    // Headers a 304 must repeat, and every other answer about this file carries.
    HeaderList common;
    common.push_back({"etag", validators.etag});
    common.push_back({"last-modified", formatHttpDate(validators.lastModified)});
    if (!m_options.cacheControl.empty())
        common.push_back({"cache-control", m_options.cacheControl});
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
    case ConditionalOutcome::Proceed:
        break;
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
        if (ifRange && !ifRangeAllowsRange(*ifRange, validators)) {
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
                setBody(response, Body::fromFile(file, plan.front().first, plan.front().length()));
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
    setBody(response, Body::fromFile(std::move(file), 0, length));
    // Only a full 200 to GET: a 206 is a resumed download or media seek, not
    // a page load that would use the pushes; a 304 means the client has it all.
    if (request.method == "GET")
        addPreloads(response, pagePath, urlPath, resolved);
    return response;
}

void StaticSite::addPreloads(Response &response, const std::string &pagePath, const std::string &urlPath,
                             const ResolvedPath &resolved) const
{
    const std::string_view mime = mimeTypeFor(urlPath);
    const bool isHtml = mime == "text/html" || mime == "application/xhtml+xml";
    response.preloads = m_push.preloadsFor(pagePath, resolved.realPath, isHtml);
    for (const PreloadLink &link : response.preloads)
        if (!link.nopush)
            response.pushPromises.push_back(link.path);
}

} // namespace h2scope::site
