#pragma once
// Where the local CA lives and how its files are written. The CA root is a
// per-user data directory (0700) holding ca.pem, ca-key.pem (0600), the app's
// leaf (leaf.pem, leaf-key.pem) and the trust ledger. Files are written
// atomically (temporary file + rename), keys with mode 0600 from the moment
// they exist. Functions are safe on any thread; two processes writing the same
// file race only as far as the last rename wins.

#include "result.h"

#include <string>

namespace h2scope::certs {

// The platform's per-user data directory for h2scope:
// $XDG_DATA_HOME/h2scope or ~/.local/share/h2scope (Linux and other Unix),
// ~/Library/Application Support/h2scope (macOS), %LOCALAPPDATA%\h2scope
// (Windows). "" when no home directory can be found.
std::string defaultDataDir();

// The CA root to use: `explicitDir` (--caroot) when not empty, else
// $H2SCOPE_CAROOT when set and not empty, else defaultDataDir(). Made absolute.
// Fails with Errc::NotFound when there is no home directory to put it in.
Result<std::string> resolveCaRoot(const std::string &explicitDir = {});

// Creates `dir` (and its parents) when missing; a directory it creates gets
// mode 0700. Fails with Errc::PermissionDenied or Errc::Io, naming the path.
Result<void> ensurePrivateDir(const std::string &dir);

enum class WriteMode {
    Replace,    // atomically replace whatever is there
    CreateOnly, // fail with Errc::Refused if `path` already exists (never clobbers a key)
};

// Writes `data` to `path` atomically with permissions `mode` (e.g. 0600 for
// keys, 0644 for certificates) whatever the umask. Errc::Io / PermissionDenied
// on failure; the target is then untouched and no temporary file is left.
Result<void> writeFileAtomic(const std::string &path, const std::string &data, unsigned mode,
                             WriteMode how = WriteMode::Replace);

// The whole file. Errc::NotFound when it does not exist, Errc::Io otherwise.
Result<std::string> readWholeFile(const std::string &path);

bool fileExists(const std::string &path);

// Fails with Errc::Refused when `folder` is the CA root or contains it, so
// the private keys could be served. Paths are compared after resolving
// symlinks ("..", links) as far as they exist.
Result<void> refuseFolderContainingCaRoot(const std::string &folder, const std::string &caroot);

} // namespace h2scope::certs
