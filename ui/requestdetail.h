#pragma once
// One request as the Requests view's details show it: the request and its
// response with all their fields, the 1xx responses (103 Early Hints) it got,
// a timing breakdown, its push relations and the frames that carried it. Made
// on demand from the connection's dissection (CaptureStore::index and
// event), never kept by the store.
//
// And the same request as a command to run again: curl, fetch() and nghttp.

#include "inspect/capturestore.h"

#include <QString>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace h2scope::ui {

using Fields = std::vector<std::pair<std::string, std::string>>;

struct RequestDetail {
    bool found = false;
    std::uint64_t connectionId = 0;
    std::int32_t streamId = 0; // HTTP/1.x: the exchange's sequence number
    bool http1 = false;
    std::string httpVersion; // "HTTP/2", "HTTP/1.1", "HTTP/1.0"
    std::string method, scheme, authority, path;
    Fields requestHeaders; // no pseudo-headers
    int status = 0;
    Fields responseHeaders;            // no pseudo-headers
    std::vector<Fields> informational; // 1xx responses in order (103 Early Hints: their link fields)
    std::uint64_t bodyBytes = 0;
    std::uint64_t decodedBytes = 0; // sent content-encoded: the body's size decoded (0: as sent)
    std::string client;             // the connection's user-agent

    // Timing (steady-clock ns; 0 = not seen).
    std::uint64_t requestNs = 0;  // request HEADERS (or the PUSH_PROMISE) / request line
    std::uint64_t hintsNs = 0;    // first 1xx sent
    std::uint64_t responseNs = 0; // response HEADERS sent
    std::uint64_t firstDataNs = 0, lastDataNs = 0;
    std::uint64_t endNs = 0; // the stream's last frame / the exchange's end
    std::uint32_t dataFrames = 0;
    // DATA frames after which a send window was empty: the response waited
    // for the client's WINDOW_UPDATE.
    std::uint32_t windowStalls = 0;

    bool reset = false;
    std::uint32_t resetCode = 0;
    bool pushed = false;
    std::int32_t parentId = 0;
    std::int32_t hintedBy = 0; // a 103 on that stream listed this request's path first
    std::string pushOutcome, pushDetail;
    struct Promise {
        std::int32_t streamId = 0;
        std::string path, outcome;
    };
    std::vector<Promise> promises; // what this request's response pushed
    struct Hint {
        std::string path;        // a target its 103 listed
        std::int32_t usedBy = 0; // the stream that then asked for it (0: not asked for on this connection)
    };
    std::vector<Hint> hints;
    std::vector<std::size_t> frames; // logical event indices of its frames
};

RequestDetail describeRequest(const inspect::CaptureStore &store, std::uint64_t connectionId, std::int32_t streamId);

// Rich text for the details pane; `baseNs` is where the Start times count
// from. `sideBySide`: request and response headers in two columns (for a
// pane wide enough), else one under the other.
QString requestDetailHtml(const RequestDetail &detail, std::uint64_t baseNs, bool sideBySide = false);

// "https://localhost:8443/css/site.css"
std::string requestUrl(const RequestDetail &detail);
// Each a command that asks the same again: the method, the URL and the
// request's own fields (those the tool sets itself left out). Shell-quoted
// for a POSIX shell; fetch() as JavaScript.
std::string curlCommand(const RequestDetail &detail);
std::string fetchCall(const RequestDetail &detail);
std::string nghttpCommand(const RequestDetail &detail);
// "name: value" lines.
std::string fieldsText(const Fields &fields);

} // namespace h2scope::ui
