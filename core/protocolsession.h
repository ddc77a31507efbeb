#pragma once
// The protocol half of a sans-I/O connection: plaintext bytes in, plaintext
// bytes out. HTTP/2 (h2::H2Session) and HTTP/1.1 (h1::H1Session) implement
// it; net::Connection puts TLS in front and a socket driver (or a test)
// moves the bytes. Every method is called from the connection's one thread.

#include "result.h"

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace h2scope {

class ProtocolSession {
public:
    virtual ~ProtocolSession() = default;

    // Feeds bytes received from the peer. An error means the peer broke the
    // protocol badly enough that the connection must end: the session has
    // already queued whatever it wants to say (GOAWAY, a 400), so the caller
    // flushes produce() and then closes.
    virtual Result<void> receive(const std::uint8_t *data, std::size_t length) = 0;

    // Appends up to `budget` bytes of output to `out` and returns how many it
    // appended; 0 means nothing is ready to send now.
    virtual std::size_t produce(std::string &out, std::size_t budget) = 0;

    // True once the session is finished: close after flushing produce().
    virtual bool wantsClose() const = 0;

    // Begins a graceful shutdown (GOAWAY; or close after the response in flight).
    virtual void shutdown() = 0;

    // False while the session wants no more input for now (back-pressure:
    // e.g. too many pipelined requests waiting); the driver stops reading
    // and asks again after the next produce().
    virtual bool wantsInput() const { return true; }

    // A live body has data (or ended): continue streams that were waiting.
    virtual void resumeLive() {}

    // The peer closed its side; no more receive() calls follow.
    virtual void peerClosed() {}

    // Answers or file reads for the peer are being made on the file pool:
    // the connection waits on the server, not on the peer, so it is not idle.
    virtual bool answering() const { return false; }

    // HTTP/2: when the oldest of our SETTINGS frames still waiting for the
    // peer's ACK was sent; nullopt when none is (and for HTTP/1.1).
    virtual std::optional<std::chrono::steady_clock::time_point> settingsAckPendingSince() const
    {
        return std::nullopt;
    }
    // HTTP/2: the peer did not acknowledge our SETTINGS in time. Queues
    // GOAWAY SETTINGS_TIMEOUT (RFC 9113 §6.5.3) and ends the session, with
    // `reason` as its close reason. Idempotent.
    virtual void settingsAckTimedOut(const std::string &reason) { (void)reason; }

    // The connection is about to record its close: write down what is
    // still in flight (a frame cut off by the close) and record nothing after.
    virtual void endCapture() {}

    // Number of streams / exchanges seen so far, and why the session ended
    // (for the ConnectionClosed event): GOAWAY code or -1, plus a reason.
    virtual std::uint32_t streamCount() const = 0;
    virtual std::int32_t goawayCode() const { return -1; }
    virtual std::int32_t goawayLastStreamId() const { return 0; }
    virtual std::string closeReason() const { return {}; }
};

} // namespace h2scope
