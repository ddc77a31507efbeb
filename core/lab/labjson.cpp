#include "lab/labjson.h"

#include "inspect/jsonwriter.h"

#include <cstdio>

namespace h2scope::lab {

namespace {

using inspect::JsonWriter;

void time(JsonWriter &w, const char *key, std::int64_t us)
{
    w.key(key);
    if (us < 0)
        w.null();
    else
        w.millis(us);
}

void spread(JsonWriter &w, const char *key, const Spread &s)
{
    w.key(key).beginObject();
    time(w, "median", s.median);
    time(w, "min", s.min);
    time(w, "max", s.max);
    w.endObject();
}

void metrics(JsonWriter &w, const LoadMetrics &m)
{
    time(w, "ttfbMs", m.ttfbUs);
    time(w, "pageCompleteMs", m.pageCompleteUs);
    w.key("connections").unum(m.connections);
    w.key("tlsHandshakes").unum(m.tlsHandshakes);
    w.key("requests").unum(m.requests);
    w.key("earlyHints").unum(m.earlyHints);
    w.key("pushedStreams").unum(m.pushedStreams);
    w.key("pushedUsed").unum(m.pushedUsed);
    w.key("pushedWasted").unum(m.pushedWasted);
    w.key("pushedWastedBytes").unum(m.pushedWastedBytes);
    w.key("bytesUp").unum(m.bytesUp);
    w.key("bytesDown").unum(m.bytesDown);
}

void run(std::string &out, const LoadResult &r)
{
    JsonWriter w(out);
    w.beginObject();
    metrics(w, r.metrics);
    w.key("resources").beginArray();
    for (const ResourceTiming &t : r.resources) {
        out += "\n        ";
        w.beginObject();
        w.key("path").str(t.path);
        w.key("as").str(t.as);
        w.key("initiator").str(t.initiator);
        w.key("connection").unum(t.connection);
        w.key("stream").num(t.stream);
        w.key("pushed").boolean(t.pushed);
        w.key("needed").boolean(t.needed);
        w.key("status").num(t.status);
        time(w, "discoveredMs", t.discoveredUs);
        time(w, "requestMs", t.requestUs);
        time(w, "responseMs", t.responseUs);
        time(w, "completeMs", t.completeUs);
        w.key("bodyBytes").unum(t.bodyBytes);
        w.key("complete").boolean(t.complete);
        w.endObject();
    }
    w.endArray();
    w.key("connectionList").beginArray();
    for (const ConnectionTiming &c : r.connections) {
        out += "\n        ";
        w.beginObject();
        w.key("id").unum(c.id);
        time(w, "startMs", c.startUs);
        time(w, "connectedMs", c.connectedUs);
        time(w, "tlsMs", c.tlsUs);
        w.key("alpn").str(c.alpn);
        w.key("bytesSent").unum(c.bytesSent);
        w.key("bytesReceived").unum(c.bytesReceived);
        w.key("requests").unum(c.requests);
        w.endObject();
    }
    w.endArray();
    w.endObject();
}

std::string ms(std::int64_t us)
{
    return us < 0 ? std::string("-") : std::to_string((us + 500) / 1000);
}

} // namespace

std::string labReportJson(const LabReport &report)
{
    std::string out;
    JsonWriter w(out);
    w.beginObject();
    w.key("tool").str("h2scope lab");
    w.key("version").num(1);
    w.key("page").str(report.page);
    w.key("network").beginObject();
    w.key("name").str(report.network.name);
    w.key("rttMs").unum(report.network.rttMs);
    w.key("bandwidthKbit").unum(report.network.bandwidthKbit);
    char loss[32];
    std::snprintf(loss, sizeof loss, "%g", report.network.loss);
    w.key("loss").raw(loss);
    w.endObject();
    w.key("runs").unum(report.runs);
    w.key("verdict").str(report.verdict);
    w.key("modes").beginArray();
    for (const ModeSummary &s : report.modes) {
        out += "\n  ";
        w.beginObject();
        w.key("mode").str(loadModeName(s.mode));
        w.key("label").str(loadModeLabel(s.mode));
        spread(w, "ttfbMs", s.ttfb);
        spread(w, "pageCompleteMs", s.pageComplete);
        w.key("connections").unum(s.connections);
        w.key("tlsHandshakes").unum(s.tlsHandshakes);
        w.key("requests").unum(s.requests);
        w.key("earlyHints").unum(s.earlyHints);
        w.key("pushedStreams").unum(s.pushedStreams);
        w.key("pushedUsed").unum(s.pushedUsed);
        w.key("pushedWasted").unum(s.pushedWasted);
        w.key("pushedWastedBytes").unum(s.pushedWastedBytes);
        w.key("bytesUp").unum(s.bytesUp);
        w.key("bytesDown").unum(s.bytesDown);
        w.key("bytesOnWire").unum(s.bytesUp + s.bytesDown);
        w.key("assets").beginArray();
        for (const std::string &a : s.assets)
            w.str(a);
        w.endArray();
        w.key("medianRun").unum(s.medianRun);
        w.key("runs").beginArray();
        for (const LoadResult &r : s.runs) {
            out += "\n    ";
            std::string one;
            run(one, r);
            w.raw(one);
        }
        w.endArray();
        w.endObject();
    }
    w.endArray();
    w.endObject();
    out += "\n";
    return out;
}

std::string labReportTable(const LabReport &report)
{
    std::string out = "Page " + report.page + " on " + describeProfile(report.network) + ", "
                      + std::to_string(report.runs) + (report.runs == 1 ? " run" : " runs")
                      + " per mode (median, min-max in ms)\n\n";
    char line[256];
    std::snprintf(line, sizeof line, "%-22s %-18s %-18s %5s %4s %5s %6s %11s %10s\n", "mode", "TTFB", "page complete",
                  "conns", "TLS", "reqs", "pushed", "used/wasted", "wire bytes");
    out += line;
    for (const ModeSummary &s : report.modes) {
        const std::string ttfb = ms(s.ttfb.median) + " (" + ms(s.ttfb.min) + "-" + ms(s.ttfb.max) + ")";
        const std::string done =
            ms(s.pageComplete.median) + " (" + ms(s.pageComplete.min) + "-" + ms(s.pageComplete.max) + ")";
        const std::string pushed = std::to_string(s.pushedUsed) + "/" + std::to_string(s.pushedWasted);
        std::snprintf(line, sizeof line, "%-22s %-18s %-18s %5u %4u %5u %6u %11s %10llu\n", loadModeLabel(s.mode),
                      ttfb.c_str(), done.c_str(), s.connections, s.tlsHandshakes, s.requests, s.pushedStreams,
                      pushed.c_str(), static_cast<unsigned long long>(s.bytesUp + s.bytesDown));
        out += line;
    }
    if (!report.verdict.empty())
        out += "\n" + report.verdict + "\n";
    return out;
}

} // namespace h2scope::lab
