// libFuzzer: a whole cleartext server connection (protocol sniffing, HTTP/2
// prior knowledge or HTTP/1.1, the static site behind it) fed random bytes
// through the sans-I/O interface, with output drained between pieces.
//
// First input byte: bit 0 publishes events (the wire tap path), bit 1
// prepends the HTTP/2 preface and an empty SETTINGS frame so that the
// fuzzer starts inside HTTP/2, bits 2..7 pick the piece size. Time is the
// test's own: the site's clock stands still, the connection's moves a
// millisecond a piece, so that what depends on time (the rapid-reset
// limiter, record sizes, timestamps) does the same on every run of an input.
#include "inspect/event.h"
#include "net/connection.h"
#include "site/staticsite.h"

#include "inspect/capturelog.h"
#include "inspect/dissector.h"
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <ctime>

#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <vector>

namespace {

// The site's clock: still, with the folder's files long settled (a minute
// old when the site is made), so that they are snapshotted as on a real
// server.
h2scope::ManualClock &siteClock()
{
    static h2scope::ManualClock clock = [] {
        h2scope::ManualClock c;
        c.setUnixSeconds(static_cast<std::int64_t>(std::time(nullptr)) + 60);
        return c;
    }();
    return clock;
}

h2scope::site::StaticSite &site()
{
    static std::unique_ptr<h2scope::site::StaticSite> s = [] {
        namespace fs = std::filesystem;
        char tmpl[] = "/tmp/h2scope-fuzz-conn-XXXXXX";
        const char *base = ::mkdtemp(tmpl);
        const fs::path root = base ? fs::path(base) : fs::path("/tmp/h2scope-fuzz-conn");
        fs::create_directories(root / "css");
        std::ofstream(root / "index.html") << "<!doctype html><link rel=stylesheet href=/css/a.css><p>hi";
        std::ofstream(root / "css" / "a.css") << "p{color:red}";
        std::ofstream(root / "big.bin") << std::string(100000, 'b');
        std::ofstream(root / "_headers") << "/*\n  X-Test: 1\n";
        h2scope::site::SiteOptions options;
        options.root = root.string();
        options.listing = true;
        options.clock = &siteClock();
        auto created = h2scope::site::StaticSite::create(options);
        if (!created)
            std::abort();
        return std::move(*created);
    }();
    return *s;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    if (size < 1)
        return 0;
    const std::uint8_t control = data[0];
    ++data;
    --size;
    // With capture on, the log the input made is dissected too: the
    // dissector reads whatever a hostile peer can make the server record.
    h2scope::inspect::CaptureHub hub(1);
    std::vector<h2scope::inspect::LogAnnouncement> logs;
    h2scope::net::ConnectionConfig config;
    config.id = 1;
    config.peer = "127.0.0.1:1";
    config.local = "127.0.0.1:2";
    config.h2.initialWindowSize = 65535;
    h2scope::ManualClock clock;
    config.h2.clock = &clock;
    auto connection =
        std::make_unique<h2scope::net::Connection>(config, site(), (control & 1) ? &hub.sink(0) : nullptr);
    h2scope::net::Connection &conn = *connection;
    std::string out;
    const std::size_t piece = ((control >> 2) & 0x3f) * 16u + 1u;
    if (control & 2) {
        static const char kPreface[] = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n\x00\x00\x00\x04\x00\x00\x00\x00\x00";
        conn.receive(reinterpret_cast<const std::uint8_t *>(kPreface), sizeof(kPreface) - 1);
    }
    std::size_t offset = 0;
    while (offset < size && !conn.closed()) {
        const std::size_t n = size - offset < piece ? size - offset : piece;
        clock.advance(std::chrono::milliseconds(1));
        if (conn.wantsInput()) {
            conn.receive(data + offset, n);
            offset += n;
        }
        out.clear();
        // A bounded drain: what a socket would take in one go.
        conn.produce(out, 64u << 10);
        if (conn.wantsClose())
            break;
        if (!conn.wantsInput() && out.empty())
            break; // paused with nothing to say: a real peer would time out
    }
    conn.peerClosed();
    for (int i = 0; i < 64 && !conn.closed(); ++i) {
        out.clear();
        if (conn.produce(out, 64u << 10) == 0)
            break;
    }
    conn.close("fuzz input ended");
    connection.reset();
    hub.collect(logs);
    std::vector<std::shared_ptr<h2scope::inspect::LogChunk>> chunks;
    for (auto &a : logs)
        chunks.push_back(std::move(a.chunk));
    const std::vector<h2scope::inspect::Event> events = h2scope::inspect::dissectAll(1, chunks);
    if ((control & 1) && events.empty())
        std::abort(); // a captured connection records at least its close
    return 0;
}
