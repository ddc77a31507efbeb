#pragma once
// Internal to h2scope::certs: one set of functions per trust store, used by
// trust.cpp. Each lists the locations it can see, reports status for one
// location, and installs or removes the CA there. Same threading as trust.h.

#include "trust.h"

#include <string>
#include <vector>

namespace h2scope::certs::internal {

// The file a store names the CA by: "h2scope-ca-<first 16 hex of SHA-256>".
std::string anchorBaseName(const LocalCa &ca);
std::string homeDir();
bool isRoot();

// Linux system store (Debian, Fedora, Arch, openSUSE layouts).
StoreStatus systemStatus(const LocalCa &ca);
std::string systemBundle(); // see certs::systemBundlePath()
TrustChange systemInstall(const LocalCa &ca);
TrustChange systemUninstall(const LocalCa &ca, const std::string &anchorPath);

// NSS databases (folders with cert9.db).
std::vector<std::string> nssDatabases();
std::string nssMissingToolMessage();
StoreStatus nssStatus(const LocalCa &ca, const std::string &db);
TrustChange nssInstall(const LocalCa &ca, const std::string &db);
TrustChange nssUninstall(const LocalCa &ca, const std::string &db);
// Creates ~/.pki/nssdb (what Chromium and Chrome read on Linux) when no NSS
// database exists at all; returns its path, or "" when it was not possible.
std::string nssCreateDefaultDatabase();

// Java: the cacerts of the JDK found via JAVA_HOME or keytool on PATH.
StoreStatus javaStatus(const LocalCa &ca);
TrustChange javaInstall(const LocalCa &ca);
TrustChange javaUninstall(const LocalCa &ca, const std::string &cacerts);

// macOS login keychain and Windows CurrentUser Root; elsewhere they report NotPresent.
StoreStatus keychainStatus(const LocalCa &ca);
TrustChange keychainInstall(const LocalCa &ca);
TrustChange keychainUninstall(const LocalCa &ca);
StoreStatus windowsStatus(const LocalCa &ca);
TrustChange windowsInstall(const LocalCa &ca);
TrustChange windowsUninstall(const LocalCa &ca);

} // namespace h2scope::certs::internal
