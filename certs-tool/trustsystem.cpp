// The Linux system trust store: an anchor file plus the distribution's
// extraction command. Writing there needs root: when not root, pkexec is used
// where a graphical session can answer its prompt, else the exact command is
// printed for the user to run.

#include "caroot.h"
#include "command.h"
#include "truststores.h"

#include <cstdlib>
#include <filesystem>
#include <optional>

namespace h2scope::certs::internal {
namespace {

struct SystemLayout {
    std::string anchorDir;
    std::string extension;
    std::vector<std::string> update; // the extraction command
    std::string bundle;              // the file OpenSSL-based programs read
    // What makes the extraction forget a removed anchor completely. Debian's
    // update-ca-certificates leaves the anchor's links in /etc/ssl/certs
    // (its .pem and its hash link) dangling unless told --fresh.
    std::vector<std::string> updateAfterRemoval;
};

// $H2SCOPE_SYSTEM_TRUST_ROOT: a Debian-style store under that folder instead
// of /, for tests and for trying the command out without touching the
// machine's store (update-ca-certificates takes every folder as an option).
std::optional<SystemLayout> throwawayLayout()
{
    const char *root = std::getenv("H2SCOPE_SYSTEM_TRUST_ROOT");
    if (!root || !*root || findExecutable("update-ca-certificates").empty())
        return std::nullopt;
    const std::string r = root;
    std::vector<std::string> update = {"update-ca-certificates",
                                       "--certsconf",
                                       r + "/etc/ca-certificates.conf",
                                       "--certsdir",
                                       r + "/usr/share/ca-certificates",
                                       "--localcertsdir",
                                       r + "/usr/local/share/ca-certificates",
                                       "--etccertsdir",
                                       r + "/etc/ssl/certs",
                                       "--hooksdir",
                                       r + "/etc/ca-certificates/update.d"};
    std::vector<std::string> fresh = update;
    fresh.push_back("--fresh");
    return SystemLayout{r + "/usr/local/share/ca-certificates", ".crt", update,
                        r + "/etc/ssl/certs/ca-certificates.crt", fresh};
}

// Debian/Ubuntu, Fedora/RHEL, Arch, openSUSE.
std::optional<SystemLayout> detectLayout()
{
    if (const char *root = std::getenv("H2SCOPE_SYSTEM_TRUST_ROOT"); root && *root)
        return throwawayLayout();
    const SystemLayout layouts[] = {
        {"/usr/local/share/ca-certificates",
         ".crt",
         {"update-ca-certificates"},
         "/etc/ssl/certs/ca-certificates.crt",
         {"update-ca-certificates", "--fresh"}},
        {"/etc/pki/ca-trust/source/anchors",
         ".pem",
         {"update-ca-trust", "extract"},
         "/etc/pki/tls/certs/ca-bundle.crt",
         {"update-ca-trust", "extract"}},
        {"/etc/ca-certificates/trust-source/anchors",
         ".crt",
         {"trust", "extract-compat"},
         "/etc/ssl/certs/ca-certificates.crt",
         {"trust", "extract-compat"}},
        {"/etc/pki/trust/anchors",
         ".pem",
         {"update-ca-certificates"},
         "/var/lib/ca-certificates/ca-bundle.pem",
         {"update-ca-certificates"}},
    };
    std::error_code ec;
    for (const SystemLayout &l : layouts)
        if (std::filesystem::is_directory(l.anchorDir, ec) && !findExecutable(l.update.front()).empty())
            return l;
    return std::nullopt;
}

// The base64 body of a PEM certificate, on one line, to find it inside a bundle.
std::string pemBody(const std::string &pem)
{
    std::string body;
    bool in = false;
    std::size_t pos = 0;
    while (pos < pem.size()) {
        std::size_t end = pem.find('\n', pos);
        if (end == std::string::npos)
            end = pem.size();
        std::string line = pem.substr(pos, end - pos);
        if (!line.empty() && line.back() == '\r')
            line.pop_back();
        if (line.rfind("-----BEGIN", 0) == 0)
            in = true;
        else if (line.rfind("-----END", 0) == 0)
            break;
        else if (in)
            body += line;
        pos = end + 1;
    }
    return body;
}

bool bundleContains(const std::string &bundlePath, const std::string &certPem)
{
    auto bundle = readWholeFile(bundlePath);
    if (!bundle)
        return false;
    std::string flat;
    for (char c : *bundle)
        if (c != '\n' && c != '\r')
            flat += c;
    const std::string body = pemBody(certPem);
    return !body.empty() && flat.find(body) != std::string::npos;
}

std::string asShell(const std::vector<std::vector<std::string>> &commands)
{
    std::string out;
    for (const auto &c : commands)
        out += (out.empty() ? "" : " && ") + commandLine(c);
    return out;
}

// Runs `commands` as root: directly, through pkexec, or not at all (then the
// message holds the line to run).
TrustChange runAsRoot(StoreKind kind, const std::string &location,
                      const std::vector<std::vector<std::string>> &commands, const std::string &doneMessage)
{
    TrustChange c{kind, location, false, "", true};
    if (isRoot()) {
        for (const auto &cmd : commands) {
            const CommandResult r = runCommand(cmd, 120000);
            if (!r.ok()) {
                c.message = r.describe(cmd.front());
                return c;
            }
        }
        c.done = true;
        c.message = doneMessage;
        return c;
    }
    const std::string line = asShell(commands);
    const bool graphical = std::getenv("DISPLAY") || std::getenv("WAYLAND_DISPLAY");
    if (graphical && !findExecutable("pkexec").empty()) {
        const CommandResult r = runCommand({"pkexec", "/bin/sh", "-c", line}, 120000);
        if (r.ok()) {
            c.done = true;
            c.message = doneMessage + " (through pkexec)";
            return c;
        }
    }
    c.message = "the system store needs root; run: sudo sh -c " + commandLine({line});
    return c;
}

} // namespace

std::string systemBundle()
{
    // Where the system store is not one we manage, the usual bundle paths.
    if (const std::optional<SystemLayout> layout = detectLayout(); layout && fileExists(layout->bundle))
        return layout->bundle;
    for (const char *path :
         {"/etc/ssl/certs/ca-certificates.crt", "/etc/pki/tls/certs/ca-bundle.crt", "/etc/ssl/cert.pem"})
        if (fileExists(path))
            return path;
    return {};
}

StoreStatus systemStatus(const LocalCa &ca)
{
    const std::optional<SystemLayout> layout = detectLayout();
    if (!layout)
        return {StoreKind::System, "", TrustState::NotPresent,
                "no supported system trust store (update-ca-certificates, update-ca-trust or trust) was found"};
    const std::string anchor = layout->anchorDir + "/" + anchorBaseName(ca) + layout->extension;
    const bool hasAnchor = fileExists(anchor);
    const bool inBundle = bundleContains(layout->bundle, ca.certPem());
    if (inBundle)
        return {StoreKind::System, anchor, TrustState::Trusted, std::string("in ") + layout->bundle};
    if (hasAnchor)
        return {StoreKind::System, anchor, TrustState::NotTrusted,
                "the anchor is installed but not extracted; run: sudo " + commandLine(layout->update)};
    return {StoreKind::System, anchor, TrustState::NotTrusted, std::string("not in ") + layout->bundle};
}

TrustChange systemInstall(const LocalCa &ca)
{
    const std::optional<SystemLayout> layout = detectLayout();
    if (!layout)
        return {StoreKind::System, "", true, "no system trust store on this machine; nothing to do", false};
    const std::string anchor = layout->anchorDir + "/" + anchorBaseName(ca) + layout->extension;
    return runAsRoot(StoreKind::System, anchor,
                     {{"install", "-m", "0644", LocalCa::certPath(ca.root()), anchor}, layout->update},
                     "installed as " + anchor);
}

TrustChange systemUninstall(const LocalCa &ca, const std::string &anchorPath)
{
    const std::optional<SystemLayout> layout = detectLayout();
    std::string anchor = anchorPath;
    if (anchor.empty() && layout)
        anchor = layout->anchorDir + "/" + anchorBaseName(ca) + layout->extension;
    if (!layout || anchor.empty())
        return {StoreKind::System, anchorPath, true, "no system trust store on this machine; nothing to do", false};
    return runAsRoot(StoreKind::System, anchor, {{"rm", "-f", anchor}, layout->updateAfterRemoval},
                     "removed " + anchor);
}

} // namespace h2scope::certs::internal
