#pragma once
// A response body: a sequence of segments, each either bytes held in memory
// (small generated bodies, multipart boundaries) or a range of an open file.
// Files are read in bounded chunks on demand, never whole.

#include "result.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <sys/stat.h>
#include <vector>

namespace h2scope::site {

// Whether two fstat() results describe the same version of a file's bytes
// (inode, device, size, modification and change times): what snapshots and
// prepared answers are taken to depend on.
bool sameFileVersion(const struct stat &a, const struct stat &b) noexcept;

// How many bytes of file snapshots (FileHandle::snapshot()) one site holds
// at once. Thread-safe.
class SnapshotBudget final {
public:
    static constexpr std::size_t kDefaultBytes = 64u << 20;

    explicit SnapshotBudget(std::size_t limit = kDefaultBytes) noexcept : m_limit(limit) {}

    // Takes `n` bytes, or nothing (false) when that would pass the limit.
    bool take(std::size_t n) noexcept
    {
        if (m_used.fetch_add(n, std::memory_order_relaxed) + n <= m_limit)
            return true;
        m_used.fetch_sub(n, std::memory_order_relaxed);
        return false;
    }
    void give(std::size_t n) noexcept { m_used.fetch_sub(n, std::memory_order_relaxed); }
    std::size_t used() const noexcept { return m_used.load(std::memory_order_relaxed); }

private:
    std::size_t m_limit;
    std::atomic<std::size_t> m_used{0};
};

// An open, read-only file descriptor; closed when the last owner lets go.
class FileHandle final {
public:
    explicit FileHandle(int fd) noexcept : m_fd(fd) {}
    ~FileHandle();
    FileHandle(const FileHandle &) = delete;
    FileHandle &operator=(const FileHandle &) = delete;

    int fd() const noexcept { return m_fd; }

    // Reads the first `size` bytes into `out` (resized to fit). False on a
    // read error or when the file is shorter than that (it is changing).
    bool readAll(std::size_t size, std::string &out) const;

    // The whole file in memory, for small files sent again and again: read
    // once per version of the file (`st`, what fstat() of this descriptor
    // said, names the version: inode, size, modification and change times)
    // and shared by every response that sends it. Null when the file is over
    // `maxBytes`, when the site's snapshots together would pass `budget`, when
    // it was modified in the last kSnapshotSettleSeconds (file times tick
    // coarsely, so a same-size rewrite within one tick would look like the
    // same version; such a file is read afresh each time), or when the read
    // came up short (the file is changing; stream it instead). `unixSeconds`:
    // now, by the wall clock (Clock::unixSeconds()).
    // The bytes go back to `budget` when the last body holding them is done.
    std::shared_ptr<const std::string> snapshot(const struct stat &st, std::size_t maxBytes, std::int64_t unixSeconds,
                                                const std::shared_ptr<SnapshotBudget> &budget) const;

    // Whether snapshot() would hold this version in memory (small enough,
    // settled), budget permitting.
    static bool snapshotWanted(const struct stat &st, std::size_t maxBytes, std::int64_t unixSeconds) noexcept;
    // The snapshot of this version when one is held already; null
    // otherwise. Never reads: for answers made on an I/O thread.
    std::shared_ptr<const std::string> heldSnapshot(const struct stat &st) const;

    static constexpr long kSnapshotSettleSeconds = 2;

private:
    struct Snapshot;

    int m_fd = -1;
    mutable std::mutex m_snapshotMutex;
    mutable std::shared_ptr<const Snapshot> m_snapshot;
};

// A range of a file to read (Body::pendingRead()).
struct FileRead {
    std::shared_ptr<const FileHandle> file;
    std::uint64_t offset = 0;
    std::size_t length = 0;
};

class Body final {
public:
    struct Segment {
        std::string literal;                       // used when file and shared are null
        std::shared_ptr<const FileHandle> file;    // else: [offset, offset+length) of this file
        std::shared_ptr<const std::string> shared; // or of these bytes (a file snapshot)
        std::uint64_t offset = 0;
        std::uint64_t length = 0; // for literals: literal.size()
    };

    Body() = default;
    static Body fromString(std::string bytes);
    static Body fromFile(std::shared_ptr<const FileHandle> file, std::uint64_t offset, std::uint64_t length);
    // [offset, offset+length) of bytes shared with other bodies (a snapshot).
    static Body fromShared(std::shared_ptr<const std::string> bytes, std::uint64_t offset, std::uint64_t length);

    void appendLiteral(std::string bytes);
    void appendFile(std::shared_ptr<const FileHandle> file, std::uint64_t offset, std::uint64_t length);

    // Total bytes of the body, and how many are still to be read.
    std::uint64_t size() const noexcept { return m_size; }
    std::uint64_t remaining() const noexcept { return m_size - m_consumed; }
    bool done() const noexcept { return m_consumed == m_size; }

    // Copies up to `max` of the next bytes into `buf` and advances. Returns
    // the count (0 only when done). Fails with Errc::Io when a file read fails
    // or the file shrank under us (the caller must then abort the response,
    // because its Content-Length can no longer be honoured).
    Result<std::size_t> read(std::uint8_t *buf, std::size_t max);

    // Appends exactly `n` more bytes (n <= remaining()) to `out`: bytes in
    // memory are copied once, file bytes are read in place. On failure (as
    // read()) `out` is left as it was and the body must be abandoned.
    Result<void> appendTo(std::string &out, std::size_t n);

    // Reading ahead, for sessions whose file reads are made on a file pool
    // (responder.h) so that an I/O thread never waits on the disk:
    //  - pendingRead(): the read the next bytes wait on (at most `max`
    //    bytes), when the current segment is a file and none of it is read
    //    ahead; nullopt when the next bytes are in memory (or the body done);
    //  - readyBytes(): how many bytes read() and appendTo() can give now
    //    without touching a file: the segments in memory from here, up to
    //    the first file segment, plus what of it is read ahead;
    //  - supplyAhead(): the bytes of pendingRead(), read elsewhere; read()
    //    and appendTo() take them before they would read the file.
    std::optional<FileRead> pendingRead(std::size_t max) const;
    std::uint64_t readyBytes() const noexcept;
    void supplyAhead(std::string bytes);
    // Reads `read` whole (pread, short reads retried), on any thread. Fails
    // with Errc::Io as read() does.
    static Result<std::string> readRange(const FileRead &read);

private:
    void advance(std::size_t n) noexcept; // within the current segment
    // Copies up to `max` read-ahead bytes of the current segment; the count.
    std::size_t takeAhead(char *to, std::size_t max) noexcept;

    std::vector<Segment> m_segments;
    std::size_t m_index = 0;        // current segment
    std::uint64_t m_segmentPos = 0; // bytes consumed within it
    std::uint64_t m_size = 0;
    std::uint64_t m_consumed = 0;
    std::string m_ahead;        // read ahead: the current segment's next bytes
    std::size_t m_aheadPos = 0; // of which this many are consumed
};

} // namespace h2scope::site
