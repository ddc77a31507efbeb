#include "snippets.h"

namespace h2scope::certs {

std::string shellQuote(const std::string &s)
{
    const bool plain = !s.empty() && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                         "0123456789_-./:=@%+,")
                                         == std::string::npos;
    if (plain)
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::vector<Snippet> trustSnippets(const std::string &caCertPath, const std::string &javaTrustStorePath)
{
    const std::string ca = shellQuote(caCertPath);
    const std::string jks = shellQuote(javaTrustStorePath);
    return {
        {"Node.js", "export NODE_EXTRA_CA_CERTS=" + ca},
        {"OpenSSL-based tools (Ruby, PHP, git, wget)", "export SSL_CERT_FILE=" + ca},
        {"Python requests", "export REQUESTS_CA_BUNDLE=" + ca},
        {"curl", "curl --cacert " + ca + " https://localhost:8443/"},
        {"Java (make the trust store once)",
         "keytool -importcert -noprompt -alias h2scope-ca -file " + ca + " -keystore " + jks
             + " -storetype PKCS12 -storepass changeit"},
        {"Java", "java -Djavax.net.ssl.trustStore=" + jks + " -Djavax.net.ssl.trustStorePassword=changeit ..."},
    };
}

} // namespace h2scope::certs
