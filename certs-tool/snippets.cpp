#include "snippets.h"

namespace h2scope::certs {

std::string shellQuote(const std::string &s)
{
    const bool plain = !s.empty()
                       && s.find_first_not_of("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                              "0123456789_-./:=@%+,")
                              == std::string::npos;
    if (plain)
        return s;
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

std::vector<Snippet> trustSnippets(const std::string &caCertPath, const std::string &javaTrustStorePath,
                                   const std::string &systemBundlePath, const std::string &bundlePath)
{
    const std::string ca = shellQuote(caCertPath);
    const std::string jks = shellQuote(javaTrustStorePath);
    const std::string bundle = shellQuote(bundlePath);
    // SSL_CERT_FILE and REQUESTS_CA_BUNDLE replace the CAs a tool trusts:
    // pointed at the CA alone, every public HTTPS site would fail.
    const std::string makeBundle = systemBundlePath.empty()
                                       ? std::string()
                                       : "cat " + shellQuote(systemBundlePath) + " " + ca + " > " + bundle + " && ";
    const std::string noBundle = "# no system CA bundle found: add " + ca + " to the bundle the tool reads";
    return {
        {"Node.js", "export NODE_EXTRA_CA_CERTS=" + ca},
        {"OpenSSL-based tools (Ruby, PHP, git, wget), the system CAs kept",
         systemBundlePath.empty() ? noBundle : makeBundle + "export SSL_CERT_FILE=" + bundle},
        {"Python requests, the system CAs kept",
         systemBundlePath.empty() ? noBundle : makeBundle + "export REQUESTS_CA_BUNDLE=" + bundle},
        {"curl", "curl --cacert " + ca + " https://localhost:8443/"},
        {"Java (make the trust store once)", "keytool -importcert -noprompt -alias h2scope-ca -file " + ca
                                                 + " -keystore " + jks + " -storetype PKCS12 -storepass changeit"},
        {"Java", "java -Djavax.net.ssl.trustStore=" + jks + " -Djavax.net.ssl.trustStorePassword=changeit ..."},
    };
}

} // namespace h2scope::certs
