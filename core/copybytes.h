#pragma once
// copyBytes(): memcpy() for the bulk copies of the serving path (response
// bodies into frames, TLS records into the socket buffer), without the
// slow case of the CPUs we run on.
//
// glibc copies blocks of a few KiB and more with `rep movsb`. On AMD EPYC
// (the project's machines) that instruction falls to about 3 GB/s, against
// 50-100 GB/s otherwise, when the destination lies 1 to 63 bytes past the
// source modulo 4 KiB, which is what a frame or record header in front of
// the bytes gives between two page-aligned buffers. Served 1 MiB files
// spent 43% of the server's time there (perf, bench/README.md). In that
// case the copy goes in pieces too small for `rep movsb`; otherwise it is
// memcpy().

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>

namespace h2scope {

// Whether copying from `src` to `dst` would take the slow case above.
// No larger than glibc's smallest `rep movsb` threshold (2 KiB, which takes
// `rep movsb` only above it) with its default tunables: copies of this size
// or less are never slow.
inline constexpr std::size_t kCopyPiece = 2048;

inline bool copyIsSlow(const void *dst, const void *src) noexcept
{
    const auto gap = (reinterpret_cast<std::uintptr_t>(dst) - reinterpret_cast<std::uintptr_t>(src)) & 4095u;
    return gap != 0 && gap < 64;
}

inline void copyBytes(void *dst, const void *src, std::size_t n) noexcept
{
    if (n <= kCopyPiece || !copyIsSlow(dst, src)) {
        std::memcpy(dst, src, n);
        return;
    }
    auto *d = static_cast<unsigned char *>(dst);
    const auto *s = static_cast<const unsigned char *>(src);
    for (std::size_t off = 0; off < n; off += kCopyPiece) {
        std::size_t piece = std::min(kCopyPiece, n - off);
        // The compiler must not see the constant size: it would copy the
        // piece inline with `rep movsq`, which is as slow here.
        asm("" : "+r"(piece));
        std::memcpy(d + off, s + off, piece);
    }
}

// out.append(src, n), through copyBytes().
inline void appendBytes(std::string &out, const char *src, std::size_t n)
{
    const std::size_t at = out.size();
    if (n <= kCopyPiece || out.capacity() - at < n || !copyIsSlow(out.data() + at, src)) {
        out.append(src, n);
        return;
    }
    out.resize(at + n); // within the capacity: no reallocation, the address holds
    copyBytes(out.data() + at, src, n);
}

} // namespace h2scope
