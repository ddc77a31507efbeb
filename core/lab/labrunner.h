#pragma once
// Runs the protocol lab: loads one page `runs` times in each mode through
// the same emulated network (modes interleaved run by run, so a slow moment
// of the machine does not fall on one mode only), summarises each mode and
// writes the verdict.

#include "lab/labreport.h"
#include "lab/pageloader.h"
#include "result.h"

#include <functional>

namespace h2scope::lab {

struct LabOptions {
    LoadOptions load; // server, page, network; `mode` is ignored
    std::vector<LoadMode> modes = allLoadModes();
    unsigned runs = 3; // per mode, at least 1
};

class LabRunner final {
public:
    // Called after each load with (loads done, loads in total); returning
    // false stops the lab (run() then fails with Errc::Refused "cancelled").
    // Called on the thread that runs run().
    using Progress = std::function<bool(std::size_t done, std::size_t total)>;

    // Blocks for all loads (each bounded by options.load.timeout). Fails
    // with the first load's error (see PageLoader::load), naming the mode
    // and run, or Errc::InvalidArgument when no mode is given. Any thread.
    static Result<LabReport> run(const LabOptions &options, const Progress &progress = {});

    // Median and spread of `values` (microseconds; negative values ignored).
    static Spread spreadOf(std::vector<std::int64_t> values);

    // The summary of one mode's runs (at least one).
    static ModeSummary summarize(LoadMode mode, std::vector<LoadResult> runs);

    // "HTTP/2 + early hints finished 212 ms sooner than HTTP/1.1 on 4g; push
    // saved one round trip but sent 40 KiB the page never used." Empty
    // without modes.
    static std::string verdict(const LabReport &report);
};

} // namespace h2scope::lab
