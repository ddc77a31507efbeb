#include "exporter.h"

#include "caroot.h"
#include "ossl.h"

#include <openssl/pkcs12.h>

namespace h2scope::certs {

using namespace internal;

Result<std::string> pemBundle(const LocalCa &ca, const PemPair *leaf)
{
    if (!leaf)
        return ca.certPem();
    auto cert = parseCertPem(leaf->certPem, "the leaf certificate");
    if (!cert)
        return cert.error();
    auto key = parseKeyPem(leaf->keyPem, "the leaf key");
    if (!key)
        return key.error();
    return leaf->certPem + ca.certPem() + leaf->keyPem;
}

Result<std::string> pkcs12(const LocalCa &ca, const PemPair *leaf, const std::string &password, P12Profile profile,
                           const std::string &friendlyName)
{
    const bool legacy = profile == P12Profile::Legacy;
    const int pbe = legacy ? NID_pbe_WithSHA1And3_Key_TripleDES_CBC : NID_aes_256_cbc;
    using P12Ptr = CHandle<PKCS12, PKCS12_free>;
    // sk_X509_free is a macro, so a small functor rather than CHandle; the stack does not own its certificates.
    struct StackFree {
        void operator()(STACK_OF(X509) * s) const noexcept { sk_X509_free(s); }
    };
    using CertStack = std::unique_ptr<STACK_OF(X509), StackFree>;

    X509Ptr leafCert;
    PkeyPtr leafKey;
    CertStack chain(sk_X509_new_null());
    if (!chain)
        return opensslError("building the PKCS#12 chain failed");
    // A copy: the friendly name is set on it, and the CA's own handle is shared across threads.
    X509Ptr caCopy(X509_dup(ca.cert()));
    if (!caCopy)
        return opensslError("copying the CA certificate failed");
    X509 *caCert = caCopy.get();
    if (leaf) {
        auto c = parseCertPem(leaf->certPem, "the leaf certificate");
        if (!c)
            return c.error();
        auto k = parseKeyPem(leaf->keyPem, "the leaf key");
        if (!k)
            return k.error();
        leafCert = std::move(*c);
        leafKey = std::move(*k);
        if (sk_X509_push(chain.get(), caCert) <= 0)
            return opensslError("building the PKCS#12 chain failed");
    } else {
        // A certificates-only file: the CA is the one certificate, with no key.
        if (X509_alias_set1(caCert, reinterpret_cast<const unsigned char *>(ca.nickname().c_str()), -1) != 1)
            return opensslError("naming the CA in the PKCS#12 file failed");
        if (sk_X509_push(chain.get(), caCert) <= 0)
            return opensslError("building the PKCS#12 chain failed");
    }
    // No MAC from PKCS12_create (mac_iter -1); it is set below with the digest the profile needs.
    P12Ptr p12(PKCS12_create(password.c_str(), leaf ? friendlyName.c_str() : nullptr, leafKey.get(), leafCert.get(),
                             chain.get(), pbe, pbe, PKCS12_DEFAULT_ITER, -1, 0));
    if (!p12)
        return opensslError("creating the PKCS#12 file failed");
    if (PKCS12_set_mac(p12.get(), password.c_str(), -1, nullptr, 0, PKCS12_DEFAULT_ITER,
                       legacy ? EVP_sha1() : EVP_sha256())
        != 1)
        return opensslError("adding the PKCS#12 MAC failed");
    unsigned char *der = nullptr;
    const int n = i2d_PKCS12(p12.get(), &der);
    if (n <= 0)
        return opensslError("encoding the PKCS#12 file failed");
    std::string out(reinterpret_cast<char *>(der), static_cast<std::size_t>(n));
    OPENSSL_free(der);
    return out;
}

Result<void> writeExport(const std::string &path, const std::string &data)
{
    return writeFileAtomic(path, data, 0600);
}

} // namespace h2scope::certs
