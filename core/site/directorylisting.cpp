#include "directorylisting.h"

#include "httpdate.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <dirent.h>
#include <fcntl.h>
#include <memory>
#include <sys/stat.h>
#include <unistd.h>

namespace h2scope::site {

namespace {

struct DirCloser {
    void operator()(DIR *d) const { ::closedir(d); }
};

std::string humanSize(std::uint64_t bytes)
{
    static constexpr const char *kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
    double value = static_cast<double>(bytes);
    std::size_t unit = 0;
    while (value >= 1024 && unit + 1 < std::size(kUnits)) {
        value /= 1024;
        ++unit;
    }
    char buf[32];
    if (unit == 0)
        std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(bytes));
    else
        std::snprintf(buf, sizeof buf, "%.1f %s", value, kUnits[unit]);
    return buf;
}

} // namespace

std::string htmlEscape(std::string_view text)
{
    std::string out;
    out.reserve(text.size());
    for (char c : text) {
        switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        case '\'': out += "&#39;"; break;
        default: out += c;
        }
    }
    return out;
}

Result<std::vector<DirectoryEntry>> readDirectory(const std::string &realPath, const PathResolver &resolver)
{
    const int fd = ::open(realPath.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) {
        const int err = errno;
        return makeError(err == EACCES ? Errc::PermissionDenied : Errc::Io,
                         "cannot open folder " + realPath + ": " + std::strerror(err));
    }
    std::unique_ptr<DIR, DirCloser> dir(::fdopendir(fd));
    if (!dir) {
        const int err = errno;
        ::close(fd);
        return makeError(Errc::Io, "cannot read folder " + realPath + ": " + std::strerror(err));
    }
    std::vector<DirectoryEntry> entries;
    while (const dirent *d = ::readdir(dir.get())) {
        const std::string_view name = d->d_name;
        if (name == "." || name == "..")
            continue;
        // stat (following symlinks) so entries show what a click would get.
        struct stat st {};
        if (::fstatat(fd, d->d_name, &st, 0) != 0)
            continue; // dangling symlink or vanished meanwhile
        const bool isDirectory = S_ISDIR(st.st_mode);
        if (!isDirectory && !S_ISREG(st.st_mode))
            continue;
        if (!resolver.refusalFor(name, false, !isDirectory).empty())
            continue;
        entries.push_back({std::string(name), isDirectory, static_cast<std::uint64_t>(st.st_size),
                           static_cast<std::int64_t>(st.st_mtim.tv_sec)});
    }
    std::sort(entries.begin(), entries.end(), [](const DirectoryEntry &a, const DirectoryEntry &b) {
        if (a.isDirectory != b.isDirectory)
            return a.isDirectory;
        return a.name < b.name;
    });
    return entries;
}

std::string renderDirectoryListing(std::string_view urlPath, const std::vector<DirectoryEntry> &entries)
{
    const std::string title = "Index of " + htmlEscape(urlPath);
    std::string html;
    html += "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>";
    html += title;
    html += "</title>\n<style>body{font-family:system-ui,sans-serif;margin:2em}"
            "td{padding:0 1.5em 0 0}td.n{text-align:right}</style></head>\n<body><h1>";
    html += title;
    html += "</h1>\n<table>\n";
    if (urlPath != "/")
        html += "<tr><td><a href=\"../\">../</a></td><td></td><td></td></tr>\n";
    for (const DirectoryEntry &e : entries) {
        std::string href = "./" + PathResolver::encodePath(e.name);
        std::string label = htmlEscape(e.name);
        if (e.isDirectory) {
            href += '/';
            label += '/';
        }
        html += "<tr><td><a href=\"";
        html += htmlEscape(href);
        html += "\">";
        html += label;
        html += "</a></td><td class=\"n\">";
        html += e.isDirectory ? "" : humanSize(e.size);
        html += "</td><td>";
        html += formatHttpDate(e.modified);
        html += "</td></tr>\n";
    }
    html += "</table>\n</body></html>\n";
    return html;
}

} // namespace h2scope::site
