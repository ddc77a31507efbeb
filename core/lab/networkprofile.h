#pragma once
// The emulated network between the lab's page loader and the server: a
// round-trip time, a bandwidth per direction and an optional loss rate,
// plus the named presets the lab offers.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::lab {

struct NetworkProfile {
    std::string name = "loopback";   // preset name, or "custom"
    std::uint32_t rttMs = 0;         // round-trip time; half of it is added per direction
    std::uint64_t bandwidthKbit = 0; // per direction, kbit/s (1000 bit); 0 = unlimited
    double loss = 0.0;               // probability (0..1) that a segment needs a retransmission

    bool isLoopback() const { return rttMs == 0 && bandwidthKbit == 0 && loss <= 0.0; }
    bool operator==(const NetworkProfile &) const = default;
};

// loopback (no emulation), cable (20 ms, 50 Mbit/s), 4g (60 ms, 12 Mbit/s),
// slow-3g (300 ms, 400 kbit/s), in that order. Thread-safe.
const std::vector<NetworkProfile> &networkPresets();

// The preset named `name` (case-insensitive; "3g" and "slow3g" are accepted
// for slow-3g, "lte" for 4g); nullopt when there is none. Thread-safe.
std::optional<NetworkProfile> findNetworkPreset(std::string_view name);

// "4g (60 ms RTT, 12 Mbit/s)" — for tables and verdicts.
std::string describeProfile(const NetworkProfile &profile);

} // namespace h2scope::lab
