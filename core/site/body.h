#pragma once
// A response body: a sequence of segments, each either bytes held in memory
// (small generated bodies, multipart boundaries) or a range of an open file.
// Files are read in bounded chunks on demand, never whole.

#include "result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace h2scope::site {

// An open, read-only file descriptor; closed when the last owner lets go.
class FileHandle final {
public:
    explicit FileHandle(int fd) noexcept : m_fd(fd) {}
    ~FileHandle();
    FileHandle(const FileHandle &) = delete;
    FileHandle &operator=(const FileHandle &) = delete;

    int fd() const noexcept { return m_fd; }

private:
    int m_fd = -1;
};

class Body final {
public:
    struct Segment {
        std::string literal;                     // used when file is null
        std::shared_ptr<const FileHandle> file;  // else: [offset, offset+length) of this file
        std::uint64_t offset = 0;
        std::uint64_t length = 0;                // for literals: literal.size()
    };

    Body() = default;
    static Body fromString(std::string bytes);
    static Body fromFile(std::shared_ptr<const FileHandle> file, std::uint64_t offset, std::uint64_t length);

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

private:
    std::vector<Segment> m_segments;
    std::size_t m_index = 0;         // current segment
    std::uint64_t m_segmentPos = 0;  // bytes consumed within it
    std::uint64_t m_size = 0;
    std::uint64_t m_consumed = 0;
};

} // namespace h2scope::site
