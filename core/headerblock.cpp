#include "headerblock.h"

#include <algorithm>
#include <cstring>
#include <limits>
#include <new>
#include <stdexcept>

namespace h2scope {

// One allocation: this header, then `count` entries, then the name and value
// bytes the entries point into.
struct HeaderBlock::Rep {
    std::atomic<std::uint32_t> refs;
    std::uint32_t count;
    std::uint32_t pseudo; // leading pseudo-header entries
    std::uint32_t bytes;  // size of the whole allocation
};

namespace {

bool isPseudo(std::string_view name) noexcept
{
    return !name.empty() && name.front() == ':';
}

} // namespace

HeaderBlock::HeaderBlock(std::initializer_list<Header> fields) : HeaderBlock(fields.begin(), fields.size()) {}

HeaderBlock::HeaderBlock(const HeaderList &fields) : HeaderBlock(fields.data(), fields.size()) {}

HeaderBlock::HeaderBlock(const Header *fields, std::size_t count)
{
    // A builder per thread keeps its buffers: one allocation per block once warm.
    thread_local Builder builder;
    for (std::size_t i = 0; i < count; ++i)
        builder.add(fields[i].name, fields[i].value);
    *this = builder.build();
}

HeaderBlock::HeaderBlock(const HeaderBlock &other) noexcept : m_rep(other.m_rep), m_first(other.m_first)
{
    if (m_rep)
        m_rep->refs.fetch_add(1, std::memory_order_relaxed);
}

HeaderBlock::HeaderBlock(HeaderBlock &&other) noexcept : m_rep(other.m_rep), m_first(other.m_first)
{
    other.m_rep = nullptr;
    other.m_first = 0;
}

HeaderBlock &HeaderBlock::operator=(const HeaderBlock &other) noexcept
{
    if (this != &other) {
        HeaderBlock copy(other);
        *this = std::move(copy);
    }
    return *this;
}

HeaderBlock &HeaderBlock::operator=(HeaderBlock &&other) noexcept
{
    if (this != &other) {
        release();
        m_rep = other.m_rep;
        m_first = other.m_first;
        other.m_rep = nullptr;
        other.m_first = 0;
    }
    return *this;
}

HeaderBlock::~HeaderBlock()
{
    release();
}

HeaderBlock::Parcel HeaderBlock::take() noexcept
{
    Parcel parcel{m_rep, m_first};
    m_rep = nullptr;
    m_first = 0;
    return parcel;
}

HeaderBlock HeaderBlock::adopt(Parcel parcel) noexcept
{
    HeaderBlock block;
    block.m_rep = static_cast<Rep *>(parcel.rep);
    block.m_first = parcel.first;
    return block;
}

void HeaderBlock::release() noexcept
{
    if (m_rep && m_rep->refs.fetch_sub(1, std::memory_order_acq_rel) == 1) {
        m_rep->~Rep();
        ::operator delete(m_rep);
    }
    m_rep = nullptr;
    m_first = 0;
}

const HeaderBlock::Entry *HeaderBlock::entries() const noexcept
{
    return reinterpret_cast<const Entry *>(m_rep + 1);
}

const char *HeaderBlock::bytes() const noexcept
{
    return reinterpret_cast<const char *>(entries() + m_rep->count);
}

std::size_t HeaderBlock::size() const noexcept
{
    return m_rep ? m_rep->count - m_first : 0;
}

HeaderView HeaderBlock::operator[](std::size_t i) const noexcept
{
    const Entry &e = entries()[m_first + i];
    const char *p = bytes() + e.offset;
    return {std::string_view(p, e.nameLen), std::string_view(p + e.nameLen, e.valueLen)};
}

std::optional<std::string_view> HeaderBlock::find(std::string_view name) const noexcept
{
    for (HeaderView h : *this)
        if (h.name == name)
            return h.value;
    return std::nullopt;
}

HeaderBlock HeaderBlock::withoutPseudo() const noexcept
{
    HeaderBlock b(*this);
    if (b.m_rep)
        b.m_first = std::max(b.m_first, b.m_rep->pseudo);
    return b;
}

HeaderList HeaderBlock::toList() const
{
    HeaderList out;
    out.reserve(size());
    for (HeaderView h : *this)
        out.push_back({std::string(h.name), std::string(h.value)});
    return out;
}

std::size_t HeaderBlock::heapBytes() const noexcept
{
    return m_rep ? m_rep->bytes : 0;
}

bool HeaderBlock::operator==(const HeaderBlock &other) const noexcept
{
    if (size() != other.size())
        return false;
    return std::equal(begin(), end(), other.begin());
}

bool HeaderBlock::operator==(const HeaderList &other) const noexcept
{
    if (size() != other.size())
        return false;
    for (std::size_t i = 0; i < other.size(); ++i) {
        const HeaderView h = (*this)[i];
        if (h.name != other[i].name || h.value != other[i].value)
            return false;
    }
    return true;
}

void HeaderBlock::Builder::add(std::string_view name, std::string_view value)
{
    constexpr std::size_t kMax = std::numeric_limits<std::uint32_t>::max() / 2;
    if (name.size() + value.size() > kMax - m_bytes.size())
        throw std::length_error("header block too large");
    m_entries.push_back({static_cast<std::uint32_t>(m_bytes.size()), static_cast<std::uint32_t>(name.size()),
                         static_cast<std::uint32_t>(value.size())});
    m_bytes.append(name);
    m_bytes.append(value);
}

void HeaderBlock::Builder::add(const HeaderList &fields)
{
    for (const Header &h : fields)
        add(h.name, h.value);
}

void HeaderBlock::Builder::clear() noexcept
{
    // Capacity is kept for the next block, unless one huge block grew it.
    constexpr std::size_t kKeepBytes = 64 * 1024;
    if (m_bytes.capacity() > kKeepBytes) {
        std::string().swap(m_bytes);
        std::vector<Entry>().swap(m_entries);
        std::vector<Entry>().swap(m_order);
    }
    m_entries.clear();
    m_bytes.clear();
}

HeaderBlock HeaderBlock::Builder::build()
{
    if (m_entries.empty()) {
        clear();
        return {};
    }
    auto nameOf = [this](const Entry &e) { return std::string_view(m_bytes.data() + e.offset, e.nameLen); };
    // Pseudo-headers first, keeping the order within each group.
    m_order.clear();
    std::uint32_t pseudo = 0;
    for (const Entry &e : m_entries)
        if (isPseudo(nameOf(e))) {
            m_order.push_back(e);
            ++pseudo;
        }
    for (const Entry &e : m_entries)
        if (!isPseudo(nameOf(e)))
            m_order.push_back(e);

    const std::size_t count = m_entries.size();
    const std::size_t total = sizeof(Rep) + count * sizeof(Entry) + m_bytes.size();
    void *mem = ::operator new(total);
    Rep *rep = new (mem) Rep{{1}, static_cast<std::uint32_t>(count), pseudo, static_cast<std::uint32_t>(total)};
    auto *entries = reinterpret_cast<Entry *>(rep + 1);
    std::memcpy(entries, m_order.data(), count * sizeof(Entry));
    std::memcpy(reinterpret_cast<char *>(entries + count), m_bytes.data(), m_bytes.size());
    clear();

    HeaderBlock block;
    block.m_rep = rep;
    return block;
}

} // namespace h2scope
