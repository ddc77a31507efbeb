#include "statusprinter.h"

#include <cstdio>
#include <ctime>

namespace h2scope::certs {
namespace {

std::string jsonString(const std::string &s)
{
    std::string out = "\"";
    for (char c : s) {
        const auto u = static_cast<unsigned char>(c);
        if (c == '"' || c == '\\') {
            out += '\\';
            out += c;
        } else if (c == '\n') {
            out += "\\n";
        } else if (u < 0x20) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\u%04x", u);
            out += buf;
        } else {
            out += c;
        }
    }
    return out + "\"";
}

std::string certJson(const CertSummary &c, long long now)
{
    std::string names = "[";
    for (std::size_t i = 0; i < c.names.size(); ++i) {
        if (i)
            names += ',';
        names += jsonString(c.names[i]);
    }
    names += "]";
    return "{\"subject\":" + jsonString(c.subject) + ",\"issuer\":" + jsonString(c.issuer) + ",\"notBefore\":"
           + jsonString(formatUtc(c.notBefore)) + ",\"notAfter\":" + jsonString(formatUtc(c.notAfter))
           + ",\"daysLeft\":" + std::to_string((c.notAfter - now) / 86400) + ",\"sha256\":" + jsonString(c.sha256)
           + ",\"serial\":" + jsonString(c.serialHex) + ",\"key\":" + jsonString(c.keyAlgorithm) + ",\"names\":" + names
           + "}";
}

std::string expiryLine(const CertSummary &c, long long now)
{
    const long long days = (c.notAfter - now) / 86400;
    return formatUtc(c.notAfter) + (c.notAfter <= now ? " (expired)" : " (" + std::to_string(days) + " days left)");
}

} // namespace

std::string formatUtc(long long epoch)
{
    const auto t = static_cast<std::time_t>(epoch);
    std::tm tm{};
#ifdef _WIN32
    gmtime_s(&tm, &t);
#else
    gmtime_r(&t, &tm);
#endif
    char buf[64];
    std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

std::string statusText(const StatusData &s)
{
    std::string out;
    out += "CA root:      " + s.caroot + "\n";
    out += "CA:           " + s.ca.commonName + " (" + s.ca.keyAlgorithm + ")\n";
    out += "  file:       " + s.caCertPath + "\n";
    out += "  expires:    " + expiryLine(s.ca, s.now) + "\n";
    out += "  SHA-256:    " + s.ca.sha256 + "\n";
    if (s.leaf) {
        out += "Leaf:         " + s.leafPath + " (" + s.leaf->keyAlgorithm + ")\n";
        std::string names;
        for (const std::string &n : s.leaf->names)
            names += (names.empty() ? "" : ", ") + n;
        out += "  names:      " + names + "\n";
        out += "  expires:    " + expiryLine(*s.leaf, s.now) + "\n";
        out += "  SHA-256:    " + s.leaf->sha256 + "\n";
        out += "  check:      " + s.leafCheck + "\n";
    } else {
        out += "Leaf:         none yet (h2scope issues one when it starts)\n";
    }
    out += "Trust:\n";
    for (const StoreStatus &st : s.stores) {
        char line[64];
        std::snprintf(line, sizeof line, "  %-9s %-13s", storeKindName(st.kind), trustStateName(st.state));
        out += line;
        if (!st.location.empty())
            out += st.location + ": ";
        out += st.detail + "\n";
    }
    out += "Tools with their own trust settings:\n";
    for (const Snippet &sn : s.snippets)
        out += "  # " + sn.tool + "\n  " + sn.text + "\n";
    return out;
}

std::string statusJson(const StatusData &s)
{
    std::string out = "{\"caroot\":" + jsonString(s.caroot) + ",\"caFile\":" + jsonString(s.caCertPath);
    out += ",\"ca\":" + certJson(s.ca, s.now);
    out += ",\"leaf\":" + (s.leaf ? certJson(*s.leaf, s.now) : std::string("null"));
    out += ",\"leafFile\":" + (s.leaf ? jsonString(s.leafPath) : std::string("null"));
    out += ",\"leafCheck\":" + (s.leaf ? jsonString(s.leafCheck) : std::string("null"));
    out += ",\"stores\":[";
    for (std::size_t i = 0; i < s.stores.size(); ++i) {
        const StoreStatus &st = s.stores[i];
        out += std::string(i ? "," : "") + "{\"store\":" + jsonString(storeKindName(st.kind))
               + ",\"location\":" + jsonString(st.location) + ",\"state\":" + jsonString(trustStateName(st.state))
               + ",\"detail\":" + jsonString(st.detail) + "}";
    }
    out += "],\"snippets\":[";
    for (std::size_t i = 0; i < s.snippets.size(); ++i)
        out += std::string(i ? "," : "") + "{\"tool\":" + jsonString(s.snippets[i].tool)
               + ",\"text\":" + jsonString(s.snippets[i].text) + "}";
    return out + "]}\n";
}

} // namespace h2scope::certs
