#pragma once
// Installing the local CA into trust stores, removing it, and telling where it
// is trusted. Stores: the Linux system store, NSS databases (Chromium, Firefox
// and others on Linux/macOS), Java's cacerts, the macOS login keychain, the
// Windows CurrentUser Root store. Every install is written to a ledger in the
// CA root (trust-ledger.tsv) so that uninstall finds every place again.
//
// These functions run external tools (certutil, keytool, update-ca-*, security,
// pkexec) bounded in time (up to two minutes for a password prompt): call them
// off a GUI thread. Any thread; no exceptions.

#include "localca.h"

#include <string>
#include <vector>

namespace h2scope::certs {

enum class StoreKind { System, Nss, Java, Keychain, Windows };
enum class TrustState { Trusted, NotTrusted, NotPresent, CannotCheck };

const char *storeKindName(StoreKind kind);    // "system", "nss", "java", "keychain", "windows"
const char *trustStateName(TrustState state); // "trusted", "not trusted", "not present", "cannot check"

// The stores this platform has, in the order they are shown.
std::vector<StoreKind> platformStores();

struct StoreStatus {
    StoreKind kind = StoreKind::System;
    std::string location; // a file, NSS database folder or store name; "" when there is none
    TrustState state = TrustState::CannotCheck;
    std::string detail; // why, and what to do, in a sentence
};

struct TrustChange {
    StoreKind kind = StoreKind::System;
    std::string location;
    bool done = false;         // the store now is as asked
    std::string message;       // what happened, or the exact command to run / the package to install
    bool needsRestart = false; // browsers read this store at start: restart them
};

struct TrustReport {
    std::vector<TrustChange> changes;
    // True when every store asked for is done (a store that is not present counts as done).
    bool complete() const;
};

// One row per store location: every NSS database found, for example.
std::vector<StoreStatus> trustStatus(const LocalCa &ca, const std::vector<StoreKind> &kinds);

// Installs the CA into `kinds` and records each success in the ledger.
TrustReport installTrust(const LocalCa &ca, const std::vector<StoreKind> &kinds);

// Removes the CA from every place of `kinds` the ledger names, and from any
// other place of those kinds where it is found; updates the ledger.
TrustReport uninstallTrust(const LocalCa &ca, const std::vector<StoreKind> &kinds);

// What a person should know about restarting browsers after a change.
std::string restartAdvice();

// The bundle of CA certificates that OpenSSL-based programs read on this
// machine (e.g. /etc/ssl/certs/ca-certificates.crt), or empty when none is
// known.
std::string systemBundlePath();

} // namespace h2scope::certs
