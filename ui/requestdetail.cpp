#include "requestdetail.h"

#include "connectionmodel.h"
#include "frametext.h"

#include "inspect/jsonwriter.h"

#include <QCoreApplication>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace h2scope::ui {

namespace {

constexpr std::uint8_t kData = 0x0, kHeaders = 0x1, kRst = 0x3, kPushPromise = 0x5;

std::string field(const Fields &fields, std::string_view name)
{
    for (const auto &[n, v] : fields)
        if (n == name)
            return v;
    return {};
}

// Pseudo-headers into the request's parts, the rest into `out`.
void takeRequestBlock(const HeaderBlock &block, RequestDetail &d)
{
    for (HeaderView h : block) {
        const std::string name(h.name), value(h.value);
        if (name == ":method")
            d.method = value;
        else if (name == ":scheme")
            d.scheme = value;
        else if (name == ":authority")
            d.authority = value;
        else if (name == ":path")
            d.path = value;
        else if (!name.starts_with(':'))
            d.requestHeaders.emplace_back(name, value);
    }
}

Fields responseFields(const HeaderBlock &block, int &status)
{
    Fields out;
    for (HeaderView h : block) {
        if (h.name == ":status") {
            std::from_chars(h.value.data(), h.value.data() + h.value.size(), status);
            continue;
        }
        if (!h.name.starts_with(':'))
            out.emplace_back(std::string(h.name), std::string(h.value));
    }
    return out;
}

Fields fieldsOf(const HeaderBlock &block)
{
    Fields out;
    for (HeaderView h : block)
        out.emplace_back(std::string(h.name), std::string(h.value));
    return out;
}

void describeHttp1(const inspect::CaptureStore &store, RequestDetail &d)
{
    const std::size_t end = store.eventCount(d.connectionId);
    for (std::size_t i = store.firstEventIndex(d.connectionId); i < end; ++i) {
        const inspect::Event *ev = store.event(d.connectionId, i);
        const auto *ex = ev ? std::get_if<inspect::Http1Exchange>(&ev->data) : nullptr;
        if (!ex || static_cast<std::int32_t>(ex->sequence) != d.streamId)
            continue;
        d.found = true;
        d.http1 = true;
        d.httpVersion = ex->version.empty() ? "HTTP/1.1" : ex->version;
        d.method = ex->method;
        d.path = ex->target;
        d.requestHeaders = fieldsOf(ex->requestHeaders);
        d.authority = field(d.requestHeaders, "host");
        d.status = ex->status;
        d.responseHeaders = fieldsOf(ex->responseHeaders);
        d.bodyBytes = ex->bodyBytes;
        d.decodedBytes = ex->decodedBytes;
        d.requestNs = ex->startNs;
        d.endNs = ex->startNs + ex->durationNs;
        return;
    }
}

QString esc(const std::string &s)
{
    return QString::fromStdString(s).toHtmlEscaped();
}

QString fieldsTable(const Fields &fields)
{
    if (fields.empty())
        return QStringLiteral("<p><i>none</i></p>");
    QString h = QStringLiteral("<table cellspacing=0 cellpadding=1>");
    for (const auto &[n, v] : fields)
        h += QStringLiteral("<tr><td><b>%1</b>&nbsp;</td><td><tt>%2</tt></td></tr>").arg(esc(n), esc(v));
    return h + QStringLiteral("</table>");
}

QString at(std::uint64_t ns, std::uint64_t from)
{
    return ns == 0 ? QStringLiteral("—") : QStringLiteral("+%1").arg(durationText(ns - std::min(ns, from)));
}

// 'text' for a POSIX shell.
std::string shellQuote(const std::string &text)
{
    std::string out = "'";
    for (char c : text) {
        if (c == '\'')
            out += "'\\''";
        else
            out += c;
    }
    return out + "'";
}

// "text" for JavaScript: a JSON string is one (escapes and all).
std::string jsString(const std::string &text)
{
    std::string out;
    inspect::JsonWriter(out).str(text);
    return out;
}

// Fields every client sets from the URL or its own framing.
bool framingField(const std::string &name)
{
    return name == "host" || name == "content-length" || name == "connection" || name == "keep-alive"
           || name == "transfer-encoding" || name == "te" || name == "upgrade" || name == "http2-settings"
           || name == "proxy-connection";
}

// Request fields fetch() may not set (the Fetch standard's forbidden names).
bool forbiddenForFetch(const std::string &name)
{
    static const char *const kForbidden[] = {"accept-charset",
                                             "accept-encoding",
                                             "access-control-request-headers",
                                             "access-control-request-method",
                                             "cookie",
                                             "cookie2",
                                             "date",
                                             "dnt",
                                             "expect",
                                             "origin",
                                             "referer",
                                             "set-cookie",
                                             "trailer",
                                             "via",
                                             "user-agent"};
    if (framingField(name) || name.starts_with("sec-") || name.starts_with("proxy-"))
        return true;
    return std::find(std::begin(kForbidden), std::end(kForbidden), name) != std::end(kForbidden);
}

} // namespace

RequestDetail describeRequest(const inspect::CaptureStore &store, std::uint64_t connectionId, std::int32_t streamId)
{
    RequestDetail d;
    d.connectionId = connectionId;
    d.streamId = streamId;
    const inspect::ConnectionInfo *conn = store.connection(connectionId);
    if (!conn)
        return d;
    d.client = conn->client;
    const std::shared_ptr<const inspect::ConnectionIndex> index = store.index(connectionId);
    const inspect::StreamSummary *s = index ? index->stream(streamId) : nullptr;
    if (!s)
        return d;
    const std::string defaultScheme = conn->opened && !conn->opened->tls ? "http" : "https";
    if (s->http1) {
        describeHttp1(store, d);
        d.scheme = defaultScheme;
        return d;
    }
    d.found = true;
    d.httpVersion = "HTTP/2";
    d.bodyBytes = s->bodyBytes;
    d.decodedBytes = s->decodedBytes;
    d.reset = s->reset;
    d.resetCode = s->resetCode;
    d.pushed = s->pushed;
    d.parentId = s->parentId;
    d.hintedBy = s->hintedBy;
    d.pushOutcome = s->pushOutcome;
    d.pushDetail = s->pushDetail;
    d.frames = s->frames;
    d.requestNs = s->startNs;
    d.endNs = s->lastNs;
    if (s->pushed) { // its request is the PUSH_PROMISE on the parent
        if (const inspect::StreamSummary *parent = index->stream(s->parentId))
            for (std::size_t i : parent->frames) {
                const inspect::Event *ev = store.event(connectionId, i);
                const auto *f = ev ? std::get_if<inspect::FrameEvent>(&ev->data) : nullptr;
                if (f && f->type == kPushPromise && f->promisedStreamId == streamId) {
                    takeRequestBlock(f->headers, d);
                    d.requestNs = ev->timeNs;
                    break;
                }
            }
    }
    bool haveRequest = s->pushed;
    for (std::size_t i : s->frames) {
        const inspect::Event *ev = store.event(connectionId, i);
        const auto *f = ev ? std::get_if<inspect::FrameEvent>(&ev->data) : nullptr;
        if (!f)
            continue;
        if (f->type == kHeaders && f->dir == inspect::Direction::In && !haveRequest) {
            haveRequest = true;
            takeRequestBlock(f->headers, d);
            d.requestNs = ev->timeNs;
        } else if (f->type == kHeaders && f->dir == inspect::Direction::Out && !f->notSent) {
            int status = 0;
            Fields fields = responseFields(f->headers, status);
            if (status >= 100 && status < 200) {
                d.informational.push_back(std::move(fields));
                if (d.hintsNs == 0)
                    d.hintsNs = ev->timeNs;
            } else if (d.responseNs == 0) {
                d.status = status;
                d.responseHeaders = std::move(fields);
                d.responseNs = ev->timeNs;
            }
        } else if (f->type == kData && f->dir == inspect::Direction::Out && !f->notSent) {
            if (d.firstDataNs == 0)
                d.firstDataNs = ev->timeNs;
            d.lastDataNs = ev->timeNs;
            ++d.dataFrames;
            if (f->streamRemoteWindow == 0 || f->connRemoteWindow == 0)
                ++d.windowStalls;
        } else if (f->type == kPushPromise && f->dir == inspect::Direction::Out && f->promisedStreamId > 0) {
            RequestDetail::Promise p;
            p.streamId = f->promisedStreamId;
            if (const auto path = f->headers.find(":path"))
                p.path = std::string(*path);
            if (const inspect::StreamSummary *promised = index->stream(p.streamId))
                p.outcome = promised->pushOutcome;
            d.promises.push_back(std::move(p));
        } else if (f->type == kRst) {
            d.reset = true;
        }
    }
    // What the 103s announced, and which of it the client then asked for.
    for (const Fields &info : d.informational)
        for (const auto &[name, value] : info) {
            if (name != "link")
                continue;
            for (std::size_t at = value.find('<'); at != std::string::npos; at = value.find('<', at + 1)) {
                const std::size_t end = value.find('>', at);
                if (end == std::string::npos)
                    break;
                RequestDetail::Hint hint{value.substr(at + 1, end - at - 1), 0};
                for (const auto &[id, other] : index->streams())
                    if (other.hintedBy == streamId && other.path == hint.path) {
                        hint.usedBy = id;
                        break;
                    }
                d.hints.push_back(std::move(hint));
            }
        }
    if (d.scheme.empty())
        d.scheme = defaultScheme;
    return d;
}

std::string requestUrl(const RequestDetail &d)
{
    if (d.path.starts_with("http://") || d.path.starts_with("https://"))
        return d.path; // an absolute-form request target
    const std::string authority = d.authority.empty() ? field(d.requestHeaders, "host") : d.authority;
    return (d.scheme.empty() ? std::string("https") : d.scheme) + "://" + authority + d.path;
}

std::string fieldsText(const Fields &fields)
{
    std::string out;
    for (const auto &[n, v] : fields)
        out += n + ": " + v + "\n";
    return out;
}

std::string curlCommand(const RequestDetail &d)
{
    std::string cmd = "curl " + shellQuote(requestUrl(d));
    cmd += d.http1 ? (d.httpVersion == "HTTP/1.0" ? " --http1.0" : " --http1.1") : " --http2";
    if (d.method == "HEAD")
        cmd += " --head";
    else if (!d.method.empty() && d.method != "GET")
        cmd += " -X " + shellQuote(d.method);
    bool compressed = false;
    for (const auto &[n, v] : d.requestHeaders) {
        if (framingField(n))
            continue;
        if (n == "accept-encoding") { // curl asks for what it can decode, and decodes it
            compressed = true;
            continue;
        }
        cmd += " -H " + shellQuote(n + ": " + v);
    }
    if (compressed)
        cmd += " --compressed";
    return cmd;
}

std::string fetchCall(const RequestDetail &d)
{
    std::string js = "await fetch(" + jsString(requestUrl(d)) + ", {\n";
    js += "  method: " + jsString(d.method.empty() ? "GET" : d.method) + ",\n";
    js += "  headers: {";
    bool first = true;
    for (const auto &[n, v] : d.requestHeaders) {
        if (forbiddenForFetch(n))
            continue;
        js += std::string(first ? "\n" : ",\n") + "    " + jsString(n) + ": " + jsString(v);
        first = false;
    }
    js += first ? "},\n" : "\n  },\n";
    if (const std::string referer = field(d.requestHeaders, "referer"); !referer.empty())
        js += "  referrer: " + jsString(referer) + ",\n";
    if (!field(d.requestHeaders, "cookie").empty())
        js += "  credentials: \"include\",\n";
    js += "});";
    return js;
}

std::string nghttpCommand(const RequestDetail &d)
{
    std::string cmd = "nghttp -v";
    if (!d.method.empty() && d.method != "GET")
        cmd += " -H " + shellQuote(":method: " + d.method);
    for (const auto &[n, v] : d.requestHeaders)
        if (!framingField(n))
            cmd += " -H " + shellQuote(n + ": " + v);
    return cmd + " " + shellQuote(requestUrl(d));
}

QString requestDetailHtml(const RequestDetail &d, std::uint64_t baseNs, bool sideBySide)
{
    const auto tr = [](const char *text) { return QCoreApplication::translate("RequestDetail", text); };
    if (!d.found)
        return tr("<p>This request's frames are no longer in the capture.</p>");
    QString h = QStringLiteral("<h3>%1 %2</h3>").arg(esc(d.method), esc(d.path));
    h +=
        QStringLiteral("<p>%1 · %2 · connection %3, %4 %5%6</p>")
            .arg(d.status ? QString::number(d.status) : (d.reset ? tr("reset") : tr("no response")), esc(d.httpVersion))
            .arg(d.connectionId)
            .arg(d.http1 ? tr("exchange") : tr("stream"))
            .arg(d.streamId)
            .arg(d.client.empty() ? QString() : QStringLiteral(" · ") + clientName(d.client).toHtmlEscaped());
    if (d.pushed)
        h += QStringLiteral("<p><b>%1</b> %2</p>")
                 .arg(tr("Pushed"),
                      tr("with the response to stream %1; %2%3")
                          .arg(d.parentId)
                          .arg(d.pushOutcome.empty() ? tr("no outcome yet") : pushOutcomeText(d.pushOutcome))
                          .arg(d.pushDetail.empty() ? QString()
                                                    : QStringLiteral(" (") + esc(d.pushDetail) + QStringLiteral(")")));
    if (d.hintedBy)
        h += QStringLiteral("<p><b>%1</b> %2</p>")
                 .arg(tr("Hinted"),
                      tr("by the 103 Early Hints sent on stream %1: the browser's preload").arg(d.hintedBy));
    if (!d.promises.empty()) {
        h += QStringLiteral("<p><b>%1</b></p><ul>").arg(tr("Pushed with this response"));
        for (const RequestDetail::Promise &p : d.promises)
            h += QStringLiteral("<li>%1 → stream %2: %3</li>")
                     .arg(esc(p.path))
                     .arg(p.streamId)
                     .arg(p.outcome.empty() ? tr("in flight") : pushOutcomeText(p.outcome));
        h += QStringLiteral("</ul>");
    }

    if (!d.hints.empty()) {
        int used = 0;
        for (const RequestDetail::Hint &hint : d.hints)
            used += hint.usedBy ? 1 : 0;
        h += QStringLiteral("<p><b>%1</b> %2</p><ul>")
                 .arg(tr("Hinted with this response"), tr("(%1 of %2 asked for)").arg(used).arg(d.hints.size()));
        for (const RequestDetail::Hint &hint : d.hints)
            h += QStringLiteral("<li>%1: %2</li>")
                     .arg(esc(hint.path), hint.usedBy ? tr("asked for on stream %1").arg(hint.usedBy)
                                                      : tr("not asked for on this connection"));
        h += QStringLiteral("</ul>");
    }
    h += QStringLiteral("<h4>%1</h4><table cellspacing=0 cellpadding=1>").arg(tr("Timing"));
    const auto row = [&h](const QString &name, const QString &value) {
        h += QStringLiteral("<tr><td>%1&nbsp;</td><td align=right>%2</td></tr>").arg(name, value);
    };
    row(tr("request received"), at(d.requestNs, baseNs));
    if (d.hintsNs)
        row(tr("103 Early Hints sent"), at(d.hintsNs, d.requestNs));
    if (!d.http1) {
        row(tr("response headers sent"), at(d.responseNs, d.requestNs));
        row(tr("first DATA"), at(d.firstDataNs, d.requestNs));
        row(tr("last DATA"), at(d.lastDataNs, d.requestNs));
    }
    row(tr("end"), at(d.endNs, d.requestNs));
    row(tr("body"),
        (d.http1 ? bytesText(d.bodyBytes) : tr("%1 in %2 DATA frame(s)").arg(bytesText(d.bodyBytes)).arg(d.dataFrames))
            + (d.decodedBytes ? tr(", %1 decoded").arg(bytesText(d.decodedBytes)) : QString()));
    if (d.windowStalls)
        row(tr("flow control"), tr("%1 wait(s) for a WINDOW_UPDATE").arg(d.windowStalls));
    h += QStringLiteral("</table>");

    QString requestSide = QStringLiteral("<h4>%1</h4>").arg(tr("Request headers"));
    Fields request;
    if (!d.http1)
        request = {{":method", d.method}, {":scheme", d.scheme}, {":authority", d.authority}, {":path", d.path}};
    request.insert(request.end(), d.requestHeaders.begin(), d.requestHeaders.end());
    requestSide += fieldsTable(request);
    QString responseSide;
    for (const Fields &info : d.informational) {
        const bool hints = std::any_of(info.begin(), info.end(), [](const auto &f) { return f.first == "link"; });
        responseSide += QStringLiteral("<h4>%1</h4>").arg(hints ? tr("103 Early Hints") : tr("Informational response"))
                        + fieldsTable(info);
    }
    responseSide += QStringLiteral("<h4>%1</h4>").arg(tr("Response headers"));
    Fields response;
    if (d.status)
        response.emplace_back(d.http1 ? "status" : ":status", std::to_string(d.status));
    response.insert(response.end(), d.responseHeaders.begin(), d.responseHeaders.end());
    responseSide += fieldsTable(response);
    if (sideBySide)
        h += QStringLiteral("<table width=\"100%\" cellspacing=0 cellpadding=4><tr><td valign=top width=\"50%\">%1</td>"
                            "<td valign=top width=\"50%\">%2</td></tr></table>")
                 .arg(requestSide, responseSide);
    else
        h += requestSide + responseSide;
    if (!d.frames.empty())
        h += QStringLiteral("<p><a href=\"frames:\">%1</a></p>").arg(tr("Show its %1 frame(s)").arg(d.frames.size()));
    return h;
}

} // namespace h2scope::ui
