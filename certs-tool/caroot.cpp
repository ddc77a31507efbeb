#include "caroot.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <vector>

#ifndef _WIN32
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#endif

namespace fs = std::filesystem;

namespace h2scope::certs {
namespace {

std::string env(const char *name)
{
    const char *v = std::getenv(name);
    return v ? std::string(v) : std::string();
}

Error errnoError(const std::string &what, int err)
{
    const Errc code = (err == EACCES || err == EPERM || err == EROFS) ? Errc::PermissionDenied : Errc::Io;
    return makeError(code, what + ": " + std::strerror(err));
}

} // namespace

std::string defaultDataDir()
{
#if defined(_WIN32)
    const std::string base = env("LOCALAPPDATA");
    return base.empty() ? std::string() : (fs::path(base) / "h2scope").string();
#elif defined(__APPLE__)
    const std::string home = env("HOME");
    return home.empty() ? std::string() : home + "/Library/Application Support/h2scope";
#else
    const std::string xdg = env("XDG_DATA_HOME");
    if (!xdg.empty() && fs::path(xdg).is_absolute())
        return xdg + "/h2scope";
    const std::string home = env("HOME");
    return home.empty() ? std::string() : home + "/.local/share/h2scope";
#endif
}

Result<std::string> resolveCaRoot(const std::string &explicitDir)
{
    std::string dir = explicitDir;
    if (dir.empty())
        dir = env("H2SCOPE_CAROOT");
    if (dir.empty())
        dir = defaultDataDir();
    if (dir.empty())
        return makeError(Errc::NotFound,
                         "no home directory to keep the local CA in: set H2SCOPE_CAROOT or pass --caroot DIR");
    std::error_code ec;
    fs::path abs = fs::absolute(dir, ec);
    if (ec)
        return makeError(Errc::Io, "cannot make " + dir + " absolute: " + ec.message());
    return abs.lexically_normal().string();
}

Result<void> ensurePrivateDir(const std::string &dir)
{
    std::error_code ec;
    if (fs::is_directory(dir, ec))
        return {};
    const fs::path parent = fs::path(dir).parent_path();
    if (!parent.empty() && !fs::exists(parent, ec)) {
        fs::create_directories(parent, ec);
        if (ec)
            return makeError(ec == std::errc::permission_denied ? Errc::PermissionDenied : Errc::Io,
                             "cannot create " + parent.string() + ": " + ec.message());
    }
#ifdef _WIN32
    fs::create_directory(dir, ec);
    if (ec)
        return makeError(Errc::Io, "cannot create " + dir + ": " + ec.message());
#else
    if (::mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST)
        return errnoError("cannot create the CA folder " + dir, errno);
    ::chmod(dir.c_str(), 0700); // mkdir's mode is filtered by the umask
#endif
    return {};
}

Result<void> writeFileAtomic(const std::string &path, const std::string &data, unsigned mode, WriteMode how)
{
#ifdef _WIN32
    (void)mode; // the per-user data directory's ACL is what protects files on Windows
    std::error_code ec;
    if (how == WriteMode::CreateOnly && fs::exists(path, ec))
        return makeError(Errc::Refused, path + " already exists; h2scope never overwrites it");
    const std::string tmp = path + ".tmp";
    {
        std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
        out.write(data.data(), static_cast<std::streamsize>(data.size()));
        if (!out)
            return makeError(Errc::Io, "cannot write " + tmp);
    }
    fs::rename(tmp, path, ec);
    if (ec) {
        fs::remove(tmp, ec);
        return makeError(Errc::Io, "cannot write " + path + ": " + ec.message());
    }
    return {};
#else
    std::string tmp = path + ".tmp-XXXXXX";
    // mkstemp creates the file exclusively (O_EXCL) with mode 0600.
    const int fd = ::mkstemp(tmp.data());
    if (fd < 0)
        return errnoError("cannot create a file next to " + path, errno);
    int err = 0;
    if (::fchmod(fd, static_cast<mode_t>(mode)) != 0)
        err = errno;
    for (std::size_t done = 0; err == 0 && done < data.size();) {
        const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            err = n < 0 ? errno : EIO;
        else
            done += static_cast<std::size_t>(n);
    }
    if (err == 0 && ::fsync(fd) != 0)
        err = errno;
    if (::close(fd) != 0 && err == 0)
        err = errno;
    if (err == 0) {
        if (how == WriteMode::CreateOnly) {
            // link() fails with EEXIST instead of replacing: the target is created exclusively.
            if (::link(tmp.c_str(), path.c_str()) != 0)
                err = errno;
        } else if (::rename(tmp.c_str(), path.c_str()) != 0) {
            err = errno;
        }
    }
    if (how == WriteMode::CreateOnly || err != 0)
        ::unlink(tmp.c_str());
    if (err == EEXIST)
        return makeError(Errc::Refused, path + " already exists; h2scope never overwrites it");
    if (err != 0)
        return errnoError("cannot write " + path, err);
    return {};
#endif
}

Result<std::string> readWholeFile(const std::string &path)
{
    std::error_code ec;
    if (!fs::exists(path, ec))
        return makeError(Errc::NotFound, path + " does not exist");
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(Errc::Io, "cannot read " + path + " (check its permissions)");
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

bool fileExists(const std::string &path)
{
    std::error_code ec;
    return fs::exists(path, ec);
}

Result<void> refuseFolderContainingCaRoot(const std::string &folder, const std::string &caroot)
{
    std::error_code ec;
    const fs::path f = fs::weakly_canonical(fs::absolute(folder, ec), ec);
    const fs::path c = fs::weakly_canonical(fs::absolute(caroot, ec), ec);
    if (f.empty() || c.empty())
        return {};
    const auto parts = [](const fs::path &p) {
        std::vector<fs::path> out;
        for (const fs::path &part : p)
            if (!part.empty())
                out.push_back(part);
        return out;
    };
    const std::vector<fs::path> fp = parts(f);
    const std::vector<fs::path> cp = parts(c);
    if (fp.size() > cp.size() || !std::equal(fp.begin(), fp.end(), cp.begin()))
        return {};
    return makeError(Errc::Refused, "refusing to serve " + folder + ": it contains h2scope's CA folder " + caroot
                                        + " with the private keys. Serve another folder, or move the CA with"
                                          " --caroot DIR / H2SCOPE_CAROOT");
}

} // namespace h2scope::certs
