#include "inspect/chunkarena.h"

#include "inspect/capturelog.h"

#if __has_include(<sys/mman.h>)
#include <sys/mman.h>
#define H2SCOPE_HAVE_MMAP 1
#endif

// Under AddressSanitizer a region's bytes that no live chunk holds are
// poisoned, so that writing past a chunk or reading a freed one is reported
// as it would be for heap memory.
#if defined(__SANITIZE_ADDRESS__)
#define H2SCOPE_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define H2SCOPE_ASAN 1
#endif
#endif
#ifdef H2SCOPE_ASAN
#include <sanitizer/asan_interface.h>
#endif

namespace h2scope::inspect {
namespace {

std::atomic<std::size_t> g_mapped{0};

void poison([[maybe_unused]] void *data, [[maybe_unused]] std::size_t size) noexcept
{
#ifdef H2SCOPE_ASAN
    ASAN_POISON_MEMORY_REGION(data, size);
#endif
}

void unpoisonBytes([[maybe_unused]] void *data, [[maybe_unused]] std::size_t size) noexcept
{
#ifdef H2SCOPE_ASAN
    ASAN_UNPOISON_MEMORY_REGION(data, size);
#endif
}

// Chunks start a cache line into their region, after its head, and on cache
// lines after that.
constexpr std::size_t kAlign = 64;
constexpr std::size_t kHead = (sizeof(ChunkRegion) + kAlign - 1) / kAlign * kAlign;

} // namespace

ChunkRegion *ChunkRegion::map() noexcept
{
#ifdef H2SCOPE_HAVE_MMAP
    // Twice the size, then the unaligned ends back: a huge page needs a
    // region on a 2 MiB boundary.
    void *raw = mmap(nullptr, 2 * kSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (raw == MAP_FAILED)
        return nullptr;
    const auto start = reinterpret_cast<std::uintptr_t>(raw);
    const std::uintptr_t aligned = (start + kSize - 1) & ~std::uintptr_t(kSize - 1);
    if (aligned > start)
        munmap(raw, aligned - start);
    if (const std::uintptr_t tail = start + 2 * kSize - (aligned + kSize); tail > 0)
        munmap(reinterpret_cast<void *>(aligned + kSize), tail);
    void *region = reinterpret_cast<void *>(aligned);
#ifdef MADV_HUGEPAGE
    (void)madvise(region, kSize, MADV_HUGEPAGE); // a hint: without it, 4 KiB pages
#endif
    g_mapped.fetch_add(1, std::memory_order_relaxed);
    auto *head = new (region) ChunkRegion();
    poison(static_cast<std::uint8_t *>(region) + kHead, kSize - kHead);
    return head;
#else
    return nullptr;
#endif
}

void ChunkRegion::release() noexcept
{
    if (m_holds.fetch_sub(1, std::memory_order_acq_rel) != 1)
        return;
#ifdef H2SCOPE_HAVE_MMAP
    this->~ChunkRegion();
    unpoisonBytes(this, kSize); // the addresses may be mapped again, for anything
    munmap(this, kSize);
    g_mapped.fetch_sub(1, std::memory_order_relaxed);
#endif
}

void ChunkRegion::releaseChunk(std::uint8_t *data, std::size_t size) noexcept
{
    poison(data, size);
    release();
}

std::size_t ChunkRegion::mappedNow() noexcept
{
    return g_mapped.load(std::memory_order_relaxed);
}

ChunkArena::~ChunkArena()
{
    if (m_region)
        m_region->release();
}

std::shared_ptr<LogChunk> ChunkArena::take(std::size_t capacity)
{
    if (capacity < kMinChunk || capacity > kMaxChunk)
        return std::make_shared<LogChunk>(capacity);
    const std::size_t size = (capacity + kAlign - 1) / kAlign * kAlign;
    if (!m_region || m_used + size > ChunkRegion::kSize) {
        ChunkRegion *next = ChunkRegion::map();
        if (!next)
            return std::make_shared<LogChunk>(capacity);
        if (m_region)
            m_region->release();
        m_region = next;
        m_used = kHead;
    }
    auto *data = reinterpret_cast<std::uint8_t *>(m_region) + m_used;
    m_used += size;
    unpoisonBytes(data, capacity); // handed out: usable under AddressSanitizer too
    return std::make_shared<LogChunk>(*m_region, data, capacity);
}

} // namespace h2scope::inspect
