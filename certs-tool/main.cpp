// h2scope-certs: the managed local CA from the command line. Plain C++ (no Qt).

#include "caroot.h"
#include "exporter.h"
#include "leaf.h"
#include "localca.h"
#include "snippets.h"
#include "statusprinter.h"
#include "trust.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <iostream>
#include <optional>
#include <string>
#include <vector>

using namespace h2scope;
using namespace h2scope::certs;

namespace {

// Exit codes a script can rely on (also in --help).
enum Exit : int {
    ExitOk = 0,
    ExitFailed = 1,     // something could not be read, written, generated or verified
    ExitUsage = 2,      // bad command line, or a name certificates cannot hold
    ExitIncomplete = 3, // trust/untrust: some store needs you (the command to run is printed)
    ExitNoCa = 4,       // status/untrust/export: there is no CA in the CA root yet
};

const char *kHelp = R"(Usage: h2scope-certs [--caroot DIR] COMMAND [OPTIONS]

Manages h2scope's local certificate authority (CA) and the certificates it
issues, and installs the CA into trust stores so browsers and tools trust
h2scope's HTTPS without warnings.

Commands:
  ca [--rsa]                   Create the CA if missing (ECDSA P-256, or RSA 3072
                               with --rsa), then show it.
  issue [--cert-file F] [--key-file K] [--rsa] [NAME...]
                               Issue a certificate for host names and IP addresses
                               (default: localhost 127.0.0.1 ::1 and this host).
                               Files default to ./NAME.pem and ./NAME-key.pem after
                               the first name. An existing valid one for the same
                               names is kept; it is reissued under 30 days left.
  trust [--store S]            Install the CA into trust stores.
  untrust [--store S]          Remove the CA from every store it was installed in.
  status [--json]              CA and leaf expiry, SHA-256 fingerprints, the trust
                               matrix and snippets for tools with their own stores.
  export --pem FILE | --p12 FILE [--ca] [--password P] [--legacy]
                               Write h2scope's leaf certificate, the CA and the leaf
                               key as a PEM bundle or PKCS#12 (mode 0600); with --ca,
                               the CA certificate alone. PKCS#12 uses AES-256/PBKDF2;
                               --legacy uses 3DES/SHA-1 for old importers. The
                               password is P, else $H2SCOPE_P12_PASSWORD, else
                               "changeit".

Stores (--store, repeatable or comma-separated): system, nss, java, keychain
(macOS), windows (Windows), all (the default: every store of this platform).

Options for every command:
  --caroot DIR   Where the CA lives (else $H2SCOPE_CAROOT, else the per-user data
                 folder, e.g. ~/.local/share/h2scope).
  -h, --help     Show this help.   --version   Print the version.

Exit codes:
  0  success
  1  failure: a file could not be read or written, OpenSSL failed, a store
     tool failed, or the built-in verification failed
  2  usage error, or a name that certificates cannot hold
  3  trust/untrust incomplete: a store needs you (the command is printed)
  4  no CA in the CA root yet (status, untrust, export): run `h2scope-certs ca`
)";

struct Args {
    std::string command;
    std::string caroot;
    std::vector<std::string> positional;
    std::vector<std::pair<std::string, std::string>> options; // name -> value ("" for flags)

    bool has(const std::string &name) const
    {
        for (const auto &o : options)
            if (o.first == name)
                return true;
        return false;
    }
    std::string value(const std::string &name) const
    {
        for (const auto &o : options)
            if (o.first == name)
                return o.second;
        return {};
    }
};

int fail(int code, const std::string &message)
{
    std::cerr << "h2scope-certs: " << message << "\n";
    return code;
}

int failWith(const Error &e)
{
    return fail(e.code == Errc::InvalidArgument ? ExitUsage : (e.code == Errc::NotFound ? ExitNoCa : ExitFailed),
                e.message);
}

bool takesValue(const std::string &opt)
{
    return opt == "--caroot" || opt == "--cert-file" || opt == "--key-file" || opt == "--store" || opt == "--pem"
           || opt == "--p12" || opt == "--password";
}

bool isKnownFlag(const std::string &command, const std::string &opt)
{
    if (command == "ca")
        return opt == "--rsa";
    if (command == "issue")
        return opt == "--rsa" || opt == "--cert-file" || opt == "--key-file";
    if (command == "trust" || command == "untrust")
        return opt == "--store";
    if (command == "status")
        return opt == "--json";
    if (command == "export")
        return opt == "--pem" || opt == "--p12" || opt == "--ca" || opt == "--password" || opt == "--legacy";
    return false;
}

Result<std::vector<StoreKind>> parseStores(const Args &args)
{
    std::vector<StoreKind> kinds;
    bool any = false;
    for (const auto &[name, value] : args.options) {
        if (name != "--store")
            continue;
        any = true;
        std::size_t start = 0;
        while (start <= value.size()) {
            std::size_t end = value.find(',', start);
            if (end == std::string::npos)
                end = value.size();
            const std::string s = value.substr(start, end - start);
            start = end + 1;
            if (s == "all") {
                for (StoreKind k : platformStores())
                    kinds.push_back(k);
                continue;
            }
            bool found = false;
            for (StoreKind k :
                 {StoreKind::System, StoreKind::Nss, StoreKind::Java, StoreKind::Keychain, StoreKind::Windows})
                if (s == storeKindName(k)) {
                    kinds.push_back(k);
                    found = true;
                }
            if (!found)
                return makeError(Errc::InvalidArgument,
                                 "--store " + s + ": expected system, nss, java, keychain, windows or all");
        }
    }
    if (!any)
        kinds = platformStores();
    return kinds;
}

void printCa(const LocalCa &ca, bool created)
{
    const CertSummary s = ca.summary();
    std::cout << (created ? "Created a new local CA in " : "Local CA in ") << ca.root() << "\n"
              << "  subject:  " << s.subject << "\n"
              << "  key:      " << s.keyAlgorithm << "\n"
              << "  expires:  " << formatUtc(s.notAfter) << "\n"
              << "  SHA-256:  " << s.sha256 << "\n"
              << "  file:     " << LocalCa::certPath(ca.root()) << "\n";
    if (created)
        std::cout << "Trust it with: h2scope-certs trust\n";
}

std::string fileStem(const std::string &name)
{
    std::string out;
    for (char c : name)
        out += c == '*' ? std::string("_wildcard") : (c == ':' ? std::string("_") : std::string(1, c));
    return out;
}

int cmdCa(const std::string &caroot, const Args &args)
{
    bool created = false;
    auto ca = LocalCa::loadOrCreate(caroot, args.has("--rsa") ? KeyAlgorithm::Rsa : KeyAlgorithm::EcdsaP256, &created);
    if (!ca)
        return failWith(ca.error());
    printCa(*ca, created);
    return ExitOk;
}

int cmdIssue(const std::string &caroot, const Args &args)
{
    auto names = parseSanNames(args.positional.empty() ? defaultLeafNames() : args.positional);
    if (!names)
        return fail(ExitUsage, names.error().message);
    bool created = false;
    auto ca = LocalCa::loadOrCreate(caroot, KeyAlgorithm::EcdsaP256, &created);
    if (!ca)
        return failWith(ca.error());
    if (created)
        printCa(*ca, true);
    const std::string stem = fileStem(names->all().front());
    const std::string certFile = args.has("--cert-file") ? args.value("--cert-file") : "./" + stem + ".pem";
    const std::string keyFile = args.has("--key-file") ? args.value("--key-file") : "./" + stem + "-key.pem";
    auto leaf = ensureLeafFiles(*ca, certFile, keyFile, *names,
                                args.has("--rsa") ? KeyAlgorithm::Rsa : KeyAlgorithm::EcdsaP256);
    if (!leaf)
        return failWith(leaf.error());
    // The built-in check, as a client would: each name (a wildcard through a sample host under it).
    std::vector<std::string> checks;
    for (const std::string &n : names->all())
        checks.push_back(n.rfind("*.", 0) == 0 ? "h2scope-check" + n.substr(1) : n);
    if (Result<void> v = verifyLeaf(ca->certPem(), leaf->pem.certPem, checks); !v)
        return fail(ExitFailed, v.error().message);
    std::string list;
    for (const std::string &n : names->all())
        list += (list.empty() ? "" : ", ") + n;
    auto summary = summarizeCertPem(leaf->pem.certPem);
    std::cout << (leaf->issued ? "Issued a certificate for " : "Kept the valid certificate for ") << list << "\n"
              << "  certificate: " << certFile << "\n"
              << "  key:         " << keyFile << " (mode 0600)\n";
    if (summary)
        std::cout << "  expires:     " << formatUtc(summary->notAfter) << "\n";
    if (leaf->issued && leaf->reason != "there was none")
        std::cout << "  reissued because " << leaf->reason << "\n";
    return ExitOk;
}

int printReport(const TrustReport &report, const char *verb)
{
    bool restart = false;
    for (const TrustChange &c : report.changes) {
        std::cout << "  " << storeKindName(c.kind) << ": " << (c.done ? "" : "NOT DONE: ") << c.message << "\n";
        restart = restart || (c.done && c.needsRestart);
    }
    if (report.changes.empty())
        std::cout << "  nothing to " << verb << "\n";
    if (restart)
        std::cout << restartAdvice() << "\n";
    return report.complete() ? ExitOk : ExitIncomplete;
}

int cmdTrust(const std::string &caroot, const Args &args, bool install)
{
    auto kinds = parseStores(args);
    if (!kinds)
        return fail(ExitUsage, kinds.error().message);
    bool created = false;
    auto ca = install ? LocalCa::loadOrCreate(caroot, KeyAlgorithm::EcdsaP256, &created) : LocalCa::load(caroot);
    if (!ca)
        return failWith(ca.error());
    if (created)
        printCa(*ca, true);
    std::cout << (install ? "Trusting " : "Untrusting ") << ca->nickname() << ":\n";
    return printReport(install ? installTrust(*ca, *kinds) : uninstallTrust(*ca, *kinds),
                       install ? "trust" : "untrust");
}

int cmdStatus(const std::string &caroot, const Args &args)
{
    auto ca = LocalCa::load(caroot);
    if (!ca)
        return failWith(ca.error());
    StatusData s;
    s.caroot = caroot;
    s.caCertPath = LocalCa::certPath(caroot);
    s.ca = ca->summary();
    s.now = static_cast<long long>(std::time(nullptr));
    s.leafPath = appLeafCertPath(caroot);
    if (auto pem = readWholeFile(s.leafPath)) {
        if (auto leaf = summarizeCertPem(*pem)) {
            s.leaf = *leaf;
            Result<void> v = verifyLeaf(ca->certPem(), *pem, {"localhost"});
            s.leafCheck = v ? "verifies against the CA for localhost" : v.error().message;
        }
    }
    s.stores = trustStatus(*ca, platformStores());
    s.snippets = trustSnippets(s.caCertPath, caroot + "/h2scope-truststore.p12", systemBundlePath(),
                               caroot + "/ca-bundle-with-system.pem");
    std::cout << (args.has("--json") ? statusJson(s) : statusText(s));
    return ExitOk;
}

int cmdExport(const std::string &caroot, const Args &args)
{
    const bool pem = args.has("--pem");
    if (pem == args.has("--p12"))
        return fail(ExitUsage, "export needs exactly one of --pem FILE or --p12 FILE");
    const std::string file = args.value(pem ? "--pem" : "--p12");
    if (file.empty())
        return fail(ExitUsage, "export needs a file name");
    if (!LocalCa::existsIn(caroot))
        return fail(ExitNoCa, "there is no local CA in " + caroot + " yet: run `h2scope-certs ca`");
    auto ca = LocalCa::load(caroot);
    if (!ca)
        return failWith(ca.error());
    std::optional<PemPair> leaf;
    if (!args.has("--ca")) {
        auto managed = ensureManagedLeaf(caroot);
        if (!managed)
            return failWith(managed.error());
        leaf = managed->pem;
    }
    Result<std::string> data = pem ? pemBundle(*ca, leaf ? &*leaf : nullptr) : std::string();
    if (!pem) {
        std::string password = args.value("--password");
        if (!args.has("--password"))
            if (const char *env = std::getenv("H2SCOPE_P12_PASSWORD"))
                password = env;
        if (!args.has("--password") && !std::getenv("H2SCOPE_P12_PASSWORD"))
            password = "changeit";
        data = pkcs12(*ca, leaf ? &*leaf : nullptr, password,
                      args.has("--legacy") ? P12Profile::Legacy : P12Profile::Modern);
    }
    if (!data)
        return failWith(data.error());
    if (Result<void> w = writeExport(file, *data); !w)
        return failWith(w.error());
    std::cout << "Wrote " << (args.has("--ca") ? "the CA certificate" : "the certificate, the CA and the key") << " to "
              << file
              << (pem ? " (PEM" : (args.has("--legacy") ? " (PKCS#12, 3DES/SHA-1" : " (PKCS#12, AES-256/PBKDF2"))
              << ", mode 0600)\n";
    return ExitOk;
}

} // namespace

int main(int argc, char **argv)
{
    Args args;
    for (int i = 1; i < argc; ++i) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::cout << kHelp;
            return ExitOk;
        }
        if (a == "--version") {
            std::cout << "h2scope-certs " H2SCOPE_VERSION "\n";
            return ExitOk;
        }
        if (a.rfind("--", 0) == 0 && a.size() > 2) {
            std::string value;
            if (const auto eq = a.find('='); eq != std::string::npos) {
                value = a.substr(eq + 1);
                a = a.substr(0, eq);
            } else if (takesValue(a)) {
                if (i + 1 >= argc)
                    return fail(ExitUsage, a + " needs a value (see h2scope-certs --help)");
                value = argv[++i];
            }
            if (a == "--caroot")
                args.caroot = value;
            else
                args.options.emplace_back(a, value);
        } else if (args.command.empty()) {
            args.command = a;
        } else {
            args.positional.push_back(a);
        }
    }
    if (args.command.empty())
        return fail(ExitUsage, "no command given (see h2scope-certs --help)");
    const std::vector<std::string> commands = {"ca", "issue", "trust", "untrust", "status", "export"};
    if (std::find(commands.begin(), commands.end(), args.command) == commands.end())
        return fail(ExitUsage, "unknown command \"" + args.command + "\" (see h2scope-certs --help)");
    for (const auto &o : args.options)
        if (!isKnownFlag(args.command, o.first))
            return fail(ExitUsage, o.first + " is not an option of " + args.command + " (see h2scope-certs --help)");
    if (!args.positional.empty() && args.command != "issue")
        return fail(ExitUsage, args.command + " takes no names (got \"" + args.positional.front() + "\")");

    auto caroot = resolveCaRoot(args.caroot);
    if (!caroot)
        return failWith(caroot.error());
    if (args.command == "ca")
        return cmdCa(*caroot, args);
    if (args.command == "issue")
        return cmdIssue(*caroot, args);
    if (args.command == "trust" || args.command == "untrust")
        return cmdTrust(*caroot, args, args.command == "trust");
    if (args.command == "status")
        return cmdStatus(*caroot, args);
    return cmdExport(*caroot, args);
}
