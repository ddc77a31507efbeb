#pragma once
// Files on disk for the site tests: write one, move its modification time,
// and read back a response body the way a protocol session would.

#include "site/response.h"

#include <QtTest>

#include <cstdint>
#include <ctime>
#include <fcntl.h>
#include <string>
#include <sys/stat.h>
#include <unistd.h>

namespace h2scope::testing {

// Creates or rewrites `path` in place (same inode when it exists).
inline void writeFile(const std::string &path, const std::string &content)
{
    const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    QVERIFY2(fd >= 0, path.c_str());
    QCOMPARE(::write(fd, content.data(), content.size()), ssize_t(content.size()));
    ::close(fd);
}

// Sets access and modification time to `seconds` since the epoch: far from
// "now", so a rewrite is seen as a change even with coarse timestamps, or in
// the past, as for a file saved a while ago (snapshots need settled files).
inline void setMtime(const std::string &path, std::time_t seconds)
{
    const timespec times[2] = {{seconds, 0}, {seconds, 0}};
    QCOMPARE(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0);
}

// The whole body, or what was read plus "<<read failed>>".
inline std::string readBody(site::Response &response)
{
    if (!response.body)
        return {};
    std::string out;
    std::uint8_t buf[4096];
    while (!response.body->done()) {
        auto n = response.body->read(buf, sizeof buf);
        if (!n || *n == 0)
            return out + "<<read failed>>";
        out.append(reinterpret_cast<const char *>(buf), *n);
    }
    return out;
}

} // namespace h2scope::testing
