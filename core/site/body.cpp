#include "body.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace h2scope::site {

FileHandle::~FileHandle()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

Body Body::fromString(std::string bytes)
{
    Body b;
    b.appendLiteral(std::move(bytes));
    return b;
}

Body Body::fromFile(std::shared_ptr<const FileHandle> file, std::uint64_t offset, std::uint64_t length)
{
    Body b;
    b.appendFile(std::move(file), offset, length);
    return b;
}

void Body::appendLiteral(std::string bytes)
{
    if (bytes.empty())
        return;
    m_size += bytes.size();
    Segment s;
    s.length = bytes.size();
    s.literal = std::move(bytes);
    m_segments.push_back(std::move(s));
}

void Body::appendFile(std::shared_ptr<const FileHandle> file, std::uint64_t offset, std::uint64_t length)
{
    if (length == 0)
        return;
    m_size += length;
    m_segments.push_back(Segment{{}, std::move(file), offset, length});
}

Result<std::size_t> Body::read(std::uint8_t *buf, std::size_t max)
{
    std::size_t written = 0;
    while (written < max && m_index < m_segments.size()) {
        const Segment &seg = m_segments[m_index];
        const std::uint64_t left = seg.length - m_segmentPos;
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, max - written));
        if (!seg.file) {
            std::memcpy(buf + written, seg.literal.data() + m_segmentPos, want);
        } else {
            ssize_t n;
            do {
                n = ::pread(seg.file->fd(), buf + written, want, static_cast<off_t>(seg.offset + m_segmentPos));
            } while (n < 0 && errno == EINTR);
            if (n < 0)
                return makeError(Errc::Io, std::string("reading the file failed: ") + std::strerror(errno));
            if (n == 0)
                return makeError(Errc::Io, "the file became shorter while it was being sent");
            if (static_cast<std::size_t>(n) < want) {
                // Short read: account for what we got and try again.
                written += static_cast<std::size_t>(n);
                m_segmentPos += static_cast<std::uint64_t>(n);
                m_consumed += static_cast<std::uint64_t>(n);
                continue;
            }
        }
        written += want;
        m_segmentPos += want;
        m_consumed += want;
        if (m_segmentPos == seg.length) {
            ++m_index;
            m_segmentPos = 0;
        }
    }
    return written;
}

} // namespace h2scope::site
