#pragma once
// Raw HTTP/2 frames for tests that must send what a well-behaved client
// never would: a frame builder, a reader for what the server answers, and
// HPACK header blocks made with nghttp2's own deflater (or by hand, for the
// broken ones). Header-only, test code only.

#include <nghttp2/nghttp2.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::testing {

namespace frame {
constexpr std::uint8_t DATA = 0x0, HEADERS = 0x1, PRIORITY = 0x2, RST_STREAM = 0x3, SETTINGS = 0x4, PUSH_PROMISE = 0x5,
                       PING = 0x6, GOAWAY = 0x7, WINDOW_UPDATE = 0x8, CONTINUATION = 0x9;
constexpr std::uint8_t END_STREAM = 0x1, ACK = 0x1, END_HEADERS = 0x4, PADDED = 0x8, PRIORITY_FLAG = 0x20;
} // namespace frame

inline const std::string kClientPreface = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";

// A 9-byte frame header as on the wire (the reserved bit cleared).
inline std::array<std::uint8_t, 9> frameHeader(std::uint32_t length, std::uint8_t type, std::uint8_t flags,
                                               std::uint32_t stream)
{
    return {std::uint8_t(length >> 16),
            std::uint8_t(length >> 8),
            std::uint8_t(length),
            type,
            flags,
            std::uint8_t((stream >> 24) & 0x7f),
            std::uint8_t(stream >> 16),
            std::uint8_t(stream >> 8),
            std::uint8_t(stream)};
}

inline void putU32(std::string &out, std::uint32_t v)
{
    out.push_back(char(v >> 24));
    out.push_back(char(v >> 16));
    out.push_back(char(v >> 8));
    out.push_back(char(v));
}

inline std::uint32_t getU32(const std::string &s, std::size_t at)
{
    return (std::uint32_t(std::uint8_t(s[at])) << 24) | (std::uint32_t(std::uint8_t(s[at + 1])) << 16)
           | (std::uint32_t(std::uint8_t(s[at + 2])) << 8) | std::uint32_t(std::uint8_t(s[at + 3]));
}

// One frame, header and payload, exactly as given (the length field is the
// payload's size unless `lengthOverride` says otherwise).
inline std::string rawFrame(std::uint8_t type, std::uint8_t flags, std::uint32_t streamId, const std::string &payload,
                            std::optional<std::uint32_t> lengthOverride = std::nullopt)
{
    const std::uint32_t len = lengthOverride ? *lengthOverride : std::uint32_t(payload.size());
    std::string out;
    out.push_back(char(len >> 16));
    out.push_back(char(len >> 8));
    out.push_back(char(len));
    out.push_back(char(type));
    out.push_back(char(flags));
    putU32(out, streamId & 0x7fffffffu);
    out += payload;
    return out;
}

inline std::string settingsFrame(const std::vector<std::pair<std::uint16_t, std::uint32_t>> &values,
                                 std::uint8_t flags = 0, std::uint32_t streamId = 0)
{
    std::string payload;
    for (const auto &[id, value] : values) {
        payload.push_back(char(id >> 8));
        payload.push_back(char(id));
        putU32(payload, value);
    }
    return rawFrame(frame::SETTINGS, flags, streamId, payload);
}

inline std::string u32Payload(std::uint32_t v)
{
    std::string p;
    putU32(p, v);
    return p;
}

inline std::string windowUpdate(std::uint32_t streamId, std::uint32_t increment)
{
    return rawFrame(frame::WINDOW_UPDATE, 0, streamId, u32Payload(increment));
}

inline std::string rstStream(std::uint32_t streamId, std::uint32_t code)
{
    return rawFrame(frame::RST_STREAM, 0, streamId, u32Payload(code));
}

inline std::string ping(std::uint8_t flags = 0, std::uint32_t streamId = 0)
{
    return rawFrame(frame::PING, flags, streamId, std::string(8, '\x42'));
}

using Fields = std::vector<std::pair<std::string, std::string>>;

// An HPACK block for `fields`, every field a literal "never indexed", so the
// block does not depend on (or change) any dynamic table state and blocks
// can be made in any order. Names and values go as given, unchecked.
inline std::string hpack(const Fields &fields)
{
    nghttp2_hd_deflater *deflater = nullptr;
    nghttp2_hd_deflate_new(&deflater, 4096);
    std::vector<nghttp2_nv> nva;
    for (const auto &[name, value] : fields)
        nva.push_back(nghttp2_nv{reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
                                 reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(),
                                 value.size(), NGHTTP2_NV_FLAG_NO_INDEX});
    std::string out(nghttp2_hd_deflate_bound(deflater, nva.data(), nva.size()), '\0');
    const auto n = nghttp2_hd_deflate_hd(deflater, reinterpret_cast<std::uint8_t *>(out.data()), out.size(), nva.data(),
                                         nva.size());
    nghttp2_hd_deflate_del(deflater);
    out.resize(n < 0 ? 0 : std::size_t(n));
    return out;
}

// Decodes the server's header blocks in order, keeping the dynamic table
// between them as a client does. A block that does not decode yields what
// came before the error.
class HpackDecoder {
public:
    HpackDecoder() { nghttp2_hd_inflate_new(&m_inflater); }
    ~HpackDecoder() { nghttp2_hd_inflate_del(m_inflater); }
    HpackDecoder(const HpackDecoder &) = delete;
    HpackDecoder &operator=(const HpackDecoder &) = delete;

    // A complete block (HEADERS payload plus its CONTINUATIONs, without
    // padding or priority fields).
    Fields decode(const std::string &block)
    {
        Fields fields;
        const auto *in = reinterpret_cast<const std::uint8_t *>(block.data());
        std::size_t left = block.size();
        for (int guard = 0; guard < 1000; ++guard) {
            nghttp2_nv nv;
            int flags = 0;
            const auto n = nghttp2_hd_inflate_hd2(m_inflater, &nv, &flags, in, left, 1);
            if (n < 0)
                break;
            in += n;
            left -= std::size_t(n);
            if (flags & NGHTTP2_HD_INFLATE_EMIT)
                fields.emplace_back(std::string(reinterpret_cast<const char *>(nv.name), nv.namelen),
                                    std::string(reinterpret_cast<const char *>(nv.value), nv.valuelen));
            if (flags & NGHTTP2_HD_INFLATE_FINAL) {
                nghttp2_hd_inflate_end_headers(m_inflater);
                break;
            }
            if (n == 0 && !(flags & NGHTTP2_HD_INFLATE_EMIT))
                break;
        }
        return fields;
    }

    // The block's :status, or 0 if it has none.
    int status(const std::string &block)
    {
        for (const auto &[name, value] : decode(block))
            if (name == ":status")
                return std::atoi(value.c_str());
        return 0;
    }

private:
    nghttp2_hd_inflater *m_inflater = nullptr;
};

inline Fields getRequest(const std::string &path = "/index.html")
{
    return {{":method", "GET"}, {":scheme", "http"}, {":authority", "localhost"}, {":path", path}};
}

inline std::string headersFrame(std::uint32_t streamId, const std::string &block,
                                std::uint8_t flags = frame::END_HEADERS | frame::END_STREAM)
{
    return rawFrame(frame::HEADERS, flags, streamId, block);
}

// A frame the server sent.
struct ParsedFrame {
    std::uint32_t length = 0;
    std::uint8_t type = 0;
    std::uint8_t flags = 0;
    std::uint32_t streamId = 0;
    std::string payload;

    std::uint32_t errorCode() const // RST_STREAM, GOAWAY
    {
        if (type == frame::RST_STREAM && payload.size() >= 4)
            return getU32(payload, 0);
        if (type == frame::GOAWAY && payload.size() >= 8)
            return getU32(payload, 4);
        return 0xffffffffu;
    }
};

// Splits server output (no preface) into frames; an incomplete tail is left out.
inline std::vector<ParsedFrame> parseFrames(const std::string &bytes)
{
    std::vector<ParsedFrame> out;
    std::size_t at = 0;
    while (bytes.size() - at >= 9) {
        ParsedFrame f;
        f.length = (std::uint32_t(std::uint8_t(bytes[at])) << 16) | (std::uint32_t(std::uint8_t(bytes[at + 1])) << 8)
                   | std::uint32_t(std::uint8_t(bytes[at + 2]));
        if (bytes.size() - at - 9 < f.length)
            break;
        f.type = std::uint8_t(bytes[at + 3]);
        f.flags = std::uint8_t(bytes[at + 4]);
        f.streamId = getU32(bytes, at + 5) & 0x7fffffffu;
        f.payload = bytes.substr(at + 9, f.length);
        out.push_back(std::move(f));
        at += 9 + f.length;
    }
    return out;
}

} // namespace h2scope::testing
