#include "trust.h"

#include "caroot.h"
#include "command.h"
#include "truststores.h"

#include <algorithm>
#include <cstdlib>
#include <sstream>

#ifndef _WIN32
#include <unistd.h>
#endif

namespace h2scope::certs {

using namespace internal;

namespace {

struct LedgerEntry {
    StoreKind kind;
    std::string location;
    std::string sha256;
};

std::string ledgerPath(const LocalCa &ca)
{
    return ca.root() + "/trust-ledger.tsv";
}

bool kindFromName(const std::string &name, StoreKind *kind)
{
    for (StoreKind k : {StoreKind::System, StoreKind::Nss, StoreKind::Java, StoreKind::Keychain, StoreKind::Windows})
        if (name == storeKindName(k)) {
            *kind = k;
            return true;
        }
    return false;
}

std::vector<LedgerEntry> readLedger(const LocalCa &ca)
{
    std::vector<LedgerEntry> entries;
    auto text = readWholeFile(ledgerPath(ca));
    if (!text)
        return entries;
    std::istringstream in(*text);
    std::string line;
    while (std::getline(in, line)) {
        const auto a = line.find('\t');
        const auto b = a == std::string::npos ? a : line.find('\t', a + 1);
        LedgerEntry e{};
        if (b == std::string::npos || !kindFromName(line.substr(0, a), &e.kind))
            continue;
        e.location = line.substr(a + 1, b - a - 1);
        e.sha256 = line.substr(b + 1);
        entries.push_back(e);
    }
    return entries;
}

void writeLedger(const LocalCa &ca, const std::vector<LedgerEntry> &entries)
{
    std::string text;
    for (const LedgerEntry &e : entries)
        text += std::string(storeKindName(e.kind)) + "\t" + e.location + "\t" + e.sha256 + "\n";
    [[maybe_unused]] Result<void> w = writeFileAtomic(ledgerPath(ca), text, 0600);
}

void record(const LocalCa &ca, const TrustChange &c, bool installed)
{
    if (!c.done || c.location.empty())
        return;
    const std::string sha = ca.summary().sha256;
    std::vector<LedgerEntry> entries = readLedger(ca);
    const auto same = [&](const LedgerEntry &e) {
        return e.kind == c.kind && e.location == c.location && e.sha256 == sha;
    };
    entries.erase(std::remove_if(entries.begin(), entries.end(), same), entries.end());
    if (installed)
        entries.push_back({c.kind, c.location, sha});
    writeLedger(ca, entries);
}

bool wanted(const std::vector<StoreKind> &kinds, StoreKind k)
{
    return std::find(kinds.begin(), kinds.end(), k) != kinds.end();
}

StoreStatus absent(StoreKind kind, const std::string &why)
{
    return StoreStatus{kind, "", TrustState::NotPresent, why};
}

} // namespace

namespace internal {

std::string anchorBaseName(const LocalCa &ca)
{
    std::string hex;
    for (char c : ca.summary().sha256)
        if (c != ':' && hex.size() < 16)
            hex += c;
    return "h2scope-ca-" + hex;
}

std::string homeDir()
{
    const char *home = std::getenv("HOME");
#ifdef _WIN32
    if (!home)
        home = std::getenv("USERPROFILE");
#endif
    return home ? std::string(home) : std::string();
}

bool isRoot()
{
#ifdef _WIN32
    return false;
#else
    return ::geteuid() == 0;
#endif
}

} // namespace internal

const char *storeKindName(StoreKind kind)
{
    switch (kind) {
    case StoreKind::System: return "system";
    case StoreKind::Nss: return "nss";
    case StoreKind::Java: return "java";
    case StoreKind::Keychain: return "keychain";
    case StoreKind::Windows: return "windows";
    }
    return "unknown";
}

const char *trustStateName(TrustState state)
{
    switch (state) {
    case TrustState::Trusted: return "trusted";
    case TrustState::NotTrusted: return "not trusted";
    case TrustState::NotPresent: return "not present";
    case TrustState::CannotCheck: return "cannot check";
    }
    return "unknown";
}

std::vector<StoreKind> platformStores()
{
#if defined(_WIN32)
    return {StoreKind::Windows, StoreKind::Java};
#elif defined(__APPLE__)
    return {StoreKind::Keychain, StoreKind::Nss, StoreKind::Java};
#else
    return {StoreKind::System, StoreKind::Nss, StoreKind::Java};
#endif
}

bool TrustReport::complete() const
{
    return std::all_of(changes.begin(), changes.end(), [](const TrustChange &c) { return c.done; });
}

std::vector<StoreStatus> trustStatus(const LocalCa &ca, const std::vector<StoreKind> &kinds)
{
    std::vector<StoreStatus> rows;
    for (StoreKind kind : kinds) {
        switch (kind) {
        case StoreKind::System: rows.push_back(systemStatus(ca)); break;
        case StoreKind::Java: rows.push_back(javaStatus(ca)); break;
        case StoreKind::Keychain: rows.push_back(keychainStatus(ca)); break;
        case StoreKind::Windows: rows.push_back(windowsStatus(ca)); break;
        case StoreKind::Nss: {
            const std::vector<std::string> dbs = nssDatabases();
            if (dbs.empty())
                rows.push_back(absent(StoreKind::Nss, "no NSS database found (Chromium creates ~/.pki/nssdb on first"
                                                      " start; `h2scope-certs trust --store nss` creates it)"));
            for (const std::string &db : dbs)
                rows.push_back(nssStatus(ca, db));
            break;
        }
        }
    }
    return rows;
}

TrustReport installTrust(const LocalCa &ca, const std::vector<StoreKind> &kinds)
{
    TrustReport report;
    const auto add = [&](TrustChange c) {
        record(ca, c, true);
        report.changes.push_back(std::move(c));
    };
    for (StoreKind kind : kinds) {
        switch (kind) {
        case StoreKind::System: add(systemInstall(ca)); break;
        case StoreKind::Java: add(javaInstall(ca)); break;
        case StoreKind::Keychain: add(keychainInstall(ca)); break;
        case StoreKind::Windows: add(windowsInstall(ca)); break;
        case StoreKind::Nss: {
            std::vector<std::string> dbs = nssDatabases();
            if (dbs.empty()) {
                const std::string created = nssCreateDefaultDatabase();
                if (!created.empty())
                    dbs.push_back(created);
            }
            if (dbs.empty())
                add(TrustChange{StoreKind::Nss, "", false,
                                findExecutable("certutil").empty() ? nssMissingToolMessage()
                                                                   : "no NSS database could be found or created",
                                false});
            for (const std::string &db : dbs)
                add(nssInstall(ca, db));
            break;
        }
        }
    }
    return report;
}

TrustReport uninstallTrust(const LocalCa &ca, const std::vector<StoreKind> &kinds)
{
    TrustReport report;
    const std::string sha = ca.summary().sha256;
    std::vector<std::pair<StoreKind, std::string>> targets;
    const auto addTarget = [&](StoreKind k, const std::string &loc) {
        if (std::find(targets.begin(), targets.end(), std::make_pair(k, loc)) == targets.end())
            targets.emplace_back(k, loc);
    };
    for (const LedgerEntry &e : readLedger(ca))
        if (e.sha256 == sha && wanted(kinds, e.kind))
            addTarget(e.kind, e.location);
    // Also wherever it is found now: installed by hand, or before the ledger existed.
    for (const StoreStatus &s : trustStatus(ca, kinds))
        if (s.state == TrustState::Trusted)
            addTarget(s.kind, s.location);

    for (const auto &[kind, location] : targets) {
        TrustChange c;
        switch (kind) {
        case StoreKind::System: c = systemUninstall(ca, location); break;
        case StoreKind::Nss: c = nssUninstall(ca, location); break;
        case StoreKind::Java: c = javaUninstall(ca, location); break;
        case StoreKind::Keychain: c = keychainUninstall(ca); break;
        case StoreKind::Windows: c = windowsUninstall(ca); break;
        }
        c.location = location.empty() ? c.location : location;
        record(ca, c, false);
        report.changes.push_back(std::move(c));
    }
    return report;
}

std::string restartAdvice()
{
    return "Browsers read their trust stores when they start: quit and reopen Chrome/Chromium and Firefox"
           " (all windows) after trusting or untrusting the CA. Other programs pick the system store up on"
           " their next start.";
}

std::string systemBundlePath()
{
    return internal::systemBundle();
}

} // namespace h2scope::certs
