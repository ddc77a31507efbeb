#pragma once
// Internal to h2scope::certs: OpenSSL handles in unique_ptr, error text from
// OpenSSL's queue, PEM and DER conversions. Not part of the public API.
// Every function is safe to call from any thread (OpenSSL 3 is thread-safe for
// independent objects); none of them throws.

#include "chandle.h"
#include "result.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>
#include <string>

namespace h2scope::certs::internal {

using PkeyPtr = CHandle<EVP_PKEY, EVP_PKEY_free>;
using X509Ptr = CHandle<X509, X509_free>;
using BioPtr = CHandle<BIO, BIO_free>;
using BnPtr = CHandle<BIGNUM, BN_free>;
using ExtPtr = CHandle<X509_EXTENSION, X509_EXTENSION_free>;
using StorePtr = CHandle<X509_STORE, X509_STORE_free>;
using StoreCtxPtr = CHandle<X509_STORE_CTX, X509_STORE_CTX_free>;

// Errc::Tls with `what` and the oldest OpenSSL error; clears OpenSSL's queue.
Error opensslError(const std::string &what);

// PEM text <-> objects. Parse failures are Errc::Tls naming `what`.
Result<X509Ptr> parseCertPem(const std::string &pem, const std::string &what);
Result<PkeyPtr> parseKeyPem(const std::string &pem, const std::string &what);
Result<std::string> certToPem(X509 *cert);
Result<std::string> keyToPem(EVP_PKEY *key);
Result<std::string> certToDer(X509 *cert);

// Lower-case hex SHA-256 of the DER encoding, bytes separated by ':'.
std::string sha256Fingerprint(X509 *cert);
// Seconds since the epoch for an ASN1_TIME (0 when it cannot be read).
long long asn1TimeToEpoch(const ASN1_TIME *t);
// The first CN of a name, or "".
std::string commonName(const X509_NAME *name);
// One-line RFC 2253 rendering of a name.
std::string nameToString(const X509_NAME *name);

} // namespace h2scope::certs::internal
