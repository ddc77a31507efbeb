#include "lab/networkprofile.h"

#include "text.h"

#include <cstdio>

namespace h2scope::lab {

const std::vector<NetworkProfile> &networkPresets()
{
    static const std::vector<NetworkProfile> presets{
        {"loopback", 0, 0, 0.0},
        {"cable", 20, 50'000, 0.0},
        {"4g", 60, 12'000, 0.0},
        {"slow-3g", 300, 400, 0.0},
    };
    return presets;
}

std::optional<NetworkProfile> findNetworkPreset(std::string_view name)
{
    std::string key = lowercase(name);
    if (key == "3g" || key == "slow3g" || key == "slow_3g")
        key = "slow-3g";
    else if (key == "lte")
        key = "4g";
    for (const NetworkProfile &p : networkPresets())
        if (p.name == key)
            return p;
    return std::nullopt;
}

std::string describeProfile(const NetworkProfile &p)
{
    if (p.isLoopback())
        return p.name + " (no emulation)";
    std::string bw;
    if (p.bandwidthKbit == 0)
        bw = "unlimited";
    else if (p.bandwidthKbit % 1000 == 0)
        bw = std::to_string(p.bandwidthKbit / 1000) + " Mbit/s";
    else
        bw = std::to_string(p.bandwidthKbit) + " kbit/s";
    std::string text = p.name + " (" + std::to_string(p.rttMs) + " ms RTT, " + bw;
    if (p.loss > 0.0) {
        char buf[32];
        std::snprintf(buf, sizeof buf, ", %.1f%% loss", p.loss * 100.0);
        text += buf;
    }
    return text + ")";
}

} // namespace h2scope::lab
