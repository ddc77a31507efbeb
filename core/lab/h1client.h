#pragma once
// A small HTTP/1.1 client for the lab loader: one request at a time on a
// keep-alive connection (no pipelining, as browsers do), responses framed
// by http_parser (Content-Length, chunked, 1xx). Single-threaded.

#include "lab/clientprotocol.h"

#include <memory>
#include <string>

struct http_parser;

namespace h2scope::lab {

class H1Client final : public ClientProtocol {
public:
    // `host` is sent as the Host field (e.g. "127.0.0.1:8443").
    H1Client(ResponseSink &sink, std::string host);
    ~H1Client() override;
    H1Client(const H1Client &) = delete;
    H1Client &operator=(const H1Client &) = delete;

    Result<void> receive(std::string_view data) override;
    void produce(std::string &out) override;
    bool canSubmit() const override { return !m_busy && !m_closed; }
    std::int32_t submitGet(const std::string &path, const HeaderList &headers) override;
    std::uint32_t requestsSent() const override { return m_requests; }

    // The server said Connection: close (or broke framing): no more requests.
    bool closed() const { return m_closed; }

    struct Callbacks; // http_parser trampolines

private:
    ResponseSink &m_sink;
    std::string m_host;
    std::unique_ptr<http_parser> m_parser;
    std::string m_out;
    std::string m_field, m_value;
    HeaderList m_headers;
    bool m_inValue = false;
    bool m_busy = false;
    bool m_closed = false;
    std::uint32_t m_requests = 0;
};

} // namespace h2scope::lab
