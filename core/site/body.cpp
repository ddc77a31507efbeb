#include "body.h"

#include "copybytes.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <unistd.h>

namespace h2scope::site {

bool sameFileVersion(const struct stat &a, const struct stat &b) noexcept
{
    return a.st_ino == b.st_ino && a.st_dev == b.st_dev && a.st_size == b.st_size
           && a.st_mtim.tv_sec == b.st_mtim.tv_sec && a.st_mtim.tv_nsec == b.st_mtim.tv_nsec
           && a.st_ctim.tv_sec == b.st_ctim.tv_sec && a.st_ctim.tv_nsec == b.st_ctim.tv_nsec;
}

// One version of a file's bytes, charged to its site's budget for as long as
// anything (the handle, a body being sent) holds it.
struct FileHandle::Snapshot {
    struct stat version {};
    std::shared_ptr<const std::string> bytes;
};

FileHandle::~FileHandle()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool FileHandle::readAll(std::size_t size, std::string &out) const
{
    out.resize(size);
    std::size_t done = 0;
    while (done < size) {
        const ssize_t n = ::pread(m_fd, out.data() + done, size - done, static_cast<off_t>(done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

bool FileHandle::snapshotWanted(const struct stat &st, std::size_t maxBytes, std::int64_t unixSeconds) noexcept
{
    return st.st_size >= 0 && static_cast<std::uint64_t>(st.st_size) <= maxBytes
           && unixSeconds - st.st_mtim.tv_sec >= kSnapshotSettleSeconds;
}

std::shared_ptr<const std::string> FileHandle::heldSnapshot(const struct stat &st) const
{
    std::lock_guard lock(m_snapshotMutex);
    if (m_snapshot && sameFileVersion(m_snapshot->version, st))
        return m_snapshot->bytes;
    return nullptr;
}

std::shared_ptr<const std::string> FileHandle::snapshot(const struct stat &st, std::size_t maxBytes,
                                                        std::int64_t unixSeconds,
                                                        const std::shared_ptr<SnapshotBudget> &budget) const
{
    if (!snapshotWanted(st, maxBytes, unixSeconds))
        return nullptr;
    const auto size = static_cast<std::size_t>(st.st_size);
    if (std::shared_ptr<const std::string> held = heldSnapshot(st))
        return held;
    if (!budget || !budget->take(size))
        return nullptr;
    // The bytes give the budget back when the last body holding them is done.
    std::shared_ptr<std::string> bytes(new std::string, [size, budget](std::string *p) {
        budget->give(size);
        delete p;
    });
    if (!readAll(size, *bytes))
        return nullptr; // shrinking under us: the caller streams and reports it
    auto fresh = std::make_shared<Snapshot>();
    fresh->version = st;
    fresh->bytes = bytes;
    std::lock_guard lock(m_snapshotMutex);
    m_snapshot = std::move(fresh);
    return bytes;
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

Body Body::fromShared(std::shared_ptr<const std::string> bytes, std::uint64_t offset, std::uint64_t length)
{
    Body b;
    if (length == 0 || !bytes)
        return b;
    b.m_size = length;
    Segment s;
    s.shared = std::move(bytes);
    s.offset = offset;
    s.length = length;
    b.m_segments.push_back(std::move(s));
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
    m_segments.push_back(Segment{{}, std::move(file), {}, offset, length});
}

Result<std::size_t> Body::read(std::uint8_t *buf, std::size_t max)
{
    std::size_t written = 0;
    while (written < max && m_index < m_segments.size()) {
        const Segment &seg = m_segments[m_index];
        const std::uint64_t left = seg.length - m_segmentPos;
        const std::size_t want = static_cast<std::size_t>(std::min<std::uint64_t>(left, max - written));
        if (seg.shared) {
            copyBytes(buf + written, seg.shared->data() + seg.offset + m_segmentPos, want);
        } else if (!seg.file) {
            copyBytes(buf + written, seg.literal.data() + m_segmentPos, want);
        } else if (const std::size_t ahead = takeAhead(reinterpret_cast<char *>(buf + written), want)) {
            written += ahead;
            advance(ahead);
            continue;
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
        advance(want);
    }
    return written;
}

void Body::advance(std::size_t n) noexcept
{
    m_segmentPos += n;
    m_consumed += n;
    if (m_segmentPos == m_segments[m_index].length) {
        ++m_index;
        m_segmentPos = 0;
    }
}

Result<void> Body::appendTo(std::string &out, std::size_t n)
{
    const std::size_t start = out.size();
    while (n > 0 && m_index < m_segments.size()) {
        const Segment &seg = m_segments[m_index];
        const auto want = static_cast<std::size_t>(std::min<std::uint64_t>(seg.length - m_segmentPos, n));
        if (seg.shared || !seg.file) {
            appendBytes(out, (seg.shared ? seg.shared->data() + seg.offset : seg.literal.data()) + m_segmentPos, want);
            advance(want);
        } else {
            // Within this segment, so read() stops exactly at `want` (taking
            // what is read ahead first).
            const std::size_t at = out.size();
            out.resize(at + want);
            Result<std::size_t> got = read(reinterpret_cast<std::uint8_t *>(out.data() + at), want);
            if (!got) {
                out.resize(start);
                return got.error();
            }
        }
        n -= want;
    }
    if (n > 0) {
        out.resize(start);
        return makeError(Errc::Io, "the body ended before the bytes announced for it");
    }
    return {};
}

std::size_t Body::takeAhead(char *to, std::size_t max) noexcept
{
    const std::size_t take = std::min(max, m_ahead.size() - m_aheadPos);
    if (take == 0)
        return 0;
    copyBytes(to, m_ahead.data() + m_aheadPos, take);
    m_aheadPos += take;
    if (m_aheadPos == m_ahead.size()) {
        m_ahead.clear();
        m_aheadPos = 0;
    }
    return take;
}

std::optional<FileRead> Body::pendingRead(std::size_t max) const
{
    if (m_index >= m_segments.size() || m_aheadPos < m_ahead.size())
        return std::nullopt;
    const Segment &seg = m_segments[m_index];
    if (!seg.file || seg.shared)
        return std::nullopt;
    const auto length = static_cast<std::size_t>(std::min<std::uint64_t>(seg.length - m_segmentPos, max));
    return FileRead{seg.file, seg.offset + m_segmentPos, length};
}

std::uint64_t Body::readyBytes() const noexcept
{
    std::uint64_t ready = 0;
    std::uint64_t pos = m_segmentPos;
    for (std::size_t i = m_index; i < m_segments.size(); ++i, pos = 0) {
        const Segment &seg = m_segments[i];
        if (seg.file && !seg.shared)
            return ready + (i == m_index ? m_ahead.size() - m_aheadPos : 0);
        ready += seg.length - pos;
    }
    return ready;
}

void Body::supplyAhead(std::string bytes)
{
    m_ahead = std::move(bytes);
    m_aheadPos = 0;
}

Result<std::string> Body::readRange(const FileRead &read)
{
    std::string bytes(read.length, '\0');
    std::size_t got = 0;
    while (got < read.length) {
        const ssize_t n =
            ::pread(read.file->fd(), bytes.data() + got, read.length - got, static_cast<off_t>(read.offset + got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return makeError(Errc::Io, std::string("reading the file failed: ") + std::strerror(errno));
        if (n == 0)
            return makeError(Errc::Io, "the file became shorter while it was being sent");
        got += static_cast<std::size_t>(n);
    }
    return bytes;
}

} // namespace h2scope::site
