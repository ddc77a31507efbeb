#pragma once
// The lab's result: per mode, every run's LoadResult and the summary over
// the runs (median and spread), plus a plain-language verdict. Plain
// values, any thread.

#include "lab/loadresult.h"
#include "lab/networkprofile.h"

#include <cstdint>
#include <string>
#include <vector>

namespace h2scope::lab {

// Microseconds over the runs; -1 when no run had the value.
struct Spread {
    std::int64_t median = -1;
    std::int64_t min = -1;
    std::int64_t max = -1;
};

struct ModeSummary {
    LoadMode mode = LoadMode::Http2;
    std::vector<LoadResult> runs; // in run order
    std::size_t medianRun = 0;    // the run whose page-complete time is the median (for waterfalls)
    Spread ttfb;                  // time to the HTML's first response byte
    Spread pageComplete;          // time until every needed resource is complete
    // Medians over the runs (they rarely differ between runs):
    std::uint32_t connections = 0, tlsHandshakes = 0, requests = 0, earlyHints = 0;
    std::uint32_t pushedStreams = 0, pushedUsed = 0, pushedWasted = 0;
    std::uint64_t pushedWastedBytes = 0, bytesUp = 0, bytesDown = 0;
    std::vector<std::string> assets; // paths the page needed (median run), sorted, the page excluded
};

struct LabReport {
    std::string page;
    NetworkProfile network;
    unsigned runs = 0;
    std::vector<ModeSummary> modes; // in the order asked for
    std::string verdict;
};

} // namespace h2scope::lab
