#include "lab/labrunner.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace h2scope::lab {

namespace {

// The lower median: always one of the values, so it names a real run.
template <typename T> T medianOf(std::vector<T> v)
{
    if (v.empty())
        return T{};
    std::sort(v.begin(), v.end());
    return v[(v.size() - 1) / 2];
}

std::string millis(std::int64_t us)
{
    return std::to_string((us + 500) / 1000) + " ms";
}

std::string kibibytes(std::uint64_t bytes)
{
    char buf[32];
    if (bytes < 1024)
        return std::to_string(bytes) + " bytes";
    std::snprintf(buf, sizeof buf, "%.0f KiB", static_cast<double>(bytes) / 1024.0);
    return buf;
}

const ModeSummary *findMode(const LabReport &r, LoadMode m)
{
    for (const ModeSummary &s : r.modes)
        if (s.mode == m)
            return &s;
    return nullptr;
}

std::string roundTrips(std::int64_t savedUs, std::uint32_t rttMs)
{
    if (rttMs == 0)
        return millis(savedUs);
    const long trips = std::lround(static_cast<double>(savedUs) / (rttMs * 1000.0));
    if (trips < 1)
        return "less than a round trip (" + millis(savedUs) + ")";
    return (trips == 1 ? std::string("one round trip") : std::to_string(trips) + " round trips") + " ("
           + millis(savedUs) + ")";
}

} // namespace

Spread LabRunner::spreadOf(std::vector<std::int64_t> values)
{
    values.erase(std::remove_if(values.begin(), values.end(), [](std::int64_t v) { return v < 0; }), values.end());
    Spread s;
    if (values.empty())
        return s;
    s.median = medianOf(values);
    s.min = *std::min_element(values.begin(), values.end());
    s.max = *std::max_element(values.begin(), values.end());
    return s;
}

ModeSummary LabRunner::summarize(LoadMode mode, std::vector<LoadResult> runs)
{
    ModeSummary s;
    s.mode = mode;
    s.runs = std::move(runs);
    if (s.runs.empty())
        return s;
    std::vector<std::int64_t> ttfb, complete;
    std::vector<std::uint64_t> conns, tls, reqs, hints, pushed, used, wasted, wastedBytes, up, down;
    for (const LoadResult &r : s.runs) {
        const LoadMetrics &m = r.metrics;
        ttfb.push_back(m.ttfbUs);
        complete.push_back(m.pageCompleteUs);
        conns.push_back(m.connections);
        tls.push_back(m.tlsHandshakes);
        reqs.push_back(m.requests);
        hints.push_back(m.earlyHints);
        pushed.push_back(m.pushedStreams);
        used.push_back(m.pushedUsed);
        wasted.push_back(m.pushedWasted);
        wastedBytes.push_back(m.pushedWastedBytes);
        up.push_back(m.bytesUp);
        down.push_back(m.bytesDown);
    }
    s.ttfb = spreadOf(ttfb);
    s.pageComplete = spreadOf(complete);
    const auto median = std::find(complete.begin(), complete.end(), s.pageComplete.median);
    s.medianRun = median == complete.end() ? 0 : std::size_t(median - complete.begin());
    s.connections = std::uint32_t(medianOf(conns));
    s.tlsHandshakes = std::uint32_t(medianOf(tls));
    s.requests = std::uint32_t(medianOf(reqs));
    s.earlyHints = std::uint32_t(medianOf(hints));
    s.pushedStreams = std::uint32_t(medianOf(pushed));
    s.pushedUsed = std::uint32_t(medianOf(used));
    s.pushedWasted = std::uint32_t(medianOf(wasted));
    s.pushedWastedBytes = medianOf(wastedBytes);
    s.bytesUp = medianOf(up);
    s.bytesDown = medianOf(down);
    for (const ResourceTiming &r : s.runs[s.medianRun].resources)
        if (r.needed && r.as != "document")
            s.assets.push_back(r.path);
    std::sort(s.assets.begin(), s.assets.end());
    return s;
}

Result<LabReport> LabRunner::run(const LabOptions &options, const Progress &progress)
{
    if (options.modes.empty())
        return makeError(Errc::InvalidArgument, "no load mode to run");
    const unsigned runs = std::max(1u, options.runs);
    LabReport report;
    report.page = options.load.page;
    report.network = options.load.network;
    report.runs = runs;
    std::vector<std::vector<LoadResult>> results(options.modes.size());
    const std::size_t total = std::size_t(runs) * options.modes.size();
    std::size_t done = 0;
    for (unsigned run = 0; run < runs; ++run) {
        for (std::size_t i = 0; i < options.modes.size(); ++i) {
            LoadOptions load = options.load;
            load.mode = options.modes[i];
            load.seed = options.load.seed + run;
            Result<LoadResult> r = PageLoader::load(load);
            if (!r)
                return makeError(r.error().code, std::string(loadModeLabel(load.mode)) + ", run "
                                                     + std::to_string(run + 1) + ": " + r.error().message);
            results[i].push_back(std::move(*r));
            ++done;
            if (progress && !progress(done, total))
                return makeError(Errc::Refused, "cancelled");
        }
    }
    for (std::size_t i = 0; i < options.modes.size(); ++i)
        report.modes.push_back(summarize(options.modes[i], std::move(results[i])));
    report.verdict = verdict(report);
    return report;
}

std::string LabRunner::verdict(const LabReport &report)
{
    if (report.modes.empty())
        return {};
    const ModeSummary *best = &report.modes.front();
    for (const ModeSummary &s : report.modes)
        if (s.pageComplete.median >= 0 && s.pageComplete.median < best->pageComplete.median)
            best = &s;
    const std::string on = " on " + report.network.name;
    std::string text;
    const ModeSummary *h1 = findMode(report, LoadMode::Http1);
    if (h1 && best != h1) {
        const std::int64_t saved = h1->pageComplete.median - best->pageComplete.median;
        text = std::string(loadModeLabel(best->mode)) + " finished " + millis(saved) + " sooner than HTTP/1.1" + on;
    } else {
        text = std::string(loadModeLabel(best->mode)) + " finished first" + on + ", in "
               + millis(best->pageComplete.median);
    }
    const ModeSummary *h2 = findMode(report, LoadMode::Http2);
    const ModeSummary *push = findMode(report, LoadMode::Http2Push);
    const ModeSummary *hints = findMode(report, LoadMode::Http2Hints);
    if (h2 && push) {
        const std::int64_t saved = h2->pageComplete.median - push->pageComplete.median;
        if (push->pushedStreams == 0)
            text += "; the server pushed nothing";
        else if (saved > 0)
            text += "; push saved " + roundTrips(saved, report.network.rttMs);
        else
            text += "; push did not help (" + millis(-saved) + " slower than plain HTTP/2)";
        if (push->pushedWastedBytes > 0)
            text += std::string(saved > 0 ? " but" : " and") + " sent " + kibibytes(push->pushedWastedBytes)
                    + " the page never used";
    }
    if (h2 && hints) {
        const std::int64_t saved = h2->pageComplete.median - hints->pageComplete.median;
        if (hints->earlyHints == 0)
            text += "; the server sent no early hints";
        else if (saved > 0)
            text += "; early hints saved " + roundTrips(saved, report.network.rttMs);
        else
            text += "; early hints did not help here";
    }
    return text + ".";
}

} // namespace h2scope::lab
