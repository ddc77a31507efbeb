#pragma once
// A response body that is written over time (server-sent events, or the
// server's side of a WebSocket, for live reload): any thread appends chunks,
// the connection's thread reads them. Unlike Body it has no length; the
// protocol layer streams it until close(). A body that also reads what the
// client sends (a WebSocket) has an inbound handler: the protocol layer
// hands it the client's bytes on that stream (HTTP/2 DATA on the extended
// CONNECT stream, or the HTTP/1.1 connection's bytes after the 101).

#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <string_view>

namespace h2scope::site {

class LiveBody final {
public:
    LiveBody() = default;
    LiveBody(const LiveBody &) = delete;
    LiveBody &operator=(const LiveBody &) = delete;

    // Appends bytes and wakes the connection. Any thread. Ignored after close().
    void push(std::string chunk);
    // Ends the body once what was pushed has been read. Any thread.
    void close();

    // Copies up to `max` pending bytes into `buf`; returns the count. Sets
    // `ended` when the body is closed and fully read. 0 without `ended`
    // means "nothing yet": the reader waits for the waker. Connection thread.
    std::size_t read(std::uint8_t *buf, std::size_t max, bool &ended);

    // What reads the client's bytes; it may push() and close(). Set before
    // the body is handed to the protocol layer, and never changed after.
    using Inbound = std::function<void(LiveBody &, std::string_view)>;
    void setInbound(Inbound inbound) { m_inbound = std::move(inbound); }
    bool takesInput() const { return static_cast<bool>(m_inbound); }
    // The client's bytes, in order. Connection thread. Ignored without an
    // inbound handler.
    void receive(std::string_view bytes)
    {
        if (m_inbound && !bytes.empty())
            m_inbound(*this, bytes);
    }

    // Called (from the pushing thread) whenever data arrives or the body
    // closes; it must hand the work to the connection's thread. Set by the
    // protocol layer when it starts streaming.
    void setWaker(std::function<void()> waker);

    bool closed() const;
    std::uint64_t bytesPushed() const;

private:
    void wake(std::unique_lock<std::mutex> &lock);

    mutable std::mutex m_mutex;
    std::deque<std::string> m_chunks;
    std::size_t m_frontOffset = 0;
    std::function<void()> m_waker;
    Inbound m_inbound;
    std::uint64_t m_pushed = 0;
    bool m_closed = false;
};

} // namespace h2scope::site
