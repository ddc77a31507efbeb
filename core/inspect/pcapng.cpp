#include "inspect/pcapng.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstring>
#include <string_view>
#include <vector>

namespace h2scope::inspect {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kPrefaceLen = sizeof kPreface - 1;
constexpr std::size_t kMaxSegment = 16u << 10; // payload per synthesized TCP segment
constexpr std::uint8_t kData = 0x0;

void le16(std::string &o, std::uint16_t v)
{
    o.push_back(static_cast<char>(v));
    o.push_back(static_cast<char>(v >> 8));
}
void le32(std::string &o, std::uint32_t v)
{
    le16(o, static_cast<std::uint16_t>(v));
    le16(o, static_cast<std::uint16_t>(v >> 16));
}
void be16(std::string &o, std::uint16_t v)
{
    o.push_back(static_cast<char>(v >> 8));
    o.push_back(static_cast<char>(v));
}
void be32(std::string &o, std::uint32_t v)
{
    be16(o, static_cast<std::uint16_t>(v >> 16));
    be16(o, static_cast<std::uint16_t>(v));
}

struct Endpoint {
    bool v6 = false;
    std::array<std::uint8_t, 16> addr{};
    std::uint16_t port = 0;
};

// "127.0.0.1:53422" or "[::1]:53422"; anything else keeps the fallback.
Endpoint parseEndpoint(std::string_view text, Endpoint fallback)
{
    Endpoint e;
    std::string_view host, port;
    if (!text.empty() && text.front() == '[') {
        const std::size_t close = text.find(']');
        if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':')
            return fallback;
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
        e.v6 = true;
    } else {
        const std::size_t colon = text.rfind(':');
        if (colon == std::string_view::npos)
            return fallback;
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    unsigned p = 0;
    if (std::from_chars(port.data(), port.data() + port.size(), p).ec != std::errc() || p > 65535)
        return fallback;
    e.port = static_cast<std::uint16_t>(p);
    if (!e.v6) {
        unsigned parts[4];
        std::size_t at = 0;
        for (int i = 0; i < 4; ++i) {
            const std::size_t dot = i < 3 ? host.find('.', at) : host.size();
            if (dot == std::string_view::npos)
                return fallback;
            if (std::from_chars(host.data() + at, host.data() + dot, parts[i]).ec != std::errc() || parts[i] > 255)
                return fallback;
            e.addr[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(parts[i]);
            at = dot + 1;
        }
        return e;
    }
    // IPv6: groups with at most one "::".
    std::array<std::uint16_t, 8> groups{};
    std::vector<std::uint16_t> head, tail;
    bool gap = false;
    std::size_t at = 0;
    while (at <= host.size()) {
        if (host.substr(at, 2) == "::") {
            if (gap)
                return fallback;
            gap = true;
            at += 2;
            continue;
        }
        if (at == host.size())
            break;
        std::size_t colon = host.find(':', at);
        if (colon == std::string_view::npos)
            colon = host.size();
        unsigned g = 0;
        if (std::from_chars(host.data() + at, host.data() + colon, g, 16).ec != std::errc() || g > 0xffff)
            return fallback;
        (gap ? tail : head).push_back(static_cast<std::uint16_t>(g));
        at = colon;
        if (at < host.size() && host.substr(at, 2) != "::")
            ++at;
    }
    if (head.size() + tail.size() > 8 || (!gap && head.size() != 8))
        return fallback;
    std::copy(head.begin(), head.end(), groups.begin());
    std::copy(tail.begin(), tail.end(), groups.end() - static_cast<std::ptrdiff_t>(tail.size()));
    for (std::size_t i = 0; i < 8; ++i) {
        e.addr[2 * i] = static_cast<std::uint8_t>(groups[i] >> 8);
        e.addr[2 * i + 1] = static_cast<std::uint8_t>(groups[i]);
    }
    return e;
}

std::uint16_t ipChecksum(const std::string &b, std::size_t from, std::size_t n)
{
    std::uint32_t sum = 0;
    for (std::size_t i = 0; i + 1 < n; i += 2)
        sum +=
            (std::uint32_t(static_cast<std::uint8_t>(b[from + i])) << 8) | static_cast<std::uint8_t>(b[from + i + 1]);
    while (sum >> 16)
        sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<std::uint16_t>(~sum);
}

class Writer {
public:
    explicit Writer(std::string &out) : m_out(out)
    {
        // Section header block, then one raw-IP interface with ns timestamps.
        std::string shb;
        le32(shb, 0x1A2B3C4D);
        le16(shb, 1);
        le16(shb, 0);
        le32(shb, 0xffffffff);
        le32(shb, 0xffffffff); // section length unknown
        block(0x0A0D0D0A, shb);
        std::string idb;
        le16(idb, 101); // LINKTYPE_RAW
        le16(idb, 0);
        le32(idb, 0); // no snap length
        le16(idb, 9); // if_tsresol
        le16(idb, 1);
        idb.push_back(9); // 10^-9 s
        idb.append(3, '\0');
        le16(idb, 0); // opt_endofopt
        le16(idb, 0);
        block(0x00000001, idb);
    }

    // One TCP segment from `from` to `to`.
    void segment(std::uint64_t wallNs, const Endpoint &from, const Endpoint &to, std::uint32_t seq, std::uint32_t ack,
                 std::uint8_t flags, std::string_view payload)
    {
        std::string pkt;
        const std::size_t tcpLen = 20 + payload.size();
        if (from.v6) {
            be32(pkt, 0x60000000);
            be16(pkt, static_cast<std::uint16_t>(tcpLen));
            pkt.push_back(6);  // TCP
            pkt.push_back(64); // hop limit
            pkt.append(reinterpret_cast<const char *>(from.addr.data()), 16);
            pkt.append(reinterpret_cast<const char *>(to.addr.data()), 16);
        } else {
            pkt.push_back(0x45);
            pkt.push_back(0);
            be16(pkt, static_cast<std::uint16_t>(20 + tcpLen));
            be16(pkt, static_cast<std::uint16_t>(m_ipId++));
            be16(pkt, 0x4000); // don't fragment
            pkt.push_back(64);
            pkt.push_back(6);
            be16(pkt, 0);
            pkt.append(reinterpret_cast<const char *>(from.addr.data()), 4);
            pkt.append(reinterpret_cast<const char *>(to.addr.data()), 4);
            const std::uint16_t sum = ipChecksum(pkt, 0, 20);
            pkt[10] = static_cast<char>(sum >> 8);
            pkt[11] = static_cast<char>(sum);
        }
        be16(pkt, from.port);
        be16(pkt, to.port);
        be32(pkt, seq);
        be32(pkt, ack);
        pkt.push_back(0x50); // 20-byte header
        pkt.push_back(static_cast<char>(flags));
        be16(pkt, 65535);
        be16(pkt, 0); // checksum: not computed (Wireshark does not check it by default)
        be16(pkt, 0);
        pkt.append(payload);

        std::string epb;
        le32(epb, 0);
        le32(epb, static_cast<std::uint32_t>(wallNs >> 32));
        le32(epb, static_cast<std::uint32_t>(wallNs));
        le32(epb, static_cast<std::uint32_t>(pkt.size()));
        le32(epb, static_cast<std::uint32_t>(pkt.size()));
        epb += pkt;
        epb.append((4 - pkt.size() % 4) % 4, '\0');
        block(0x00000006, epb);
        ++m_packets;
    }
    std::uint64_t packets() const { return m_packets; }

private:
    void block(std::uint32_t type, const std::string &body)
    {
        const auto total = static_cast<std::uint32_t>(12 + body.size());
        le32(m_out, type);
        le32(m_out, total);
        m_out += body;
        le32(m_out, total);
    }
    std::string &m_out;
    std::uint32_t m_ipId = 1;
    std::uint64_t m_packets = 0;
};

// One direction of a synthesized TCP stream: bytes are sent in segments of
// at most kMaxSegment, each at the time of the frames it carries.
struct Direction_ {
    Endpoint from, to;
    std::uint32_t seq = 0;
    std::string pending;
    std::uint64_t pendingNs = 0;
};

} // namespace

std::string toPcapng(const CaptureStore &store, PcapngSummary *summary)
{
    std::string out;
    Writer w(out);
    PcapngSummary sum;
    const std::int64_t offset = store.wallClockOffsetNs();
    auto wall = [offset](std::uint64_t ns) {
        return static_cast<std::uint64_t>(static_cast<std::int64_t>(ns) + offset);
    };
    std::uint16_t fallbackPort = 40000;
    for (std::uint64_t id : store.connectionIds()) {
        const ConnectionInfo *info = store.connection(id);
        const auto *chunks = store.chunks(id);
        if (!info || !chunks || !info->opened || info->opened->protocol.rfind("h2", 0) != 0)
            continue;
        Endpoint clientFallback;
        clientFallback.addr = {127, 0, 0, 1};
        clientFallback.port = ++fallbackPort;
        Endpoint serverFallback = clientFallback;
        serverFallback.port = 443;
        Direction_ up, down;
        up.from = parseEndpoint(info->opened->peer, clientFallback);
        up.to = parseEndpoint(info->opened->local, serverFallback);
        if (up.from.v6 != up.to.v6) { // a mixed pair cannot be one packet: both loopback of the client's family
            up.to = up.from;
            up.to.port = serverFallback.port;
        }
        down.from = up.to;
        down.to = up.from;
        up.seq = static_cast<std::uint32_t>(id * 7919u);
        down.seq = static_cast<std::uint32_t>(id * 104729u);

        const std::uint64_t t0 = wall(info->openedNs);
        constexpr std::uint8_t kSyn = 0x02, kAckFlag = 0x10, kPsh = 0x08, kFin = 0x01;
        w.segment(t0, up.from, up.to, up.seq, 0, kSyn, {});
        w.segment(t0, down.from, down.to, down.seq, up.seq + 1, kSyn | kAckFlag, {});
        ++up.seq;
        ++down.seq;
        w.segment(t0, up.from, up.to, up.seq, down.seq, kAckFlag, {});

        auto flush = [&](Direction_ &d, Direction_ &other) {
            for (std::size_t at = 0; at < d.pending.size(); at += kMaxSegment) {
                const std::string_view part = std::string_view(d.pending).substr(at, kMaxSegment);
                w.segment(d.pendingNs, d.from, d.to, d.seq, other.seq, kAckFlag | kPsh, part);
                d.seq += static_cast<std::uint32_t>(part.size());
            }
            d.pending.clear();
        };
        up.pending.assign(kPreface, kPrefaceLen);
        up.pendingNs = t0;

        LogReader reader;
        for (const auto &c : *chunks)
            reader.append(c);
        std::uint64_t now = info->openedNs;
        RecordView r;
        while (reader.next(r)) {
            FieldReader f(r.body, r.size);
            if (r.kind == RecordKind::Time) {
                const std::uint64_t t = f.u64();
                if (t != now) { // a new batch: what the last one carried goes out first
                    flush(up, down);
                    flush(down, up);
                }
                now = t;
                continue;
            }
            FrameRecord fr;
            if (!readFrame(r, fr))
                continue;
            const bool outbound = fr.outbound;
            const std::span<const std::uint8_t> h = fr.header;
            const std::span<const std::uint8_t> payload = fr.payload;
            const std::uint32_t length = fr.length;
            Direction_ &d = outbound ? down : up;
            if (d.pending.empty())
                d.pendingNs = wall(now);
            d.pending.append(reinterpret_cast<const char *>(h.data()), 9);
            // DATA keeps only its pad-length byte; the body is zeros. A frame
            // cut off by the close is written as far as it arrived.
            const std::size_t kept = std::min<std::size_t>(payload.size(), length);
            d.pending.append(reinterpret_cast<const char *>(payload.data()), kept);
            if (!fr.incomplete || fr.type == kData)
                d.pending.append(length - kept, '\0');
            ++sum.frames;
            if (d.pending.size() >= kMaxSegment * 4)
                flush(d, outbound ? up : down);
        }
        flush(up, down);
        flush(down, up);
        if (info->closed) {
            const std::uint64_t tEnd = wall(std::max(now, info->closedNs));
            w.segment(tEnd, down.from, down.to, down.seq, up.seq, kFin | kAckFlag, {});
            w.segment(tEnd, up.from, up.to, up.seq, down.seq + 1, kFin | kAckFlag, {});
            w.segment(tEnd, down.from, down.to, down.seq + 1, up.seq + 1, kAckFlag, {});
        }
        ++sum.connections;
    }
    sum.packets = w.packets();
    if (summary)
        *summary = sum;
    return out;
}

} // namespace h2scope::inspect
