// NSS databases, through NSS's own certutil: Chromium/Chrome's ~/.pki/nssdb
// (and its XDG location and the snap's), and every Firefox profile (classic,
// snap, flatpak and XDG locations; macOS's Application Support on a Mac).

#include "caroot.h"
#include "command.h"
#include "truststores.h"

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <sstream>

namespace fs = std::filesystem;

namespace h2scope::certs::internal {
namespace {

bool isNssDb(const fs::path &dir)
{
    std::error_code ec;
    return fs::is_regular_file(dir / "cert9.db", ec);
}

std::string envOr(const char *name, const std::string &fallback)
{
    const char *v = std::getenv(name);
    return (v && *v) ? std::string(v) : fallback;
}

std::string dbArg(const std::string &db)
{
    return "sql:" + db;
}

// Certutil's own listing: "<nickname>   <trust flags>" per line. The SSL trust
// flags are the first comma-separated field; "C" means a trusted CA.
bool listedAsTrustedCa(const std::string &listing, const std::string &nickname)
{
    std::istringstream in(listing);
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind(nickname, 0) != 0)
            continue;
        std::string rest = line.substr(nickname.size());
        while (!rest.empty() && (rest.back() == ' ' || rest.back() == '\r' || rest.back() == '\t'))
            rest.pop_back();
        const auto flagsAt = rest.find_last_of(" \t");
        // Only blanks between the nickname and the flags: a longer nickname is another certificate.
        if (flagsAt == std::string::npos || rest.find_first_not_of(" \t") != flagsAt + 1)
            continue;
        const std::string flags = rest.substr(flagsAt + 1);
        const std::string ssl = flags.substr(0, flags.find(','));
        if (ssl.find('C') != std::string::npos)
            return true;
    }
    return false;
}

} // namespace

std::string nssMissingToolMessage()
{
#ifdef __APPLE__
    return "certutil (NSS) is missing: install it with `brew install nss`";
#else
    return "certutil is missing: install the package libnss3-tools (Debian/Ubuntu), nss-tools (Fedora) or nss (Arch)";
#endif
}

std::vector<std::string> nssDatabases()
{
    const std::string home = homeDir();
    if (home.empty())
        return {};
    std::vector<fs::path> candidates;
    std::vector<fs::path> profileRoots;
#ifdef __APPLE__
    profileRoots.push_back(fs::path(home) / "Library/Application Support/Firefox/Profiles");
#else
    candidates.push_back(fs::path(home) / ".pki/nssdb");
    candidates.push_back(fs::path(envOr("XDG_DATA_HOME", home + "/.local/share")) / "pki/nssdb");
    candidates.push_back(fs::path(home) / "snap/chromium/current/.pki/nssdb");
    profileRoots.push_back(fs::path(home) / ".mozilla/firefox");
    profileRoots.push_back(fs::path(home) / "snap/firefox/common/.mozilla/firefox");
    profileRoots.push_back(fs::path(envOr("XDG_CONFIG_HOME", home + "/.config")) / "mozilla/firefox");
    profileRoots.push_back(fs::path(home) / ".var/app/org.mozilla.firefox/.mozilla/firefox");
#endif
    std::error_code ec;
    for (const fs::path &root : profileRoots) {
        if (!fs::is_directory(root, ec))
            continue;
        for (const fs::directory_entry &e : fs::directory_iterator(root, ec))
            candidates.push_back(e.path());
    }
    std::vector<std::string> out;
    for (const fs::path &c : candidates) {
        if (!isNssDb(c))
            continue;
        const std::string canonical = fs::weakly_canonical(c, ec).string();
        if (std::find(out.begin(), out.end(), canonical) == out.end())
            out.push_back(canonical);
    }
    return out;
}

std::string nssCreateDefaultDatabase()
{
#ifdef __APPLE__
    return {};
#else
    const std::string home = homeDir();
    if (home.empty() || findExecutable("certutil").empty())
        return {};
    const std::string db = home + "/.pki/nssdb";
    if (!ensurePrivateDir(home + "/.pki") || !ensurePrivateDir(db))
        return {};
    if (!runCommand({"certutil", "-N", "-d", dbArg(db), "--empty-password"}).ok())
        return {};
    return db;
#endif
}

StoreStatus nssStatus(const LocalCa &ca, const std::string &db)
{
    if (findExecutable("certutil").empty())
        return {StoreKind::Nss, db, TrustState::CannotCheck, nssMissingToolMessage()};
    const CommandResult list = runCommand({"certutil", "-L", "-d", dbArg(db)});
    if (!list.ok())
        return {StoreKind::Nss, db, TrustState::CannotCheck, list.describe("certutil")};
    if (!listedAsTrustedCa(list.output, ca.nickname()))
        return {StoreKind::Nss, db, TrustState::NotTrusted, "not in this database"};
    // The nickname is unique to this CA; the certificate itself must match too.
    const CommandResult pem = runCommand({"certutil", "-L", "-d", dbArg(db), "-n", ca.nickname(), "-a"});
    if (!pem.ok())
        return {StoreKind::Nss, db, TrustState::CannotCheck, pem.describe("certutil")};
    auto ours = summarizeCertPem(ca.certPem());
    auto theirs = summarizeCertPem(pem.output);
    if (!ours || !theirs || ours->sha256 != theirs->sha256)
        return {StoreKind::Nss, db, TrustState::NotTrusted, "another certificate has this CA's name"};
    return {StoreKind::Nss, db, TrustState::Trusted, "trusted for TLS servers (C,,)"};
}

TrustChange nssInstall(const LocalCa &ca, const std::string &db)
{
    if (findExecutable("certutil").empty())
        return {StoreKind::Nss, db, false, nssMissingToolMessage(), false};
    const CommandResult r = runCommand(
        {"certutil", "-A", "-d", dbArg(db), "-t", "C,,", "-n", ca.nickname(), "-i", LocalCa::certPath(ca.root())});
    if (!r.ok())
        return {StoreKind::Nss, db, false, r.describe("certutil") + " (is the browser holding the database?)", false};
    return {StoreKind::Nss, db, true, "trusted in " + db, true};
}

TrustChange nssUninstall(const LocalCa &ca, const std::string &db)
{
    if (findExecutable("certutil").empty())
        return {StoreKind::Nss, db, false, nssMissingToolMessage(), false};
    std::error_code ec;
    if (!isNssDb(db))
        return {StoreKind::Nss, db, true, db + " no longer exists", false};
    // Deleted until it is gone (at most a few rounds, in case of duplicates).
    for (int i = 0; i < 4; ++i) {
        const StoreStatus s = nssStatus(ca, db);
        if (s.state != TrustState::Trusted)
            return {StoreKind::Nss, db, true, "removed from " + db, true};
        const CommandResult r = runCommand({"certutil", "-D", "-d", dbArg(db), "-n", ca.nickname()});
        if (!r.ok())
            return {StoreKind::Nss, db, false, r.describe("certutil"), false};
    }
    return {StoreKind::Nss, db, false, "the CA is still listed in " + db, false};
}

} // namespace h2scope::certs::internal
