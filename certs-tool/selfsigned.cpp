#include "selfsigned.h"

#include "ossl.h"

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <memory>

namespace h2scope::certs {
namespace {

using internal::BioPtr;
using internal::BnPtr;
using internal::ExtPtr;
using internal::PkeyPtr;
using internal::X509Ptr;

Error opensslError(const char *what)
{
    char buf[256] = "unknown error";
    if (unsigned long e = ERR_get_error())
        ERR_error_string_n(e, buf, sizeof buf);
    ERR_clear_error();
    return makeError(Errc::Tls, std::string(what) + ": " + buf);
}

bool isIpLiteral(const std::string &s)
{
    unsigned char buf[16];
    return inet_pton(AF_INET, s.c_str(), buf) == 1 || inet_pton(AF_INET6, s.c_str(), buf) == 1;
}

bool addExt(X509 *cert, int nid, const std::string &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

std::string bioString(BIO *bio)
{
    char *data = nullptr;
    const long n = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(n));
}

} // namespace

Result<PemPair> makeSelfSigned(const std::vector<std::string> &extraNames)
{
    PkeyPtr key(EVP_EC_gen("P-256"));
    if (!key)
        return opensslError("generating the P-256 key failed");

    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1)
        return opensslError("creating the certificate failed");

    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return opensslError("random serial failed");
    serial[0] &= 0x7f; // positive
    BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert.get())))
        return opensslError("setting the serial failed");

    X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
    X509_gmtime_adj(X509_getm_notAfter(cert.get()), 24 * 3600);
    X509_NAME *name = X509_get_subject_name(cert.get());
    X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                               reinterpret_cast<const unsigned char *>("h2scope throwaway certificate"), -1, -1, 0);
    X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC, reinterpret_cast<const unsigned char *>("localhost"), -1, -1,
                               0);
    X509_set_issuer_name(cert.get(), name);
    X509_set_pubkey(cert.get(), key.get());

    std::string san = "DNS:localhost,IP:127.0.0.1,IP:::1";
    for (const std::string &n : extraNames)
        san += (isIpLiteral(n) ? ",IP:" : ",DNS:") + n;
    if (!addExt(cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExt(cert.get(), NID_key_usage, "critical,digitalSignature")
        || !addExt(cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExt(cert.get(), NID_subject_key_identifier, "hash") || !addExt(cert.get(), NID_subject_alt_name, san))
        return opensslError("adding certificate extensions failed");

    if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0)
        return opensslError("signing the certificate failed");

    BioPtr certBio(BIO_new(BIO_s_mem()));
    BioPtr keyBio(BIO_new(BIO_s_mem()));
    if (!certBio || !keyBio || PEM_write_bio_X509(certBio.get(), cert.get()) != 1
        || PEM_write_bio_PrivateKey(keyBio.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) != 1)
        return opensslError("writing PEM failed");
    return PemPair{bioString(certBio.get()), bioString(keyBio.get())};
}

} // namespace h2scope::certs
