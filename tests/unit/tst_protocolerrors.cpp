// RFC 9113 / RFC 7541 error handling, driven with raw frames through the
// sans-I/O connection (cleartext h2c). Each case says what it sends, the rule
// it breaks and the answer the RFC requires: a GOAWAY (connection error) or a
// RST_STREAM (stream error) with a given code, or no error at all. Both the
// bytes the server produced and the inspector's events are checked.

#include "memorytls.h"
#include "rawpeer.h"

#include "clock.h"
#include "h2/frameguard.h"
#include "h2/h2session.h"
#include "inspect/framelog.h"
#include "net/connection.h"
#include "selfsigned.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

#include <QtTest>

#include <cstdlib>
#include <fstream>
#include <functional>
#include <memory>
#include <variant>

using namespace h2scope;
using namespace h2scope::testing;
using inspect::Direction;

namespace {

constexpr std::uint32_t NO_ERROR = 0x0, PROTOCOL_ERROR = 0x1, FLOW_CONTROL_ERROR = 0x3, STREAM_CLOSED = 0x5,
                        FRAME_SIZE_ERROR = 0x6, COMPRESSION_ERROR = 0x9;
constexpr std::uint16_t ENABLE_PUSH = 0x2, INITIAL_WINDOW_SIZE = 0x4, MAX_FRAME_SIZE = 0x5;

// One client connection made of raw bytes, in cleartext or over TLS, and
// what its replies say.
struct Peer : RawPeer {
    Peer(site::Handler &site, std::uint64_t id, bool capture, std::shared_ptr<tls::TlsContext> tlsContext)
        : RawPeer(site, id, nullptr, capture, tlsContext)
    {
        if (!tlsContext)
            return;
        client = std::make_unique<MemoryTlsClient>(std::vector<std::string>{"h2"}, "localhost");
        if (!client->handshake(*conn) || client->alpn() != "h2")
            qFatal("the TLS handshake with ALPN h2 did not complete");
    }
    std::unique_ptr<MemoryTlsClient> client; // set over TLS
    // The :status of every response the server sent, in order.
    std::vector<int> statuses() const
    {
        std::vector<int> result;
        HpackDecoder decoder;
        std::string block;
        for (const ParsedFrame &f : frames()) {
            if (f.type != frame::HEADERS && f.type != frame::CONTINUATION)
                continue;
            block += f.payload; // the server uses neither padding nor priority
            if (!(f.flags & frame::END_HEADERS))
                continue;
            for (const auto &[name, value] : decoder.decode(block))
                if (name == ":status")
                    result.push_back(std::atoi(value.c_str()));
            block.clear();
        }
        return result;
    }
    std::string summary() const
    {
        std::string s;
        for (const ParsedFrame &f : frames()) {
            s += inspect::frameTypeName(f.type);
            if (f.type == frame::GOAWAY || f.type == frame::RST_STREAM)
                s += std::string("(") + inspect::errorCodeName(f.errorCode()) + ")";
            s += "@" + std::to_string(f.streamId) + " ";
        }
        return s.empty() ? "nothing" : s;
    }

protected:
    void deliver(const std::string &bytes) override
    {
        if (client)
            client->send(*conn, bytes); // a TLS record per piece
        else
            RawPeer::deliver(bytes);
    }
    std::size_t collect() override { return client ? client->receive(*conn, out) : RawPeer::collect(); }
};

enum class Expect { Goaway, Rst, Fine };

struct Case {
    const char *name;
    const char *rule; // where the RFC says so
    Expect expect;
    std::uint32_t code;
    std::uint32_t stream; // for Rst; the next stream a follow-up request may use is stream + 2
    std::function<void(Peer &)> drive;
    bool followUp = true; // after a stream error, check that a new request is served
    // Set when the server is known to answer otherwise: why, and what it does
    // instead. The RFC check is then an expected failure (XPASS once fixed).
    const char *deviation = nullptr;
};

std::string dataFrame(std::uint32_t stream, std::size_t n, std::uint8_t flags = frame::END_STREAM)
{
    return rawFrame(frame::DATA, flags, stream, std::string(n, 'd'));
}

Fields post(const std::string &contentLength = {})
{
    Fields f = {{":method", "POST"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", "/index.html"}};
    if (!contentLength.empty())
        f.emplace_back("content-length", contentLength);
    return f;
}

std::string priorityFrame(std::uint32_t stream, std::uint32_t dependsOn)
{
    return rawFrame(frame::PRIORITY, 0, stream, u32Payload(dependsOn) + std::string(1, '\x0f'));
}

std::string openStream(std::uint32_t stream) // request headers, body to follow
{
    return headersFrame(stream, hpack(post()), frame::END_HEADERS);
}

Fields with(Fields f, const std::string &name, const std::string &value)
{
    f.emplace_back(name, value);
    return f;
}

Fields without(Fields f, const std::string &name)
{
    std::erase_if(f, [&](const auto &p) { return p.first == name; });
    return f;
}

std::string getOn(std::uint32_t stream, const Fields &fields = getRequest())
{
    return headersFrame(stream, hpack(fields));
}

// A header block of raw HPACK bytes after a valid request prefix.
std::string hpackRaw(std::uint32_t stream, const std::string &bytes, bool prefix = true)
{
    return headersFrame(stream, (prefix ? hpack(getRequest()) : std::string()) + bytes);
}

const std::vector<Case> &cases()
{
    using E = Expect;
    static const std::vector<Case> all = {
        // --- connection preface (§3.4) ---
        {"first frame not SETTINGS", "9113 §3.4", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.send(kClientPreface + ping()); }},
        // --- stream states and identifiers (§5.1, §5.1.1) ---
        {"DATA on idle stream", "9113 §5.1 idle", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(dataFrame(1, 4)); }},
        {"WINDOW_UPDATE on idle stream", "9113 §5.1 idle", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(windowUpdate(1, 100)); }},
        {"RST_STREAM on idle stream", "9113 §6.4", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rstStream(1, 8)); }},
        // §5.1 closed: nghttp2 forgets closed streams; the session's FrameGuard remembers.
        {"DATA on a stream closed after a complete exchange", "9113 §5.1 closed", E::Goaway, STREAM_CLOSED, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(1)); p.send(dataFrame(1, 4)); }},
        {"HEADERS on a stream closed after a complete exchange", "9113 §5.1 closed", E::Goaway, STREAM_CLOSED, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(1)); p.send(getOn(1)); }},
        {"DATA once the response in flight has ended", "9113 §5.1 half-closed, then closed", E::Goaway,
         STREAM_CLOSED, 0,
         [](Peer &p) {
             // Half-closed (remote) while the response waits for window;
             // closed once the window lets it end: the answer must not
             // depend on when the DATA arrives.
             p.handshake({{INITIAL_WINDOW_SIZE, 16}});
             p.send(getOn(1, getRequest("/big.bin")));
             p.send(settingsFrame({{INITIAL_WINDOW_SIZE, 0x7fffffffu}}) + windowUpdate(0, 0x7fff0000u));
             p.send(dataFrame(1, 4));
         }},
        {"DATA after the client reset the stream", "9113 §5.1 closed", E::Rst, STREAM_CLOSED, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1) + rstStream(1, 8)); p.send(dataFrame(1, 4)); }},
        {"HEADERS after the client reset the stream", "9113 §5.1 closed", E::Rst, STREAM_CLOSED, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1) + rstStream(1, 8)); p.send(getOn(1)); }},
        {"stream id going backwards", "9113 §5.1.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(5)); p.send(getOn(3)); }},
        {"DATA on a stream id the client skipped", "9113 §5.1.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(5)); p.send(dataFrame(3, 4)); }},
        {"even stream id from the client", "9113 §5.1.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(2)); }},
        {"DATA on half-closed (remote) stream", "9113 §5.1 half-closed", E::Rst, STREAM_CLOSED, 1,
         [](Peer &p) {
             p.handshake({{INITIAL_WINDOW_SIZE, 16}}); // the response stays in flight
             p.send(getOn(1, getRequest("/big.bin")));
             p.send(dataFrame(1, 4));
         }},
        {"DATA on stream 0", "9113 §6.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(dataFrame(0, 4)); }},
        {"HEADERS on stream 0", "9113 §6.2", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(0)); }},
        {"PUSH_PROMISE from the client", "9113 §8.4", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             p.send(openStream(1));
             p.send(rawFrame(frame::PUSH_PROMISE, frame::END_HEADERS, 1, u32Payload(2) + hpack(getRequest())));
         }},
        {"RST_STREAM on stream 0", "9113 §6.4", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rstStream(0, 8)); }},
        {"PING on a stream", "9113 §6.7", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(ping(0, 1)); }},
        {"GOAWAY on a stream", "9113 §6.8", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::GOAWAY, 0, 1, u32Payload(0) + u32Payload(0))); }},
        // §5.1.2 allows PROTOCOL_ERROR or REFUSED_STREAM; nghttp2 says PROTOCOL_ERROR.
        {"more streams than SETTINGS_MAX_CONCURRENT_STREAMS", "9113 §5.1.2", E::Rst, PROTOCOL_ERROR, 201,
         [](Peer &p) {
             p.handshake();
             std::string all;
             for (std::uint32_t id = 1; id <= 201; id += 2)
                 all += openStream(id);
             p.send(all);
         },
         false}, // the 100 open streams still fill the limit
        {"stream depending on itself", "9113 §5.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) {
             p.handshake();
             p.send(headersFrame(1, u32Payload(1) + std::string(1, '\x10') + hpack(getRequest()),
                                 frame::END_HEADERS | frame::END_STREAM | frame::PRIORITY_FLAG));
         }},
        {"PRIORITY on stream 0", "9113 §6.3", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(priorityFrame(0, 1)); }},
        {"PRIORITY: an open stream depending on itself", "9113 §5.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(priorityFrame(1, 1)); }},
        // RST_STREAM is never sent for an idle stream (§6.4): a connection error.
        {"PRIORITY: an idle stream depending on itself", "9113 §5.3.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(priorityFrame(3, 3)); }},
        {"PRIORITY on an idle stream is allowed", "9113 §5.1, §6.3", E::Fine, NO_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(priorityFrame(3, 0) + priorityFrame(0x7fffffff, 1) + getOn(1)); }},
        {"PRIORITY on a closed stream is allowed", "9113 §5.1 closed", E::Fine, NO_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(1)); p.send(priorityFrame(1, 0)); }},
        {"unknown frame type is ignored", "9113 §4.1, §5.5", E::Fine, NO_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(0xfa, 0xff, 0, "xyz") + getOn(1)); }},
        // --- frame sizes (§4.2 and per type) ---
        {"HEADERS larger than SETTINGS_MAX_FRAME_SIZE", "9113 §4.2", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             // '~' has a 13-bit Huffman code, so the value stays 16400 bytes.
             std::string block = hpack(with(getRequest(), "x-pad", std::string(16400, '~')));
             p.send(headersFrame(1, block));
         }},
        {"DATA larger than SETTINGS_MAX_FRAME_SIZE", "9113 §4.2", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(dataFrame(1, 16385)); }},
        {"PING of 7 bytes", "9113 §6.7", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::PING, 0, 0, "1234567")); }},
        {"SETTINGS of 5 bytes", "9113 §6.5", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::SETTINGS, 0, 0, "12345")); }},
        {"SETTINGS ACK with a payload", "9113 §6.5", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.send(kClientPreface + settingsFrame({})); p.send(settingsFrame({{ENABLE_PUSH, 0}}, frame::ACK)); }},
        {"WINDOW_UPDATE of 3 bytes", "9113 §6.9", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::WINDOW_UPDATE, 0, 0, "123")); }},
        {"RST_STREAM of 3 bytes", "9113 §6.4", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(rawFrame(frame::RST_STREAM, 0, 1, "123")); }},
        {"PRIORITY of 4 bytes", "9113 §6.3", E::Rst, FRAME_SIZE_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(rawFrame(frame::PRIORITY, 0, 1, "1234")); }},
        {"DATA padding longer than the payload", "9113 §6.1", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             p.send(openStream(1));
             p.send(rawFrame(frame::DATA, frame::PADDED | frame::END_STREAM, 1, std::string(1, '\x09') + "abcd"));
         }},
        {"HEADERS padding longer than the payload", "9113 §6.2", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             p.send(rawFrame(frame::HEADERS, frame::PADDED | frame::END_HEADERS | frame::END_STREAM, 1,
                             std::string(1, '\xff') + hpack(getRequest())));
         }},
        // --- SETTINGS values (§6.5.2) ---
        {"SETTINGS_ENABLE_PUSH = 2", "9113 §6.5.2", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake({{ENABLE_PUSH, 2}}); }},
        {"SETTINGS_INITIAL_WINDOW_SIZE = 2^31", "9113 §6.5.2", E::Goaway, FLOW_CONTROL_ERROR, 0,
         [](Peer &p) { p.handshake({{INITIAL_WINDOW_SIZE, 0x80000000u}}); }},
        {"SETTINGS_MAX_FRAME_SIZE = 16383", "9113 §6.5.2", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake({{MAX_FRAME_SIZE, 16383}}); }},
        {"SETTINGS_MAX_FRAME_SIZE = 2^24", "9113 §6.5.2", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake({{MAX_FRAME_SIZE, 1u << 24}}); }},
        {"SETTINGS on a stream", "9113 §6.5", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(settingsFrame({}, 0, 1)); }},
        {"unknown setting is ignored", "9113 §6.5.2", E::Fine, NO_ERROR, 0,
         [](Peer &p) { p.handshake({{0xf0f0, 7}}); p.send(getOn(1)); }},
        // --- flow control (§6.9) ---
        {"connection window over 2^31-1", "9113 §6.9.1", E::Goaway, FLOW_CONTROL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(windowUpdate(0, 0x7fffffffu)); }},
        {"stream window over 2^31-1", "9113 §6.9.1", E::Rst, FLOW_CONTROL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(windowUpdate(1, 0x7fffffffu)); }},
        {"WINDOW_UPDATE of 0 on the connection", "9113 §6.9", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(windowUpdate(0, 0)); }},
        {"WINDOW_UPDATE of 0 on a stream", "9113 §6.9", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(openStream(1)); p.send(windowUpdate(1, 0)); }},
        {"INITIAL_WINDOW_SIZE change overflows a stream window", "9113 §6.9.2", E::Goaway, FLOW_CONTROL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             p.send(openStream(1));
             p.send(windowUpdate(1, 0x7fffffffu - 65535u)); // exactly at the maximum
             p.send(settingsFrame({{INITIAL_WINDOW_SIZE, 65536}}));
         },
         true, "nghttp2 resets the overflowing stream with RST_STREAM FLOW_CONTROL_ERROR instead"},
        // --- field validity (§8.2.1) ---
        {"uppercase field name", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "X-Upper", "1"))); }},
        {"field name with a space", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "x y", "1"))); }},
        {"empty field name", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "", "1"))); }},
        {"field value with CR LF", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "x-a", "a\r\nx-b: b"))); }},
        {"field value with NUL", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "x-a", std::string("a\0b", 3)))); }},
        {"field value with leading space", "9113 §8.2.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "x-a", " a"))); }},
        // --- pseudo-header fields (§8.3) ---
        {"missing :method", "9113 §8.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, without(getRequest(), ":method"))); }},
        {"missing :path", "9113 §8.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, without(getRequest(), ":path"))); }},
        {"missing :scheme", "9113 §8.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, without(getRequest(), ":scheme"))); }},
        {"empty :path", "9113 §8.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(without(getRequest(), ":path"), ":path", ""))); }},
        {"duplicate :path", "9113 §8.3.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), ":path", "/other"))); }},
        {"unknown pseudo-header", "9113 §8.3", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), ":foo", "bar"))); }},
        {"response pseudo-header in a request", "9113 §8.3", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), ":status", "200"))); }},
        {":protocol without SETTINGS_ENABLE_CONNECT_PROTOCOL", "8441 §3, 9113 §8.3", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) {
             p.handshake();
             p.send(headersFrame(1, hpack({{":method", "CONNECT"}, {":protocol", "websocket"}, {":scheme", "http"},
                                           {":authority", "localhost"}, {":path", "/__h2scope/livereload"}}),
                                 frame::END_HEADERS));
         }},
        {"pseudo-header after a regular field", "9113 §8.3", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) {
             Fields f = without(getRequest(), ":path");
             f.emplace_back("accept", "*/*");
             f.emplace_back(":path", "/index.html");
             p.handshake();
             p.send(getOn(1, f));
         }},
        {"pseudo-header in trailers", "9113 §8.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) {
             p.handshake();
             p.send(openStream(1));
             p.send(headersFrame(1, hpack({{":path", "/x"}})));
         }},
        // --- connection-specific fields (§8.2.2) ---
        {"connection: keep-alive", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "connection", "keep-alive"))); }},
        {"keep-alive field", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "keep-alive", "timeout=5"))); }},
        {"proxy-connection field", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "proxy-connection", "close"))); }},
        {"transfer-encoding: chunked", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "transfer-encoding", "chunked"))); }},
        {"upgrade: h2c", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "upgrade", "h2c"))); }},
        {"te: gzip", "9113 §8.2.2", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "te", "gzip"))); }},
        {"te: trailers is allowed", "9113 §8.2.2", E::Fine, NO_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "te", "trailers"))); }},
        // --- content-length (§8.1.1) ---
        {"body shorter than content-length", "9113 §8.1.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(headersFrame(1, hpack(post("10")), frame::END_HEADERS)); p.send(dataFrame(1, 5)); }},
        {"body longer than content-length", "9113 §8.1.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(headersFrame(1, hpack(post("2")), frame::END_HEADERS)); p.send(dataFrame(1, 5)); }},
        {"content-length not a number", "9113 §8.1.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) { p.handshake(); p.send(getOn(1, with(getRequest(), "content-length", "abc"))); }},
        // --- more of §5.5, §6.8, §6.9.1, §8.1, §6.10 ---
        {"GOAWAY of 7 bytes", "9113 §6.8", E::Goaway, FRAME_SIZE_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::GOAWAY, 0, 0, "1234567")); }},
        {"unknown frame type inside a header block", "9113 §5.5", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             const std::string block = hpack(getRequest());
             p.send(headersFrame(1, block.substr(0, 3), frame::END_STREAM) + rawFrame(0xfa, 0, 1, "xyz")
                    + rawFrame(frame::CONTINUATION, frame::END_HEADERS, 1, block.substr(3)));
         }},
        {"CONTINUATION after END_HEADERS", "9113 §6.10", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             p.send(headersFrame(1, hpack(post()), frame::END_HEADERS)
                    + rawFrame(frame::CONTINUATION, frame::END_HEADERS, 1, hpack({{"x-a", "1"}})));
         }},
        {"trailers without END_STREAM", "9113 §8.1", E::Rst, PROTOCOL_ERROR, 1,
         [](Peer &p) {
             p.handshake();
             p.send(openStream(1));
             p.send(headersFrame(1, hpack({{"x-trailer", "1"}}), frame::END_HEADERS));
         }},
        // --- header blocks (§4.3, §6.10) ---
        {"CONTINUATION without HEADERS", "9113 §6.10", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(rawFrame(frame::CONTINUATION, frame::END_HEADERS, 1, hpack(getRequest()))); }},
        {"other frame inside a header block", "9113 §4.3, §6.10", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(headersFrame(1, hpack(getRequest()), frame::END_STREAM) + ping()); }},
        {"CONTINUATION on another stream", "9113 §6.10", E::Goaway, PROTOCOL_ERROR, 0,
         [](Peer &p) {
             p.handshake();
             const std::string block = hpack(getRequest());
             p.send(headersFrame(1, block.substr(0, 3), frame::END_STREAM)
                    + rawFrame(frame::CONTINUATION, frame::END_HEADERS, 3, block.substr(3)));
         }},
        {"header list over SETTINGS_MAX_HEADER_LIST_SIZE", "9113 §6.5.2, §10.5.1", E::Rst, 0xffffffffu, 1,
         [](Peer &p) {
             p.handshake();
             Fields f = getRequest();
             for (int i = 0; i < 10; ++i)
                 f.emplace_back("x-big-" + std::to_string(i), std::string(7000, 'v'));
             const std::string block = hpack(f); // ~70 KiB: HEADERS + 4 CONTINUATIONs
             std::string frames = headersFrame(1, block.substr(0, 16000), frame::END_STREAM);
             for (std::size_t at = 16000; at < block.size(); at += 16000)
                 frames += rawFrame(frame::CONTINUATION, at + 16000 >= block.size() ? frame::END_HEADERS : 0, 1,
                                    block.substr(at, 16000));
             p.send(frames);
         },
         true},
        // --- HPACK decoding errors (RFC 7541 → COMPRESSION_ERROR, 9113 §4.3) ---
        {"HPACK index 0", "7541 §6.1", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, "\x80")); }},
        {"HPACK index past the tables", "7541 §2.3.3", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, "\xbe")); }}, // 62: dynamic table empty
        {"HPACK table size above SETTINGS_HEADER_TABLE_SIZE", "7541 §6.3", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, "\x3f\xe1\x3f", false) + ""); }}, // size 8192
        {"HPACK table size update after a field", "7541 §4.2", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, std::string(1, '\x20'))); }},
        {"HPACK Huffman string with EOS", "7541 §5.2", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, std::string("\x40\x84\xff\xff\xff\xff\x01\x61", 8))); }},
        {"HPACK Huffman padding not all ones", "7541 §5.2", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, std::string("\x40\x81\x00\x01\x61", 5))); }},
        {"HPACK integer overflow", "7541 §5.1", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, "\xff\xff\xff\xff\xff\xff\xff\xff\xff\x7f")); }},
        {"HPACK string longer than the block", "7541 §5.2", E::Goaway, COMPRESSION_ERROR, 0,
         [](Peer &p) { p.handshake(); p.send(hpackRaw(1, "\x40\x0a" "ab")); }},
    };
    return all;
}

std::vector<inspect::FrameEvent> outFrames(const Peer &p, std::uint8_t type)
{
    return p.events.frames(Direction::Out, type);
}

} // namespace

class TestProtocolErrors : public QObject {
    Q_OBJECT

    QTemporaryDir m_dir;
    std::unique_ptr<site::StaticSite> m_site;

    std::shared_ptr<tls::TlsContext> m_tls;

    std::unique_ptr<Peer> peer(bool capture = true, bool overTls = false)
    {
        return std::make_unique<Peer>(*m_site, 3, capture, overTls ? m_tls : nullptr);
    }

private slots:
    void initTestCase()
    {
        QVERIFY(m_dir.isValid());
        std::ofstream(m_dir.filePath("index.html").toStdString()) << "<!doctype html><title>t</title>";
        std::ofstream(m_dir.filePath("big.bin").toStdString()) << std::string(200000, 'b');
        site::SiteOptions options;
        options.root = m_dir.path().toStdString();
        options.pushMode = site::PushMode::Off;
        auto s = site::StaticSite::create(options);
        QVERIFY(s.ok());
        m_site = std::move(*s);
        auto pem = certs::makeSelfSigned();
        QVERIFY2(pem.ok(), pem.ok() ? "" : pem.error().message.c_str());
        tls::TlsOptions o;
        o.certPem = pem->certPem;
        o.keyPem = pem->keyPem;
        auto ctx = tls::TlsContext::create(o);
        QVERIFY2(ctx.ok(), ctx.ok() ? "" : ctx.error().message.c_str());
        m_tls = *ctx;
    }

    // Every case four ways: in cleartext (h2c) as written, with the client's
    // bytes arriving one at a time (frame boundaries must not change the
    // answer), with the capture off (the server's checks must not depend on
    // recording), and over TLS with ALPN h2.
    void rfcCase_data()
    {
        QTest::addColumn<int>("index");
        QTest::addColumn<std::size_t>("piece");
        QTest::addColumn<bool>("capture");
        QTest::addColumn<bool>("overTls");
        for (std::size_t i = 0; i < cases().size(); ++i) {
            const std::string name = cases()[i].name;
            QTest::newRow(name.c_str()) << int(i) << std::size_t(0) << true << false;
            QTest::newRow((name + ", byte by byte").c_str()) << int(i) << std::size_t(1) << true << false;
            QTest::newRow((name + ", capture off").c_str()) << int(i) << std::size_t(0) << false << false;
            QTest::newRow((name + ", over TLS").c_str()) << int(i) << std::size_t(0) << true << true;
        }
    }

    void rfcCase()
    {
        QFETCH(int, index);
        QFETCH(std::size_t, piece);
        QFETCH(bool, capture);
        QFETCH(bool, overTls);
        const Case &c = cases()[std::size_t(index)];
        auto p = peer(capture, overTls);
        p->piece = piece;
        c.drive(*p);
        std::string where = std::string(c.rule) + "; server sent: " + p->summary();
        if (capture)
            for (const auto &n : p->events.all<inspect::Notice>())
                where += "; notice: " + n.text;
        const auto goaway = p->find(frame::GOAWAY);
        const auto rst = p->find(frame::RST_STREAM, c.stream);
        const auto statuses = p->statuses();

        // First the verdict on the wire, then the events that must agree.
        std::string wrong;
        bool escalated = false;
        switch (c.expect) {
        case Expect::Goaway:
            if (!goaway || goaway->errorCode() != c.code)
                wrong = std::string("expected GOAWAY ") + inspect::errorCodeName(c.code);
            break;
        case Expect::Rst:
            if (c.code == 0xffffffffu) { // any RST_STREAM or a 431 answer will do
                if (!rst && std::find(statuses.begin(), statuses.end(), 431) == statuses.end())
                    wrong = "expected RST_STREAM or 431";
            } else if (goaway && goaway->errorCode() == c.code) {
                // RFC 9113 §5.4: an endpoint MAY treat a stream error as a
                // connection error. Allowed, but it costs the other streams.
                escalated = true;
                qInfo("escalated: GOAWAY %s instead of RST_STREAM (allowed by RFC 9113 §5.4)",
                      inspect::errorCodeName(c.code));
            } else if (goaway && goaway->errorCode() != NO_ERROR) {
                wrong = "expected a stream error, got a connection error";
            } else if (!rst || rst->errorCode() != c.code) {
                wrong = std::string("expected RST_STREAM ") + inspect::errorCodeName(c.code);
            }
            break;
        case Expect::Fine:
            if (goaway || p->find(frame::RST_STREAM) || statuses.size() != 1 || statuses.front() != 200)
                wrong = "expected a plain 200";
            break;
        }
        if (c.deviation)
            QEXPECT_FAIL("", c.deviation, Abort);
        QVERIFY2(wrong.empty(), (wrong + " (" + where + ")").c_str());

        if (c.expect == Expect::Goaway || escalated) {
            QVERIFY(p->conn->wantsClose());
            if (!capture)
                return;
            const auto ev = outFrames(*p, frame::GOAWAY);
            QVERIFY2(!ev.empty() && ev.back().errorCode == goaway->errorCode(), "no GOAWAY event with that code");
            p->conn->close({});
            const auto closed = p->events.all<inspect::ConnectionClosed>();
            QCOMPARE(closed.size(), std::size_t(1));
            QCOMPARE(closed.front().goawayCode, std::int32_t(goaway->errorCode()));
            QVERIFY2(!closed.front().reason.empty(), "the close event says why");
            return;
        }
        if (c.expect == Expect::Rst && rst && capture) {
            bool seen = false;
            for (const auto &ev : outFrames(*p, frame::RST_STREAM))
                seen = seen || (ev.streamId == std::int32_t(c.stream) && ev.errorCode == rst->errorCode());
            QVERIFY2(seen, "no RST_STREAM event with that code");
        }
        if (c.expect == Expect::Rst && c.followUp) {
            // The connection goes on: a fresh request is answered.
            p->send(getOn(c.stream + 2));
            const auto after = p->statuses();
            QVERIFY2(after.size() == statuses.size() + 1 && after.back() == 200,
                     ("no 200 after the stream error; server sent: " + p->summary()).c_str());
        }
    }

    // RFC 9113 §5.1: frames the client sent before it saw our RST_STREAM are
    // ignored, not an error; once the client has ended the stream, more is.
    void framesInFlightAfterOurResetAreIgnored_data()
    {
        QTest::addColumn<bool>("capture");
        QTest::newRow("capture on") << true;
        QTest::newRow("capture off") << false;
    }
    void framesInFlightAfterOurResetAreIgnored()
    {
        QFETCH(bool, capture);
        auto p = peer(capture);
        p->handshake();
        // The uppercase field makes the server reset the stream while the
        // client still has its body to send.
        p->send(headersFrame(1, hpack(with(post(), "X-Upper", "1")), frame::END_HEADERS));
        const auto rst = p->find(frame::RST_STREAM, 1);
        QVERIFY2(rst && rst->errorCode() == PROTOCOL_ERROR, p->summary().c_str());
        p->send(dataFrame(1, 4, 0) + headersFrame(1, hpack({{"x-trailer", "t"}}))); // in flight, then ended
        p->send(getOn(3));
        QVERIFY2(!p->find(frame::GOAWAY), p->summary().c_str());
        QCOMPARE(p->statuses(), std::vector<int>{200});
        p->send(dataFrame(1, 4));
        const auto goaway = p->find(frame::GOAWAY);
        QVERIFY2(goaway && goaway->errorCode() == STREAM_CLOSED, p->summary().c_str());
    }

    void rapidResetFollowsTheClock()
    {
        // CVE-2023-44487: streams opened and reset at once. Within the bucket
        // (1,000) nothing happens; past it GOAWAY ENHANCE_YOUR_CALM, unless
        // time refilled it (33 a second). The session's clock is the test's,
        // so both sides are exact.
        const auto resets = [](RawPeer &p, std::uint32_t count, ManualClock *clock) {
            for (std::uint32_t i = 0; i < count && !p.conn->closed(); i += 10) {
                std::string burst;
                for (std::uint32_t k = i; k < i + 10 && k < count; ++k) {
                    const std::uint32_t id = 2 * k + 1;
                    burst += headersFrame(id, hpack(getRequest()), frame::END_HEADERS);
                    burst += rstStream(id, 0x8 /* CANCEL */);
                }
                p.send(burst);
                if (clock)
                    clock->advance(std::chrono::milliseconds(400)); // 13 tokens back for 10 spent
            }
        };
        // A fresh connection whose session reads `clock`, and how many resets it sends.
        const auto run = [&](std::uint64_t id, std::uint32_t count, bool timePasses) {
            ManualClock clock;
            h2::H2Options h2;
            h2.clock = &clock;
            RawPeer p(*m_site, id, nullptr, true, nullptr, h2);
            p.handshake();
            resets(p, count, timePasses ? &clock : nullptr);
            return p.find(frame::GOAWAY);
        };
        QVERIFY(!run(21, 1000, false));
        const auto calm = run(22, 1010, false);
        QVERIFY(calm && calm->errorCode() == 0xb /* ENHANCE_YOUR_CALM */);
        QVERIFY(!run(23, 1500, true));
    }

    // PRIORITY fields, of a PRIORITY frame and of HEADERS with the PRIORITY
    // flag, are in the capture, decoded (the server itself ignores them).
    void extendedConnectCarriesAWebSocket()
    {
        // RFC 8441 with live reload on: SETTINGS_ENABLE_CONNECT_PROTOCOL, the
        // CONNECT answered before any DATA, the stream's DATA read as the
        // WebSocket's frames, and its END_STREAM answered by ours.
        site::SiteOptions options;
        options.root = m_dir.path().toStdString();
        options.liveReload = true;
        auto liveSite = site::StaticSite::create(options);
        QVERIFY(liveSite.ok());
        h2::H2Options h2;
        h2.extendedConnect = true;
        RawPeer p(**liveSite, 9, nullptr, true, nullptr, h2);
        p.handshake();
        const auto settings = p.find(frame::SETTINGS, 0);
        QVERIFY(settings);
        bool advertised = false;
        for (std::size_t at = 0; at + 6 <= settings->payload.size(); at += 6)
            advertised = advertised || (settings->payload.substr(at, 6) == std::string("\x00\x08\x00\x00\x00\x01", 6));
        QVERIFY2(advertised, "no SETTINGS_ENABLE_CONNECT_PROTOCOL=1");
        p.send(headersFrame(1,
                            hpack({{":method", "CONNECT"},
                                   {":protocol", "websocket"},
                                   {":scheme", "http"},
                                   {":authority", "localhost"},
                                   {":path", "/__h2scope/livereload"},
                                   {"sec-websocket-version", "13"}}),
                            frame::END_HEADERS));
        const auto headers = p.find(frame::HEADERS, 1);
        QVERIFY2(headers, p.out.c_str());
        QVERIFY(!(headers->flags & frame::END_STREAM));
        const auto masked = [](std::uint8_t first, const std::string &payload) {
            std::string out{static_cast<char>(first), static_cast<char>(0x80 | payload.size()), 0, 0, 0, 0};
            return out + payload; // an all-zero mask
        };
        p.out.clear();
        p.send(rawFrame(frame::DATA, 0, 1, masked(0x89, "hi")));
        auto pong = p.find(frame::DATA, 1);
        QVERIFY2(pong, p.out.c_str());
        QCOMPARE(pong->payload, std::string("\x8a\x02hi", 4));
        p.out.clear();
        p.send(rawFrame(frame::DATA, frame::END_STREAM, 1, masked(0x88, std::string("\x03\xe8", 2))));
        std::string fromServer;
        bool ended = false;
        for (const ParsedFrame &f : p.frames())
            if (f.type == frame::DATA && f.streamId == 1) {
                fromServer += f.payload;
                ended = ended || (f.flags & frame::END_STREAM);
            }
        QCOMPARE(fromServer, std::string("\x88\x02\x03\xe8", 4)); // the Close, echoed
        QVERIFY(ended);
        QVERIFY(!p.find(frame::RST_STREAM));
        QVERIFY(!p.find(frame::GOAWAY));
    }

    void priorityFieldsAreDecoded()
    {
        auto p = peer();
        p->handshake();
        p->send(priorityFrame(3, 1)); // weight byte 0x0f: 16
        p->send(headersFrame(1, u32Payload(0x80000000u) + std::string(1, '\xff') + hpack(getRequest()),
                             frame::END_HEADERS | frame::END_STREAM | frame::PRIORITY_FLAG));
        const auto priority = p->events.frames(Direction::In, frame::PRIORITY);
        QCOMPARE(priority.size(), std::size_t(1));
        QCOMPARE(priority.front().priorityDependency, 1);
        QCOMPARE(priority.front().priorityWeight, std::uint16_t(16));
        QVERIFY(!priority.front().priorityExclusive);
        const auto headers = p->events.frames(Direction::In, frame::HEADERS);
        QCOMPARE(headers.size(), std::size_t(1));
        QCOMPARE(headers.front().priorityDependency, 0);
        QCOMPARE(headers.front().priorityWeight, std::uint16_t(256));
        QVERIFY(headers.front().priorityExclusive);
        QCOMPARE(headers.front().headers.size(), getRequest().size()); // the block after the fields decodes
        const std::string logged = inspect::formatEvent(inspect::Event{0, 3, headers.front()}, 0);
        QVERIFY2(logged.find("(dep_stream_id=0, weight=256, exclusive=1)") != std::string::npos, logged.c_str());
    }

    // What the guard decided is in the capture right after the frame it is
    // about, and the close reason says which rule, as the frame log shows it.
    void verdictFollowsItsFrame()
    {
        auto p = peer();
        p->handshake();
        p->send(getOn(1));
        p->send(dataFrame(1, 4) + ping());
        p->conn->close({});
        const auto &events = p->events.events();
        std::size_t dataAt = events.size(), noticeAt = events.size();
        for (std::size_t i = 0; i < events.size(); ++i) {
            if (const auto *f = std::get_if<inspect::FrameEvent>(&events[i].data);
                f && f->dir == Direction::In && f->type == frame::DATA && dataAt == events.size())
                dataAt = i;
            if (const auto *n = std::get_if<inspect::Notice>(&events[i].data);
                n && n->code == "protocol-error" && noticeAt == events.size())
                noticeAt = i;
        }
        QVERIFY2(dataAt < events.size(), "the offending DATA frame is in the capture");
        QVERIFY2(noticeAt < events.size(), "the verdict is in the capture");
        QCOMPARE(noticeAt, dataAt + 1);
        const auto &notice = std::get<inspect::Notice>(events[noticeAt].data);
        QVERIFY2(notice.text.find("§5.1") != std::string::npos, notice.text.c_str());
        // The PING after it was ignored: nghttp2 reads nothing once the connection is ending.
        QVERIFY2(p->events.frames(Direction::Out, frame::PING).empty(), p->summary().c_str());
        QCOMPARE(p->events.frames(Direction::In, frame::PING).size(), std::size_t(1));
        const auto closed = p->events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QVERIFY2(closed.front().reason.find("after ending it") != std::string::npos, closed.front().reason.c_str());
    }

    // The guard alone: where it stops, what it holds, and that it forgets
    // what it must not keep for ever.
    void guardStopsBeforeTheFrameItJudges()
    {
        h2::FrameGuard guard(false);
        const std::string get = getOn(1), data = dataFrame(1, 4);
        const std::string bytes = get + data;
        const auto *p = reinterpret_cast<const std::uint8_t *>(bytes.data());
        QCOMPARE(guard.scan(p, bytes.size()), get.size());
        QVERIFY(guard.pending());
        QCOMPARE(guard.pending()->type, frame::DATA);
        const h2::GuardVerdict v = guard.judge(false); // the GET's stream is closed by now
        QCOMPARE(v.kind, h2::GuardVerdict::Kind::ConnectionError);
        QCOMPARE(v.code, STREAM_CLOSED);
        QCOMPARE(guard.scan(p + get.size(), data.size()), data.size());
        QVERIFY(!guard.pending() && !guard.holding());
    }

    void guardHoldsAHeaderBlockUntilItIsWhole()
    {
        h2::FrameGuard guard(false);
        const std::string block = headersFrame(1, hpack(with(getRequest(), "x-a", std::string(3000, 'a'))));
        const std::string data = dataFrame(1, 100, 0);
        const auto *p = reinterpret_cast<const std::uint8_t *>(block.data());
        QCOMPARE(guard.scan(p, 5), std::size_t(0)); // part of the head
        QVERIFY(guard.holding());
        QCOMPARE(guard.scan(p, 9), std::size_t(0)); // the head, and nothing of the block
        QVERIFY(guard.holding());
        QCOMPARE(guard.scan(p, 500), std::size_t(0)); // part of the block
        QVERIFY(guard.holding());
        QCOMPARE(guard.scan(p, block.size()), block.size());
        QVERIFY(!guard.holding());
        // DATA goes through in pieces: its stream is judged at its head, then the rest flows.
        const auto *d = reinterpret_cast<const std::uint8_t *>(data.data());
        QCOMPARE(guard.scan(d, 50), std::size_t(0));
        QVERIFY(guard.pending());
        QCOMPARE(guard.judge(true).kind, h2::GuardVerdict::Kind::None);
        QCOMPARE(guard.scan(d, 50), std::size_t(50));
        QVERIFY(!guard.holding() && !guard.pending());
        QCOMPARE(guard.scan(d + 50, data.size() - 50), data.size() - 50);
    }

    void guardForgetsTheOldestOpenStreams()
    {
        h2::FrameGuard guard(false);
        const std::uint32_t n = h2::FrameGuard::kMaxOpenStreams + 1;
        std::string bytes;
        for (std::uint32_t i = 0; i < n; ++i)
            bytes += openStream(1 + 2 * i);
        const auto *p = reinterpret_cast<const std::uint8_t *>(bytes.data());
        QCOMPARE(guard.scan(p, bytes.size()), bytes.size());
        // Stream 3 is still remembered as unfinished: its DATA after our reset is ignored.
        const std::string late = dataFrame(3, 1) + dataFrame(1, 1);
        const auto *q = reinterpret_cast<const std::uint8_t *>(late.data());
        QCOMPARE(guard.scan(q, late.size()), std::size_t(0));
        QCOMPARE(guard.judge(false).kind, h2::GuardVerdict::Kind::None);
        QCOMPARE(guard.scan(q, late.size()), dataFrame(3, 1).size());
        // Stream 1 was forgotten to keep the bound: taken for ended.
        QCOMPARE(guard.judge(false).kind, h2::GuardVerdict::Kind::ConnectionError);
    }

    // RFC 9113 §6.5.3: our SETTINGS unacknowledged for too long ends the
    // connection with SETTINGS_TIMEOUT (the socket driver keeps the clock).
    void settingsAckTimeout()
    {
        auto polite = peer();
        polite->handshake();
        QVERIFY(!polite->conn->settingsAckPendingSince());

        auto p = peer();
        p->send(kClientPreface + settingsFrame({}));
        QVERIFY(p->conn->settingsAckPendingSince());
        p->conn->settingsAckTimedOut("SETTINGS timeout: test");
        p->drain();
        const auto goaway = p->find(frame::GOAWAY);
        QVERIFY2(goaway, p->summary().c_str());
        QCOMPARE(goaway->errorCode(), std::uint32_t(0x4));
        QVERIFY(p->conn->wantsClose());
        p->conn->close({});
        const auto closed = p->events.all<inspect::ConnectionClosed>();
        QCOMPARE(closed.size(), std::size_t(1));
        QCOMPARE(closed.front().goawayCode, 0x4);
        QCOMPARE(closed.front().reason, std::string("SETTINGS timeout: test"));
    }

    // With ALPN h2 the session itself sees the preface: anything else is a
    // connection error (§3.4), for which the GOAWAY MAY be omitted.
    void wrongPrefaceOnH2()
    {
        CollectingPublisher events;
        h2::H2Session session(*m_site, events.log(9), "https");
        const std::string bytes = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
        const auto r = session.receive(reinterpret_cast<const std::uint8_t *>(bytes.data()), bytes.size());
        QVERIFY(!r.ok());
        std::string out;
        for (int i = 0; i < 10 && session.produce(out, 1u << 16) > 0; ++i) {
        }
        QVERIFY(session.wantsClose());
        bool goaway = false;
        for (const ParsedFrame &f : parseFrames(out))
            if (f.type == frame::GOAWAY) {
                goaway = true;
                QCOMPARE(f.errorCode(), PROTOCOL_ERROR);
            }
        qInfo("GOAWAY %s", goaway ? "PROTOCOL_ERROR sent" : "omitted");
        QVERIFY(session.closeReason().find("preface") != std::string::npos);
    }

    // Cleartext: a first byte that is not the preface's means HTTP/1.1, and
    // a broken HTTP/2 preface is answered as a bad HTTP/1.1 request.
    void wrongPrefaceOnCleartext()
    {
        auto p = peer();
        p->send("PRI * HTTP/2.0\r\n\r\nXX\r\n\r\n");
        QCOMPARE(p->conn->protocol(), std::string("http/1.1"));
        QVERIFY2(p->out.rfind("HTTP/1.1 4", 0) == 0 || p->out.rfind("HTTP/1.1 5", 0) == 0, p->out.c_str());
        qInfo("%s", p->out.substr(0, p->out.find('\r')).c_str());
        QVERIFY(p->conn->wantsClose());
    }
};

QTEST_APPLESS_MAIN(TestProtocolErrors)
#include "tst_protocolerrors.moc"
