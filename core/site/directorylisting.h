#pragma once
// The optional HTML index of a folder without index.html.

#include "pathresolver.h"
#include "result.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

struct DirectoryEntry {
    std::string name; // file name as on disk (raw bytes)
    bool isDirectory = false;
    std::uint64_t size = 0;    // bytes, for files
    std::int64_t modified = 0; // seconds since the Unix epoch
};

// Escapes &, <, >, " and ' for use in HTML text and attribute values.
std::string htmlEscape(std::string_view text);

// Reads the entries of the folder at `realPath`, leaving out what `resolver`
// would refuse to serve (dotfiles, private keys), sorted folders first, then
// by name. Fails with Errc::Io or Errc::PermissionDenied if the folder
// cannot be read.
Result<std::vector<DirectoryEntry>> readDirectory(const std::string &realPath, const PathResolver &resolver);

// A complete HTML page listing `entries` of the folder the client knows as
// `urlPath` (decoded, ending in '/'). Names are HTML-escaped; links are
// relative, percent-encoded and start with "./" so that a name like
// "javascript:x" can never be read as a URL scheme.
std::string renderDirectoryListing(std::string_view urlPath, const std::vector<DirectoryEntry> &entries);

} // namespace h2scope::site
