#include "site/websocket.h"

#include "base64.h"

#include <openssl/evp.h>

#include <algorithm>
#include <array>

namespace h2scope::site::websocket {

namespace {

constexpr std::string_view kGuid = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"; // RFC 6455 §1.3
constexpr std::size_t kMaxControlPayload = 125;

bool isControl(Opcode op)
{
    return (static_cast<std::uint8_t>(op) & 0x8) != 0;
}

bool knownOpcode(std::uint8_t op)
{
    return op <= 2 || (op >= 8 && op <= 10);
}

// Close codes a client may send (§7.4.1, §7.4.2): 1004–1006 and 1015 are
// reserved for reporting and never appear in a Close frame.
bool validCloseCode(std::uint16_t code)
{
    if (code >= 3000 && code <= 4999)
        return true;
    return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

} // namespace

std::string acceptKey(std::string_view clientKey)
{
    std::string input(clientKey);
    input.append(kGuid);
    std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
    unsigned int size = 0;
    if (EVP_Digest(input.data(), input.size(), digest.data(), &size, EVP_sha1(), nullptr) != 1)
        return {};
    return base64Encode(std::string_view(reinterpret_cast<const char *>(digest.data()), size));
}

bool validClientKey(std::string_view clientKey)
{
    const std::optional<std::string> decoded = base64Decode(clientKey);
    return decoded && decoded->size() == 16;
}

std::string serverFrame(Opcode opcode, std::string_view payload)
{
    std::string out;
    out.reserve(payload.size() + 10);
    out.push_back(static_cast<char>(0x80 | static_cast<std::uint8_t>(opcode)));
    const std::uint64_t n = payload.size();
    if (n < 126) {
        out.push_back(static_cast<char>(n));
    } else if (n <= 0xffff) {
        out.push_back(static_cast<char>(126));
        out.push_back(static_cast<char>(n >> 8));
        out.push_back(static_cast<char>(n & 0xff));
    } else {
        out.push_back(static_cast<char>(127));
        for (int shift = 56; shift >= 0; shift -= 8)
            out.push_back(static_cast<char>((n >> shift) & 0xff));
    }
    out.append(payload);
    return out;
}

std::string closeFrame(std::uint16_t code, std::string_view reason)
{
    if (code == kNoStatus)
        return serverFrame(Opcode::Close, {});
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xff));
    // Cut on a UTF-8 boundary: the reason must stay valid text (§5.5.1).
    std::size_t keep = std::min(reason.size(), kMaxControlPayload - 2);
    while (keep > 0 && keep < reason.size() && (static_cast<unsigned char>(reason[keep]) & 0xc0) == 0x80)
        --keep;
    payload.append(reason.substr(0, keep));
    return serverFrame(Opcode::Close, payload);
}

void Reader::fail(std::vector<Event> &events, std::uint16_t code, std::string reason)
{
    m_finished = true;
    events.push_back(Event{Event::Kind::Error, code, std::move(reason)});
}

bool Reader::parseHead(std::vector<Event> &events)
{
    const std::uint8_t b0 = m_head[0], b1 = m_head[1];
    if (m_headSize == 2) {
        // What two bytes already tell.
        if (b0 & 0x70) {
            fail(events, kProtocolError, "reserved bits set, and no extension was agreed (RFC 6455 §5.2)");
            return false;
        }
        const std::uint8_t op = b0 & 0x0f;
        if (!knownOpcode(op)) {
            fail(events, kProtocolError, "unknown opcode " + std::to_string(op) + " (RFC 6455 §5.2)");
            return false;
        }
        m_opcode = static_cast<Opcode>(op);
        m_fin = (b0 & 0x80) != 0;
        if (!(b1 & 0x80)) {
            fail(events, kProtocolError, "a client frame without a mask (RFC 6455 §5.1)");
            return false;
        }
        const std::uint8_t len = b1 & 0x7f;
        if (isControl(m_opcode) && (!m_fin || len > kMaxControlPayload)) {
            fail(events, kProtocolError, "a control frame fragmented or longer than 125 bytes (RFC 6455 §5.5)");
            return false;
        }
        if (m_opcode == Opcode::Continuation && !m_inMessage) {
            fail(events, kProtocolError, "a continuation frame with no message to continue (RFC 6455 §5.4)");
            return false;
        }
        if ((m_opcode == Opcode::Text || m_opcode == Opcode::Binary) && m_inMessage) {
            fail(events, kProtocolError, "a new message before the fragmented one ended (RFC 6455 §5.4)");
            return false;
        }
        m_headNeeded = 2 + (len == 126 ? 2 : len == 127 ? 8 : 0) + 4;
        return true;
    }
    // The whole head: length and mask.
    const std::uint8_t len = b1 & 0x7f;
    std::size_t at = 2;
    std::uint64_t n = len;
    if (len == 126) {
        n = (std::uint64_t{m_head[2]} << 8) | m_head[3];
        at = 4;
    } else if (len == 127) {
        n = 0;
        for (std::size_t i = 0; i < 8; ++i)
            n = (n << 8) | m_head[2 + i];
        at = 10;
        if (n >> 63) {
            fail(events, kProtocolError, "a payload length with its top bit set (RFC 6455 §5.2)");
            return false;
        }
    }
    std::copy(m_head + at, m_head + at + 4, m_mask);
    m_remaining = n;
    m_offset = 0;
    m_control.clear();
    m_inFrame = true;
    return true;
}

void Reader::endFrame(std::vector<Event> &events)
{
    m_inFrame = false;
    m_headSize = 0;
    m_headNeeded = 2;
    switch (m_opcode) {
    case Opcode::Ping: events.push_back(Event{Event::Kind::Ping, 0, std::move(m_control)}); break;
    case Opcode::Pong: events.push_back(Event{Event::Kind::Pong, 0, std::move(m_control)}); break;
    case Opcode::Close: {
        if (m_control.size() == 1) {
            fail(events, kProtocolError, "a Close frame with a one-byte payload (RFC 6455 §5.5.1)");
            break;
        }
        std::uint16_t code = kNoStatus;
        if (m_control.size() >= 2) {
            code = static_cast<std::uint16_t>((static_cast<unsigned char>(m_control[0]) << 8)
                                              | static_cast<unsigned char>(m_control[1]));
            if (!validCloseCode(code)) {
                fail(events, kProtocolError,
                     "close code " + std::to_string(code) + " is not one a client may send (RFC 6455 §7.4)");
                break;
            }
        }
        m_finished = true;
        events.push_back(Event{Event::Kind::Close, code, m_control.size() > 2 ? m_control.substr(2) : std::string()});
        break;
    }
    default: // a piece of a text or binary message
        m_inMessage = !m_fin;
        if (m_fin)
            events.push_back(Event{Event::Kind::Message, 0, {}});
        break;
    }
    m_control.clear();
}

void Reader::feed(std::string_view bytes, std::vector<Event> &events)
{
    while (!m_finished) {
        if (!m_inFrame) {
            if (bytes.empty())
                return;
            const std::size_t take = std::min(bytes.size(), m_headNeeded - m_headSize);
            std::copy(bytes.begin(), bytes.begin() + static_cast<std::ptrdiff_t>(take), m_head + m_headSize);
            const std::size_t before = m_headSize;
            m_headSize += take;
            bytes.remove_prefix(take);
            if (m_headSize < m_headNeeded)
                return;
            // Two bytes decide how long the head is; then the rest of it.
            if (before < 2 && !parseHead(events))
                return;
            if (m_headSize < m_headNeeded)
                continue;
            if (!parseHead(events))
                return;
        }
        const std::size_t take = static_cast<std::size_t>(std::min<std::uint64_t>(bytes.size(), m_remaining));
        if (isControl(m_opcode))
            for (std::size_t i = 0; i < take; ++i)
                m_control.push_back(static_cast<char>(bytes[i] ^ m_mask[(m_offset + i) & 3]));
        m_offset += take;
        m_remaining -= take;
        bytes.remove_prefix(take);
        if (m_remaining > 0)
            return;
        endFrame(events);
    }
}

} // namespace h2scope::site::websocket
