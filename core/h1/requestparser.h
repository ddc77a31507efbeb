#pragma once
// Incremental HTTP/1.1 request parser: the system's http_parser for request
// framing (Content-Length and chunked bodies), with the strictness of
// RFC 9110/9112 on top. The header section is collected and validated line by
// line by this class first (obs-fold, characters, limits, Host, framing
// headers); only a head that passed is handed to http_parser. Request bodies
// are decoded and discarded, never stored.
//
// Not thread-safe: one parser belongs to one connection and its one thread.

#include "headers.h"
#include "result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

struct http_parser; // <http_parser.h> stays out of this header

namespace h2scope::h1 {

// A complete request as the session sees it.
struct ParsedRequest {
    std::string method; // "GET", "HEAD", ... exactly as sent
    std::string target; // request-target as received (origin, absolute, authority or '*' form)
    unsigned versionMajor = 1;
    unsigned versionMinor = 1;
    HeaderList headers;          // lowercase names, values without surrounding whitespace, in arrival order
                                 // (a repeated identical Content-Length appears once)
    bool keepAlive = true;       // the client allows another request on this connection
    std::uint64_t bodyBytes = 0; // request body bytes read and discarded
};

struct ParserLimits {
    std::size_t maxTarget = 8 * 1024;       // request-target bytes, else 414
    std::size_t maxHeaderBytes = 64 * 1024; // request line + field lines, else 431
    std::size_t maxFields = 100;            // field lines, else 431
    std::uint64_t maxBody = 1024 * 1024;    // request body bytes, else 413
};

class RequestParser final {
public:
    explicit RequestParser(ParserLimits limits = {});
    ~RequestParser();
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Consumes a prefix of `data` and returns how many bytes it took. It stops
    // right after the last byte of a request: hasRequest() is then true and
    // nothing more is consumed until takeRequest(). Bytes may arrive split
    // anywhere, down to one byte per call.
    //
    // Fails when the request is malformed or over a limit; the message says
    // why in one line. The code is Errc::Protocol (answer 400), Errc::Refused
    // (413, 414 or 431) or Errc::Unsupported (501 unknown method or transfer
    // coding, 505 HTTP version); failureStatus() gives the exact status. After
    // a failure the parser stays failed: every later call returns the same
    // error, because the connection's framing can no longer be trusted.
    Result<std::size_t> feed(const std::uint8_t *data, std::size_t length);

    bool hasRequest() const noexcept;
    // Hands over the complete request and readies the parser for the next
    // one. Precondition: hasRequest().
    ParsedRequest takeRequest();

    // True once a request has begun (its first non-empty-line byte arrived)
    // and until it is taken. Leading empty lines do not count.
    bool inMessage() const noexcept;

    bool failed() const noexcept;
    // The HTTP status for a failed request (400, 413, 414, 431, 501, 505), 0 if not failed.
    int failureStatus() const noexcept;
    // What the failed (or in-progress) request got as far as: method and
    // target when the request line was read, empty otherwise.
    const ParsedRequest &partial() const noexcept { return m_request; }

private:
    struct Callbacks;
    enum class Stage : std::uint8_t { Head, Body, Complete, Failed };

    std::size_t scanHead(const std::uint8_t *data, std::size_t length);
    bool checkLine(std::size_t begin, std::size_t end);
    bool checkRequestLine(std::string_view line);
    bool checkFieldLine(std::string_view line);
    void finishHead();
    void feedBody(const std::uint8_t *data, std::size_t length, std::size_t &used);
    void fail(int status, std::string reason);
    void resetForNextMessage();

    ParserLimits m_limits;
    Stage m_stage = Stage::Head;
    std::unique_ptr<::http_parser> m_parser;

    // Header section being collected, and where its current line began.
    std::string m_head;
    std::size_t m_lineStart = 0;
    std::size_t m_fieldLines = 0;
    bool m_requestLineDone = false;
    HeaderList m_rawFields; // validated fields in original case, for the checks in finishHead()

    // Filled by http_parser callbacks.
    ParsedRequest m_request;
    std::string m_url;
    bool m_lastWasValue = false;
    bool m_headersDone = false;
    bool m_messageDone = false;
    bool m_bodyTooLarge = false;

    Error m_error;
    int m_failureStatus = 0;
};

} // namespace h2scope::h1
