// libFuzzer: request-target parsing and resolution below a small folder.
// Invariants: an accepted path is normalized, and whatever resolve() allows
// lies inside the served folder.
#include "site/pathresolver.h"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>
#include <string_view>

namespace {

// A served folder with a file, a subfolder, a dotfile, a key file and a
// symlink that leads out, plus a sibling folder whose name shares the prefix.
const h2scope::site::PathResolver &resolver()
{
    static std::unique_ptr<h2scope::site::PathResolver> r = [] {
        namespace fs = std::filesystem;
        char tmpl[] = "/tmp/h2scope-fuzz-path-XXXXXX";
        const char *base = ::mkdtemp(tmpl);
        const fs::path root = fs::path(base ? base : "/tmp") / "site";
        fs::create_directories(root / "sub");
        fs::create_directories(fs::path(base ? base : "/tmp") / "site2");
        std::ofstream(root / "index.html") << "x";
        std::ofstream(root / "sub" / "a.css") << "x";
        std::ofstream(root / ".env") << "x";
        std::ofstream(root / "server.key") << "x";
        std::error_code ec;
        fs::create_symlink("/etc", root / "out", ec);
        fs::create_symlink("../site2", root / "sibling", ec);
        return std::make_unique<h2scope::site::PathResolver>(fs::canonical(root).string(),
                                                             h2scope::site::PathResolver::Options{});
    }();
    return *r;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const h2scope::site::PathResolver &r = resolver();
    const std::string_view target(reinterpret_cast<const char *>(data), size);
    const h2scope::site::TargetPath t = r.parseTarget(target);
    if (!t.ok())
        return 0;
    const std::string &p = t.path;
    if (p.empty() || p[0] != '/' || p.find("//") != std::string::npos || p.find('\0') != std::string::npos
        || p.find('\\') != std::string::npos)
        __builtin_trap();
    if (p.find("/../") != std::string::npos || p.find("/./") != std::string::npos || p.ends_with("/..")
        || p.ends_with("/."))
        __builtin_trap();
    const h2scope::site::ResolvedPath res = r.resolve(p);
    if (res.ok() && !h2scope::site::PathResolver::isWithin(res.realPath, r.root()))
        __builtin_trap();
    (void)h2scope::site::PathResolver::encodePath(p);
    return 0;
}
