#pragma once
// EventHub: where I/O threads hand inspector events to the one consumer
// (the GUI's drain timer, the headless frame log, an exporter).
//
// Each producer (one per I/O worker thread) owns a bounded single-producer /
// single-consumer lock-free ring of bytes. publish() never blocks: the event
// is written into the preallocated ring as a compact record (eventrecord.h;
// frames and stream events allocate nothing, rare or large events travel as
// one heap copy), and when the ring is full the event is dropped and
// counted. A lagging consumer therefore costs the server nothing but lost
// inspector events, and the drop count says how many.
//
// Threads:
//   - producer(i).publish()/publishFrame(): only from the thread that owns producer i;
//   - drain(): only from ONE consumer thread (the same thread every time, or
//     externally serialised calls);
//   - setEnabled()/enabled()/dropped()/published()/producerCount(): any thread.
// The hub must outlive every thread that holds one of its producers.

#include "event.h"

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

namespace h2scope::inspect {

class EventHub final {
public:
    // `producers` rings (at least 1), each holding `capacityPerProducer`
    // events rounded up to a power of two (at least 2), in about 120 bytes
    // per event (an event whose record does not fit in what is left is
    // dropped too; records average about 100 bytes). The memory is allocated
    // here, once.
    //
    // The rings should stay small enough to live in the processor's cache:
    // a ring streamed through megabytes of memory evicts the server's own
    // working set, and then every request pays for it. A consumer that is
    // woken (setWake()) when a ring is half full keeps small rings from
    // overflowing under load.
    explicit EventHub(std::size_t producers, std::size_t capacityPerProducer = kDefaultCapacity);
    static constexpr std::size_t kDefaultCapacity = 8192;
    ~EventHub();

    EventHub(const EventHub &) = delete;
    EventHub &operator=(const EventHub &) = delete;
    EventHub(EventHub &&) = delete;
    EventHub &operator=(EventHub &&) = delete;

    std::size_t producerCount() const noexcept;
    std::size_t capacityPerProducer() const noexcept;

    // The publisher for I/O thread `index` (index < producerCount(); a larger
    // index is a programming error and is clamped to the last producer, which
    // then has two writers — don't). Any thread may fetch it; only its owner
    // thread may call publish() on it.
    EventPublisher &producer(std::size_t index) noexcept;

    // Moves up to `max` events into `out` (appended; existing contents kept)
    // and returns how many were moved. Events of one producer come out in
    // publish order; producers are visited round-robin, each getting a fair
    // share of `max` first, so a busy worker cannot starve a quiet one.
    // Consumer thread only.
    std::size_t drain(std::vector<Event> &out, std::size_t max);

    // drain(), then the events just appended put in time order (stable: equal
    // times keep their order), which interleaves the producers. Free when
    // they already are in order (one busy worker): only a check.
    std::size_t drainInTimeOrder(std::vector<Event> &out, std::size_t max);

    // The consumer's tick: drainInTimeOrder() batches of up to `batchSize`
    // into `batch` (cleared before each) and hands each to `consume`, until
    // the rings are empty or `budget` has passed (consuming included), so a
    // tick on a GUI thread stays short however hard the workers publish.
    // What is left waits for the next tick (or is dropped and counted if the
    // rings fill). A zero budget drains everything. Returns the events taken.
    std::size_t drainWithin(std::vector<Event> &batch, std::chrono::nanoseconds budget,
                            const std::function<void(std::vector<Event> &)> &consume,
                            std::size_t batchSize = 256);

    // `wake` is called (on a producer's thread, so it must be thread-safe
    // and quick) when a ring becomes half full, at most once until the next
    // drain: the consumer should drain soon, before the ring overflows. Set
    // it before the producers run; it may be empty.
    void setWake(std::function<void()> wake);

    // Capture switch. I/O code checks enabled() before building an event at
    // all, so "capture off" costs one relaxed atomic load per would-be event.
    // publish() itself does not look at it: an event built just before the
    // switch flipped is still accepted.
    void setEnabled(bool on) noexcept;
    bool enabled() const noexcept;

    // Totals over all producers. published() counts every publish() call,
    // accepted or dropped, so once the rings are empty:
    //   published() == events drained + dropped().
    std::uint64_t published() const noexcept;
    std::uint64_t dropped() const noexcept;
    std::uint64_t droppedBy(std::size_t index) const noexcept;

    // Events waiting in the rings right now (a snapshot; any thread).
    std::size_t pending() const noexcept;

private:
    class Ring;
    void wakeConsumer() noexcept; // producer threads

    std::vector<std::unique_ptr<Ring>> m_rings;
    std::size_t m_capacity = 0;
    std::size_t m_nextRing = 0; // consumer-only: where the next drain starts
    std::function<void()> m_wake;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_enabled{true};
};

} // namespace h2scope::inspect
