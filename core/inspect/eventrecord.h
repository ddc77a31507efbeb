#pragma once
// The byte form events take inside the event hub's rings.
//
// An Event is a 300-byte variant; moving one into a ring slot and out again
// touches five cache lines twice, and a ring deep enough for a 50 ms drain
// tick under full load is 20 MB of such slots, so every slot is cold. The
// events that come by the million (frames, stream opened, stream closed) are
// written instead as compact records of about 100 bytes: their scalar
// fields, their header block's reference (a HeaderBlock::Parcel, no copy) and
// their short strings inline. Other events, and any record that would be
// large, travel as a pointer to a heap copy of the event (boxed). Records are
// multiples of 8 bytes; decoding gives back an Event equal to the one
// encoded.

#include "event.h"

#include <cstddef>
#include <cstdint>

namespace h2scope::inspect::Internal {

// Every record starts with its size (a multiple of 8) and kind in its first
// 8 bytes, so that a reader can skip to the next one.
enum class RecordKind : std::uint8_t { Wrap = 0, Frame, StreamOpened, StreamClosed, Boxed };

// Larger records are boxed: no record grows the ring's worst case.
constexpr std::size_t kMaxInlineRecord = 512;

// Bytes the record for `event` takes (a multiple of 8): its inline size,
// or kBoxedRecord when it travels boxed (see recordIsBoxed()).
std::size_t recordSize(const Event &event) noexcept;
bool recordIsBoxed(std::size_t size) noexcept;
constexpr std::size_t kBoxedRecord = 32;

// Writes the inline record (exactly recordSize(event) bytes at an 8-byte
// aligned `dst`). Header blocks move into it; `event` is left emptied.
void writeRecord(Event &&event, std::uint8_t *dst) noexcept;
// The same for a frame that is not wrapped in an Event.
std::size_t frameRecordSize(const FrameEvent &frame) noexcept;
void writeFrameRecord(std::uint64_t timeNs, std::uint64_t connectionId, FrameEvent &&frame,
                      std::uint8_t *dst) noexcept;
// Writes a record that owns `box` (kBoxedRecord bytes).
void writeBoxedRecord(Event *box, std::uint8_t *dst) noexcept;
// A skip marker: the rest of the ring's buffer, `bytes` long, holds nothing.
void writeWrapRecord(std::size_t bytes, std::uint8_t *dst) noexcept;

// The kind and size of the record at `src`.
RecordKind recordKind(const std::uint8_t *src) noexcept;
std::size_t recordBytes(const std::uint8_t *src) noexcept;

// Reads the record at `src` into `event` (a default-constructed one: taking
// its header blocks and its box, as each record is read exactly once, or
// discarded).
void readRecord(const std::uint8_t *src, Event &event);
void discardRecord(const std::uint8_t *src) noexcept;

} // namespace h2scope::inspect::Internal
