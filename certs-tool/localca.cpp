#include "localca.h"

#include "caroot.h"
#include "ossl.h"

#include <openssl/rand.h>
#include <openssl/rsa.h>

#include <cstdlib>
#include <ctime>

#ifdef _WIN32
#include <winsock2.h>
#include <ws2tcpip.h>
#else
#include <arpa/inet.h>
#include <pwd.h>
#include <unistd.h>
#endif

namespace h2scope::certs {

using namespace internal;

namespace {

constexpr long long kDay = 24 * 3600;
constexpr long long kCaValidSeconds = (10 * 365 + 3) * kDay; // ten years, leap days included

std::string userAtHost()
{
    std::string user;
    for (const char *var : {"USER", "USERNAME", "LOGNAME"})
        if (const char *v = std::getenv(var); v && *v) {
            user = v;
            break;
        }
#ifndef _WIN32
    if (user.empty())
        if (const passwd *pw = getpwuid(getuid()))
            user = pw->pw_name;
#endif
    std::string host = machineHostName();
    if (user.empty())
        user = "user";
    if (host.empty())
        host = "localhost";
    return user + "@" + host;
}

std::string randomHex(int bytes)
{
    unsigned char buf[16] = {};
    if (RAND_bytes(buf, bytes) != 1)
        return "00000000";
    static const char hex[] = "0123456789abcdef";
    std::string out;
    for (int i = 0; i < bytes; ++i) {
        out += hex[buf[i] >> 4];
        out += hex[buf[i] & 15];
    }
    return out;
}

Result<PkeyPtr> generateKey(KeyAlgorithm algorithm, unsigned rsaBits)
{
    PkeyPtr key(algorithm == KeyAlgorithm::Rsa ? EVP_RSA_gen(rsaBits) : EVP_EC_gen("P-256"));
    if (!key)
        return opensslError("generating a private key failed");
    return key;
}

bool setRandomSerial(X509 *cert)
{
    unsigned char serial[16];
    if (RAND_bytes(serial, sizeof serial) != 1)
        return false;
    serial[0] &= 0x7f; // positive
    if (serial[0] == 0)
        serial[0] = 0x01; // keep all 16 bytes, so the serial never shrinks
    BnPtr bn(BN_bin2bn(serial, sizeof serial, nullptr));
    return bn && BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert)) != nullptr;
}

bool addEntry(X509_NAME *name, const char *field, const std::string &value)
{
    return X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                      reinterpret_cast<const unsigned char *>(value.c_str()), -1, -1, 0)
           == 1;
}

bool addExt(X509 *cert, X509 *issuer, int nid, const std::string &value)
{
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    ExtPtr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()));
    return ext && X509_add_ext(cert, ext.get(), -1) == 1;
}

void setValidity(X509 *cert, long long backdate, long long valid, long long capAt)
{
    const long long now = static_cast<long long>(std::time(nullptr));
    long long notAfter = now - backdate + valid;
    if (capAt > 0 && notAfter > capAt)
        notAfter = capAt;
    ASN1_TIME_set(X509_getm_notBefore(cert), static_cast<time_t>(now - backdate));
    ASN1_TIME_set(X509_getm_notAfter(cert), static_cast<time_t>(notAfter));
}

std::string keyDescription(EVP_PKEY *key)
{
    if (!key)
        return {};
    if (EVP_PKEY_is_a(key, "EC")) {
        char group[64] = {};
        size_t len = 0;
        EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len);
        return std::string("ECDSA ") + (std::string(group) == "prime256v1" ? "P-256" : group);
    }
    if (EVP_PKEY_is_a(key, "RSA"))
        return "RSA " + std::to_string(EVP_PKEY_get_bits(key));
    return EVP_PKEY_get0_type_name(key) ? EVP_PKEY_get0_type_name(key) : "unknown";
}

std::vector<std::string> sanEntries(X509 *cert, SanNames *out)
{
    std::vector<std::string> all;
    auto *names = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    if (!names)
        return all;
    for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME *gn = sk_GENERAL_NAME_value(names, i);
        if (gn->type == GEN_DNS) {
            const ASN1_STRING *s = gn->d.dNSName;
            out->dns.emplace_back(reinterpret_cast<const char *>(ASN1_STRING_get0_data(s)),
                                  static_cast<std::size_t>(ASN1_STRING_length(s)));
        } else if (gn->type == GEN_IPADD) {
            const ASN1_OCTET_STRING *s = gn->d.iPAddress;
            char text[64] = {};
            const int len = ASN1_STRING_length(s);
            const int family = len == 4 ? AF_INET : (len == 16 ? AF_INET6 : 0);
            if (family && inet_ntop(family, ASN1_STRING_get0_data(s), text, sizeof text))
                out->ips.emplace_back(text);
        }
    }
    GENERAL_NAMES_free(names);
    return out->all();
}

CertSummary summarize(X509 *cert)
{
    CertSummary s;
    s.subject = nameToString(X509_get_subject_name(cert));
    s.issuer = nameToString(X509_get_issuer_name(cert));
    s.commonName = commonName(X509_get_subject_name(cert));
    s.notBefore = asn1TimeToEpoch(X509_get0_notBefore(cert));
    s.notAfter = asn1TimeToEpoch(X509_get0_notAfter(cert));
    s.sha256 = sha256Fingerprint(cert);
    if (BnPtr bn{ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert), nullptr)}) {
        if (char *hex = BN_bn2hex(bn.get())) {
            s.serialHex = hex;
            OPENSSL_free(hex);
        }
    }
    SanNames names;
    s.names = sanEntries(cert, &names);
    s.keyAlgorithm = keyDescription(X509_get0_pubkey(cert));
    return s;
}

} // namespace

Result<CertSummary> summarizeCertPem(const std::string &pem)
{
    auto cert = parseCertPem(pem, "the certificate");
    if (!cert)
        return cert.error();
    return summarize(cert->get());
}

Result<SanNames> certSanNames(const std::string &pem)
{
    auto cert = parseCertPem(pem, "the certificate");
    if (!cert)
        return cert.error();
    SanNames names;
    sanEntries(cert->get(), &names);
    return names;
}

std::string LocalCa::certPath(const std::string &caroot)
{
    return caroot + "/" + kCertFile;
}

std::string LocalCa::keyPath(const std::string &caroot)
{
    return caroot + "/" + kKeyFile;
}

bool LocalCa::existsIn(const std::string &caroot)
{
    return fileExists(certPath(caroot));
}

Result<LocalCa> LocalCa::load(const std::string &caroot)
{
    auto certPem = readWholeFile(certPath(caroot));
    if (!certPem)
        return certPem.error().code == Errc::NotFound
                   ? makeError(Errc::NotFound, "there is no local CA in " + caroot + " yet: run `h2scope-certs ca`")
                   : certPem.error();
    auto keyPem = readWholeFile(keyPath(caroot));
    if (!keyPem)
        return makeError(keyPem.error().code,
                         "the CA key " + keyPath(caroot) + " cannot be read: " + keyPem.error().message);
    auto cert = parseCertPem(*certPem, certPath(caroot));
    if (!cert)
        return cert.error();
    auto key = parseKeyPem(*keyPem, keyPath(caroot));
    if (!key)
        return key.error();
    if (X509_check_private_key(cert->get(), key->get()) != 1)
        return opensslError(keyPath(caroot) + " is not the key of " + certPath(caroot));
    LocalCa ca;
    ca.m_root = caroot;
    ca.m_certPem = std::move(*certPem);
    ca.m_cert = std::shared_ptr<X509>(cert->release(), X509_free);
    ca.m_key = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
    return ca;
}

Result<LocalCa> LocalCa::create(const std::string &caroot, KeyAlgorithm algorithm)
{
    if (fileExists(certPath(caroot)) || fileExists(keyPath(caroot)))
        return makeError(Errc::Refused, "a CA already exists in " + caroot + "; h2scope never overwrites one");
    if (Result<void> dir = ensurePrivateDir(caroot); !dir)
        return dir.error();

    auto key = generateKey(algorithm, 3072);
    if (!key)
        return key.error();
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1 || !setRandomSerial(cert.get()))
        return opensslError("creating the CA certificate failed");
    setValidity(cert.get(), 3600, kCaValidSeconds, 0);
    X509_NAME *name = X509_get_subject_name(cert.get());
    const std::string who = userAtHost().substr(0, 40); // CN is at most 64 characters
    if (!addEntry(name, "O", "h2scope development CA") || !addEntry(name, "OU", who)
        || !addEntry(name, "CN", "h2scope CA " + who + " " + randomHex(4))
        || X509_set_issuer_name(cert.get(), name) != 1 || X509_set_pubkey(cert.get(), key->get()) != 1)
        return opensslError("naming the CA certificate failed");
    // The subject key identifier first: the self-signed authority key identifier copies it.
    if (!addExt(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0")
        || !addExt(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign")
        || !addExt(cert.get(), cert.get(), NID_subject_key_identifier, "hash")
        || !addExt(cert.get(), cert.get(), NID_authority_key_identifier, "keyid:always"))
        return opensslError("adding the CA extensions failed");
    if (X509_sign(cert.get(), key->get(), EVP_sha256()) <= 0)
        return opensslError("signing the CA certificate failed");

    auto certPem = certToPem(cert.get());
    auto keyPem = keyToPem(key->get());
    if (!certPem || !keyPem)
        return certPem ? keyPem.error() : certPem.error();
    // The key first and exclusively: a racing creator fails here instead of pairing wrong halves.
    if (Result<void> w = writeFileAtomic(keyPath(caroot), *keyPem, 0600, WriteMode::CreateOnly); !w)
        return w.error();
    if (Result<void> w = writeFileAtomic(certPath(caroot), *certPem, 0644, WriteMode::CreateOnly); !w)
        return w.error();

    LocalCa ca;
    ca.m_root = caroot;
    ca.m_certPem = std::move(*certPem);
    ca.m_cert = std::shared_ptr<X509>(cert.release(), X509_free);
    ca.m_key = std::shared_ptr<EVP_PKEY>(key->release(), EVP_PKEY_free);
    return ca;
}

Result<LocalCa> LocalCa::loadOrCreate(const std::string &caroot, KeyAlgorithm algorithm, bool *created)
{
    if (created)
        *created = false;
    if (existsIn(caroot) || fileExists(keyPath(caroot)))
        return load(caroot);
    auto ca = create(caroot, algorithm);
    if (ca && created)
        *created = true;
    if (!ca && ca.error().code == Errc::Refused)
        return load(caroot); // another process created it first
    return ca;
}

CertSummary LocalCa::summary() const
{
    return summarize(m_cert.get());
}

std::string LocalCa::nickname() const
{
    return commonName(X509_get_subject_name(m_cert.get()));
}

std::string LocalCa::sha1Hex() const
{
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    if (X509_digest(m_cert.get(), EVP_sha1(), md, &len) != 1)
        return {};
    static const char hex[] = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < len; ++i) {
        out += hex[md[i] >> 4];
        out += hex[md[i] & 15];
    }
    return out;
}

Result<PemPair> LocalCa::issue(const LeafRequest &request) const
{
    if (request.names.dns.empty() && request.names.ips.empty())
        return makeError(Errc::InvalidArgument, "a certificate needs at least one host name or IP address");
    const bool rsa = request.algorithm == KeyAlgorithm::Rsa;
    auto key = generateKey(request.algorithm, 2048);
    if (!key)
        return key.error();
    X509Ptr cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1 || !setRandomSerial(cert.get()))
        return opensslError("creating the certificate failed");
    setValidity(cert.get(), request.backdateSeconds, request.validSeconds,
                asn1TimeToEpoch(X509_get0_notAfter(m_cert.get())));

    const std::vector<std::string> all = request.names.all();
    X509_NAME *name = X509_get_subject_name(cert.get());
    if (!addEntry(name, "O", "h2scope development certificate") || !addEntry(name, "OU", userAtHost().substr(0, 60))
        || !addEntry(name, "CN", all.front().substr(0, 64))
        || X509_set_issuer_name(cert.get(), X509_get_subject_name(m_cert.get())) != 1
        || X509_set_pubkey(cert.get(), key->get()) != 1)
        return opensslError("naming the certificate failed");

    std::string san;
    for (const std::string &d : request.names.dns)
        san += (san.empty() ? "DNS:" : ",DNS:") + d;
    for (const std::string &ip : request.names.ips)
        san += (san.empty() ? "IP:" : ",IP:") + ip;
    if (!addExt(cert.get(), m_cert.get(), NID_basic_constraints, "critical,CA:FALSE")
        || !addExt(cert.get(), m_cert.get(), NID_key_usage,
                   rsa ? "critical,digitalSignature,keyEncipherment" : "critical,digitalSignature")
        || !addExt(cert.get(), m_cert.get(), NID_ext_key_usage, "serverAuth")
        || !addExt(cert.get(), m_cert.get(), NID_subject_key_identifier, "hash")
        || !addExt(cert.get(), m_cert.get(), NID_authority_key_identifier, "keyid:always")
        || !addExt(cert.get(), m_cert.get(), NID_subject_alt_name, san))
        return opensslError("adding the certificate extensions failed");
    if (X509_sign(cert.get(), m_key.get(), EVP_sha256()) <= 0)
        return opensslError("signing the certificate failed");

    auto certPem = certToPem(cert.get());
    auto keyPem = keyToPem(key->get());
    if (!certPem || !keyPem)
        return certPem ? keyPem.error() : certPem.error();
    return PemPair{std::move(*certPem), std::move(*keyPem)};
}

bool LocalCa::hasIssued(const std::string &leafPem) const
{
    auto leaf = parseCertPem(leafPem, "the certificate");
    if (!leaf)
        return false;
    EVP_PKEY *caKey = X509_get0_pubkey(m_cert.get());
    return X509_NAME_cmp(X509_get_issuer_name(leaf->get()), X509_get_subject_name(m_cert.get())) == 0 && caKey
           && X509_verify(leaf->get(), caKey) == 1;
}

} // namespace h2scope::certs
