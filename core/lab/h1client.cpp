#include "lab/h1client.h"

#include "text.h"

#include <http_parser.h>

namespace h2scope::lab {

namespace {

http_parser_settings makeSettings();

const http_parser_settings &settings()
{
    static const http_parser_settings s = makeSettings();
    return s;
}

} // namespace

struct H1Client::Callbacks {
    static H1Client &self(http_parser *p) { return *static_cast<H1Client *>(p->data); }

    static void flushField(H1Client &c)
    {
        if (!c.m_field.empty())
            c.m_headers.push_back({lowercase(c.m_field), c.m_value});
        c.m_field.clear();
        c.m_value.clear();
        c.m_inValue = false;
    }

    static int messageBegin(http_parser *p)
    {
        H1Client &c = self(p);
        c.m_headers.clear();
        c.m_field.clear();
        c.m_value.clear();
        c.m_inValue = false;
        return 0;
    }

    static int headerField(http_parser *p, const char *at, std::size_t n)
    {
        H1Client &c = self(p);
        if (c.m_inValue)
            flushField(c);
        c.m_field.append(at, n);
        return 0;
    }

    static int headerValue(http_parser *p, const char *at, std::size_t n)
    {
        H1Client &c = self(p);
        c.m_inValue = true;
        c.m_value.append(at, n);
        return 0;
    }

    static int headersComplete(http_parser *p)
    {
        H1Client &c = self(p);
        flushField(c);
        const int status = int(p->status_code);
        const std::int32_t id = std::int32_t(c.m_requests);
        if (status < 200)
            c.m_sink.onInformational(id, status, c.m_headers);
        else
            c.m_sink.onResponseHeaders(id, status, c.m_headers);
        return 0;
    }

    static int body(http_parser *p, const char *at, std::size_t n)
    {
        H1Client &c = self(p);
        c.m_sink.onBody(std::int32_t(c.m_requests), std::string_view(at, n));
        return 0;
    }

    static int messageComplete(http_parser *p)
    {
        H1Client &c = self(p);
        if (p->status_code < 200)
            return 0; // an informational response; the final one follows
        if (!http_should_keep_alive(p))
            c.m_closed = true;
        c.m_busy = false;
        c.m_sink.onStreamEnd(std::int32_t(c.m_requests), true);
        return 0;
    }
};

namespace {

http_parser_settings makeSettings()
{
    http_parser_settings s;
    http_parser_settings_init(&s);
    s.on_message_begin = &H1Client::Callbacks::messageBegin;
    s.on_header_field = &H1Client::Callbacks::headerField;
    s.on_header_value = &H1Client::Callbacks::headerValue;
    s.on_headers_complete = &H1Client::Callbacks::headersComplete;
    s.on_body = &H1Client::Callbacks::body;
    s.on_message_complete = &H1Client::Callbacks::messageComplete;
    return s;
}

} // namespace

H1Client::H1Client(ResponseSink &sink, std::string host)
    : m_sink(sink), m_host(std::move(host)), m_parser(std::make_unique<http_parser>())
{
    http_parser_init(m_parser.get(), HTTP_RESPONSE);
    m_parser->data = this;
}

H1Client::~H1Client() = default;

Result<void> H1Client::receive(std::string_view data)
{
    if (data.empty())
        return {};
    const std::size_t n = http_parser_execute(m_parser.get(), &settings(), data.data(), data.size());
    if (HTTP_PARSER_ERRNO(m_parser.get()) != HPE_OK || n != data.size()) {
        m_closed = true;
        return makeError(Errc::Protocol, std::string("the server's HTTP/1.1 response could not be read: ")
                                             + http_errno_description(HTTP_PARSER_ERRNO(m_parser.get())));
    }
    return {};
}

void H1Client::produce(std::string &out)
{
    out += m_out;
    m_out.clear();
}

std::int32_t H1Client::submitGet(const std::string &path, const HeaderList &headers)
{
    if (!canSubmit())
        return -1;
    m_out += "GET " + path + " HTTP/1.1\r\nHost: " + m_host + "\r\n";
    for (const Header &h : headers)
        m_out += h.name + ": " + h.value + "\r\n";
    m_out += "\r\n";
    m_busy = true;
    return std::int32_t(++m_requests);
}

} // namespace h2scope::lab
