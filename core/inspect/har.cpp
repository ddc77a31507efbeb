#include "har.h"

#include "httpstatus.h"

#include "jsonwriter.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <string_view>
#include <vector>

namespace h2scope::inspect {

namespace {

// One HAR entry as it is being assembled.
struct EntryInput {
    std::uint64_t connectionId = 0;
    const ConnectionInfo *connection = nullptr;
    std::uint64_t startNs = 0; // steady clock
    std::uint64_t durationNs = 0;
    std::uint64_t firstResponseNs = 0; // 0: not seen
    std::string method, url, httpVersion;
    // Copies (a reference count each): the store keeps only the last few
    // connections' events dissected, and entries outlive that.
    std::optional<HeaderBlock> requestHeaders;
    HeaderBlock pseudoHeaders; // h2 request pseudo-headers (optional output)
    std::string path;          // for the query string
    int status = 0;
    std::optional<HeaderBlock> responseHeaders;
    std::uint64_t bodyBytes = 0;
    std::uint64_t decodedBytes = 0; // 0: the body as sent
    bool h2 = true;
    std::int32_t streamId = 0;
    std::uint32_t sequence = 0;
    bool pushed = false;
    std::int32_t pushedBy = 0;
    std::string note;
};

std::int64_t toMicros(std::uint64_t ns)
{
    return static_cast<std::int64_t>((ns + 500) / 1000);
}

void writeHeaders(JsonWriter &w, const HeaderBlock *headers, const HeaderBlock *extra = nullptr)
{
    w.key("headers").beginArray();
    for (const HeaderBlock *list : {extra, headers}) {
        if (!list)
            continue;
        for (const HeaderView h : *list)
            w.beginObject().key("name").str(h.name).key("value").str(h.value).endObject();
    }
    w.endArray();
}

void writeQueryString(JsonWriter &w, std::string_view path)
{
    w.key("queryString").beginArray();
    const std::size_t q = path.find('?');
    if (q != std::string_view::npos) {
        std::string_view query = path.substr(q + 1);
        while (!query.empty()) {
            const std::size_t amp = std::min(query.find('&'), query.size());
            const std::string_view pair = query.substr(0, amp);
            if (!pair.empty()) {
                const std::size_t eq = pair.find('=');
                w.beginObject().key("name").str(pair.substr(0, eq));
                w.key("value").str(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
                w.endObject();
            }
            query.remove_prefix(std::min(amp + 1, query.size()));
        }
    }
    w.endArray();
}

std::string writeEntry(const EntryInput &in, const HarOptions &options)
{
    std::string out;
    JsonWriter w(out);
    const std::int64_t timeUs = toMicros(in.durationNs);
    std::int64_t waitUs = timeUs;
    if (in.firstResponseNs >= in.startNs && in.firstResponseNs != 0)
        waitUs = std::min(timeUs, toMicros(in.firstResponseNs - in.startNs));
    const std::int64_t receiveUs = timeUs - waitUs;

    w.beginObject();
    w.key("startedDateTime").str(isoDateTime(static_cast<std::int64_t>(in.startNs) + options.wallClockOffsetNs));
    w.key("time").millis(timeUs);

    w.key("request").beginObject();
    w.key("method").str(in.method).key("url").str(in.url).key("httpVersion").str(in.httpVersion);
    w.key("cookies").beginArray().endArray();
    writeHeaders(w, in.requestHeaders ? &*in.requestHeaders : nullptr,
                 options.includePseudoHeaders ? &in.pseudoHeaders : nullptr);
    writeQueryString(w, in.path);
    w.key("headersSize").num(-1).key("bodySize").num(0);
    w.endObject();

    std::optional<std::string_view> contentType, location;
    if (in.responseHeaders) {
        contentType = in.responseHeaders->find("content-type");
        location = in.responseHeaders->find("location");
    }
    w.key("response").beginObject();
    w.key("status").num(in.status).key("statusText").str(reasonPhrase(in.status));
    w.key("httpVersion").str(in.httpVersion);
    w.key("cookies").beginArray().endArray();
    writeHeaders(w, in.responseHeaders ? &*in.responseHeaders : nullptr);
    w.key("content").beginObject();
    // HAR: content.size is the decoded body; compression what the coding saved.
    w.key("size").unum(in.decodedBytes ? in.decodedBytes : in.bodyBytes);
    if (in.decodedBytes > in.bodyBytes)
        w.key("compression").unum(in.decodedBytes - in.bodyBytes);
    w.key("mimeType").str(contentType.value_or("x-unknown"));
    w.key("comment").str("body not captured; h2scope keeps sizes only");
    w.endObject();
    w.key("redirectURL").str(location.value_or(std::string_view()));
    w.key("headersSize").num(-1).key("bodySize").unum(in.bodyBytes);
    w.endObject();

    w.key("cache").beginObject().endObject();
    w.key("timings").beginObject();
    w.key("blocked").num(-1).key("dns").num(-1).key("connect").num(-1).key("ssl").num(-1);
    w.key("send").num(0).key("wait").millis(waitUs).key("receive").millis(receiveUs);
    w.key("comment").str(in.h2 ? "as the server saw them: wait = request HEADERS received to first response "
                                 "HEADERS sent, receive = from then until the stream closed"
                               : "as the server saw them: the whole exchange is counted as wait");
    w.endObject();

    w.key("connection").str(std::to_string(in.connectionId));
    if (in.connection && in.connection->opened) {
        const std::string &local = in.connection->opened->local;
        const std::size_t colon = local.rfind(':');
        std::string ip = colon == std::string::npos ? local : local.substr(0, colon);
        if (ip.size() >= 2 && ip.front() == '[' && ip.back() == ']')
            ip = ip.substr(1, ip.size() - 2);
        if (!ip.empty())
            w.key("serverIPAddress").str(ip);
    }
    if (!in.note.empty())
        w.key("comment").str(in.note);
    w.key("_connection_id").unum(in.connectionId);
    if (in.h2)
        w.key("_stream_id").num(in.streamId);
    else
        w.key("_stream_id").null().key("_exchange").unum(in.sequence);
    w.key("_was_pushed").boolean(in.pushed);
    if (in.pushed)
        w.key("_pushed_by").num(in.pushedBy);
    else
        w.key("_pushed_by").null();
    w.endObject();
    return out;
}

std::string authorityFor(const ConnectionInfo &conn, const std::string &given, const HeaderBlock *headers)
{
    if (!given.empty())
        return given;
    if (headers)
        if (const auto host = headers->find("host"))
            return std::string(*host);
    if (conn.opened) {
        if (!conn.opened->sni.empty())
            return conn.opened->sni;
        return conn.opened->local;
    }
    return "localhost";
}

// Walks one connection's events (dissected afresh) and appends its entries.
void collectEntries(const CaptureStore &store, const ConnectionInfo &conn,
                    std::vector<std::pair<std::uint64_t, EntryInput>> &entries)
{
    std::map<std::int32_t, EntryInput> open;
    store.forEachEvent(conn.id, [&](const Event &event) {
        const Event *ev = &event;
        if (const auto *so = std::get_if<StreamOpened>(&ev->data)) {
            EntryInput in;
            in.connectionId = conn.id;
            in.connection = &conn;
            in.startNs = ev->timeNs;
            in.method = so->method;
            in.path = so->path;
            const std::string scheme =
                so->scheme.empty() ? (conn.opened && !conn.opened->tls ? "http" : "https") : so->scheme;
            in.url = scheme + "://" + authorityFor(conn, so->authority, &so->headers) + so->path;
            in.httpVersion = "HTTP/2";
            in.requestHeaders = so->headers;
            in.pseudoHeaders = {
                {":method", so->method}, {":scheme", so->scheme}, {":authority", so->authority}, {":path", so->path}};
            in.streamId = so->streamId;
            in.pushed = so->pushed;
            in.pushedBy = so->parentStreamId;
            open[so->streamId] = std::move(in);
        } else if (const auto *frame = std::get_if<FrameEvent>(&ev->data)) {
            if (frame->type == 0x01 && frame->dir == Direction::Out && !frame->notSent) {
                const auto it = open.find(frame->streamId);
                if (it != open.end() && it->second.firstResponseNs == 0)
                    it->second.firstResponseNs = ev->timeNs;
            }
        } else if (const auto *sc = std::get_if<StreamClosed>(&ev->data)) {
            const auto it = open.find(sc->streamId);
            if (it == open.end())
                return; // its request was evicted or never seen
            EntryInput in = std::move(it->second);
            open.erase(it);
            in.durationNs = sc->durationNs ? sc->durationNs : (ev->timeNs >= in.startNs ? ev->timeNs - in.startNs : 0);
            in.status = sc->status;
            in.responseHeaders = sc->responseHeaders;
            in.bodyBytes = sc->bodyBytes;
            in.decodedBytes = sc->decodedBytes;
            in.note = sc->note;
            if (sc->errorCode != 0)
                in.note += (in.note.empty() ? "" : "; ") + std::string("stream reset: ") + errorCodeName(sc->errorCode);
            const std::uint64_t start = in.startNs;
            entries.emplace_back(start, std::move(in));
        } else if (const auto *ex = std::get_if<Http1Exchange>(&ev->data)) {
            EntryInput in;
            in.connectionId = conn.id;
            in.connection = &conn;
            in.h2 = false;
            in.durationNs = ex->durationNs;
            in.startNs = ex->startNs ? ex->startNs : (ev->timeNs >= ex->durationNs ? ev->timeNs - ex->durationNs : 0);
            in.method = ex->method;
            in.path = ex->target;
            const bool absolute = ex->target.rfind("http://", 0) == 0 || ex->target.rfind("https://", 0) == 0;
            const std::string scheme = conn.opened && conn.opened->tls ? "https" : "http";
            in.url = absolute ? ex->target
                              : scheme + "://" + authorityFor(conn, std::string(), &ex->requestHeaders) + ex->target;
            in.httpVersion = ex->version.empty()                  ? "HTTP/1.1"
                             : ex->version.rfind("HTTP/", 0) == 0 ? ex->version
                                                                  : "HTTP/" + ex->version;
            in.requestHeaders = ex->requestHeaders;
            in.status = ex->status;
            in.responseHeaders = ex->responseHeaders;
            in.bodyBytes = ex->bodyBytes;
            in.decodedBytes = ex->decodedBytes;
            in.sequence = ex->sequence;
            in.note = ex->note;
            const std::uint64_t start = in.startNs;
            entries.emplace_back(start, std::move(in));
        }
    });
}

} // namespace

std::int64_t wallClockOffsetNow() noexcept
{
    const auto wall =
        std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::system_clock::now().time_since_epoch())
            .count();
    return static_cast<std::int64_t>(wall) - static_cast<std::int64_t>(nowNs());
}

std::string isoDateTime(std::int64_t wallNs)
{
    using namespace std::chrono;
    const sys_time<nanoseconds> tp{nanoseconds(wallNs)};
    const sys_days day = floor<days>(tp);
    const year_month_day ymd{day};
    const auto ms = duration_cast<milliseconds>(tp - day).count();
    char buf[40];
    std::snprintf(buf, sizeof buf, "%04d-%02u-%02uT%02lld:%02lld:%02lld.%03lldZ", static_cast<int>(ymd.year()),
                  static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()),
                  static_cast<long long>(ms / 3600000), static_cast<long long>(ms / 60000 % 60),
                  static_cast<long long>(ms / 1000 % 60), static_cast<long long>(ms % 1000));
    return buf;
}

std::string toHar(const CaptureStore &store, const HarOptions &options)
{
    std::vector<std::pair<std::uint64_t, EntryInput>> entries;
    std::set<std::uint64_t> wanted = options.connections;
    for (const auto &[connection, stream] : options.requests)
        wanted.insert(connection);
    for (std::uint64_t id : store.connectionIds())
        if (const ConnectionInfo *conn = store.connection(id); conn && (wanted.empty() || wanted.count(id)))
            collectEntries(store, *conn, entries);
    if (!options.requests.empty())
        std::erase_if(entries, [&](const auto &e) {
            const EntryInput &in = e.second;
            const std::int32_t id = in.h2 ? in.streamId : static_cast<std::int32_t>(in.sequence);
            return !options.requests.count({in.connectionId, id});
        });
    // HAR viewers expect entries in start order; ties keep capture order.
    std::stable_sort(entries.begin(), entries.end(), [](const auto &a, const auto &b) { return a.first < b.first; });

    std::string out;
    JsonWriter w(out);
    w.beginObject().key("log").beginObject();
    w.key("version").str("1.2");
    w.key("creator").beginObject().key("name").str("h2scope").key("version").str(options.creatorVersion).endObject();
    w.key("pages").beginArray().endArray();
    w.key("entries").beginArray();
    for (const auto &entry : entries)
        w.raw(writeEntry(entry.second, options));
    w.endArray();
    std::uint64_t truncated = 0;
    for (std::uint64_t id : store.connectionIds())
        if (const ConnectionInfo *conn = store.connection(id); conn && conn->evictedFrames > 0)
            ++truncated;
    std::string comment = "exported by h2scope; timings are as the server saw them";
    if (truncated > 0)
        comment += "; " + std::to_string(truncated)
                   + " connection(s) lost their oldest frames to the capture's memory budget, and their requests "
                     "from that time are not here";
    w.key("comment").str(comment);
    w.endObject().endObject();
    return out;
}

} // namespace h2scope::inspect
