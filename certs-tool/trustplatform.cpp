// The macOS login keychain and the Windows CurrentUser Root store. Each is
// compiled only on its own platform; elsewhere the functions say the store is
// not present. Both are small on purpose: they are reviewed by reading, as the
// project's CI runs on Linux.

#include "command.h"
#include "ossl.h"
#include "truststores.h"

#ifdef _WIN32
#include <wincrypt.h>
#include <windows.h>
#endif

namespace h2scope::certs::internal {

#ifdef __APPLE__

namespace {
std::string loginKeychain()
{
    return homeDir() + "/Library/Keychains/login.keychain-db";
}
} // namespace

StoreStatus keychainStatus(const LocalCa &ca)
{
    // verify-cert succeeds only when the CA is trusted for SSL by the user's trust settings.
    const CommandResult r =
        runCommand({"security", "verify-cert", "-c", LocalCa::certPath(ca.root()), "-p", "ssl", "-L", "-q"});
    if (!r.started)
        return {StoreKind::Keychain, loginKeychain(), TrustState::CannotCheck, "the security tool could not run"};
    return {StoreKind::Keychain, loginKeychain(), r.exitCode == 0 ? TrustState::Trusted : TrustState::NotTrusted,
            r.exitCode == 0 ? "trusted for SSL" : "not trusted for SSL"};
}

TrustChange keychainInstall(const LocalCa &ca)
{
    // macOS asks for the user's password in a dialog; allow time to answer it.
    const CommandResult r = runCommand({"security", "add-trusted-cert", "-r", "trustRoot", "-p", "ssl", "-p", "basic",
                                        "-k", loginKeychain(), LocalCa::certPath(ca.root())},
                                       120000);
    if (!r.ok())
        return {StoreKind::Keychain, loginKeychain(), false, r.describe("security add-trusted-cert"), false};
    return {StoreKind::Keychain, loginKeychain(), true, "trusted in the login keychain", true};
}

TrustChange keychainUninstall(const LocalCa &ca)
{
    const CommandResult trust = runCommand({"security", "remove-trusted-cert", LocalCa::certPath(ca.root())}, 120000);
    const CommandResult del = runCommand({"security", "delete-certificate", "-Z", ca.sha1Hex(), loginKeychain()});
    if (!trust.ok() && !del.ok())
        return {StoreKind::Keychain, loginKeychain(), false, del.describe("security delete-certificate"), false};
    return {StoreKind::Keychain, loginKeychain(), true, "removed from the login keychain", true};
}

#else

StoreStatus keychainStatus(const LocalCa &)
{
    return {StoreKind::Keychain, "", TrustState::NotPresent, "macOS only"};
}
TrustChange keychainInstall(const LocalCa &)
{
    return {StoreKind::Keychain, "", true, "macOS only; nothing to do", false};
}
TrustChange keychainUninstall(const LocalCa &)
{
    return {StoreKind::Keychain, "", true, "macOS only; nothing to do", false};
}

#endif

#ifdef _WIN32

namespace {
constexpr const char *kStoreName = "CurrentUser\\Root";

// The CurrentUser Root store; closed by the deleter.
struct StoreCloser {
    void operator()(void *s) const noexcept { CertCloseStore(static_cast<HCERTSTORE>(s), 0); }
};
using StoreHandle = std::unique_ptr<void, StoreCloser>;

StoreHandle openRoot()
{
    return StoreHandle(CertOpenStore(CERT_STORE_PROV_SYSTEM_W, 0, 0, CERT_SYSTEM_STORE_CURRENT_USER, L"ROOT"));
}

// Finds our CA by its SHA-1 hash (how the store indexes certificates); the caller frees the context.
PCCERT_CONTEXT findOurs(HCERTSTORE store, const LocalCa &ca)
{
    unsigned char hash[20];
    unsigned int len = 0;
    if (X509_digest(ca.cert(), EVP_sha1(), hash, &len) != 1)
        return nullptr;
    CRYPT_HASH_BLOB blob{len, hash};
    return CertFindCertificateInStore(store, X509_ASN_ENCODING, 0, CERT_FIND_SHA1_HASH, &blob, nullptr);
}
} // namespace

StoreStatus windowsStatus(const LocalCa &ca)
{
    StoreHandle store = openRoot();
    if (!store)
        return {StoreKind::Windows, kStoreName, TrustState::CannotCheck, "the store could not be opened"};
    PCCERT_CONTEXT found = findOurs(static_cast<HCERTSTORE>(store.get()), ca);
    if (!found)
        return {StoreKind::Windows, kStoreName, TrustState::NotTrusted, "not in the store"};
    CertFreeCertificateContext(found);
    return {StoreKind::Windows, kStoreName, TrustState::Trusted, "in the store"};
}

TrustChange windowsInstall(const LocalCa &ca)
{
    auto der = certToDer(ca.cert());
    StoreHandle store = openRoot();
    if (!der || !store)
        return {StoreKind::Windows, kStoreName, false, "the store could not be opened", false};
    // Windows shows its own confirmation dialog for the CurrentUser Root store.
    const BOOL ok = CertAddEncodedCertificateToStore(
        static_cast<HCERTSTORE>(store.get()), X509_ASN_ENCODING, reinterpret_cast<const BYTE *>(der->data()),
        static_cast<DWORD>(der->size()), CERT_STORE_ADD_REPLACE_EXISTING, nullptr);
    if (!ok)
        return {StoreKind::Windows, kStoreName, false,
                "adding the CA failed (error " + std::to_string(GetLastError()) + "; was the dialog declined?)", false};
    return {StoreKind::Windows, kStoreName, true, "trusted in CurrentUser\\Root", true};
}

TrustChange windowsUninstall(const LocalCa &ca)
{
    StoreHandle store = openRoot();
    if (!store)
        return {StoreKind::Windows, kStoreName, false, "the store could not be opened", false};
    // CertDeleteCertificateFromStore frees the context, even when it fails.
    for (int i = 0; i < 4; ++i) {
        PCCERT_CONTEXT found = findOurs(static_cast<HCERTSTORE>(store.get()), ca);
        if (!found)
            return {StoreKind::Windows, kStoreName, true, "removed from CurrentUser\\Root", true};
        if (!CertDeleteCertificateFromStore(found))
            return {StoreKind::Windows, kStoreName, false,
                    "removing the CA failed (error " + std::to_string(GetLastError()) + ")", false};
    }
    return {StoreKind::Windows, kStoreName, false, "the CA is still in CurrentUser\\Root", false};
}

#else

StoreStatus windowsStatus(const LocalCa &)
{
    return {StoreKind::Windows, "", TrustState::NotPresent, "Windows only"};
}
TrustChange windowsInstall(const LocalCa &)
{
    return {StoreKind::Windows, "", true, "Windows only; nothing to do", false};
}
TrustChange windowsUninstall(const LocalCa &)
{
    return {StoreKind::Windows, "", true, "Windows only; nothing to do", false};
}

#endif

} // namespace h2scope::certs::internal
