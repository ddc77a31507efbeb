#include "eventhub.h"

#include "eventrecord.h"

#include <algorithm>
#include <new>

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

// Bytes of ring per event of capacity: the records of frames and streams
// average about 100 bytes, so a ring fills by count long before by bytes.
constexpr std::size_t kBytesPerEvent = 120;

} // namespace

// One single-producer / single-consumer ring of event records (see
// eventrecord.h). `m_tail` (bytes) and `m_tailCount` are written only by the
// producer, `m_head` and `m_headCount` only by the consumer; all four are
// free-running counters, and a byte counter's position in the buffer is
// `counter & m_mask`. A record never wraps around the end: a Wrap record
// fills what is left there. The release store of one side's counters paired
// with the acquire load by the other side publishes the records (or the
// room) between them. An event is accepted while fewer than `capacity` are
// waiting and its record fits.
class EventHub::Ring final : public EventPublisher {
public:
    Ring(EventHub &hub, std::size_t capacity)
        : m_hub(hub), m_capacity(capacity), m_wakeAt(std::max<std::size_t>(capacity / 2, 1)),
          m_size(roundUpPowerOfTwo(capacity * kBytesPerEvent + 2 * Internal::kMaxInlineRecord)),
          m_bytes(static_cast<std::uint8_t *>(::operator new(m_size, std::align_val_t(cacheLine)))),
          m_mask(m_size - 1)
    {
    }

    ~Ring() override
    {
        // Records not drained still own header blocks and boxed events.
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
        for (std::uint64_t head = m_head.load(std::memory_order_relaxed); head < tail;) {
            const std::uint8_t *rec = m_bytes + (head & m_mask);
            if (Internal::recordKind(rec) != Internal::RecordKind::Wrap)
                Internal::discardRecord(rec);
            head += Internal::recordBytes(rec);
        }
        ::operator delete(m_bytes, std::align_val_t(cacheLine));
    }

    Ring(const Ring &) = delete;
    Ring &operator=(const Ring &) = delete;

    void publish(Event &&event) noexcept override
    {
        const std::size_t need = Internal::recordSize(event);
        admit(need, [&](std::uint8_t *dst) noexcept {
            if (!Internal::recordIsBoxed(need)) {
                Internal::writeRecord(std::move(event), dst);
                return true;
            }
            return box(std::move(event), dst);
        });
    }

    void publishFrame(std::uint64_t timeNs, std::uint64_t connectionId, FrameEvent &&frame) noexcept override
    {
        const std::size_t need = Internal::frameRecordSize(frame);
        admit(need, [&](std::uint8_t *dst) noexcept {
            if (!Internal::recordIsBoxed(need)) {
                Internal::writeFrameRecord(timeNs, connectionId, std::move(frame), dst);
                return true;
            }
            return box(Event{timeNs, connectionId, std::move(frame)}, dst);
        });
    }

    std::size_t take(std::vector<Event> &out, std::size_t max)
    {
        std::uint64_t head = m_head.load(std::memory_order_relaxed);
        const std::uint64_t tail = m_tail.load(std::memory_order_acquire);
        std::size_t n = 0;
        while (n < max && head < tail) {
            const std::uint8_t *rec = m_bytes + (head & m_mask);
            if (Internal::recordKind(rec) != Internal::RecordKind::Wrap) {
                Internal::readRecord(rec, out.emplace_back());
                ++n;
            }
            head += Internal::recordBytes(rec);
        }
        // Only after reading: the producer may reuse these bytes from now on.
        m_headCount.store(m_headCount.load(std::memory_order_relaxed) + n, std::memory_order_release);
        m_head.store(head, std::memory_order_release);
        return n;
    }

    std::size_t size() const noexcept
    {
        const std::uint64_t head = m_headCount.load(std::memory_order_acquire);
        const std::uint64_t tail = m_tailCount.load(std::memory_order_acquire);
        return tail >= head ? static_cast<std::size_t>(tail - head) : 0;
    }

    std::uint64_t published() const noexcept { return m_published.load(std::memory_order_relaxed); }
    std::uint64_t dropped() const noexcept { return m_dropped.load(std::memory_order_relaxed); }

private:
    void drop() noexcept { m_dropped.store(m_dropped.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed); }

    // Reserves `need` bytes (a Wrap record first when they do not fit before
    // the end), has `write` fill them, and publishes the record; drops and
    // counts the event when the ring is full or `write` cannot.
    template <typename Write> void admit(std::size_t need, Write &&write) noexcept
    {
        // Single writer: plain load+store is enough for the counters; readers
        // on other threads only need an eventually-current value.
        m_published.store(m_published.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
        const std::uint64_t count = m_tailCount.load(std::memory_order_relaxed);
        const std::uint64_t waiting = count - m_headCount.load(std::memory_order_acquire);
        if (waiting >= m_capacity) {
            drop();
            return;
        }
        std::uint64_t tail = m_tail.load(std::memory_order_relaxed);
        const std::uint64_t head = m_head.load(std::memory_order_acquire);
        const std::size_t offset = static_cast<std::size_t>(tail & m_mask);
        const std::size_t pad = m_size - offset < need ? m_size - offset : 0;
        if (tail + pad + need - head > m_size) {
            drop();
            return;
        }
        if (pad) {
            Internal::writeWrapRecord(pad, m_bytes + offset);
            tail += pad;
        }
        if (!write(m_bytes + (tail & m_mask))) {
            // The Wrap record stays: the consumer skips it like any other.
            m_tail.store(tail, std::memory_order_release);
            drop();
            return;
        }
        m_tailCount.store(count + 1, std::memory_order_relaxed);
        m_tail.store(tail + need, std::memory_order_release);
        if (waiting + 1 == m_wakeAt)
            m_hub.wakeConsumer();
    }

    // Rare or large events travel as a heap copy; without memory, they are dropped.
    static bool box(Event &&event, std::uint8_t *dst) noexcept
    {
        Event *copy = new (std::nothrow) Event(std::move(event));
        if (!copy)
            return false;
        Internal::writeBoxedRecord(copy, dst);
        return true;
    }

    EventHub &m_hub;
    const std::size_t m_capacity; // events
    const std::size_t m_wakeAt;   // waiting events that wake the consumer
    const std::size_t m_size;     // bytes, a power of two
    std::uint8_t *const m_bytes;
    const std::uint64_t m_mask;
    alignas(cacheLine) std::atomic<std::uint64_t> m_tail{0};
    std::atomic<std::uint64_t> m_tailCount{0};
    std::atomic<std::uint64_t> m_published{0};
    std::atomic<std::uint64_t> m_dropped{0};
    alignas(cacheLine) std::atomic<std::uint64_t> m_head{0};
    std::atomic<std::uint64_t> m_headCount{0};
};

EventHub::EventHub(std::size_t producers, std::size_t capacityPerProducer)
    : m_capacity(roundUpPowerOfTwo(capacityPerProducer))
{
    producers = std::max<std::size_t>(producers, 1);
    m_rings.reserve(producers);
    for (std::size_t i = 0; i < producers; ++i)
        m_rings.push_back(std::make_unique<Ring>(*this, m_capacity));
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

void EventHub::setWake(std::function<void()> wake)
{
    m_wake = std::move(wake);
}

void EventHub::wakeConsumer() noexcept
{
    if (m_wake && !m_wakePending.exchange(true, std::memory_order_acq_rel))
        m_wake();
}

std::size_t EventHub::drain(std::vector<Event> &out, std::size_t max)
{
    m_wakePending.store(false, std::memory_order_release);
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
