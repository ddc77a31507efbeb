#pragma once
// chunkarena.h - memory for the capture's big chunks, carved from 2 MiB
// regions the kernel can back with one huge page each.
//
// Why: a kept capture is fresh memory, about 100 bytes a request. Taken from
// the heap, every 4 KiB of it is a page fault of its own on the I/O thread
// (about 2 us each on a virtual machine, a fifth of the capture's cost); a
// 2 MiB region asked for with MADV_HUGEPAGE faults once. Where the kernel
// gives no huge pages, a region is ordinary memory and nothing else changes.
//
// A region is carved front to back and never reused: it goes back to the
// system when the arena has moved on from it and its last chunk is freed.
// So a region stays mapped while any chunk in it lives: at worst one region
// per connection whose current chunk sits among evicted ones (an idle
// connection kept open long after a busy period).
//
// Threads: take() from one thread (the I/O thread that owns the sink); the
// chunks it makes may be freed on any thread, before or after the arena.
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

namespace h2scope::inspect {

class LogChunk;

// The head of a region, at its start; the region frees itself when the
// last of its holds (the arena's, one per chunk) is released.
class ChunkRegion final {
public:
    static constexpr std::size_t kSize = 2u << 20;
    // A mapped, 2 MiB-aligned region, held once by the caller; nullptr when
    // the system gives none.
    static ChunkRegion *map() noexcept;
    void hold() noexcept { m_holds.fetch_add(1, std::memory_order_relaxed); }
    void release() noexcept;
    // A chunk's release: its bytes are let go (under AddressSanitizer, any
    // later touch of them is reported, as for heap memory), then its hold.
    void releaseChunk(std::uint8_t *data, std::size_t size) noexcept;
    // Regions mapped now, in the whole process (tests).
    static std::size_t mappedNow() noexcept;

private:
    ChunkRegion() = default;
    std::atomic<std::size_t> m_holds{1};
};

class ChunkArena final {
public:
    // Chunks below this size come from the heap: a connection's first
    // chunks are small and most connections have only those.
    static constexpr std::size_t kMinChunk = 16u << 10;
    static constexpr std::size_t kMaxChunk = 256u << 10;

    ChunkArena() = default;
    ~ChunkArena();
    ChunkArena(const ChunkArena &) = delete;
    ChunkArena &operator=(const ChunkArena &) = delete;

    // A chunk of `capacity` bytes from a region, or a heap chunk when
    // `capacity` is outside [kMinChunk, kMaxChunk] or no region can be mapped.
    std::shared_ptr<LogChunk> take(std::size_t capacity);

private:
    ChunkRegion *m_region = nullptr;
    std::size_t m_used = 0; // bytes of m_region handed out (its head included)
};

} // namespace h2scope::inspect
