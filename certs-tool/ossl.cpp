#include "ossl.h"

#include <openssl/err.h>
#include <openssl/pem.h>

namespace h2scope::certs::internal {

Error opensslError(const std::string &what)
{
    char buf[256] = "no detail from OpenSSL";
    if (const unsigned long e = ERR_get_error())
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return makeError(Errc::Tls, what + " (" + buf + ")");
}

namespace {

BioPtr memBio(const std::string &text)
{
    return BioPtr(BIO_new_mem_buf(text.data(), static_cast<int>(text.size())));
}

std::string bioText(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return n > 0 ? std::string(data, static_cast<std::size_t>(n)) : std::string();
}

} // namespace

Result<X509Ptr> parseCertPem(const std::string &pem, const std::string &what)
{
    BioPtr bio = memBio(pem);
    X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!cert)
        return opensslError(what + " is not a PEM certificate");
    return cert;
}

Result<PkeyPtr> parseKeyPem(const std::string &pem, const std::string &what)
{
    BioPtr bio = memBio(pem);
    PkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
    if (!key)
        return opensslError(what + " is not an unencrypted PEM private key");
    return key;
}

Result<std::string> certToPem(X509 *cert)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1)
        return opensslError("writing a certificate as PEM failed");
    return bioText(bio.get());
}

Result<std::string> keyToPem(EVP_PKEY *key)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return opensslError("writing a private key as PEM failed");
    return bioText(bio.get());
}

Result<std::string> certToDer(X509 *cert)
{
    unsigned char *der = nullptr;
    const int n = i2d_X509(cert, &der);
    if (n <= 0)
        return opensslError("encoding a certificate as DER failed");
    std::string out(reinterpret_cast<char *>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

std::string sha256Fingerprint(X509 *cert)
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(cert, EVP_sha256(), md, &len) != 1)
        return {};
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        if (i)
            out += ':';
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

long long asn1TimeToEpoch(const ASN1_TIME *t)
{
    // Portable (no timegm on Windows): the difference from the epoch.
    CHandle<ASN1_TIME, ASN1_TIME_free> epoch(ASN1_TIME_set(nullptr, 0));
    int days = 0;
    int secs = 0;
    if (!t || !epoch || ASN1_TIME_diff(&days, &secs, epoch.get(), t) != 1)
        return 0;
    return static_cast<long long>(days) * 86400 + secs;
}

std::string commonName(const X509_NAME *name)
{
    const int idx = X509_NAME_get_index_by_NID(name, NID_commonName, -1);
    if (idx < 0)
        return {};
    const ASN1_STRING *data = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    unsigned char *utf8 = nullptr;
    const int n = ASN1_STRING_to_UTF8(&utf8, data);
    if (n < 0)
        return {};
    std::string out(reinterpret_cast<char *>(utf8), static_cast<std::size_t>(n));
    OPENSSL_free(utf8);
    return out;
}

std::string nameToString(const X509_NAME *name)
{
    BioPtr bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), name, 0, XN_FLAG_RFC2253 & ~ASN1_STRFLGS_ESC_MSB) < 0)
        return {};
    return bioText(bio.get());
}

} // namespace h2scope::certs::internal
