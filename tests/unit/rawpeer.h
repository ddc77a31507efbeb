#pragma once
// A client made of raw HTTP/2 bytes (cleartext, prior knowledge) talking to a
// real net::Connection in memory, with the capture it made at hand: for tests
// of how the server answers, and records, frames no well-behaved client sends.

#include "collectingpublisher.h"
#include "rawframes.h"

#include "net/connection.h"
#include "site/response.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::testing {

struct RawPeer {
    CollectingPublisher events; // what the connection recorded, unless `sink` was given
    std::unique_ptr<net::Connection> conn;
    std::string sent; // everything the client sent
    std::string out;  // everything the server sent

    // How send() hands bytes to the connection: all at once (0), or in
    // pieces of this many bytes, as a slow network would.
    std::size_t piece = 0;

    // A connection `id` to `site` from 127.0.0.1, recording into `sink` (or
    // into `events` when none is given; nowhere when `capture` is false).
    // `tls`: the connection speaks TLS (then a subclass carries the bytes).
    RawPeer(site::Handler &site, std::uint64_t id, inspect::CaptureSink *sink = nullptr, bool capture = true,
            std::shared_ptr<tls::TlsContext> tls = nullptr, h2::H2Options h2 = {})
    {
        net::ConnectionConfig config;
        config.h2 = h2;
        config.id = id;
        config.peer = "127.0.0.1:" + std::to_string(50000 + id);
        config.local = "127.0.0.1:8080";
        config.tls = std::move(tls);
        conn = std::make_unique<net::Connection>(config, site, !capture ? nullptr : sink ? sink : &events);
    }
    virtual ~RawPeer() = default;
    RawPeer(const RawPeer &) = delete;
    RawPeer &operator=(const RawPeer &) = delete;

    void send(const std::string &bytes)
    {
        sent += bytes;
        const std::size_t step = piece > 0 ? piece : bytes.size();
        for (std::size_t at = 0; at < bytes.size() && !conn->closed(); at += step)
            deliver(bytes.substr(at, step));
        drain();
    }
    void drain()
    {
        for (int i = 0; i < 10000 && !conn->closed(); ++i)
            if (collect() == 0)
                break;
    }
    // Preface, our SETTINGS, and the ACK of the server's.
    void handshake(const std::vector<std::pair<std::uint16_t, std::uint32_t>> &settings = {})
    {
        send(kClientPreface + settingsFrame(settings));
        send(settingsFrame({}, frame::ACK));
    }
    // The frames the server sent, as parsed from its bytes.
    std::vector<ParsedFrame> frames() const { return parseFrames(out); }
    std::optional<ParsedFrame> find(std::uint8_t type, std::optional<std::uint32_t> stream = {}) const
    {
        for (const ParsedFrame &f : frames())
            if (f.type == type && (!stream || f.streamId == *stream))
                return f;
        return std::nullopt;
    }

protected:
    // How the client's bytes reach the connection, and the server's come
    // back into `out` (returns how many the connection produced).
    virtual void deliver(const std::string &bytes)
    {
        conn->receive(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
    }
    virtual std::size_t collect() { return conn->produce(out, 1u << 20); }
};

} // namespace h2scope::testing
