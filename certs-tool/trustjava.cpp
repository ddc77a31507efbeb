// Java's cacerts, through the JDK's keytool. The JDK is the one JAVA_HOME
// names, else the one whose keytool is on PATH. cacerts uses the well-known
// default password "changeit"; writing it usually needs root.

#include "caroot.h"
#include "command.h"
#include "truststores.h"

#include <cstdlib>
#include <filesystem>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace fs = std::filesystem;

namespace h2scope::certs::internal {
namespace {

struct Jdk {
    std::string keytool;
    std::string cacerts;
};

Jdk findJdk()
{
    std::error_code ec;
    std::vector<fs::path> homes;
    if (const char *jh = std::getenv("JAVA_HOME"); jh && *jh)
        homes.emplace_back(jh);
    if (const std::string kt = findExecutable("keytool"); !kt.empty())
        homes.push_back(fs::canonical(kt, ec).parent_path().parent_path()); // <home>/bin/keytool
    for (const fs::path &home : homes) {
        for (const char *rel : {"lib/security/cacerts", "jre/lib/security/cacerts"}) {
            const fs::path keytool = home / "bin" / "keytool";
            if (fs::exists(home / rel, ec) && fs::exists(keytool, ec))
                return {keytool.string(), fs::weakly_canonical(home / rel, ec).string()};
        }
    }
    return {};
}

std::string alias(const LocalCa &ca)
{
    return anchorBaseName(ca); // keytool lower-cases aliases; this one already is
}

bool writable(const std::string &path)
{
#ifdef _WIN32
    (void)path;
    return true;
#else
    return ::access(path.c_str(), W_OK) == 0;
#endif
}

} // namespace

StoreStatus javaStatus(const LocalCa &ca)
{
    const Jdk jdk = findJdk();
    if (jdk.keytool.empty())
        return {StoreKind::Java, "", TrustState::NotPresent, "no JDK found (set JAVA_HOME to use Java's store)"};
    const CommandResult r =
        runCommand({jdk.keytool, "-list", "-keystore", jdk.cacerts, "-storepass", "changeit", "-alias", alias(ca)});
    if (!r.started || r.timedOut)
        return {StoreKind::Java, jdk.cacerts, TrustState::CannotCheck, r.describe("keytool")};
    if (r.exitCode == 0)
        return {StoreKind::Java, jdk.cacerts, TrustState::Trusted, "alias " + alias(ca)};
    return {StoreKind::Java, jdk.cacerts, TrustState::NotTrusted, "alias " + alias(ca) + " is not in cacerts"};
}

TrustChange javaInstall(const LocalCa &ca)
{
    const Jdk jdk = findJdk();
    if (jdk.keytool.empty())
        return {StoreKind::Java, "", true, "no JDK found; nothing to do", false};
    if (javaStatus(ca).state == TrustState::Trusted)
        return {StoreKind::Java, jdk.cacerts, true, "already trusted in " + jdk.cacerts, false};
    const std::vector<std::string> cmd = {jdk.keytool, "-importcert", "-noprompt",  "-trustcacerts",
                                          "-keystore", jdk.cacerts,   "-storepass", "changeit",
                                          "-alias",    alias(ca),     "-file",      LocalCa::certPath(ca.root())};
    if (!writable(jdk.cacerts))
        return {StoreKind::Java, jdk.cacerts, false, jdk.cacerts + " is not writable; run: sudo " + commandLine(cmd),
                false};
    const CommandResult r = runCommand(cmd);
    if (!r.ok())
        return {StoreKind::Java, jdk.cacerts, false, r.describe("keytool"), false};
    return {StoreKind::Java, jdk.cacerts, true, "trusted in " + jdk.cacerts + " (restart Java programs)", false};
}

TrustChange javaUninstall(const LocalCa &ca, const std::string &cacerts)
{
    const Jdk jdk = findJdk();
    if (jdk.keytool.empty())
        return {StoreKind::Java, cacerts, false, "no JDK found to remove the CA from " + cacerts + " with", false};
    const std::string store = cacerts.empty() ? jdk.cacerts : cacerts;
    const std::vector<std::string> cmd = {jdk.keytool,  "-delete",  "-keystore", store,
                                          "-storepass", "changeit", "-alias",    alias(ca)};
    if (!writable(store))
        return {StoreKind::Java, store, false, store + " is not writable; run: sudo " + commandLine(cmd), false};
    const CommandResult r = runCommand(cmd);
    if (!r.ok() && r.output.find("does not exist") == std::string::npos)
        return {StoreKind::Java, store, false, r.describe("keytool"), false};
    return {StoreKind::Java, store, true, "removed from " + store, false};
}

} // namespace h2scope::certs::internal
