#include "eventhub.h"

#include <algorithm>
#include <type_traits>

namespace h2scope::inspect {

namespace {

// Keeps the producer's and the consumer's hot indices on separate cache lines
// so the two threads do not bounce one line between cores on every event.
constexpr std::size_t cacheLine = 64;

std::size_t roundUpPowerOfTwo(std::size_t n)
{
    std::size_t p = 2;
    while (p < n)
        p <<= 1;
    return p;
}

static_assert(std::is_nothrow_move_assignable_v<Event>,
              "publish() is noexcept: moving an event into a ring slot must not throw");

} // namespace

// One single-producer / single-consumer ring. `m_tail` is written only by the
// producer, `m_head` only by the consumer; both are free-running counters and
// the slot is `counter & m_mask`. The release store of one index paired with
// the acquire load by the other thread publishes the slot contents.
class EventHub::Ring final : public EventPublisher {
public:
    explicit Ring(std::size_t capacity) : m_slots(new Event[capacity]), m_mask(capacity - 1) {}

    void publish(Event &&event) noexcept override
    {
        // Single writer: plain load+store is enough for the counters; readers
        // on other threads only need an eventually-current value.
        m_published.store(m_published.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);

        const std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
        const std::uint64_t head = m_head.load(std::memory_order_acquire);
        if (tail - head > m_mask) {
            m_dropped.store(m_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
            return;
        }
        // Move-assignment into a slot whose previous contents were moved out:
        // no allocation, and noexcept for every event alternative.
        m_slots[tail & m_mask] = std::move(event);
        m_tail.store(tail + 1, std::memory_order_release);
    }

    std::size_t take(std::vector<Event> &out, std::size_t max)
    {
        const std::uint64_t head = m_head.load(std::memory_order_relaxed);
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
        const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(tail - head, max));
        out.reserve(out.size() + n);
        for (std::size_t i = 0; i < n; ++i)
            out.push_back(std::move(m_slots[(head + i) & m_mask]));
        // Only after the moves: the producer may reuse these slots from now on.
        m_head.store(head + n, std::memory_order_release);
        return n;
    }

    std::size_t size() const noexcept
    {
        const std::uint64_t head = m_head.load(std::memory_order_acquire);
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
        return tail >= head ? static_cast<std::size_t>(tail - head) : 0;
    }

    std::uint64_t published() const noexcept { return m_published.load(std::memory_order_relaxed); }
    std::uint64_t dropped() const noexcept { return m_dropped.load(std::memory_order_relaxed); }

private:
    std::unique_ptr<Event[]> m_slots;
    const std::uint64_t m_mask;
    alignas(cacheLine) std::atomic<std::uint64_t> m_tail{0};
    std::atomic<std::uint64_t> m_published{0};
    std::atomic<std::uint64_t> m_dropped{0};
    alignas(cacheLine) std::atomic<std::uint64_t> m_head{0};
};

EventHub::EventHub(std::size_t producers, std::size_t capacityPerProducer)
    : m_capacity(roundUpPowerOfTwo(capacityPerProducer))
{
    producers = std::max<std::size_t>(producers, 1);
    m_rings.reserve(producers);
    for (std::size_t i = 0; i < producers; ++i)
        m_rings.push_back(std::make_unique<Ring>(m_capacity));
}

EventHub::~EventHub() = default;

std::size_t EventHub::producerCount() const noexcept
{
    return m_rings.size();
}

std::size_t EventHub::capacityPerProducer() const noexcept
{
    return m_capacity;
}

EventPublisher &EventHub::producer(std::size_t index) noexcept
{
    return *m_rings[std::min(index, m_rings.size() - 1)];
}

std::size_t EventHub::drain(std::vector<Event> &out, std::size_t max)
{
    const std::size_t rings = m_rings.size();
    std::size_t taken = 0;
    // First pass: each ring gets at most a fair share; second pass hands the
    // rest of `max` to whoever still has events. The starting ring rotates so
    // that rounding never favours ring 0.
    const std::size_t share = std::max<std::size_t>(1, max / rings);
    for (std::size_t pass = 0; pass < 2 && taken < max; ++pass) {
        for (std::size_t k = 0; k < rings && taken < max; ++k) {
            Ring &ring = *m_rings[(m_nextRing + k) % rings];
            const std::size_t room = max - taken;
            taken += ring.take(out, pass == 0 ? std::min(share, room) : room);
        }
    }
    m_nextRing = (m_nextRing + 1) % rings;
    return taken;
}

std::size_t EventHub::drainInTimeOrder(std::vector<Event> &out, std::size_t max)
{
    const std::size_t first = out.size();
    const std::size_t n = drain(out, max);
    const auto begin = out.begin() + static_cast<std::ptrdiff_t>(first);
    const auto earlier = [](const Event &a, const Event &b) { return a.timeNs < b.timeNs; };
    if (std::is_sorted(begin, out.end(), earlier))
        return n;
    // Order small (time, position) keys, then move each event once, rather
    // than letting a sort move whole events around many times.
    std::vector<std::pair<std::uint64_t, std::size_t>> keys;
    keys.reserve(n);
    for (std::size_t i = 0; i < n; ++i)
        keys.emplace_back(out[first + i].timeNs, first + i);
    std::sort(keys.begin(), keys.end()); // position breaks ties: stable
    std::vector<Event> ordered;
    ordered.reserve(n);
    for (const auto &key : keys)
        ordered.push_back(std::move(out[key.second]));
    std::move(ordered.begin(), ordered.end(), begin);
    return n;
}

std::size_t EventHub::drainWithin(std::vector<Event> &batch, std::chrono::nanoseconds budget,
                                  const std::function<void(std::vector<Event> &)> &consume, std::size_t batchSize)
{
    const auto start = std::chrono::steady_clock::now();
    std::size_t total = 0;
    for (;;) {
        batch.clear();
        const std::size_t n = drainInTimeOrder(batch, std::max<std::size_t>(batchSize, 1));
        if (n == 0)
            break;
        total += n;
        consume(batch);
        if (budget.count() > 0 && std::chrono::steady_clock::now() - start >= budget)
            break;
    }
    return total;
}

void EventHub::setEnabled(bool on) noexcept
{
    m_enabled.store(on, std::memory_order_relaxed);
}

bool EventHub::enabled() const noexcept
{
    return m_enabled.load(std::memory_order_relaxed);
}

std::uint64_t EventHub::published() const noexcept
{
    std::uint64_t total = 0;
    for (const auto &ring : m_rings)
        total += ring->published();
    return total;
}

std::uint64_t EventHub::dropped() const noexcept
{
    std::uint64_t total = 0;
    for (const auto &ring : m_rings)
        total += ring->dropped();
    return total;
}

std::uint64_t EventHub::droppedBy(std::size_t index) const noexcept
{
    return index < m_rings.size() ? m_rings[index]->dropped() : 0;
}

std::size_t EventHub::pending() const noexcept
{
    std::size_t total = 0;
    for (const auto &ring : m_rings)
        total += ring->size();
    return total;
}

} // namespace h2scope::inspect
