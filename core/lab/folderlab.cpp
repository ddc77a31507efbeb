#include "lab/folderlab.h"

#include "net/server.h"
#include "site/staticsite.h"
#include "tls/tlscontext.h"

namespace h2scope::lab {

Result<LabReport> runAgainstFolder(const std::string &root, const std::string &certPem, const std::string &keyPem,
                                   LabOptions options, const LabRunner::Progress &progress)
{
    site::SiteOptions siteOptions;
    siteOptions.root = root;
    siteOptions.liveReload = false;
    auto site = site::StaticSite::create(siteOptions);
    if (!site)
        return site.error();
    tls::TlsOptions tlsOptions;
    tlsOptions.certPem = certPem;
    tlsOptions.keyPem = keyPem;
    auto tlsContext = tls::TlsContext::create(tlsOptions);
    if (!tlsContext)
        return tlsContext.error();
    net::ServerOptions serverOptions;
    serverOptions.host = "127.0.0.1";
    serverOptions.port = 0;
    serverOptions.workers = 1;
    // The push mode pushes a page's whole module graph (at most
    // site::ModuleGraphLimits::maxModules), not the first 16 of it.
    serverOptions.h2.maxPushesPerRequest = 256;
    serverOptions.tls = *tlsContext;
    net::Server server(serverOptions, **site, nullptr);
    if (Result<void> started = server.start(); !started)
        return started.error();
    options.load.host = "127.0.0.1";
    options.load.port = server.port();
    Result<LabReport> report = LabRunner::run(options, progress);
    server.stop(std::chrono::milliseconds(500));
    return report;
}

} // namespace h2scope::lab
