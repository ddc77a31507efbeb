#pragma once
// An immutable header list in one allocation, shared by reference count.
//
// Inspector events carry header lists by the million: the HEADERS frame a
// request arrived in, the stream opened by it, the response HEADERS frame and
// the stream's close all show the same fields. A HeaderList costs a vector and
// a string per long name or value, allocated on the I/O thread and freed on
// the consumer's; a HeaderBlock is one allocation that those events share.
// Copies are cheap (an atomic increment) and safe across threads; nothing
// ever changes a block once it is built.

#include "headers.h"

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <iterator>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope {

struct HeaderView {
    std::string_view name;
    std::string_view value;

    bool operator==(const HeaderView &) const = default;
};

class HeaderBlock {
    struct Entry {
        std::uint32_t offset; // name bytes at offset, value right after
        std::uint32_t nameLen;
        std::uint32_t valueLen;
    };
    struct Rep;

public:
    class Builder;

    HeaderBlock() noexcept = default;
    HeaderBlock(std::initializer_list<Header> fields);
    explicit HeaderBlock(const HeaderList &fields);
    HeaderBlock(const HeaderBlock &other) noexcept;
    HeaderBlock(HeaderBlock &&other) noexcept;
    HeaderBlock &operator=(const HeaderBlock &other) noexcept;
    HeaderBlock &operator=(HeaderBlock &&other) noexcept;
    ~HeaderBlock();

    std::size_t size() const noexcept;
    bool empty() const noexcept { return size() == 0; }
    HeaderView operator[](std::size_t i) const noexcept;

    class const_iterator {
    public:
        using iterator_category = std::random_access_iterator_tag;
        using value_type = HeaderView;
        using difference_type = std::ptrdiff_t;
        using pointer = void;
        using reference = HeaderView;

        const_iterator() = default;
        HeaderView operator*() const noexcept { return (*m_block)[m_index]; }
        const_iterator &operator++() noexcept
        {
            ++m_index;
            return *this;
        }
        const_iterator operator++(int) noexcept
        {
            const_iterator t = *this;
            ++m_index;
            return t;
        }
        const_iterator &operator--() noexcept
        {
            --m_index;
            return *this;
        }
        const_iterator &operator+=(difference_type n) noexcept
        {
            m_index += static_cast<std::size_t>(n);
            return *this;
        }
        const_iterator operator+(difference_type n) const noexcept
        {
            const_iterator t = *this;
            return t += n;
        }
        difference_type operator-(const const_iterator &o) const noexcept
        {
            return static_cast<difference_type>(m_index) - static_cast<difference_type>(o.m_index);
        }
        bool operator==(const const_iterator &o) const noexcept { return m_index == o.m_index; }

    private:
        friend class HeaderBlock;
        const_iterator(const HeaderBlock *block, std::size_t index) : m_block(block), m_index(index) {}
        const HeaderBlock *m_block = nullptr;
        std::size_t m_index = 0;
    };
    const_iterator begin() const noexcept { return {this, 0}; }
    const_iterator end() const noexcept { return {this, size()}; }

    // First value of `name` (lowercase), if present.
    std::optional<std::string_view> find(std::string_view name) const noexcept;

    // The same block without its leading pseudo-headers (":method", ...),
    // sharing the allocation.
    HeaderBlock withoutPseudo() const noexcept;

    HeaderList toList() const;

    // Whether both are views of one allocation (copies and withoutPseudo()).
    bool sharesStorageWith(const HeaderBlock &other) const noexcept { return m_rep && m_rep == other.m_rep; }

    // Bytes of the shared allocation (0 when empty); each holder of a block
    // may count it, which errs on the side of more.
    std::size_t heapBytes() const noexcept;

    // The block as plain words, for queues that carry bytes (the event
    // hub's rings): take() empties this block and hands its reference to the
    // parcel; adopt() turns a parcel back into a block, exactly once.
    struct Parcel {
        void *rep = nullptr;
        std::uint32_t first = 0;
    };
    Parcel take() noexcept;
    static HeaderBlock adopt(Parcel parcel) noexcept;

    // Same fields in the same order.
    bool operator==(const HeaderBlock &other) const noexcept;
    bool operator==(const HeaderList &other) const noexcept;

private:
    HeaderBlock(const Header *fields, std::size_t count);
    void release() noexcept;
    const Entry *entries() const noexcept;
    const char *bytes() const noexcept;

    Rep *m_rep = nullptr;
    std::uint32_t m_first = 0; // entries before this index are hidden (withoutPseudo)
};

// Collects fields, then builds a block with one allocation. Reusable: build()
// leaves it empty with its capacity kept (unless a block over 64 KiB grew
// it), so a session that builds a block per frame allocates nothing else
// once warm.
class HeaderBlock::Builder {
public:
    void add(std::string_view name, std::string_view value);
    void add(const HeaderList &fields);
    std::size_t size() const noexcept { return m_entries.size(); }
    void clear() noexcept;
    // Pseudo-headers are moved first (stable), as HTTP/2 sends them.
    HeaderBlock build();

private:
    std::vector<Entry> m_entries;
    std::string m_bytes;
    std::vector<Entry> m_order; // scratch for the pseudo-first ordering
};

} // namespace h2scope
