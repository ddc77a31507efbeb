#pragma once
// The HTTP layer of one loader connection, sans-I/O: plaintext in, plaintext
// out, events to a ResponseSink. Implemented by H1Client (one request at a
// time, keep-alive) and H2Client (nghttp2 client session). Single-threaded.

#include "headers.h"
#include "result.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace h2scope::lab {

// What a connection reports about its responses. `stream` is the HTTP/2
// stream id, or the request's number on an HTTP/1.1 connection (1, 2, ...).
class ResponseSink {
public:
    virtual ~ResponseSink() = default;
    // A 1xx response (e.g. 103 Early Hints) before the final one.
    virtual void onInformational(std::int32_t stream, int status, const HeaderList &headers) = 0;
    // The final response's status and header fields.
    virtual void onResponseHeaders(std::int32_t stream, int status, const HeaderList &headers) = 0;
    virtual void onBody(std::int32_t stream, std::string_view data) = 0;
    // The stream ended: `complete` when the whole response arrived.
    virtual void onStreamEnd(std::int32_t stream, bool complete) = 0;
    // A PUSH_PROMISE on `parent` for `path` (HTTP/2 only).
    virtual void onPushPromise(std::int32_t parent, std::int32_t promised, const std::string &path) = 0;
};

class ClientProtocol {
public:
    virtual ~ClientProtocol() = default;
    // Feeds plaintext from the server. Fails with Errc::Protocol when the
    // server's bytes cannot be parsed; the connection is then unusable.
    virtual Result<void> receive(std::string_view data) = 0;
    // Appends whatever the client has to send to `out`.
    virtual void produce(std::string &out) = 0;
    // Whether another request may be submitted now (HTTP/1.1: the previous
    // response is complete; HTTP/2: always, until GOAWAY).
    virtual bool canSubmit() const = 0;
    // Queues a GET for `path` with extra request fields (lowercase names);
    // returns its stream id / request number, or -1 when it cannot be sent.
    virtual std::int32_t submitGet(const std::string &path, const HeaderList &headers) = 0;
    // Requests answered or in flight.
    virtual std::uint32_t requestsSent() const = 0;
};

} // namespace h2scope::lab
