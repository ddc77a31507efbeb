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

// For the CA certificate at `caCertPath`: NODE_EXTRA_CA_CERTS, SSL_CERT_FILE
// (OpenSSL-based tools), REQUESTS_CA_BUNDLE (Python requests), curl --cacert
// and Java's -Djavax.net.ssl.trustStore (with the keytool line that makes the
// trust store, at `javaTrustStorePath`).
std::vector<Snippet> trustSnippets(const std::string &caCertPath, const std::string &javaTrustStorePath);

// A shell word: `s` in single quotes when it needs quoting.
std::string shellQuote(const std::string &s);

} // namespace h2scope::certs
