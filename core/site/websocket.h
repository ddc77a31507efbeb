#pragma once
// The server's side of the WebSocket protocol (RFC 6455), as far as live
// reload needs it: the opening handshake's checks and accept key, frames the
// server sends (never masked), and a reader of the frames a client sends
// (always masked) that keeps no message payload: text and binary messages
// are skipped as they stream by; only control frames (at most 125 bytes)
// are buffered, so a client can never make it hold more than that.
//
// Over HTTP/1.1 the handshake is an Upgrade (RFC 6455 §4); over HTTP/2 it is
// an extended CONNECT with :protocol websocket (RFC 8441), which needs no
// key. Either way the bytes after it are the same frames.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site::websocket {

enum class Opcode : std::uint8_t { Continuation = 0, Text = 1, Binary = 2, Close = 8, Ping = 9, Pong = 10 };

// Close codes (RFC 6455 §7.4.1) the server sends.
constexpr std::uint16_t kGoingAway = 1001;
constexpr std::uint16_t kProtocolError = 1002;
constexpr std::uint16_t kNoStatus = 1005; // never on the wire: a Close without a code

// The Sec-WebSocket-Accept value for a client's Sec-WebSocket-Key (§4.2.2).
std::string acceptKey(std::string_view clientKey);
// A key the client may send: base64 of 16 bytes (§4.1).
bool validClientKey(std::string_view clientKey);

// One unfragmented frame from the server (FIN set, no mask).
std::string serverFrame(Opcode opcode, std::string_view payload);
// A Close frame with `code` and a reason (cut to fit 125 bytes); an empty
// frame for kNoStatus.
std::string closeFrame(std::uint16_t code, std::string_view reason = {});

// What the reader found in the client's bytes, in order.
struct Event {
    enum class Kind : std::uint8_t {
        Ping, // answer with a Pong carrying `payload`
        Pong,
        Message, // a text or binary message ended (its payload was skipped)
        Close,   // the client closes with `code` (kNoStatus when none) and `reason`
        Error,   // the client broke the protocol: close with `code`, `reason` says why
    };
    Kind kind = Kind::Error;
    std::uint16_t code = 0;
    std::string payload; // Ping and Pong: the application data; Close and Error: the reason
};

class Reader {
public:
    // Reads `bytes` (any split), appending what it finds to `events`. After
    // a Close or an Error it reads nothing more.
    void feed(std::string_view bytes, std::vector<Event> &events);
    bool finished() const { return m_finished; }

private:
    bool parseHead(std::vector<Event> &events); // m_head holds a whole head: check it
    void endFrame(std::vector<Event> &events);
    void fail(std::vector<Event> &events, std::uint16_t code, std::string reason);

    std::uint8_t m_head[14] = {};
    std::size_t m_headSize = 0;
    std::size_t m_headNeeded = 2;
    bool m_inFrame = false; // past the head: payload bytes follow
    Opcode m_opcode = Opcode::Text;
    bool m_fin = false;
    std::uint8_t m_mask[4] = {};
    std::uint64_t m_remaining = 0; // payload bytes of this frame still to come
    std::uint64_t m_offset = 0;    // payload bytes of this frame read so far (for the mask)
    std::string m_control;         // a control frame's unmasked payload
    bool m_inMessage = false;      // a fragmented text or binary message is open
    bool m_finished = false;
};

} // namespace h2scope::site::websocket
