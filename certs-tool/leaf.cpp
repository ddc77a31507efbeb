#include "leaf.h"

#include "caroot.h"
#include "ossl.h"

#include <openssl/err.h>

#include <ctime>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#endif

namespace h2scope::certs {

using namespace internal;

LeafDecision checkLeaf(const LocalCa &ca, const std::string &certPem, const std::string &keyPem, const SanNames &wanted,
                       long long now, long long renewWithin)
{
    auto cert = parseCertPem(certPem, "the certificate");
    auto key = parseKeyPem(keyPem, "the key");
    ERR_clear_error();
    if (!cert || !key)
        return {true, "the certificate or key could not be read"};
    if (X509_check_private_key(cert->get(), key->get()) != 1) {
        ERR_clear_error();
        return {true, "the key does not match the certificate"};
    }
    if (!ca.hasIssued(certPem))
        return {true, "it was issued by another CA"};
    const long long notAfter = asn1TimeToEpoch(X509_get0_notAfter(cert->get()));
    if (notAfter - now < renewWithin) {
        const long long days = (notAfter - now) / (24 * 3600);
        return {true,
                notAfter <= now ? std::string("it has expired") : "it expires in " + std::to_string(days) + " days"};
    }
    auto names = certSanNames(certPem);
    if (!names || !names->sameSetAs(wanted))
        return {true, "the names changed"};
    return {};
}

Result<LeafFiles> ensureLeafFiles(const LocalCa &ca, const std::string &certPath, const std::string &keyPath,
                                  const SanNames &wanted, KeyAlgorithm algorithm)
{
    LeafFiles out;
    out.certPath = certPath;
    out.keyPath = keyPath;
    auto certPem = readWholeFile(certPath);
    auto keyPem = readWholeFile(keyPath);
    if (certPem && keyPem) {
        const LeafDecision d = checkLeaf(ca, *certPem, *keyPem, wanted, static_cast<long long>(std::time(nullptr)));
        if (!d.reissue) {
            out.pem = PemPair{std::move(*certPem), std::move(*keyPem)};
            return out;
        }
        out.reason = d.reason;
    } else {
        out.reason = "there was none";
    }
    LeafRequest request;
    request.names = wanted;
    request.algorithm = algorithm;
    auto pem = ca.issue(request);
    if (!pem)
        return pem.error();
    if (Result<void> w = writeFileAtomic(keyPath, pem->keyPem, 0600); !w)
        return w.error();
    if (Result<void> w = writeFileAtomic(certPath, pem->certPem, 0644); !w)
        return w.error();
    out.pem = std::move(*pem);
    out.issued = true;
    return out;
}

std::string appLeafCertPath(const std::string &caroot)
{
    return caroot + "/leaf.pem";
}

std::string appLeafKeyPath(const std::string &caroot)
{
    return caroot + "/leaf-key.pem";
}

Result<ManagedLeaf> ensureManagedLeaf(const std::string &caroot, const std::vector<std::string> &extraNames)
{
    std::vector<std::string> names = defaultLeafNames();
    names.insert(names.end(), extraNames.begin(), extraNames.end());
    auto wanted = parseSanNames(names);
    if (!wanted)
        return wanted.error();
    ManagedLeaf out;
    out.caroot = caroot;
    auto ca = LocalCa::loadOrCreate(caroot, KeyAlgorithm::EcdsaP256, &out.caCreated);
    if (!ca)
        return ca.error();
    auto files = ensureLeafFiles(*ca, appLeafCertPath(caroot), appLeafKeyPath(caroot), *wanted);
    if (!files)
        return files.error();
    out.pem = std::move(files->pem);
    out.leafIssued = files->issued;
    out.reason = files->reason;
    return out;
}

Result<void> verifyLeaf(const std::string &caPem, const std::string &leafPem, const std::vector<std::string> &names)
{
    auto ca = parseCertPem(caPem, "the CA certificate");
    if (!ca)
        return ca.error();
    auto leaf = parseCertPem(leafPem, "the certificate");
    if (!leaf)
        return leaf.error();
    for (const std::string &name : names) {
        StorePtr store(X509_STORE_new());
        StoreCtxPtr ctx(X509_STORE_CTX_new());
        if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1
            || X509_STORE_CTX_init(ctx.get(), store.get(), leaf->get(), nullptr) != 1)
            return opensslError("setting up the verification failed");
        X509_VERIFY_PARAM *param = X509_STORE_CTX_get0_param(ctx.get());
        X509_VERIFY_PARAM_set_purpose(param, X509_PURPOSE_SSL_SERVER);
        unsigned char buf[16];
        std::string bare = name;
        if (bare.size() > 2 && bare.front() == '[' && bare.back() == ']')
            bare = bare.substr(1, bare.size() - 2);
        const bool isIp = inet_pton(AF_INET, bare.c_str(), buf) == 1 || inet_pton(AF_INET6, bare.c_str(), buf) == 1;
        const int set = isIp ? X509_VERIFY_PARAM_set1_ip_asc(param, bare.c_str())
                             : X509_VERIFY_PARAM_set1_host(param, bare.c_str(), bare.size());
        if (set != 1)
            return opensslError("\"" + name + "\" cannot be checked");
        if (X509_verify_cert(ctx.get()) != 1) {
            const int err = X509_STORE_CTX_get_error(ctx.get());
            ERR_clear_error();
            return makeError(Errc::Tls,
                             "the certificate does not verify for " + name + ": " + X509_verify_cert_error_string(err));
        }
    }
    return {};
}

} // namespace h2scope::certs
