#include "h1/h1session.h"

#include "httpstatus.h"
#include "site/earlyhints.h"
#include "site/errorpage.h"
#include "site/responsefields.h"

#include <algorithm>
#include <optional>

namespace h2scope::h1 {

namespace {

bool hasConnectionToken(const HeaderList &headers, std::string_view token)
{
    for (const Header &h : headers) {
        if (h.name != "connection")
            continue;
        std::string_view rest = h.value;
        while (!rest.empty()) {
            const std::size_t comma = rest.find(',');
            std::string_view element = rest.substr(0, comma);
            while (!element.empty() && (element.front() == ' ' || element.front() == '\t'))
                element.remove_prefix(1);
            while (!element.empty() && (element.back() == ' ' || element.back() == '\t'))
                element.remove_suffix(1);
            if (element.size() == token.size()
                && std::equal(element.begin(), element.end(), token.begin(),
                              [](char a, char b) { return (a >= 'A' && a <= 'Z' ? a - 'A' + 'a' : a) == b; }))
                return true;
            if (comma == std::string_view::npos)
                break;
            rest.remove_prefix(comma + 1);
        }
    }
    return false;
}

// The protocol a request asks to switch to (RFC 9110 §7.8): the first
// Upgrade token, lowercase, when `connection` lists "upgrade"; else empty.
std::string upgradeToken(const HeaderList &headers)
{
    const std::string *upgrade = findHeader(headers, "upgrade");
    if (!upgrade || !hasConnectionToken(headers, "upgrade"))
        return {};
    std::string_view first = *upgrade;
    first = first.substr(0, first.find(','));
    first = first.substr(0, first.find('/')); // a version, as in "h2c/1"? not for websocket
    while (!first.empty() && (first.front() == ' ' || first.front() == '\t'))
        first.remove_prefix(1);
    while (!first.empty() && (first.back() == ' ' || first.back() == '\t'))
        first.remove_suffix(1);
    std::string token(first);
    std::transform(token.begin(), token.end(), token.begin(),
                   [](unsigned char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c); });
    return token;
}

// The reason goes into a response body: keep it printable ASCII.
std::string printable(std::string_view text)
{
    std::string out(text);
    for (char &c : out)
        if (static_cast<unsigned char>(c) < 0x20 || static_cast<unsigned char>(c) > 0x7e)
            c = '?';
    return out;
}

} // namespace

// The response being sent: its serialized head, the body still to stream,
// and what the inspector will be told about it.
struct H1Session::Exchange {
    std::string method, target, version;
    HeaderBlock requestHeaders;  // kept only when events are captured
    HeaderBlock responseHeaders; // as sent; kept only when events are captured
    std::uint64_t startNs = 0;
    std::uint32_t sequence = 0;
    int status = 0;
    std::string note;
    bool close = false;

    std::string head;
    std::size_t headSent = 0;
    std::optional<site::Body> body;       // set only when body bytes are to be sent
    std::shared_ptr<site::LiveBody> live; // or: streamed until closed (server-sent events)
    std::uint64_t bodySent = 0;
    bool reading = false;    // the body's next bytes are being read on the file pool
    std::string readFailure; // that read failed
};

H1Session::H1Session(site::Handler &handler, inspect::CaptureLog *log, std::string scheme, std::function<void()> wake,
                     bool earlyHints, const Clock *clock, site::FilePool *files)
    : m_responder(handler, files, wake),
      m_log(log),
      m_scheme(std::move(scheme)),
      m_wake(std::move(wake)),
      m_earlyHints(earlyHints),
      m_clock(Clock::orSteady(clock))
{}

H1Session::~H1Session() = default;

Result<void> H1Session::receive(const std::uint8_t *data, std::size_t length)
{
    if (m_tunnel) {
        if (!m_done)
            m_tunnel->receive(std::string_view(reinterpret_cast<const char *>(data), length));
        return {};
    }
    if (m_stopReading || m_done)
        return {};
    m_in.append(reinterpret_cast<const char *>(data), length);
    Result<void> parsed = pump();
    if (m_in.size() > kInputHardLimit) { // only bytes the parser could not take yet count
        const std::string text = "client sent more than " + std::to_string(kInputHardLimit)
                                 + " bytes while its pipelined requests were waiting";
        if (m_log)
            publishNotice("input-overflow", text + "; closing the connection");
        stopReading(text);
        m_in.clear();
        settle();
        return makeError(Errc::Refused, text);
    }
    return parsed;
}

Result<void> H1Session::pump()
{
    Result<void> result;
    std::size_t pos = 0;
    while (!m_stopReading && !m_awaitingUpgrade && m_queue.size() < kMaxPendingRequests && pos < m_in.size()) {
        if (m_log && !m_parser.inMessage())
            m_requestStartNs = static_cast<std::uint64_t>(m_clock.nowNs());
        Result<std::size_t> fed =
            m_parser.feed(reinterpret_cast<const std::uint8_t *>(m_in.data()) + pos, m_in.size() - pos);
        if (!fed) {
            const Error &error = fed.error();
            Pending bad;
            bad.request = m_parser.partial();
            bad.startNs = m_requestStartNs;
            bad.sequence = ++m_exchanges;
            bad.errorStatus = m_parser.failureStatus();
            bad.errorReason = error.message;
            m_queue.push_back(std::move(bad));
            if (m_log)
                publishNotice("bad-request", "bad request: " + error.message + " (answered "
                                                 + std::to_string(m_parser.failureStatus()) + ", closing)");
            stopReading("bad request: " + error.message);
            result = makeError(error.code, "bad request: " + error.message);
            break;
        }
        pos += *fed;
        if (m_parser.hasRequest()) {
            Pending next;
            next.request = m_parser.takeRequest();
            next.startNs = m_requestStartNs;
            next.sequence = ++m_exchanges;
            const bool keepAlive = next.request.keepAlive;
            const bool http10 = next.request.versionMinor == 0;
            const bool askedClose = hasConnectionToken(next.request.headers, "close");
            // What follows an upgrade request may not be HTTP at all.
            m_awaitingUpgrade = !upgradeToken(next.request.headers).empty();
            m_queue.push_back(std::move(next));
            if (!keepAlive)
                stopReading(http10 && !askedClose ? "HTTP/1.0 without keep-alive" : "client asked to close");
        } else if (*fed == 0) {
            break; // cannot happen with a non-empty input; never spin
        }
    }
    if (m_stopReading)
        m_in.clear(); // nothing behind the last answered request will be read
    else
        m_in.erase(0, pos);
    if (m_peerClosed && m_in.empty())
        stopReading("peer closed"); // a partial request can never complete now
    return result;
}

void H1Session::stopReading(std::string reason)
{
    m_stopReading = true;
    if (m_closeReason.empty())
        m_closeReason = std::move(reason);
}

void H1Session::settle()
{
    if (!m_done && !m_current && !m_asking && m_queue.empty() && m_stopReading)
        m_done = true;
}

void H1Session::publishNotice(std::string code, std::string text)
{
    if (m_log)
        m_log->notice(0, code, text);
}

void H1Session::startNext()
{
    Pending pending = std::move(m_queue.front());
    m_queue.pop_front();
    ParsedRequest &request = pending.request;

    Asking asking;
    asking.ex = std::make_unique<Exchange>();
    Exchange &ex = *asking.ex;
    ex.method = request.method;
    ex.target = request.target;
    ex.version = "HTTP/" + std::to_string(request.versionMajor) + "." + std::to_string(request.versionMinor);
    ex.startNs = pending.startNs;
    ex.sequence = pending.sequence;
    // A request that ends the connection is always the last one queued.
    ex.close = m_stopReading && m_queue.empty();
    asking.versionMinor = request.versionMinor;
    asking.head = request.method == "HEAD";
    asking.badRequest = pending.errorStatus != 0;

    if (pending.errorStatus != 0) {
        site::Response response;
        response.status = pending.errorStatus;
        response.headers.push_back(Header{"content-type", "text/plain; charset=utf-8"});
        response.body =
            site::Body::fromString(std::to_string(pending.errorStatus) + " " + reasonPhrase(pending.errorStatus) + ": "
                                   + printable(pending.errorReason) + "\n");
        response.note = "bad request: " + pending.errorReason;
        ex.close = true;
        m_asking = std::move(asking);
        complete(std::move(response));
        return;
    }
    site::Request &siteRequest = asking.request;
    siteRequest.method = request.method;
    siteRequest.scheme = m_scheme;
    if (const std::string *host = findHeader(request.headers, "host"))
        siteRequest.authority = *host;
    siteRequest.target = request.target;
    siteRequest.headers = std::move(request.headers);
    siteRequest.protocol = site::Protocol::Http1;
    siteRequest.upgrade = upgradeToken(siteRequest.headers);
    // An exchange starts once the one before it is sent (from produce()),
    // not with the bytes that brought it: its lookups check the folder as
    // it is then (the default Freshness).
    if (m_log && !m_clientRecorded) {
        m_clientRecorded = true;
        if (const std::string *ua = siteRequest.header("user-agent"))
            m_log->client(*ua);
    }
    m_asking = std::move(asking);
    // Answered now, or later from the file pool (resumeLive()); the requests
    // behind it wait their turn either way.
    site::Responder::Answer now;
    if (m_responder.answer(m_asking->request, ex.sequence, {}, now))
        complete(std::move(now.response));
}

void H1Session::resumeLive()
{
    for (site::Responder::Answer &a : m_responder.take())
        if (m_asking && a.token == m_asking->ex->sequence)
            complete(std::move(a.response));
    for (site::Responder::Read &read : m_responder.takeReads()) {
        if (!m_current || m_current->sequence != read.token || !m_current->reading)
            continue;
        m_current->reading = false;
        if (read.bytes)
            m_current->body->supplyAhead(std::move(*read.bytes));
        else
            m_current->readFailure = read.bytes.error().message;
    }
}

void H1Session::complete(site::Response &&response)
{
    Asking asking = std::move(*m_asking);
    m_asking.reset();
    std::unique_ptr<Exchange> ex = std::move(asking.ex);
    const site::Request &siteRequest = asking.request;
    const std::string &upgrade = siteRequest.upgrade;
    // A shutdown while the answer was being made: say this is the last one.
    ex->close = ex->close || (m_stopReading && m_queue.empty());
    std::string earlyHints; // a 103 to send ahead of the response, if any
    if (!asking.badRequest) {
        if (m_earlyHints && asking.versionMinor >= 1 && site::wantsEarlyHints(siteRequest, response)) {
            earlyHints = "HTTP/1.1 103 Early Hints\r\n";
            for (const std::string &link : site::earlyHintLinks(response))
                earlyHints.append("link: ").append(link).append("\r\n");
            earlyHints.append("\r\n");
        }
        if (m_log)
            ex->requestHeaders = HeaderBlock(siteRequest.headers);
    }
    ex->note = response.note;
    if (m_log && response.decodedLength)
        m_log->decoded(static_cast<std::int32_t>(ex->sequence), response.decodedLength);

    int status = response.status;
    if (status < 100 || status > 999)
        status = 500;
    // Switching protocols: only to a live body that reads the client.
    const bool tunnel = status == 101 && response.live && response.live->takesInput() && !asking.badRequest;
    if (status == 101 && !tunnel) {
        status = 500;
        response.note = "the site answered 101 without a protocol to switch to";
    }
    if (m_awaitingUpgrade && m_queue.empty() && !tunnel)
        m_awaitingUpgrade = false; // not switched: the connection stays HTTP/1.1
    ex->status = status;
    const bool head = asking.head;
    const bool statusForbidsBody = status < 200 || status == 204 || status == 304;
    const bool sendBody = !head && !statusForbidsBody;

    // Content-Length always matches what is sent; HEAD announces the body it
    // would have sent; 304 keeps whatever the handler said; 1xx/204 have none.
    // A live body (server-sent events) has no length: it is delimited by
    // closing the connection, which it occupies until it ends.
    const bool live = (sendBody && response.live) || tunnel;
    if (live)
        ex->close = true;
    std::optional<std::uint64_t> length;
    if (sendBody && !live)
        length = response.body ? response.body->remaining() : 0;
    else if (head && !statusForbidsBody && response.body)
        length = response.body->remaining();
    const bool dropHandlerLength = length.has_value() || status < 200 || status == 204;

    ex->head.reserve(256 + earlyHints.size());
    ex->head.append(earlyHints);
    ex->head.append("HTTP/1.1 ").append(std::to_string(status)).append(" ").append(reasonPhrase(status)).append("\r\n");
    const auto addHeader = [&](std::string_view name, std::string_view value, bool = true) {
        ex->head.append(name).append(": ").append(value).append("\r\n");
        if (m_log)
            m_headerBuilder.add(name, value);
    };
    site::forEachResponseField(response, dropHandlerLength, site::httpDateAt(m_clock.unixSeconds()), addHeader);
    if (length)
        addHeader("content-length", std::to_string(*length));
    if (tunnel) {
        addHeader("upgrade", upgrade);
        addHeader("connection", "Upgrade");
    } else if (ex->close)
        addHeader("connection", "close");
    else if (asking.versionMinor == 0)
        addHeader("connection", "keep-alive");
    ex->head.append("\r\n");
    if (m_log)
        ex->responseHeaders = m_headerBuilder.build();

    if (tunnel) {
        m_tunnel = response.live;
        if (!m_in.empty()) { // what the client sent right behind its request
            m_tunnel->receive(m_in);
            m_in.clear();
        }
    }
    if (live) {
        ex->live = std::move(response.live);
        ex->live->setWaker(m_wake);
        if (m_stopReading && m_closeReason == "server shutdown")
            ex->live->close();
    } else if (sendBody && response.body && !response.body->done()) {
        ex->body = std::move(response.body);
    }
    m_current = std::move(ex);
}

std::size_t H1Session::produce(std::string &out, std::size_t budget)
{
    std::size_t written = 0;
    while (written < budget && !m_done) {
        if (!m_current) {
            if (m_asking)
                break; // its answer is being made on the file pool
            if (m_queue.empty()) {
                settle();
                break;
            }
            startNext();
            if (!m_current)
                break;
        }
        Exchange &ex = *m_current;
        if (ex.headSent < ex.head.size()) {
            const std::size_t n = std::min(budget - written, ex.head.size() - ex.headSent);
            out.append(ex.head, ex.headSent, n);
            ex.headSent += n;
            written += n;
            if (ex.headSent < ex.head.size())
                break;
        }
        if (ex.live) {
            if (written == budget)
                break;
            const std::size_t want = std::min(budget - written, kBodyChunk);
            const std::size_t old = out.size();
            out.resize(old + want);
            bool ended = false;
            const std::size_t got = ex.live->read(reinterpret_cast<std::uint8_t *>(out.data() + old), want, ended);
            out.resize(old + got);
            ex.bodySent += got;
            written += got;
            if (!ended)
                break; // wait for the waker
        } else if (ex.body && !ex.body->done()) {
            if (written == budget)
                break;
            std::size_t want = std::min(budget - written, kBodyChunk);
            if (m_responder.usesPool()) {
                // File bytes are read on the pool; the answer waits for them.
                if (!ex.readFailure.empty()) {
                    failBody(makeError(Errc::Io, ex.readFailure));
                    break;
                }
                const std::uint64_t ready = ex.body->readyBytes();
                if (ready == 0) {
                    if (!ex.reading)
                        if (std::optional<site::FileRead> read = ex.body->pendingRead(kReadAhead)) {
                            ex.reading = true;
                            m_responder.readAhead(ex.sequence, std::move(*read));
                        }
                    break;
                }
                want = static_cast<std::size_t>(std::min<std::uint64_t>(want, ready));
            }
            const std::size_t old = out.size();
            out.resize(old + want);
            Result<std::size_t> got = ex.body->read(reinterpret_cast<std::uint8_t *>(out.data() + old), want);
            if (!got || *got == 0) {
                out.resize(old);
                failBody(got ? makeError(Errc::Io, "the body ended before its announced length") : got.error());
                break;
            }
            out.resize(old + *got);
            ex.bodySent += *got;
            written += *got;
            if (!ex.body->done())
                continue;
        }
        finishExchange();
    }
    return written;
}

void H1Session::finishExchange()
{
    std::unique_ptr<Exchange> ex = std::move(m_current);
    if (m_log) {
        // The record's time is the one the duration ends at.
        const inspect::CaptureLog::Batch batch(m_log, static_cast<std::uint64_t>(m_clock.nowNs()));
        const std::uint64_t now = batch.ns();
        inspect::Http1Exchange event;
        event.method = std::move(ex->method);
        event.target = std::move(ex->target);
        event.version = std::move(ex->version);
        event.requestHeaders = std::move(ex->requestHeaders);
        event.status = ex->status;
        event.responseHeaders = std::move(ex->responseHeaders);
        event.bodyBytes = ex->bodySent;
        event.startNs = ex->startNs;
        event.durationNs = now > ex->startNs ? now - ex->startNs : 0;
        event.sequence = ex->sequence;
        event.note = std::move(ex->note);
        m_log->http1(event);
    }
    if (ex->close) {
        m_queue.clear();
        m_done = true;
        return;
    }
    (void)pump(); // a slot in the queue is free again
    settle();
}

void H1Session::failBody(const Error &error)
{
    Exchange &ex = *m_current;
    if (m_log) {
        publishNotice("body-read-failed", "response body for " + ex.target + " failed after "
                                              + std::to_string(ex.bodySent) + " bytes: " + error.message
                                              + "; closing the connection");
        ex.note = ex.note.empty() ? "body failed: " + error.message : ex.note + "; body failed: " + error.message;
    }
    m_closeReason = "response body failed: " + error.message; // overrides: this is why we close
    m_stopReading = true;
    m_in.clear();
    ex.close = true;
    finishExchange();
}

void H1Session::shutdown()
{
    stopReading("server shutdown");
    m_in.clear();
    if (m_current && m_current->live)
        m_current->live->close(); // a live stream would never finish by itself
    if (m_current || m_asking)
        m_queue.clear();
    else if (m_queue.size() > 1)
        m_queue.erase(m_queue.begin() + 1, m_queue.end());
    settle();
}

void H1Session::peerClosed()
{
    m_peerClosed = true;
    if (m_current && m_current->live)
        m_current->live->close();
    (void)pump();
    settle();
}

bool H1Session::wantsClose() const
{
    return m_done;
}

bool H1Session::wantsInput() const
{
    if (m_tunnel)
        return !m_done;
    return !m_stopReading && !m_done && m_queue.size() < kMaxPendingRequests && m_in.size() < kInputSoftLimit;
}

std::uint32_t H1Session::streamCount() const
{
    return m_exchanges;
}

std::string H1Session::closeReason() const
{
    return m_closeReason;
}

} // namespace h2scope::h1
