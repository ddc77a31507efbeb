#pragma once
// The lab report as JSON (what `h2scope lab --json` writes and the lab view
// exports) and as a plain-text table (what `h2scope lab` prints).
//
// JSON, version 1. Times are milliseconds with three decimals since the
// load started, null when it never happened; sizes are bytes.
// {
//   "tool": "h2scope lab", "version": 1,
//   "page": "/",                      the page's URL path
//   "network": {"name": "4g", "rttMs": 60, "bandwidthKbit": 12000, "loss": 0},
//   "runs": 3,                        loads per mode
//   "verdict": "HTTP/2 + early hints finished ...",
//   "modes": [{
//     "mode": "http1" | "h2" | "h2-push" | "h2-hints",
//     "label": "HTTP/1.1", ...
//     "ttfbMs": {"median": .., "min": .., "max": ..},          the HTML's first response byte
//     "pageCompleteMs": {"median": .., "min": .., "max": ..},  every needed resource complete
//     "connections", "tlsHandshakes", "requests", "earlyHints",
//     "pushedStreams", "pushedUsed", "pushedWasted", "pushedWastedBytes",
//     "bytesUp", "bytesDown", "bytesOnWire",                   medians over the runs (TLS bytes)
//     "assets": ["/css/site.css", ...],                        what the page needed, sorted
//     "medianRun": 0,                                          index into "runs"
//     "runs": [{
//       "ttfbMs", "pageCompleteMs", "connections", "tlsHandshakes", "requests",
//       "earlyHints", "pushedStreams", "pushedUsed", "pushedWasted",
//       "pushedWastedBytes", "bytesUp", "bytesDown",          this run's values
//       "resources": [{"path", "as", "initiator" (navigation|html|css|early-hints|push),
//                      "connection", "stream", "pushed", "needed", "status",
//                      "discoveredMs", "requestMs", "responseMs", "completeMs",
//                      "bodyBytes", "complete"}],
//       "connectionList": [{"id", "startMs", "connectedMs", "tlsMs", "alpn",
//                           "bytesSent", "bytesReceived", "requests"}]
//     }]
//   }]
// }

#include "lab/labreport.h"

#include <string>

namespace h2scope::lab {

// Pretty enough to diff: one line per mode/run/resource object. Any thread.
std::string labReportJson(const LabReport &report);

// A fixed-width table, one row per mode, then the verdict. Any thread.
std::string labReportTable(const LabReport &report);

} // namespace h2scope::lab
