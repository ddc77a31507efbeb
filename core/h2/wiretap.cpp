#include "h2/wiretap.h"

#include <algorithm>

namespace h2scope::h2 {
namespace {

constexpr char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n";
constexpr std::size_t kPrefaceLen = sizeof kPreface - 1;
constexpr std::uint8_t kPadded = 0x08;

bool hasPadding(const TapFrame &f)
{
    // DATA, HEADERS and PUSH_PROMISE may carry a PADDED flag.
    return (f.type == 0x0 || f.type == 0x1 || f.type == 0x5) && (f.flags & kPadded) && f.length > 0;
}

} // namespace

WireTap::WireTap(bool skipPreface) noexcept
    : m_state(skipPreface ? State::Preface : State::Header), m_prefaceLeft(skipPreface ? kPrefaceLen : 0)
{}

void WireTap::readHeader() noexcept
{
    const auto &r = m_frame.raw;
    m_frame.length = (std::uint32_t(r[0]) << 16) | (std::uint32_t(r[1]) << 8) | r[2];
    m_frame.type = r[3];
    m_frame.flags = r[4];
    m_frame.streamId = static_cast<std::int32_t>(((std::uint32_t(r[5]) & 0x7f) << 24) | (std::uint32_t(r[6]) << 16)
                                                 | (std::uint32_t(r[7]) << 8) | r[8]);
    m_frame.padding = 0;
}

std::size_t WireTap::complete(std::size_t used, std::optional<TapFrame> &completed) noexcept
{
    completed = m_frame;
    ++m_frames;
    m_headerHave = 0;
    m_payloadLeft = 0;
    m_state = State::Header;
    return used;
}

std::size_t WireTap::scan(const std::uint8_t *data, std::size_t length, std::optional<TapFrame> &completed) noexcept
{
    completed.reset();
    // The common case: a whole frame at the start of the bytes. Its header is
    // read in place and its payload viewed where it is, never copied.
    if (m_state == State::Header && m_headerHave == 0 && length >= 9) {
        std::copy_n(data, 9, m_frame.raw.begin());
        readHeader();
        if (length - 9 >= m_frame.length) {
            const std::uint8_t *payload = data + 9;
            const bool padded = hasPadding(m_frame);
            if (padded)
                m_frame.padding = payload[0];
            if (!m_keep)
                m_view = {};
            else if (m_frame.type == 0x0)
                m_view = {payload, padded ? 1u : 0u}; // DATA: the pad length alone
            else
                m_view = {payload, std::min<std::size_t>(m_frame.length, kMaxKept)};
            return complete(9 + m_frame.length, completed);
        }
        // The frame goes on in later bytes: gathered below.
        m_headerHave = 9;
        m_payload.clear();
        m_view = {};
        m_payloadLeft = m_frame.length;
        m_state = hasPadding(m_frame) ? State::PadLength : State::Payload;
        return 9 + scan(data + 9, length - 9, completed);
    }
    std::size_t used = 0;
    while (used < length) {
        switch (m_state) {
        case State::Preface: {
            const std::size_t offset = kPrefaceLen - m_prefaceLeft;
            const std::size_t n = std::min(m_prefaceLeft, length - used);
            for (std::size_t i = 0; i < n; ++i)
                if (data[used + i] != static_cast<std::uint8_t>(kPreface[offset + i]))
                    m_prefaceBad = true;
            used += n;
            m_prefaceLeft -= n;
            if (m_prefaceLeft == 0) {
                m_state = State::Header;
                return used; // the preface is a unit of its own
            }
            break;
        }
        case State::Header: {
            const std::size_t n = std::min<std::size_t>(9 - m_headerHave, length - used);
            std::copy_n(data + used, n, m_frame.raw.begin() + static_cast<std::ptrdiff_t>(m_headerHave));
            m_headerHave += n;
            used += n;
            if (m_headerHave < 9)
                break;
            readHeader();
            m_payload.clear();
            m_view = {};
            m_payloadLeft = m_frame.length;
            m_state = hasPadding(m_frame) ? State::PadLength : State::Payload;
            if (m_state == State::Payload && m_payloadLeft == 0)
                return complete(used, completed);
            break;
        }
        case State::PadLength:
            m_frame.padding = data[used];
            if (m_keep)
                keep(data + used, 1);
            ++used;
            --m_payloadLeft;
            m_state = State::Payload;
            [[fallthrough]];
        case State::Payload: {
            const std::size_t n = std::min<std::size_t>(m_payloadLeft, length - used);
            if (m_keep && m_frame.type != 0x0)
                keep(data + used, n);
            used += n;
            m_payloadLeft -= static_cast<std::uint32_t>(n);
            if (m_payloadLeft == 0)
                return complete(used, completed);
            break;
        }
        }
    }
    return used;
}

void WireTap::keep(const std::uint8_t *data, std::size_t n)
{
    const std::size_t room = kMaxKept - std::min(kMaxKept, m_payload.size());
    m_payload.insert(m_payload.end(), data, data + std::min(n, room));
    m_view = m_payload;
}

void WireTap::abandon() noexcept
{
    if (m_state == State::PadLength || m_state == State::Payload) {
        m_headerHave = 0;
        m_payloadLeft = 0;
        m_state = State::Header;
    }
}

std::optional<TapFrame> WireTap::partial() const noexcept
{
    if (m_state == State::PadLength || m_state == State::Payload)
        return m_frame;
    return std::nullopt;
}

} // namespace h2scope::h2
