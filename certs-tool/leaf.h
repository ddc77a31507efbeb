#pragma once
// Leaf certificates on disk: kept valid and matching the names wanted, and
// checked the way a TLS client checks them. Any thread; no exceptions.

#include "localca.h"
#include "result.h"
#include "sannames.h"

#include <string>
#include <vector>

namespace h2scope::certs {

inline constexpr long long kRenewWithinSeconds = 30LL * 24 * 3600;

struct LeafDecision {
    bool reissue = false;
    std::string reason; // why it must be reissued ("" when it is fine)
};

// Whether the leaf in `certPem`/`keyPem` must be reissued for `wanted` at
// time `now` (seconds since the epoch): unreadable, key not matching, not
// issued by `ca`, fewer than `renewWithin` seconds left, or other names.
LeafDecision checkLeaf(const LocalCa &ca, const std::string &certPem, const std::string &keyPem, const SanNames &wanted,
                       long long now, long long renewWithin = kRenewWithinSeconds);

struct LeafFiles {
    std::string certPath;
    std::string keyPath;
    PemPair pem;
    bool issued = false; // a new leaf was written
    std::string reason;  // why (first issue, expiry, names changed, ...)
};

// Keeps the leaf at certPath/keyPath valid for `wanted`: reads it, and issues
// and writes a new one (key 0600, certificate 0644, both atomic) when
// checkLeaf() says so. Errc::Io / PermissionDenied when the files cannot be
// written, Errc::Tls when issuing fails.
Result<LeafFiles> ensureLeafFiles(const LocalCa &ca, const std::string &certPath, const std::string &keyPath,
                                  const SanNames &wanted, KeyAlgorithm algorithm = KeyAlgorithm::EcdsaP256);

// The app's own leaf in the CA root.
std::string appLeafCertPath(const std::string &caroot);
std::string appLeafKeyPath(const std::string &caroot);

struct ManagedLeaf {
    std::string caroot;
    PemPair pem;
    bool caCreated = false;
    bool leafIssued = false;
    std::string reason;
};

// What h2scope serves with by default: creates the CA in `caroot` when there
// is none, then keeps the app's leaf valid for defaultLeafNames() plus
// `extraNames` (e.g. the --host address). Errors as LocalCa::loadOrCreate and
// ensureLeafFiles, or Errc::InvalidArgument for an extra name clients reject.
Result<ManagedLeaf> ensureManagedLeaf(const std::string &caroot, const std::vector<std::string> &extraNames = {});

// Checks `leafPem` against `caPem` with X509_verify_cert for the SSL-server
// purpose and each of `names` (host names via X509_VERIFY_PARAM_set1_host, IP
// literals via set1_ip_asc). Errc::Tls naming the first name that fails and
// OpenSSL's reason.
Result<void> verifyLeaf(const std::string &caPem, const std::string &leafPem, const std::vector<std::string> &names);

} // namespace h2scope::certs
