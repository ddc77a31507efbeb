#include "hostallowlist.h"

#include "text.h"

#include <algorithm>
#include <arpa/inet.h>
#include <atomic>
#include <cstring>
#include <ifaddrs.h>
#include <netinet/in.h>

namespace h2scope::site {

namespace {

constexpr auto kRefreshEvery = std::chrono::seconds(5);

std::atomic<std::uint64_t> g_lastListId{0};

// The last authorities an I/O thread saw accepted, with answers that never
// change (localhost names, loopback, the user's names): a connection sends
// the same :authority on every request, and checking it afresh costs a
// lowercase copy and inet_pton() calls each time.
struct AcceptedAuthorities {
    static constexpr std::size_t kSlots = 4;
    std::uint64_t listId[kSlots] = {};
    std::string authority[kSlots];
    std::size_t next = 0;
};
thread_local AcceptedAuthorities t_accepted;

} // namespace

HostAllowList::HostAllowList(std::vector<std::string> extraNames, bool allowAny, const Clock *clock)
    : m_allowAny(allowAny),
      m_clock(Clock::orSteady(clock)),
      m_id(g_lastListId.fetch_add(1, std::memory_order_relaxed) + 1)
{
    for (const std::string &name : extraNames) {
        std::string host = name.starts_with("*.") ? "*." + hostOf(std::string_view(name).substr(2)) : hostOf(name);
        if (!host.empty() && host != "*.")
            m_names.push_back(std::move(host));
    }
}

std::string HostAllowList::hostOf(std::string_view authority)
{
    // userinfo is not allowed in :authority, but never let "a@b" pass as "a".
    if (const auto at = authority.rfind('@'); at != std::string_view::npos)
        authority.remove_prefix(at + 1);
    std::string_view host = authority;
    if (host.starts_with('[')) {
        const auto close = host.find(']');
        host = close == std::string_view::npos ? host.substr(1) : host.substr(1, close - 1);
    } else if (const auto colon = host.find(':');
               colon != std::string_view::npos && host.find(':', colon + 1) == std::string_view::npos) {
        host = host.substr(0, colon); // name:port or v4:port; a bare IPv6 keeps its colons
    }
    if (const auto zone = host.find('%'); zone != std::string_view::npos && host.find(':') != std::string_view::npos)
        host = host.substr(0, zone);
    if (host.ends_with('.'))
        host.remove_suffix(1);
    return lowercase(host);
}

bool HostAllowList::isLocalhostName(std::string_view host)
{
    return host == "localhost" || (host.size() > 10 && host.ends_with(".localhost"));
}

bool HostAllowList::parseAddress(std::string_view host, Address &out)
{
    if (host.empty() || host.size() > 64)
        return false;
    const std::string text(host);
    out.fill(0);
    in_addr v4{};
    if (::inet_pton(AF_INET, text.c_str(), &v4) == 1) {
        out[0] = 4;
        std::memcpy(out.data() + 1, &v4, 4);
        return true;
    }
    in6_addr v6{};
    if (::inet_pton(AF_INET6, text.c_str(), &v6) == 1) {
        static constexpr std::uint8_t kMapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
        if (std::memcmp(v6.s6_addr, kMapped, 12) == 0) { // ::ffff:a.b.c.d is the IPv4 address
            out[0] = 4;
            std::memcpy(out.data() + 1, v6.s6_addr + 12, 4);
        } else {
            out[0] = 6;
            std::memcpy(out.data() + 1, v6.s6_addr, 16);
        }
        return true;
    }
    return false;
}

bool HostAllowList::isLoopbackAddress(std::string_view host)
{
    Address a{};
    if (!parseAddress(host, a))
        return false;
    if (a[0] == 4)
        return a[1] == 127;
    static constexpr std::uint8_t kLoopback6[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return std::memcmp(a.data() + 1, kLoopback6, 16) == 0;
}

void HostAllowList::refreshLocked() const
{
    const auto now = m_clock.now();
    if (m_haveAddresses && now - m_refreshed < kRefreshEvery)
        return;
    m_refreshed = now;
    m_haveAddresses = true;
    m_addresses.clear();
    ifaddrs *list = nullptr;
    if (::getifaddrs(&list) != 0)
        return; // loopback still works; other addresses are refused until it does
    for (const ifaddrs *it = list; it; it = it->ifa_next) {
        if (!it->ifa_addr)
            continue;
        Address a{};
        if (it->ifa_addr->sa_family == AF_INET) {
            a[0] = 4;
            std::memcpy(a.data() + 1, &reinterpret_cast<const sockaddr_in *>(it->ifa_addr)->sin_addr, 4);
        } else if (it->ifa_addr->sa_family == AF_INET6) {
            a[0] = 6;
            std::memcpy(a.data() + 1, &reinterpret_cast<const sockaddr_in6 *>(it->ifa_addr)->sin6_addr, 16);
        } else {
            continue;
        }
        m_addresses.push_back(a);
    }
    ::freeifaddrs(list);
}

bool HostAllowList::isOwnAddress(std::string_view host) const
{
    if (isLoopbackAddress(host))
        return true;
    Address a{};
    if (!parseAddress(host, a))
        return false;
    // 0.0.0.0 and :: reach the machine on some systems, but no page should
    // address them: they stay refused.
    if (std::all_of(a.begin() + 1, a.end(), [](std::uint8_t b) { return b == 0; }))
        return false;
    std::lock_guard lock(m_mutex);
    refreshLocked();
    return std::find(m_addresses.begin(), m_addresses.end(), a) != m_addresses.end();
}

bool HostAllowList::allows(std::string_view authority) const
{
    if (m_allowAny || authority.empty())
        return true;
    AcceptedAuthorities &accepted = t_accepted;
    for (std::size_t i = 0; i < AcceptedAuthorities::kSlots; ++i)
        if (accepted.listId[i] == m_id && accepted.authority[i] == authority)
            return true;
    bool stable = false;
    if (!allowsHost(hostOf(authority), stable))
        return false;
    if (stable && authority.size() <= 255) {
        const std::size_t slot = accepted.next++ % AcceptedAuthorities::kSlots;
        accepted.listId[slot] = m_id;
        accepted.authority[slot].assign(authority);
    }
    return true;
}

bool HostAllowList::allowsHost(const std::string &host, bool &stable) const
{
    stable = true;
    if (host.empty())
        return false; // ":8443": a port and no host
    if (isLocalhostName(host) || isLoopbackAddress(host))
        return true;
    // Interface addresses come and go: an answer from them is not kept.
    if (isOwnAddress(host)) {
        stable = false;
        return true;
    }
    for (const std::string &name : m_names) {
        if (name.starts_with("*.")) {
            const std::string_view suffix = std::string_view(name).substr(1); // ".example.test"
            if (host.size() > suffix.size() && host.ends_with(suffix))
                return true;
        } else if (name == host) {
            return true;
        } else if (Address a{}, b{}; parseAddress(name, a) && parseAddress(host, b) && a == b) {
            return true; // the same address spelled differently (::1 vs 0:0::1)
        }
    }
    return false;
}

} // namespace h2scope::site
