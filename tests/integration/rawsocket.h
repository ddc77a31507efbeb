#pragma once
// Plain loopback sockets for hostile-client tests: blocking connect, sends
// and reads bounded by a deadline, an incremental HTTP/2 frame reader, and
// a minimal well-behaved h2c client (one GET per connection) built on the
// raw frames of tests/unit/rawframes.h. POSIX only; test code only.

#include "../unit/rawframes.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

namespace h2scope::testing {

using SteadyClock = std::chrono::steady_clock;
using Ms = std::chrono::milliseconds;

class RawSocket final {
public:
    RawSocket() = default;
    RawSocket(RawSocket &&o) noexcept : m_fd(o.m_fd) { o.m_fd = -1; }
    RawSocket &operator=(RawSocket &&o) noexcept
    {
        std::swap(m_fd, o.m_fd);
        return *this;
    }
    ~RawSocket() { reset(); }

    // Connects to 127.0.0.1:port. `rcvbuf` > 0 shrinks the receive buffer
    // first (a peer that reads slowly fills up sooner).
    bool connect(std::uint16_t port, int rcvbuf = 0)
    {
        reset();
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        if (m_fd < 0)
            return false;
        if (rcvbuf > 0)
            ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
        const int one = 1;
        ::setsockopt(m_fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        sockaddr_in a{};
        a.sin_family = AF_INET;
        a.sin_port = htons(port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        if (::connect(m_fd, reinterpret_cast<sockaddr *>(&a), sizeof a) != 0) {
            reset();
            return false;
        }
        return true;
    }
    void reset()
    {
        if (m_fd >= 0)
            ::close(m_fd);
        m_fd = -1;
    }
    int fd() const { return m_fd; }
    bool open() const { return m_fd >= 0; }
    // "127.0.0.1:PORT" as the server sees this client.
    std::string localText() const
    {
        sockaddr_in a{};
        socklen_t len = sizeof a;
        ::getsockname(m_fd, reinterpret_cast<sockaddr *>(&a), &len);
        return "127.0.0.1:" + std::to_string(ntohs(a.sin_port));
    }

    // Sends everything unless the peer is gone or `timeout` passes with the
    // socket unwritable. False: not all was sent (see peerGone()).
    bool sendAll(const std::string &bytes, Ms timeout = Ms(5000))
    {
        const auto deadline = SteadyClock::now() + timeout;
        std::size_t at = 0;
        while (at < bytes.size()) {
            const ssize_t n = ::send(m_fd, bytes.data() + at, bytes.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
            if (n > 0) {
                at += std::size_t(n);
                continue;
            }
            if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                m_gone = true;
                return false;
            }
            const auto left = std::chrono::duration_cast<Ms>(deadline - SteadyClock::now()).count();
            if (left <= 0)
                return false;
            pollfd p{m_fd, POLLOUT, 0};
            ::poll(&p, 1, int(std::min<long long>(left, 100)));
        }
        return true;
    }

    // Appends what arrives within `wait` (returns early once something came
    // and nothing more follows for a moment). Notes EOF / reset in peerGone().
    std::size_t readFor(std::string &into, Ms wait)
    {
        const auto deadline = SteadyClock::now() + wait;
        std::size_t total = 0;
        char buf[65536];
        for (int guard = 0; guard < 100000; ++guard) {
            const ssize_t n = ::recv(m_fd, buf, sizeof buf, MSG_DONTWAIT);
            if (n > 0) {
                into.append(buf, std::size_t(n));
                total += std::size_t(n);
                continue;
            }
            if (n == 0 || (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR)) {
                m_gone = true;
                break;
            }
            const auto left = std::chrono::duration_cast<Ms>(deadline - SteadyClock::now()).count();
            if (left <= 0)
                break;
            pollfd p{m_fd, POLLIN, 0};
            if (::poll(&p, 1, int(std::min<long long>(left, total ? 20 : 100))) == 0 && total)
                break;
        }
        return total;
    }
    // Reads (and keeps) until the peer closes or `wait` passes.
    bool waitClosed(std::string &into, Ms wait)
    {
        const auto deadline = SteadyClock::now() + wait;
        while (!m_gone && SteadyClock::now() < deadline)
            readFor(into, Ms(100));
        return m_gone;
    }
    bool peerGone() const { return m_gone; }

private:
    int m_fd = -1;
    bool m_gone = false;
};

// Splits a byte stream into frames as it arrives.
class FrameReader final {
public:
    std::vector<ParsedFrame> feed(const std::string &bytes)
    {
        m_buf += bytes;
        std::vector<ParsedFrame> frames = parseFrames(m_buf);
        std::size_t used = 0;
        for (const ParsedFrame &f : frames)
            used += 9 + f.length;
        m_buf.erase(0, used);
        for (const ParsedFrame &f : frames)
            if (f.type == frame::GOAWAY && !m_goaway)
                m_goaway = f.errorCode();
        return frames;
    }
    std::optional<std::uint32_t> goaway() const { return m_goaway; }

private:
    std::string m_buf;
    std::optional<std::uint32_t> m_goaway;
};

// The client preface, an empty SETTINGS and the ACK of the server's.
inline std::string politeHandshake(const std::vector<std::pair<std::uint16_t, std::uint32_t>> &settings = {})
{
    return kClientPreface + settingsFrame(settings) + settingsFrame({}, frame::ACK);
}

// One GET on a fresh h2c connection, the way a well-behaved client does it.
// Returns the :status, or 0 if no complete response came within `timeout`.
inline int politeGet(std::uint16_t port, const std::string &path = "/index.html", Ms timeout = Ms(5000))
{
    RawSocket s;
    if (!s.connect(port))
        return 0;
    if (!s.sendAll(politeHandshake() + headersFrame(1, hpack(getRequest(path))), timeout))
        return 0;
    FrameReader reader;
    HpackDecoder decoder;
    int status = 0;
    bool ended = false;
    std::string block;
    const auto deadline = SteadyClock::now() + timeout;
    while (!ended && !s.peerGone() && SteadyClock::now() < deadline) {
        std::string bytes;
        s.readFor(bytes, Ms(50));
        for (const ParsedFrame &f : reader.feed(bytes)) {
            if (f.streamId != 1)
                continue;
            if (f.type == frame::HEADERS || f.type == frame::CONTINUATION) {
                block += f.payload;
                if (f.flags & frame::END_HEADERS) {
                    if (const int st = decoder.status(block)) // the final one wins over a 103
                        status = st;
                    block.clear();
                }
            }
            if ((f.type == frame::HEADERS || f.type == frame::DATA) && (f.flags & frame::END_STREAM))
                ended = true;
            if (f.type == frame::RST_STREAM)
                ended = true;
        }
    }
    return ended ? status : 0;
}

} // namespace h2scope::testing
