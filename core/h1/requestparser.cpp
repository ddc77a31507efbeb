#include "requestparser.h"

#include "text.h"

#include <http_parser.h>

#include <algorithm>
#include <charconv>
#include <cstdio>

namespace h2scope::h1 {

namespace {

// Room for the method, two spaces and "HTTP/1.1" around a maximal target.
constexpr std::size_t kRequestLineSlack = 64;

bool isTokenChar(unsigned char c)
{
    if ((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~': return true;
    default: return false;
    }
}

bool isToken(std::string_view s)
{
    return !s.empty()
           && std::all_of(s.begin(), s.end(), [](char c) { return isTokenChar(static_cast<unsigned char>(c)); });
}

// field-vchar / SP / HTAB (RFC 9110 §5.5): no NUL, CR, LF or other controls.
bool isFieldValueChar(unsigned char c)
{
    return c == '\t' || (c >= 0x20 && c != 0x7f);
}

// Splits a comma-separated field value into trimmed, non-empty elements.
template <typename Fn> void forEachListElement(std::string_view value, Fn &&fn)
{
    while (true) {
        const std::size_t comma = value.find(',');
        const std::string_view element = trimmed(value.substr(0, comma));
        if (!element.empty())
            fn(element);
        if (comma == std::string_view::npos)
            return;
        value.remove_prefix(comma + 1);
    }
}

Errc errcForStatus(int status)
{
    switch (status) {
    case 413:
    case 414:
    case 431: return Errc::Refused;
    case 501:
    case 505: return Errc::Unsupported;
    default: return Errc::Protocol;
    }
}

} // namespace

// http_parser calls back into C++ here. Callbacks never throw: an allocation
// failure becomes a parser error.
struct RequestParser::Callbacks {
    static RequestParser &self(http_parser *p) { return *static_cast<RequestParser *>(p->data); }

    static int onUrl(http_parser *p, const char *at, std::size_t n) noexcept
    {
        try {
            self(p).m_url.append(at, n);
            return 0;
        } catch (...) {
            return 1;
        }
    }

    // Names and values may arrive in several pieces: a name piece after a
    // value piece starts the next field.
    static int onHeaderField(http_parser *p, const char *at, std::size_t n) noexcept
    {
        RequestParser &s = self(p);
        if (s.m_headersDone) // trailer fields of a chunked body: discarded
            return 0;
        try {
            if (s.m_lastWasValue || s.m_request.headers.empty())
                s.m_request.headers.emplace_back();
            s.m_request.headers.back().name.append(at, n);
            s.m_lastWasValue = false;
            return 0;
        } catch (...) {
            return 1;
        }
    }

    static int onHeaderValue(http_parser *p, const char *at, std::size_t n) noexcept
    {
        RequestParser &s = self(p);
        if (s.m_headersDone)
            return 0;
        try {
            if (s.m_request.headers.empty())
                return 1;
            s.m_request.headers.back().value.append(at, n);
            s.m_lastWasValue = true;
            return 0;
        } catch (...) {
            return 1;
        }
    }

    static int onHeadersComplete(http_parser *p) noexcept
    {
        RequestParser &s = self(p);
        try {
            for (Header &h : s.m_request.headers)
                h.name = lowercase(h.name);
            s.m_request.target = s.m_url;
        } catch (...) {
            return -1;
        }
        s.m_request.versionMajor = p->http_major;
        s.m_request.versionMinor = p->http_minor;
        s.m_request.keepAlive = http_should_keep_alive(p) != 0;
        s.m_headersDone = true;
        return 0;
    }

    static int onBody(http_parser *p, const char *, std::size_t n) noexcept
    {
        RequestParser &s = self(p);
        s.m_request.bodyBytes += n;
        if (s.m_request.bodyBytes > s.m_limits.maxBody) {
            s.m_bodyTooLarge = true;
            return 1;
        }
        return 0;
    }

    // Pausing makes http_parser_execute() return right after the message's
    // last byte, so pipelined bytes behind it stay ours to scan.
    static int onMessageComplete(http_parser *p) noexcept
    {
        self(p).m_messageDone = true;
        http_parser_pause(p, 1);
        return 0;
    }

    static const http_parser_settings &settings()
    {
        static const http_parser_settings s = [] {
            http_parser_settings v;
            http_parser_settings_init(&v);
            v.on_url = &onUrl;
            v.on_header_field = &onHeaderField;
            v.on_header_value = &onHeaderValue;
            v.on_headers_complete = &onHeadersComplete;
            v.on_body = &onBody;
            v.on_message_complete = &onMessageComplete;
            return v;
        }();
        return s;
    }
};

RequestParser::RequestParser(ParserLimits limits) : m_limits(limits), m_parser(std::make_unique<http_parser>())
{
    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
}

RequestParser::~RequestParser() = default;

bool RequestParser::hasRequest() const noexcept
{
    return m_stage == Stage::Complete;
}

bool RequestParser::inMessage() const noexcept
{
    return m_stage == Stage::Body || m_stage == Stage::Complete || (m_stage == Stage::Head && !m_head.empty());
}

bool RequestParser::failed() const noexcept
{
    return m_stage == Stage::Failed;
}

int RequestParser::failureStatus() const noexcept
{
    return m_failureStatus;
}

ParsedRequest RequestParser::takeRequest()
{
    ParsedRequest out = std::move(m_request);
    resetForNextMessage();
    return out;
}

void RequestParser::resetForNextMessage()
{
    m_stage = Stage::Head;
    m_head.clear();
    m_lineStart = 0;
    m_fieldLines = 0;
    m_requestLineDone = false;
    m_rawFields.clear();
    m_request = ParsedRequest{};
    m_url.clear();
    m_lastWasValue = false;
    m_headersDone = false;
    m_messageDone = false;
    m_bodyTooLarge = false;
}

void RequestParser::fail(int status, std::string reason)
{
    m_stage = Stage::Failed;
    m_failureStatus = status;
    m_error = makeError(errcForStatus(status), std::move(reason));
}

Result<std::size_t> RequestParser::feed(const std::uint8_t *data, std::size_t length)
{
    std::size_t used = 0;
    while (used < length) {
        if (m_stage == Stage::Head)
            used += scanHead(data + used, length - used);
        else if (m_stage == Stage::Body)
            feedBody(data + used, length - used, used);
        else
            break;
    }
    if (m_stage == Stage::Failed)
        return m_error;
    return used;
}

std::size_t RequestParser::scanHead(const std::uint8_t *data, std::size_t length)
{
    for (std::size_t i = 0; i < length; ++i) {
        const char c = static_cast<char>(data[i]);
        // RFC 9112 §2.2: ignore empty lines before the request line.
        if (m_head.empty() && (c == '\r' || c == '\n'))
            continue;
        m_head.push_back(c);

        if (!m_requestLineDone && m_head.size() > m_limits.maxTarget + kRequestLineSlack) {
            fail(414,
                 "request line is longer than " + std::to_string(m_limits.maxTarget + kRequestLineSlack) + " bytes");
            return i + 1;
        }
        if (m_head.size() > m_limits.maxHeaderBytes) {
            fail(431, "header section is larger than " + std::to_string(m_limits.maxHeaderBytes) + " bytes");
            return i + 1;
        }
        if (c != '\n')
            continue;

        std::size_t end = m_head.size() - 1;
        if (end > m_lineStart && m_head[end - 1] == '\r')
            --end;
        if (end == m_lineStart) { // the empty line that ends the header section
            finishHead();
            return i + 1;
        }
        if (!checkLine(m_lineStart, end))
            return i + 1;
        m_lineStart = m_head.size();
    }
    return length;
}

bool RequestParser::checkLine(std::size_t begin, std::size_t end)
{
    const std::string_view line(m_head.data() + begin, end - begin);
    if (!m_requestLineDone) {
        m_requestLineDone = true;
        return checkRequestLine(line);
    }
    return checkFieldLine(line);
}

bool RequestParser::checkRequestLine(std::string_view line)
{
    const std::size_t sp1 = line.find(' ');
    const std::size_t sp2 = sp1 == std::string_view::npos ? sp1 : line.find(' ', sp1 + 1);
    if (sp2 == std::string_view::npos || line.find(' ', sp2 + 1) != std::string_view::npos) {
        fail(400, "malformed request line (expected: METHOD SP target SP HTTP/1.1)");
        return false;
    }
    const std::string_view method = line.substr(0, sp1);
    const std::string_view target = line.substr(sp1 + 1, sp2 - sp1 - 1);
    const std::string_view version = line.substr(sp2 + 1);
    if (!isToken(method)) {
        fail(400, "malformed request method");
        return false;
    }
    m_request.method = std::string(method);
    if (target.size() > m_limits.maxTarget) {
        fail(414, "request target is longer than " + std::to_string(m_limits.maxTarget) + " bytes");
        return false;
    }
    if (target.empty() || !std::all_of(target.begin(), target.end(), [](char ch) {
            const auto u = static_cast<unsigned char>(ch);
            return u > 0x20 && u < 0x7f;
        })) {
        fail(400, "request target is empty or contains invalid characters");
        return false;
    }
    m_request.target = std::string(target);
    const auto isDigit = [](char ch) { return ch >= '0' && ch <= '9'; };
    if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || !isDigit(version[5]) || version[6] != '.'
        || !isDigit(version[7])) {
        fail(400, "malformed HTTP version in the request line");
        return false;
    }
    m_request.versionMajor = static_cast<unsigned>(version[5] - '0');
    m_request.versionMinor = static_cast<unsigned>(version[7] - '0');
    if (m_request.versionMajor != 1) {
        fail(505, "HTTP version " + std::string(version.substr(5)) + " is not supported on an HTTP/1.1 connection");
        return false;
    }
    return true;
}

bool RequestParser::checkFieldLine(std::string_view line)
{
    if (line.front() == ' ' || line.front() == '\t') {
        fail(400, "obsolete line folding (a header line starting with whitespace) is not allowed");
        return false;
    }
    if (++m_fieldLines > m_limits.maxFields) {
        fail(431, "more than " + std::to_string(m_limits.maxFields) + " header fields");
        return false;
    }
    const std::size_t colon = line.find(':');
    if (colon == std::string_view::npos) {
        fail(400, "header line without a colon");
        return false;
    }
    const std::string_view name = line.substr(0, colon);
    if (!name.empty() && (name.back() == ' ' || name.back() == '\t')) {
        fail(400, "whitespace between a header name and its colon is not allowed");
        return false;
    }
    if (!isToken(name)) {
        fail(400, "header name is empty or contains an invalid character");
        return false;
    }
    const std::string_view value = trimmed(line.substr(colon + 1));
    for (const char ch : value) {
        const auto u = static_cast<unsigned char>(ch);
        if (!isFieldValueChar(u)) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "0x%02X", u);
            fail(400, "header " + lowercase(name) + " contains an invalid character (" + hex + ")");
            return false;
        }
    }
    m_rawFields.push_back(Header{lowercase(name), std::string(value)});
    return true;
}

void RequestParser::finishHead()
{
    const bool http11 = m_request.versionMinor >= 1;

    std::size_t hosts = 0;
    bool haveLength = false, haveEncoding = false;
    std::uint64_t contentLength = 0;
    std::vector<std::string> codings;
    for (const Header &h : m_rawFields) {
        if (h.name == "host") {
            ++hosts;
        } else if (h.name == "content-length") {
            bool bad = false, empty = true;
            forEachListElement(h.value, [&](std::string_view element) {
                empty = false;
                std::uint64_t n = 0;
                const auto [ptr, ec] = std::from_chars(element.data(), element.data() + element.size(), n);
                if (ec != std::errc() || ptr != element.data() + element.size() || element.front() == '+')
                    bad = true;
                else if (haveLength && n != contentLength)
                    bad = true;
                contentLength = n;
                haveLength = true;
            });
            if (bad || empty) {
                fail(400, "invalid or conflicting Content-Length");
                return;
            }
        } else if (h.name == "transfer-encoding") {
            haveEncoding = true;
            forEachListElement(h.value, [&](std::string_view element) { codings.push_back(lowercase(element)); });
        }
    }

    if (hosts == 0 && http11) {
        fail(400, "missing Host header (HTTP/1.1 requires one)");
        return;
    }
    if (hosts > 1) {
        fail(400, "more than one Host header");
        return;
    }
    if (haveEncoding) {
        if (haveLength) {
            fail(400, "both Transfer-Encoding and Content-Length present");
            return;
        }
        if (!http11) {
            fail(400, "Transfer-Encoding in an HTTP/1.0 request");
            return;
        }
        if (codings.empty() || codings.back() != "chunked") {
            fail(400, "Transfer-Encoding does not end in chunked, so the body length is unknown");
            return;
        }
        if (std::count(codings.begin(), codings.end(), "chunked") > 1) {
            fail(400, "chunked transfer coding applied more than once");
            return;
        }
        if (codings.size() > 1) { // we only decode chunked
            fail(501, "transfer coding " + (isToken(codings.front()) ? codings.front() : std::string("(invalid)"))
                          + " is not supported");
            return;
        }
    }
    if (haveLength && contentLength > m_limits.maxBody) {
        fail(413, "request body of " + std::to_string(contentLength) + " bytes is over the limit of "
                      + std::to_string(m_limits.maxBody) + " bytes");
        return;
    }

    // http_parser gets a canonical copy of the validated head: one
    // Content-Length (it rejects repeats, RFC 9112 allows identical ones) and
    // normalized line endings.
    std::string canonical;
    canonical.reserve(m_head.size() + 2 * m_rawFields.size() + 64);
    canonical.append(m_request.method).append(" ").append(m_request.target).append(" HTTP/");
    canonical.push_back(static_cast<char>('0' + m_request.versionMajor));
    canonical.push_back('.');
    canonical.push_back(static_cast<char>('0' + m_request.versionMinor));
    canonical.append("\r\n");
    for (const Header &h : m_rawFields) {
        if (h.name == "content-length" || h.name == "transfer-encoding")
            continue;
        canonical.append(h.name).append(": ").append(h.value).append("\r\n");
    }
    if (haveLength)
        canonical.append("content-length: ").append(std::to_string(contentLength)).append("\r\n");
    if (haveEncoding)
        canonical.append("transfer-encoding: chunked\r\n");
    canonical.append("\r\n");

    http_parser_init(m_parser.get(), HTTP_REQUEST);
    m_parser->data = this;
    const std::size_t n =
        http_parser_execute(m_parser.get(), &Callbacks::settings(), canonical.data(), canonical.size());
    const auto err = HTTP_PARSER_ERRNO(m_parser.get());
    if (m_messageDone && n == canonical.size()) {
        m_stage = Stage::Complete;
    } else if (err == HPE_INVALID_METHOD) {
        fail(501, "method " + m_request.method + " is not supported");
    } else if (err != HPE_OK || n != canonical.size() || !m_headersDone) {
        fail(400, std::string("malformed request: ") + http_errno_description(err));
    } else {
        m_stage = Stage::Body;
    }
}

void RequestParser::feedBody(const std::uint8_t *data, std::size_t length, std::size_t &used)
{
    const std::size_t n =
        http_parser_execute(m_parser.get(), &Callbacks::settings(), reinterpret_cast<const char *>(data), length);
    used += n;
    const auto err = HTTP_PARSER_ERRNO(m_parser.get());
    if (m_messageDone)
        m_stage = Stage::Complete;
    else if (m_bodyTooLarge)
        fail(413, "request body is over the limit of " + std::to_string(m_limits.maxBody) + " bytes");
    else if (err != HPE_OK)
        fail(400, std::string("malformed request body: ") + http_errno_description(err));
    else if (n != length)
        fail(400, "malformed request body");
}

} // namespace h2scope::h1
