#pragma once
// Copyable lines that make tools with their own trust stores trust the CA.
// Pure functions, any thread.

#include <string>
#include <vector>

namespace h2scope::certs {

struct Snippet {
    std::string tool; // "Node.js", "curl", ...
    std::string text; // one shell line (POSIX sh syntax; Windows users adapt `export`)
};

// For the CA certificate at `caCertPath`: NODE_EXTRA_CA_CERTS (which adds to
// Node's own CAs), curl --cacert for one request, Java's
// -Djavax.net.ssl.trustStore (with the keytool line that makes the trust
// store, at `javaTrustStorePath`), and for OpenSSL-based tools and Python
// requests, whose SSL_CERT_FILE and REQUESTS_CA_BUNDLE replace every CA
// they trust: a bundle at `bundlePath` made of `systemBundlePath` (the
// machine's CAs, see certs::systemBundlePath()) and the CA, so that public
// sites keep working. With no system bundle known, those two lines say so
// instead of pointing the tools at the CA alone.
std::vector<Snippet> trustSnippets(const std::string &caCertPath, const std::string &javaTrustStorePath,
                                   const std::string &systemBundlePath, const std::string &bundlePath);

// A shell word: `s` in single quotes when it needs quoting.
std::string shellQuote(const std::string &s);

} // namespace h2scope::certs
