#pragma once
// The managed local CA and the leaf certificates it issues.
//
// CA: ECDSA P-256 (or RSA 3072), 10 years, basicConstraints critical
// CA:TRUE pathlen:0, keyUsage critical keyCertSign+cRLSign, subject and
// authority key identifiers, a subject unique to this CA (O names h2scope's
// development CA, CN names user@host plus a random suffix), a random positive
// 128-bit serial. Stored as ca.pem (0644) and ca-key.pem (0600) in the CA root.
//
// Leaf: ECDSA P-256 (or RSA 2048), basicConstraints critical CA:FALSE,
// keyUsage critical digitalSignature (+keyEncipherment for RSA), EKU
// serverAuth, the requested subjectAltNames, valid 397 days from one hour ago.
//
// A LocalCa is an immutable value (shared OpenSSL handles): copy it freely and
// use it from any thread. No function throws.

#include "result.h"
#include "sannames.h"
#include "selfsigned.h"

#include <memory>
#include <string>
#include <vector>

typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace h2scope::certs {

enum class KeyAlgorithm {
    EcdsaP256,
    Rsa, // 3072 bits for a CA, 2048 for a leaf
};

// What a person (or the status output) wants to know about a certificate.
struct CertSummary {
    std::string subject; // RFC 2253
    std::string issuer;
    std::string commonName;
    long long notBefore = 0; // seconds since the epoch (UTC)
    long long notAfter = 0;
    std::string sha256; // "ab:cd:..." lower-case hex of the DER
    std::string serialHex;
    std::vector<std::string> names; // subjectAltName entries (DNS names, then IPs)
    std::string keyAlgorithm;       // "ECDSA P-256", "RSA 2048", ...
};

// Reads the summary out of a PEM certificate. Errc::Tls when it is not one.
Result<CertSummary> summarizeCertPem(const std::string &pem);

// The subjectAltNames of a PEM certificate. Errc::Tls when it is not one.
Result<SanNames> certSanNames(const std::string &pem);

struct LeafRequest {
    SanNames names;
    KeyAlgorithm algorithm = KeyAlgorithm::EcdsaP256;
    long long validSeconds = 397LL * 24 * 3600; // counted from notBefore
    long long backdateSeconds = 3600;
};

class LocalCa {
public:
    static constexpr const char *kCertFile = "ca.pem";
    static constexpr const char *kKeyFile = "ca-key.pem";

    static std::string certPath(const std::string &caroot);
    static std::string keyPath(const std::string &caroot);
    // True when ca.pem exists in `caroot` (the CA may still be unreadable).
    static bool existsIn(const std::string &caroot);

    // Loads ca.pem and ca-key.pem. Errc::NotFound when there is no CA yet,
    // Errc::Tls when the files are not a matching certificate and key.
    static Result<LocalCa> load(const std::string &caroot);
    // Creates a new CA in `caroot` (made 0700 if created). Errc::Refused when
    // a ca.pem or ca-key.pem is already there: a CA is never overwritten.
    static Result<LocalCa> create(const std::string &caroot, KeyAlgorithm algorithm = KeyAlgorithm::EcdsaP256);
    // load(), or create() when there is no CA; `created` says which.
    static Result<LocalCa> loadOrCreate(const std::string &caroot, KeyAlgorithm algorithm, bool *created);

    const std::string &root() const { return m_root; }
    const std::string &certPem() const { return m_certPem; }
    CertSummary summary() const;
    // A name for trust stores that is unique to this CA (its CN).
    std::string nickname() const;
    // Hex SHA-1 of the DER, upper case without separators (what keychains and
    // the Windows store index certificates by).
    std::string sha1Hex() const;
    X509 *cert() const { return m_cert.get(); }

    // Issues a leaf for `request`. Errc::InvalidArgument when it has no names,
    // Errc::Tls when OpenSSL fails. The leaf never outlives the CA.
    Result<PemPair> issue(const LeafRequest &request) const;

    // True when `leafPem` was signed by this CA.
    bool hasIssued(const std::string &leafPem) const;

private:
    LocalCa() = default;
    std::string m_root;
    std::string m_certPem;
    std::shared_ptr<X509> m_cert;
    std::shared_ptr<EVP_PKEY> m_key;
};

} // namespace h2scope::certs
