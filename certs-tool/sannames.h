#pragma once
// The names a leaf certificate is for, as a client will check them: DNS names
// (lower case, internationalised labels in punycode) and IP addresses
// (iPAddress entries, never DNS entries). Pure functions, safe on any thread.

#include "result.h"

#include <string>
#include <vector>

namespace h2scope::certs {

struct SanNames {
    std::vector<std::string> dns; // "localhost", "*.dev.example", "xn--bcher-kva.test"
    std::vector<std::string> ips; // canonical text: "127.0.0.1", "::1"

    // DNS names then IPs, in the order given, for messages and verification.
    std::vector<std::string> all() const;
    // True when both hold the same names, whatever the order.
    bool sameSetAs(const SanNames &other) const;
};

// Turns names typed by a user (host names, IDN host names in UTF-8, IPv4 and
// IPv6 literals, "[::1]") into SanNames, dropping duplicates. Fails with
// Errc::InvalidArgument and a message naming the offending entry for what
// clients reject: empty names, URLs or ports, IPv6 zone ids, underscores and
// other characters outside letters/digits/hyphen, labels over 63 bytes, names
// over 253, a numeric last label that is not a valid IP, and wildcards other
// than one whole leftmost label over at least two more labels ("*.example.com"
// yes; "*.com", "*.*.example.com", "f*o.example.com", "a.*.example.com" no).
// Internationalised names get the ASCII form browsers compute (UTS #46
// non-transitional processing after NFC, by libidn2: case folded, mapped,
// checked, then punycode), and names it rejects are refused with its reason.
Result<SanNames> parseSanNames(const std::vector<std::string> &names);

// One DNS label (UTF-8) as the ASCII form a certificate holds: itself when
// ASCII, else its UTS #46 ASCII form ("xn--..."). Fails on what UTS #46
// rejects, invalid UTF-8 included.
Result<std::string> toAsciiLabel(const std::string &label);

// The machine's host name, lower case, or "" when it is unusable as a DNS name.
std::string machineHostName();

// What a leaf is for by default: localhost, 127.0.0.1, ::1 and the machine's
// host name (when it has a usable one).
std::vector<std::string> defaultLeafNames();

} // namespace h2scope::certs
