#pragma once
// A throwaway self-signed certificate for local serving, used until the
// managed local CA is in place (and by tests that need some certificate).

#include "result.h"

#include <string>
#include <vector>

namespace h2scope::certs {

struct PemPair {
    std::string certPem;
    std::string keyPem;
};

// Makes an ECDSA P-256 key and a self-signed certificate valid for one day
// (backdated an hour) for localhost, 127.0.0.1 and ::1 plus `extraNames`
// (DNS names or IP literals). Fails with Errc::Tls carrying OpenSSL's reason.
Result<PemPair> makeSelfSigned(const std::vector<std::string> &extraNames = {});

} // namespace h2scope::certs
