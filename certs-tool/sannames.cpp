#include "sannames.h"

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <set>

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

// UTF-8 -> code points; nullopt on malformed input.
std::optional<std::vector<std::uint32_t>> decodeUtf8(const std::string &s)
{
    std::vector<std::uint32_t> out;
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        int extra = 0;
        std::uint32_t cp = 0;
        if (c < 0x80) {
            cp = c;
        } else if ((c & 0xe0) == 0xc0) {
            cp = c & 0x1f;
            extra = 1;
        } else if ((c & 0xf0) == 0xe0) {
            cp = c & 0x0f;
            extra = 2;
        } else if ((c & 0xf8) == 0xf0) {
            cp = c & 0x07;
            extra = 3;
        } else {
            return std::nullopt;
        }
        if (i + static_cast<std::size_t>(extra) >= s.size() && extra > 0)
            return std::nullopt; // truncated sequence
        for (int k = 1; k <= extra; ++k) {
            const auto cc = static_cast<unsigned char>(s[i + static_cast<std::size_t>(k)]);
            if ((cc & 0xc0) != 0x80)
                return std::nullopt;
            cp = (cp << 6) | (cc & 0x3f);
        }
        static const std::uint32_t minimum[] = {0, 0x80, 0x800, 0x10000};
        if (cp < minimum[extra] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return std::nullopt; // overlong, out of range or a surrogate
        out.push_back(cp);
        i += static_cast<std::size_t>(extra) + 1;
    }
    return out;
}

// RFC 3492 section 6.1.
std::uint32_t adaptBias(std::uint32_t delta, std::uint32_t points, bool first)
{
    constexpr std::uint32_t base = 36, tmin = 1, tmax = 26, skew = 38, damp = 700;
    delta = first ? delta / damp : delta / 2;
    delta += delta / points;
    std::uint32_t k = 0;
    while (delta > ((base - tmin) * tmax) / 2) {
        delta /= base - tmin;
        k += base;
    }
    return k + (base - tmin + 1) * delta / (delta + skew);
}

char punyDigit(std::uint32_t d)
{
    return static_cast<char>(d < 26 ? 'a' + d : '0' + (d - 26));
}

std::string punycode(const std::vector<std::uint32_t> &cps)
{
    constexpr std::uint32_t base = 36, tmin = 1, tmax = 26;
    std::string out;
    for (std::uint32_t c : cps)
        if (c < 0x80)
            out += static_cast<char>(c);
    const auto basic = static_cast<std::uint32_t>(out.size());
    if (basic > 0)
        out += '-';
    std::uint32_t n = 0x80, delta = 0, bias = 72, handled = basic;
    while (handled < cps.size()) {
        std::uint32_t m = UINT32_MAX;
        for (std::uint32_t c : cps)
            if (c >= n && c < m)
                m = c;
        delta += (m - n) * (handled + 1);
        n = m;
        for (std::uint32_t c : cps) {
            if (c < n)
                ++delta;
            if (c != n)
                continue;
            std::uint32_t q = delta;
            for (std::uint32_t k = base;; k += base) {
                const std::uint32_t t = k <= bias ? tmin : (k >= bias + tmax ? tmax : k - bias);
                if (q < t)
                    break;
                out += punyDigit(t + (q - t) % (base - t));
                q = (q - t) / (base - t);
            }
            out += punyDigit(q);
            bias = adaptBias(delta, handled + 1, handled == basic);
            delta = 0;
            ++handled;
        }
        ++delta;
        ++n;
    }
    return out;
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
            const bool ascii = std::all_of(label.begin(), label.end(),
                                           [](char c) { return static_cast<unsigned char>(c) < 0x80; });
            if (ascii) {
                std::transform(label.begin(), label.end(), label.begin(), [](char c) {
                    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
                });
            } else {
                auto converted = toAsciiLabel(label);
                if (!converted)
                    return bad(original, converted.error().message);
                label = *converted;
            }
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
    auto cps = decodeUtf8(label);
    if (!cps)
        return makeError(Errc::InvalidArgument, "it is not valid UTF-8");
    if (std::all_of(cps->begin(), cps->end(), [](std::uint32_t c) { return c < 0x80; }))
        return label;
    // Capitals of the common alphabets are lower-cased (what a browser's IDNA mapping does for them);
    // no other mapping (NFC, compatibility forms) is applied.
    for (std::uint32_t &c : *cps) {
        if ((c >= 'A' && c <= 'Z') || (c >= 0xc0 && c <= 0xde && c != 0xd7) || (c >= 0x391 && c <= 0x3a9 && c != 0x3a2)
            || (c >= 0x410 && c <= 0x42f))
            c += 0x20;
        else if (c >= 0x400 && c <= 0x40f)
            c += 0x50;
    }
    return "xn--" + punycode(*cps);
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
    if (!parsed || parsed->dns.size() != 1 || parsed->dns.front() == "localhost"
        || parsed->dns.front().front() == '*')
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
