// The managed local CA and its leaves, read back field by field with OpenSSL:
// extensions, validity, serials, names, file modes, reissue rules, exports,
// and `openssl verify` as an outside opinion.

#include "caroot.h"
#include "command.h"
#include "exporter.h"
#include "leaf.h"
#include "localca.h"

#include <QFile>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <openssl/bn.h>
#include <openssl/pem.h>
#include <openssl/pkcs12.h>
#include <openssl/x509v3.h>

#include <sys/stat.h>

#include <ctime>
#include <memory>

using namespace h2scope;
using namespace h2scope::certs;

namespace {

struct X509Free {
    void operator()(X509 *x) const { X509_free(x); }
};
using CertPtr = std::unique_ptr<X509, X509Free>;

CertPtr readCert(const std::string &pem)
{
    std::unique_ptr<BIO, decltype(&BIO_free)> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())), BIO_free);
    return CertPtr(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
}

long long epoch(const ASN1_TIME *t)
{
    std::unique_ptr<ASN1_TIME, decltype(&ASN1_TIME_free)> zero(ASN1_TIME_set(nullptr, 0), ASN1_TIME_free);
    int days = 0, secs = 0;
    ASN1_TIME_diff(&days, &secs, zero.get(), t);
    return static_cast<long long>(days) * 86400 + secs;
}

bool critical(X509 *cert, int nid)
{
    const int idx = X509_get_ext_by_NID(cert, nid, -1);
    return idx >= 0 && X509_EXTENSION_get_critical(X509_get_ext(cert, idx)) == 1;
}

std::string entry(X509 *cert, int nid)
{
    X509_NAME *name = X509_get_subject_name(cert);
    const int idx = X509_NAME_get_index_by_NID(name, nid, -1);
    if (idx < 0)
        return {};
    const ASN1_STRING *s = X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, idx));
    return std::string(reinterpret_cast<const char *>(ASN1_STRING_get0_data(s)),
                       static_cast<std::size_t>(ASN1_STRING_length(s)));
}

int fileMode(const std::string &path)
{
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 0777) : -1;
}

std::string keyIdHex(const ASN1_OCTET_STRING *id)
{
    return id ? QByteArray(reinterpret_cast<const char *>(ASN1_STRING_get0_data(id)), ASN1_STRING_length(id))
                    .toHex()
                    .toStdString()
              : std::string();
}

SanNames names(const std::vector<std::string> &list)
{
    auto n = parseSanNames(list);
    return n ? *n : SanNames{};
}

} // namespace

class TestLocalCa final : public QObject {
    Q_OBJECT

private slots:
    void initTestCase();
    void caFields();
    void caFilesAndModes();
    void caNeverOverwritten();
    void twoCasNeverShareAName();
    void rsaCa();
    void leafFields();
    void rsaLeaf();
    void opensslVerify_data();
    void opensslVerify();
    void builtInVerify();
    void leafFilesKeptWhenValid();
    void leafNearExpiryReissued();
    void changedNamesReissue();
    void otherCaReissues();
    void managedLeafAddsHost();
    void refuseServingCaRoot();
    void exports();
    void commandsGetNoStrayDescriptors();

private:
    QTemporaryDir m_tmp;
    std::string m_root;
    std::optional<LocalCa> m_ca;
};

void TestLocalCa::initTestCase()
{
    QVERIFY(m_tmp.isValid());
    m_root = (m_tmp.path() + "/caroot").toStdString();
    auto ca = LocalCa::create(m_root);
    QVERIFY2(ca.ok(), ca.ok() ? "" : ca.error().message.c_str());
    m_ca = *ca;
}

void TestLocalCa::caFields()
{
    auto loaded = LocalCa::load(m_root);
    QVERIFY(loaded.ok());
    CertPtr cert = readCert(loaded->certPem());
    QVERIFY(cert);
    QCOMPARE(X509_get_version(cert.get()), 2L); // v3

    // Serial: random, positive, 128 bits in 16 bytes.
    std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(ASN1_INTEGER_to_BN(X509_get0_serialNumber(cert.get()), nullptr),
                                                       BN_free);
    QVERIFY(!BN_is_negative(serial.get()));
    QVERIFY(BN_num_bytes(serial.get()) == 16);
    QVERIFY(BN_num_bits(serial.get()) <= 127);

    const long long now = std::time(nullptr);
    const long long nb = epoch(X509_get0_notBefore(cert.get()));
    const long long na = epoch(X509_get0_notAfter(cert.get()));
    QVERIFY(nb <= now && nb >= now - 2 * 3600);
    QVERIFY(na - nb >= 3650LL * 86400 && na - nb <= 3655LL * 86400); // ten years

    QCOMPARE(entry(cert.get(), NID_organizationName), std::string("h2scope development CA"));
    const std::string cn = entry(cert.get(), NID_commonName);
    QVERIFY2(cn.find('@') != std::string::npos, cn.c_str());
    QVERIFY(X509_NAME_cmp(X509_get_subject_name(cert.get()), X509_get_issuer_name(cert.get())) == 0);

    // basicConstraints critical CA:TRUE pathlen:0
    QVERIFY(critical(cert.get(), NID_basic_constraints));
    QVERIFY(X509_get_extension_flags(cert.get()) & EXFLAG_CA);
    QCOMPARE(X509_get_pathlen(cert.get()), 0L);
    // keyUsage critical keyCertSign, cRLSign and nothing else
    QVERIFY(critical(cert.get(), NID_key_usage));
    QCOMPARE(X509_get_key_usage(cert.get()), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    // key identifiers: AKI keyid is the SKI (self-signed)
    const std::string ski = keyIdHex(X509_get0_subject_key_id(cert.get()));
    QVERIFY(!ski.empty());
    QCOMPARE(keyIdHex(X509_get0_authority_key_id(cert.get())), ski);
    QCOMPARE(X509_check_issued(cert.get(), cert.get()), X509_V_OK);
    // ECDSA P-256 by default
    EVP_PKEY *key = X509_get0_pubkey(cert.get());
    QVERIFY(EVP_PKEY_is_a(key, "EC"));
    char group[64] = {};
    size_t len = 0;
    QVERIFY(EVP_PKEY_get_utf8_string_param(key, "group", group, sizeof group, &len));
    QCOMPARE(std::string(group), std::string("prime256v1"));

    const CertSummary s = loaded->summary();
    QCOMPARE(s.keyAlgorithm, std::string("ECDSA P-256"));
    QCOMPARE(s.sha256.size(), std::size_t(32 * 3 - 1));
    QCOMPARE(loaded->nickname(), cn);
}

void TestLocalCa::caFilesAndModes()
{
    QCOMPARE(fileMode(m_root), 0700);
    QCOMPARE(fileMode(LocalCa::keyPath(m_root)), 0600);
    QCOMPARE(fileMode(LocalCa::certPath(m_root)), 0644);
    // No temporary files left behind by the atomic writes.
    QCOMPARE(QDir(QString::fromStdString(m_root)).entryList(QDir::Files).size(), 2);
}

void TestLocalCa::caNeverOverwritten()
{
    const QByteArray before = [&] {
        QFile f(QString::fromStdString(LocalCa::keyPath(m_root)));
        return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
    }();
    auto again = LocalCa::create(m_root);
    QVERIFY(!again.ok());
    QCOMPARE(again.error().code, Errc::Refused);
    QFile f(QString::fromStdString(LocalCa::keyPath(m_root)));
    QVERIFY(f.open(QIODevice::ReadOnly));
    QCOMPARE(f.readAll(), before);
    // A key with no certificate is refused too (never paired with a new certificate).
    const std::string half = (m_tmp.path() + "/half").toStdString();
    QVERIFY(ensurePrivateDir(half).ok());
    QVERIFY(writeFileAtomic(LocalCa::keyPath(half), "x", 0600).ok());
    QCOMPARE(LocalCa::create(half).error().code, Errc::Refused);
}

void TestLocalCa::twoCasNeverShareAName()
{
    auto other = LocalCa::create((m_tmp.path() + "/other").toStdString());
    QVERIFY(other.ok());
    QVERIFY(other->summary().subject != m_ca->summary().subject);
    QVERIFY(other->summary().serialHex != m_ca->summary().serialHex);
    QVERIFY(other->nickname() != m_ca->nickname());
}

void TestLocalCa::rsaCa()
{
    auto rsa = LocalCa::create((m_tmp.path() + "/rsa").toStdString(), KeyAlgorithm::Rsa);
    QVERIFY(rsa.ok());
    QCOMPARE(rsa->summary().keyAlgorithm, std::string("RSA 3072"));
}

void TestLocalCa::leafFields()
{
    LeafRequest req;
    req.names = names({"localhost", "127.0.0.1", "::1", "*.dev.example", "app.test"});
    auto pem = m_ca->issue(req);
    QVERIFY(pem.ok());
    CertPtr leaf = readCert(pem->certPem);
    CertPtr ca = readCert(m_ca->certPem());
    QVERIFY(leaf && ca);
    QCOMPARE(X509_get_version(leaf.get()), 2L);
    QVERIFY(critical(leaf.get(), NID_basic_constraints));
    QVERIFY(!(X509_get_extension_flags(leaf.get()) & EXFLAG_CA));
    QVERIFY(X509_get_ext_by_NID(leaf.get(), NID_basic_constraints, -1) >= 0);
    QVERIFY(critical(leaf.get(), NID_key_usage));
    QCOMPARE(X509_get_key_usage(leaf.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE)); // no keyEncipherment for EC
    QVERIFY(!critical(leaf.get(), NID_ext_key_usage));
    QCOMPARE(X509_get_extended_key_usage(leaf.get()), static_cast<uint32_t>(XKU_SSL_SERVER));
    QCOMPARE(keyIdHex(X509_get0_authority_key_id(leaf.get())), keyIdHex(X509_get0_subject_key_id(ca.get())));
    QCOMPARE(X509_check_issued(ca.get(), leaf.get()), X509_V_OK);

    // subjectAltName: DNS entries for names, iPAddress entries (4 or 16 bytes) for IPs.
    auto *gens = static_cast<GENERAL_NAMES *>(X509_get_ext_d2i(leaf.get(), NID_subject_alt_name, nullptr, nullptr));
    QVERIFY(gens);
    QStringList dns;
    QList<int> ipLengths;
    for (int i = 0; i < sk_GENERAL_NAME_num(gens); ++i) {
        const GENERAL_NAME *g = sk_GENERAL_NAME_value(gens, i);
        if (g->type == GEN_DNS)
            dns << QString::fromLatin1(reinterpret_cast<const char *>(ASN1_STRING_get0_data(g->d.dNSName)));
        else if (g->type == GEN_IPADD)
            ipLengths << ASN1_STRING_length(g->d.iPAddress);
        else
            QFAIL("unexpected subjectAltName type");
    }
    GENERAL_NAMES_free(gens);
    QCOMPARE(dns, (QStringList{"localhost", "*.dev.example", "app.test"}));
    QCOMPARE(ipLengths, (QList<int>{4, 16}));

    // 397 days from one hour ago.
    const long long now = std::time(nullptr);
    const long long nb = epoch(X509_get0_notBefore(leaf.get()));
    const long long na = epoch(X509_get0_notAfter(leaf.get()));
    QVERIFY(nb >= now - 3600 - 5 && nb <= now - 3600 + 5);
    QCOMPARE(na - nb, 397LL * 86400);
    QCOMPARE(summarizeCertPem(pem->certPem)->keyAlgorithm, std::string("ECDSA P-256"));
}

void TestLocalCa::rsaLeaf()
{
    LeafRequest req;
    req.names = names({"localhost"});
    req.algorithm = KeyAlgorithm::Rsa;
    auto pem = m_ca->issue(req);
    QVERIFY(pem.ok());
    CertPtr leaf = readCert(pem->certPem);
    QCOMPARE(X509_get_key_usage(leaf.get()), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    QCOMPARE(summarizeCertPem(pem->certPem)->keyAlgorithm, std::string("RSA 2048"));
}

void TestLocalCa::opensslVerify_data()
{
    QTest::addColumn<QStringList>("check");
    QTest::addColumn<bool>("ok");
    QTest::newRow("localhost") << QStringList{"-verify_hostname", "localhost"} << true;
    QTest::newRow("127.0.0.1") << QStringList{"-verify_ip", "127.0.0.1"} << true;
    QTest::newRow("::1") << QStringList{"-verify_ip", "::1"} << true;
    QTest::newRow("wildcard") << QStringList{"-verify_hostname", "x.dev.example"} << true;
    QTest::newRow("another host") << QStringList{"-verify_hostname", "other.test"} << false;
    QTest::newRow("another ip") << QStringList{"-verify_ip", "10.9.8.7"} << false;
}

void TestLocalCa::opensslVerify()
{
    QFETCH(QStringList, check);
    QFETCH(bool, ok);
    LeafRequest req;
    req.names = names({"localhost", "127.0.0.1", "::1", "*.dev.example"});
    auto pem = m_ca->issue(req);
    QVERIFY(pem.ok());
    const QString leafFile = m_tmp.path() + "/verify-leaf.pem";
    QVERIFY(writeFileAtomic(leafFile.toStdString(), pem->certPem, 0644).ok());
    QProcess p;
    p.start(QStringLiteral("openssl"),
            QStringList{"verify", "-CAfile", QString::fromStdString(LocalCa::certPath(m_root)), "-purpose", "sslserver"}
                + check + QStringList{leafFile});
    if (!p.waitForStarted(10000))
        QSKIP("the openssl command is not installed");
    QVERIFY(p.waitForFinished(30000));
    const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
    QVERIFY2((p.exitCode() == 0) == ok, out.constData());
}

void TestLocalCa::builtInVerify()
{
    LeafRequest req;
    req.names = names({"localhost", "127.0.0.1", "::1"});
    auto pem = m_ca->issue(req);
    QVERIFY(pem.ok());
    QVERIFY(verifyLeaf(m_ca->certPem(), pem->certPem, {"localhost", "127.0.0.1", "::1", "[::1]"}).ok());
    Result<void> wrong = verifyLeaf(m_ca->certPem(), pem->certPem, {"localhost", "example.test"});
    QVERIFY(!wrong.ok());
    QVERIFY(QString::fromStdString(wrong.error().message).contains(QLatin1String("example.test")));
    // Against another CA it fails whatever the name.
    auto other = LocalCa::load((m_tmp.path() + "/other").toStdString());
    QVERIFY(other.ok());
    QVERIFY(!verifyLeaf(other->certPem(), pem->certPem, {"localhost"}).ok());
}

void TestLocalCa::leafFilesKeptWhenValid()
{
    const std::string cert = (m_tmp.path() + "/kept.pem").toStdString();
    const std::string key = (m_tmp.path() + "/kept-key.pem").toStdString();
    auto first = ensureLeafFiles(*m_ca, cert, key, names({"localhost", "::1"}));
    QVERIFY(first.ok());
    QVERIFY(first->issued);
    QCOMPARE(fileMode(key), 0600);
    QCOMPARE(fileMode(cert), 0644);
    auto second = ensureLeafFiles(*m_ca, cert, key, names({"::1", "localhost"}));
    QVERIFY(second.ok());
    QVERIFY(!second->issued);
    QCOMPARE(second->pem.certPem, first->pem.certPem);
}

void TestLocalCa::leafNearExpiryReissued()
{
    const std::string cert = (m_tmp.path() + "/old.pem").toStdString();
    const std::string key = (m_tmp.path() + "/old-key.pem").toStdString();
    LeafRequest req;
    req.names = names({"localhost"});
    req.validSeconds = 10LL * 86400; // 10 days left: under the 30-day threshold
    auto old = m_ca->issue(req);
    QVERIFY(old.ok());
    QVERIFY(writeFileAtomic(cert, old->certPem, 0644).ok());
    QVERIFY(writeFileAtomic(key, old->keyPem, 0600).ok());
    QVERIFY(checkLeaf(*m_ca, old->certPem, old->keyPem, req.names, std::time(nullptr)).reissue);

    auto renewed = ensureLeafFiles(*m_ca, cert, key, req.names);
    QVERIFY(renewed.ok());
    QVERIFY(renewed->issued);
    QVERIFY2(renewed->reason.find("expires in") != std::string::npos, renewed->reason.c_str());
    QVERIFY(summarizeCertPem(renewed->pem.certPem)->notAfter > std::time(nullptr) + 390LL * 86400);
    QCOMPARE(fileMode(key), 0600);

    // 31 days left is still fine; 29 is not.
    req.validSeconds = 31LL * 86400 + 3600;
    auto fine = m_ca->issue(req);
    QVERIFY(!checkLeaf(*m_ca, fine->certPem, fine->keyPem, req.names, std::time(nullptr)).reissue);
    req.validSeconds = 29LL * 86400 + 3600;
    auto soon = m_ca->issue(req);
    QVERIFY(checkLeaf(*m_ca, soon->certPem, soon->keyPem, req.names, std::time(nullptr)).reissue);
}

void TestLocalCa::changedNamesReissue()
{
    const std::string cert = (m_tmp.path() + "/names.pem").toStdString();
    const std::string key = (m_tmp.path() + "/names-key.pem").toStdString();
    QVERIFY(ensureLeafFiles(*m_ca, cert, key, names({"localhost"})).ok());
    auto more = ensureLeafFiles(*m_ca, cert, key, names({"localhost", "192.168.77.5"}));
    QVERIFY(more.ok());
    QVERIFY(more->issued);
    QCOMPARE(more->reason, std::string("the names changed"));
    auto sans = certSanNames(more->pem.certPem);
    QVERIFY(sans.ok());
    QCOMPARE(sans->ips, std::vector<std::string>{"192.168.77.5"});
    // Fewer names is a change too.
    auto fewer = ensureLeafFiles(*m_ca, cert, key, names({"192.168.77.5"}));
    QVERIFY(fewer.ok() && fewer->issued);
}

void TestLocalCa::otherCaReissues()
{
    auto other = LocalCa::load((m_tmp.path() + "/other").toStdString());
    QVERIFY(other.ok());
    LeafRequest req;
    req.names = names({"localhost"});
    auto foreign = other->issue(req);
    QVERIFY(foreign.ok());
    QVERIFY(!m_ca->hasIssued(foreign->certPem));
    const LeafDecision d = checkLeaf(*m_ca, foreign->certPem, foreign->keyPem, req.names, std::time(nullptr));
    QVERIFY(d.reissue);
    QCOMPARE(d.reason, std::string("it was issued by another CA"));
    auto mismatched = checkLeaf(*m_ca, foreign->certPem, m_ca->issue(req)->keyPem, req.names, std::time(nullptr));
    QCOMPARE(mismatched.reason, std::string("the key does not match the certificate"));
}

void TestLocalCa::managedLeafAddsHost()
{
    const std::string root = (m_tmp.path() + "/managed").toStdString();
    auto first = ensureManagedLeaf(root);
    QVERIFY2(first.ok(), first.ok() ? "" : first.error().message.c_str());
    QVERIFY(first->caCreated);
    QVERIFY(first->leafIssued);
    QCOMPARE(fileMode(appLeafKeyPath(root)), 0600);
    QVERIFY(verifyLeaf(LocalCa::load(root)->certPem(), first->pem.certPem, {"localhost", "127.0.0.1", "::1"}).ok());
    auto again = ensureManagedLeaf(root);
    QVERIFY(again.ok() && !again->caCreated && !again->leafIssued);
    auto host = ensureManagedLeaf(root, {"10.1.2.3"});
    QVERIFY(host.ok() && host->leafIssued);
    QVERIFY(verifyLeaf(LocalCa::load(root)->certPem(), host->pem.certPem, {"10.1.2.3", "localhost"}).ok());
    auto bad = ensureManagedLeaf(root, {"*.com"});
    QVERIFY(!bad.ok());
    QCOMPARE(bad.error().code, Errc::InvalidArgument);
}

void TestLocalCa::refuseServingCaRoot()
{
    const std::string base = m_tmp.path().toStdString();
    QCOMPARE(refuseFolderContainingCaRoot(base, m_root).error().code, Errc::Refused);
    QCOMPARE(refuseFolderContainingCaRoot(m_root, m_root).error().code, Errc::Refused);
    QCOMPARE(refuseFolderContainingCaRoot(base + "/./", m_root + "/../caroot").error().code, Errc::Refused);
    QVERIFY(refuseFolderContainingCaRoot(base + "/other", m_root).ok());
    // A folder inside the CA root does not contain the keys, which sit in the root itself.
    QVERIFY(refuseFolderContainingCaRoot(m_root + "/sub", m_root).ok());
    QVERIFY(refuseFolderContainingCaRoot(base + "/car", m_root).ok()); // a name prefix is not a parent
}

void TestLocalCa::exports()
{
    LeafRequest req;
    req.names = names({"localhost"});
    auto leaf = m_ca->issue(req);
    QVERIFY(leaf.ok());
    auto bundle = pemBundle(*m_ca, &*leaf);
    QVERIFY(bundle.ok());
    QCOMPARE(*bundle, leaf->certPem + m_ca->certPem() + leaf->keyPem);
    const std::string pemFile = (m_tmp.path() + "/bundle.pem").toStdString();
    QVERIFY(writeExport(pemFile, *bundle).ok());
    QCOMPARE(fileMode(pemFile), 0600);

    for (P12Profile profile : {P12Profile::Modern, P12Profile::Legacy}) {
        auto der = pkcs12(*m_ca, &*leaf, "s3cret", profile);
        QVERIFY(der.ok());
        const auto *p = reinterpret_cast<const unsigned char *>(der->data());
        std::unique_ptr<PKCS12, decltype(&PKCS12_free)> p12(d2i_PKCS12(nullptr, &p, static_cast<long>(der->size())),
                                                            PKCS12_free);
        QVERIFY(p12);
        QVERIFY(PKCS12_verify_mac(p12.get(), "s3cret", -1) == 1);
        QVERIFY(PKCS12_verify_mac(p12.get(), "wrong", -1) != 1);
        const X509_ALGOR *macAlg = nullptr;
        PKCS12_get0_mac(nullptr, &macAlg, nullptr, nullptr, p12.get());
        const ASN1_OBJECT *oid = nullptr;
        X509_ALGOR_get0(&oid, nullptr, nullptr, macAlg);
        QCOMPARE(OBJ_obj2nid(oid), profile == P12Profile::Legacy ? NID_sha1 : NID_sha256);
        EVP_PKEY *key = nullptr;
        X509 *cert = nullptr;
        STACK_OF(X509) *ca = nullptr;
        QVERIFY(PKCS12_parse(p12.get(), "s3cret", &key, &cert, &ca) == 1);
        QVERIFY(key && cert && ca && sk_X509_num(ca) == 1);
        QVERIFY(X509_check_private_key(cert, key) == 1);
        EVP_PKEY_free(key);
        X509_free(cert);
        sk_X509_pop_free(ca, X509_free);
    }
    auto caOnly = pkcs12(*m_ca, nullptr, "x", P12Profile::Modern);
    QVERIFY(caOnly.ok());
    QCOMPARE(*pemBundle(*m_ca, nullptr), m_ca->certPem());
}

// The trust-store commands run with their output on a pipe and nothing
// more of h2scope's: the pipe's own ends are close-on-exec, so the only
// descriptors on it are the child's standard output and error.
void TestLocalCa::commandsGetNoStrayDescriptors()
{
    const CommandResult r = runCommand({"sh", "-c",
                                        "out=$(readlink /proc/$$/fd/1); n=0; for f in /proc/$$/fd/*; do "
                                        "[ \"$(readlink \"$f\")\" = \"$out\" ] && n=$((n+1)); done; echo \"$n\""},
                                       10000);
    QVERIFY2(r.started && r.exitCode == 0, r.describe("sh").c_str());
    QCOMPARE(QByteArray::fromStdString(r.output).trimmed(), QByteArray("2"));
    // Input is /dev/null.
    const CommandResult in = runCommand({"sh", "-c", "readlink /proc/$$/fd/0"}, 10000);
    QCOMPARE(QByteArray::fromStdString(in.output).trimmed(), QByteArray("/dev/null"));
    // A program that is not there is not started.
    QVERIFY(!runCommand({"/nonexistent/program"}, 1000).started);
}

QTEST_APPLESS_MAIN(TestLocalCa)
#include "tst_localca.moc"
