#include "sannames.h"

#include <algorithm>
#include <cstdlib>
#include <optional>
#include <set>

#include <idn2.h>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <unistd.h>
#endif

namespace h2scope::certs {
namespace {

Error bad(const std::string &name, const std::string &why)
{
    return makeError(Errc::InvalidArgument, "\"" + name + "\" cannot be in a certificate: " + why);
}

std::optional<std::string> canonicalIp(std::string s)
{
    if (s.size() > 2 && s.front() == '[' && s.back() == ']')
        s = s.substr(1, s.size() - 2);
    unsigned char buf[16];
    char text[64];
    if (inet_pton(AF_INET, s.c_str(), buf) == 1 && inet_ntop(AF_INET, buf, text, sizeof text))
        return std::string(text);
    if (inet_pton(AF_INET6, s.c_str(), buf) == 1 && inet_ntop(AF_INET6, buf, text, sizeof text))
        return std::string(text);
    return std::nullopt;
}

// A name with non-ASCII characters in its ASCII form, as browsers compute it:
// UTS #46 non-transitional processing (libidn2), with NFC first. A leading
// "*." is kept out of it.
Result<std::string> idnaToAscii(const std::string &name)
{
    const bool wildcard = name.rfind("*.", 0) == 0;
    const std::string rest = wildcard ? name.substr(2) : name;
    char *out = nullptr;
    const int rc = idn2_to_ascii_8z(rest.c_str(), &out, IDN2_NONTRANSITIONAL | IDN2_NFC_INPUT);
    if (rc != IDN2_OK) {
        idn2_free(out);
        if (rc == IDN2_ENCODING_ERROR)
            return makeError(Errc::InvalidArgument, "it is not valid UTF-8");
        return makeError(Errc::InvalidArgument,
                         std::string("it is not a valid internationalised host name (") + idn2_strerror(rc) + ")");
    }
    std::string ascii = out;
    idn2_free(out);
    return wildcard ? "*." + ascii : ascii;
}

bool isAscii(const std::string &s)
{
    return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

std::vector<std::string> splitLabels(const std::string &s)
{
    std::vector<std::string> labels;
    std::size_t start = 0;
    for (;;) {
        const std::size_t dot = s.find('.', start);
        labels.push_back(s.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos)
            return labels;
        start = dot + 1;
    }
}

Result<std::string> parseDnsName(const std::string &original)
{
    std::string s = original;
    if (s.find("://") != std::string::npos || s.find('/') != std::string::npos)
        return bad(original, "it looks like a URL; give only the host name (e.g. example.test)");
    if (s.find('%') != std::string::npos)
        return bad(original, "'%' is not allowed (IPv6 zone ids cannot be in a certificate)");
    if (s.find(':') != std::string::npos)
        return bad(original, "it is not a valid IP address, and a host name cannot carry a port");
    if (!s.empty() && s.back() == '.')
        s.pop_back(); // the root label: "example.test." is "example.test"
    if (s.empty())
        return bad(original, "the name is empty");
    if (!isAscii(s)) {
        // The whole name at once: UTS #46 maps dots of other scripts (。．)
        // too, and checks what it may check only across labels (bidi).
        auto ascii = idnaToAscii(s);
        if (!ascii)
            return bad(original, ascii.error().message);
        s = *ascii;
    }

    std::vector<std::string> labels = splitLabels(s);
    const bool wildcard = labels.front() == "*";
    for (std::size_t i = 0; i < labels.size(); ++i) {
        const std::string &l = labels[i];
        if (l.find('*') == std::string::npos)
            continue;
        if (i > 0 && l == "*")
            return bad(original, "a wildcard covers one label deep only, as the leftmost label (e.g. *.example.test)");
        if (l != "*")
            return bad(original, "partial-label wildcards such as \"" + l + "\" are rejected by clients; use *.domain");
    }
    if (wildcard && labels.size() < 3)
        return bad(original, "a wildcard needs at least two labels after it (*.example.test, not *.test)");

    std::string out;
    for (std::size_t i = 0; i < labels.size(); ++i) {
        std::string label = labels[i];
        if (label.empty())
            return bad(original, "it has an empty label (two dots in a row, or a leading dot)");
        if (!(wildcard && i == 0)) {
            std::transform(label.begin(), label.end(), label.begin(),
                           [](char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; });
            for (char c : label) {
                const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
                if (c == '_')
                    return bad(original, "underscores are not allowed in host names, and clients reject them here");
                if (!ok)
                    return bad(original, std::string("the character '") + c + "' is not allowed in a host name");
            }
            if (label.size() > 63)
                return bad(original, "the label \"" + label + "\" is longer than 63 bytes");
            if (label.front() == '-' || label.back() == '-')
                return bad(original, "a label cannot begin or end with a hyphen");
        }
        if (i)
            out += '.';
        out += label;
    }
    if (out.size() > 253)
        return bad(original, "it is longer than 253 bytes");
    const std::string &last = labels.back();
    if (std::all_of(last.begin(), last.end(), [](char c) { return c >= '0' && c <= '9'; }))
        return bad(original, "it looks like an IP address but is not a valid one");
    return out;
}

} // namespace

std::vector<std::string> SanNames::all() const
{
    std::vector<std::string> out = dns;
    out.insert(out.end(), ips.begin(), ips.end());
    return out;
}

bool SanNames::sameSetAs(const SanNames &other) const
{
    const auto asSet = [](const SanNames &n) {
        std::set<std::string> s(n.dns.begin(), n.dns.end());
        for (const std::string &ip : n.ips)
            s.insert("IP:" + ip);
        return s;
    };
    return asSet(*this) == asSet(other);
}

Result<std::string> toAsciiLabel(const std::string &label)
{
    if (isAscii(label))
        return label;
    if (label.find('.') != std::string::npos)
        return makeError(Errc::InvalidArgument, "a label cannot hold a dot");
    return idnaToAscii(label);
}

Result<SanNames> parseSanNames(const std::vector<std::string> &names)
{
    SanNames out;
    for (const std::string &name : names) {
        if (auto ip = canonicalIp(name)) {
            if (std::find(out.ips.begin(), out.ips.end(), *ip) == out.ips.end())
                out.ips.push_back(*ip);
            continue;
        }
        auto dns = parseDnsName(name);
        if (!dns)
            return dns.error();
        if (std::find(out.dns.begin(), out.dns.end(), *dns) == out.dns.end())
            out.dns.push_back(*dns);
    }
    if (out.dns.empty() && out.ips.empty())
        return makeError(Errc::InvalidArgument, "a certificate needs at least one host name or IP address");
    return out;
}

std::string machineHostName()
{
    std::string name;
#ifdef _WIN32
    if (const char *c = std::getenv("COMPUTERNAME"))
        name = c;
#else
    char buf[256] = {};
    if (gethostname(buf, sizeof buf - 1) == 0)
        name = buf;
#endif
    auto parsed = parseSanNames({name});
    if (!parsed || parsed->dns.size() != 1 || parsed->dns.front() == "localhost" || parsed->dns.front().front() == '*')
        return {};
    return parsed->dns.front();
}

std::vector<std::string> defaultLeafNames()
{
    std::vector<std::string> names = {"localhost", "127.0.0.1", "::1"};
    if (std::string host = machineHostName(); !host.empty())
        names.push_back(host);
    return names;
}

} // namespace h2scope::certs
