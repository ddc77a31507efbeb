#pragma once
// How fresh a request's view of the folder must be. The requests that
// arrived together (one batch of bytes from a client) carry one Freshness,
// and lookups made for them trust what was already checked under it: a
// cached file whose descriptor was fstat()ed once for the batch is not
// checked again for it. So the requests of one batch see the folder in one
// state, and a burst of requests for a file costs one fstat() rather than
// one each. The sessions open one per receive(); the file pool opens one per
// answer it makes (a page and its pushes). A default Freshness trusts
// nothing: every lookup checks.
//
// A plain value, passed down with the request (site::Request::freshness)
// and from there to the resolver and the prepared-files cache: no thread or
// process state decides what a lookup trusts.

#include <atomic>
#include <cstdint>

namespace h2scope::site {

class Freshness final {
public:
    constexpr Freshness() noexcept = default;

    // A new one, unlike any other in the process. Any thread.
    static Freshness open() noexcept;

    // What a cache records of the check it just made under this Freshness.
    std::uint64_t id() const noexcept { return m_id; }
    // Whether a check recorded as `checkedIn` (an id()) holds for this one.
    bool trusts(std::uint64_t checkedIn) const noexcept { return m_id != 0 && checkedIn == m_id; }

    bool operator==(const Freshness &) const = default;

private:
    explicit constexpr Freshness(std::uint64_t id) noexcept : m_id(id) {}
    std::uint64_t m_id = 0;
};

// A new Freshness in `slot` for as long as this lives, then the default
// one again: a session's receive() holds one for the requests its bytes
// bring, and requests it starts at other times check everything.
class FreshnessFor final {
public:
    explicit FreshnessFor(Freshness &slot) noexcept : m_slot(slot) { m_slot = Freshness::open(); }
    ~FreshnessFor() { m_slot = {}; }
    FreshnessFor(const FreshnessFor &) = delete;
    FreshnessFor &operator=(const FreshnessFor &) = delete;

private:
    Freshness &m_slot;
};

inline Freshness Freshness::open() noexcept
{
    static std::atomic<std::uint64_t> last{0};
    return Freshness(last.fetch_add(1, std::memory_order_relaxed) + 1);
}

} // namespace h2scope::site
