#pragma once
// Exports for other tools: a PEM bundle and PKCS#12. Any thread; no exceptions.

#include "localca.h"
#include "result.h"

#include <string>

namespace h2scope::certs {

enum class P12Profile {
    Modern, // AES-256-CBC with PBKDF2, SHA-256 MAC (OpenSSL 3, current browsers and OSes)
    Legacy, // 3DES with SHA-1 PBE and a SHA-1 MAC, for old importers (older Windows, Java 8, macOS < 12)
};

// `leaf` null: the CA certificate alone (a trust anchor, no key).
// Otherwise: the leaf certificate, the CA certificate, then the leaf key.
// Errc::Tls when the leaf PEM is unusable.
Result<std::string> pemBundle(const LocalCa &ca, const PemPair *leaf);

// A PKCS#12 file (DER). `leaf` null: the CA certificate alone, as a trusted
// certificate bag; otherwise the leaf key and certificate with the CA in the
// chain, under `friendlyName`. Errc::Tls when OpenSSL fails.
Result<std::string> pkcs12(const LocalCa &ca, const PemPair *leaf, const std::string &password, P12Profile profile,
                           const std::string &friendlyName = "h2scope");

// Writes an export atomically with mode 0600 (it may hold a key).
Result<void> writeExport(const std::string &path, const std::string &data);

} // namespace h2scope::certs
