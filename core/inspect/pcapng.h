#pragma once
// pcapng export that Wireshark and tshark open without a key log: each
// HTTP/2 connection's plaintext as a synthesized TCP stream between the real
// peer addresses (handshake, the client's connection preface, then every
// frame in each direction in capture order, with the capture's timestamps).
// Frames keep their real headers and payloads; DATA payloads were never
// captured (bodies are not stored), so they carry zeros of their real length.
// HTTP/1.1 connections are left out: their bytes are not in the capture.
// IPv4 and IPv6 packets on a raw-IP interface (LINKTYPE_RAW). Wireshark
// finds HTTP/2 by port: on a port it does not tie to HTTP (8443), use Decode
// As (tshark -d tcp.port==8443,http2).

#include "inspect/capturestore.h"

#include <cstdint>
#include <string>

namespace h2scope::inspect {

struct PcapngSummary {
    std::uint64_t connections = 0; // HTTP/2 connections written
    std::uint64_t frames = 0;      // frames written, both directions
    std::uint64_t packets = 0;
};

// The whole file. Thread of the store.
std::string toPcapng(const CaptureStore &store, PcapngSummary *summary = nullptr);

} // namespace h2scope::inspect
