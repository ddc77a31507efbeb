#pragma once
// Which Host / :authority values the site answers. A development server on
// localhost is reachable by any web page the developer opens, through DNS
// rebinding (evil.example resolving to 127.0.0.1); checking the name the
// browser thinks it is talking to stops that. Allowed: localhost names
// ("localhost", "*.localhost"), literal IP addresses of this machine
// (loopback always; the interfaces' addresses from getifaddrs, cached for a
// few seconds), the names the user added (a leading "*." matches any
// subdomain), and an empty authority (no browser sends one). The port is
// ignored.

#include "clock.h"

#include <array>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

class HostAllowList final {
public:
    // `extraNames`: names or addresses the user allowed (a port, if given,
    // is ignored); `allowAny` turns the check off.
    // `clock` paces the refreshes of this machine's addresses (null: the
    // steady clock); it outlives the list.
    explicit HostAllowList(std::vector<std::string> extraNames = {}, bool allowAny = false,
                           const Clock *clock = nullptr);

    // True when a request with this Host / :authority may be served.
    // Thread-safe; at most one getifaddrs() call per refresh period.
    bool allows(std::string_view authority) const;

    // The host part of an authority: lowercase, port and IPv6 brackets
    // removed, a zone id ("%25eth0") and one trailing dot dropped. Pure.
    static std::string hostOf(std::string_view authority);
    // "localhost" or a name ending in ".localhost" (RFC 6761). Pure.
    static bool isLocalhostName(std::string_view host);
    // A literal IPv4/IPv6 address in the loopback range. Pure.
    static bool isLoopbackAddress(std::string_view host);
    // A literal address of one of this machine's interfaces (loopback
    // included). Thread-safe, cached.
    bool isOwnAddress(std::string_view host) const;

private:
    using Address = std::array<std::uint8_t, 17>; // [0] = 4 or 6, then the bytes

    static bool parseAddress(std::string_view host, Address &out);
    void refreshLocked() const;

    // Whether the allow-list accepts `host` (as hostOf() gave it); `stable`
    // says the answer cannot change (it does not depend on the interfaces'
    // addresses), so it may be remembered.
    bool allowsHost(const std::string &host, bool &stable) const;

    std::vector<std::string> m_names; // normalized; "*.x" kept as is
    bool m_allowAny = false;
    const Clock &m_clock;
    // Tells this list's remembered authorities from those of a list that
    // lived at the same address before (see allows()).
    std::uint64_t m_id = 0;
    mutable std::mutex m_mutex;
    mutable std::vector<Address> m_addresses;
    mutable std::chrono::steady_clock::time_point m_refreshed{};
    mutable bool m_haveAddresses = false;
};

} // namespace h2scope::site
