#include "servecontroller.h"

#include "lanaddresses.h"

#include "caroot.h"
#include "inspect/har.h"
#include "leaf.h"
#include "selfsigned.h"
#include "site/pushpolicy.h"
#include "tls/tlscontext.h"

#include "capturefiles.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace h2scope::app {

ServeController::ServeController(Options options, LineSink logSink, QObject *parent)
    : QObject(parent), m_options(std::move(options)), m_logSink(std::move(logSink)), m_formatter(inspect::nowNs())
{
    m_drainTimer.setInterval(50);
    connect(&m_drainTimer, &QTimer::timeout, this, &ServeController::drain);
}

ServeController::~ServeController()
{
    [[maybe_unused]] Result<void> r = stop();
    // A file read left running when serving stopped may still use the site.
    (void)m_siteLeftBehind.release();
}

Result<void> ServeController::start()
{
    // The CA's private keys must never be reachable from the served folder.
    if (auto caroot = certs::resolveCaRoot(m_options.caroot.toStdString()); caroot) {
        Result<void> safe = certs::refuseFolderContainingCaRoot(m_options.folder.toStdString(), *caroot);
        if (!safe)
            return safe.error();
    }

    site::SiteOptions siteOptions;
    siteOptions.root = m_options.folder.toStdString();
    siteOptions.listing = m_options.listing;
    siteOptions.allowDotfiles = m_options.allowDotfiles;
    siteOptions.followSymlinksOutside = m_options.followSymlinks;
    siteOptions.pushMode = site::parsePushMode(m_options.pushMode.toStdString()).value_or(site::PushMode::Auto);
    siteOptions.liveReload = m_options.liveReload;
    siteOptions.spaFallback = m_options.spa;
    siteOptions.moduleGraph = m_options.moduleGraph;
    siteOptions.custom404 = m_options.custom404;
    for (const QString &name : m_options.allowedHosts)
        siteOptions.allowedHosts.push_back(name.toStdString());
    // A --host name (not an address) is what the user will type: serve it.
    if (QHostAddress(m_options.host).isNull())
        siteOptions.allowedHosts.push_back(m_options.host.toStdString());
    auto site = site::StaticSite::create(siteOptions);
    if (!site)
        return site.error();
    m_site = std::move(*site);

    net::ServerOptions serverOptions;
    serverOptions.host = m_options.host.toStdString();
    // A read on a file system that stopped answering does not hold up
    // stopping (or quitting) for longer; stop() keeps the site for it.
    serverOptions.fileWaitOnStop = std::chrono::seconds(2);
    serverOptions.port = m_options.port;
    serverOptions.workers = m_options.workers;
    serverOptions.maxConnections = m_options.maxConnections;
    serverOptions.idleTimeout = std::chrono::seconds(m_options.idleTimeoutSeconds);
    serverOptions.h2.maxPushesPerRequest = m_options.maxPushes;
    serverOptions.h2.earlyHints = m_options.earlyHints;
    serverOptions.h2.extendedConnect = m_options.liveReload; // the live reload WebSocket
    serverOptions.earlyHintsHttp1 = m_options.earlyHintsHttp1;

    // Something must keep or read the capture for it to be taken at all: the
    // window, a HAR, a capture file or the frame log.
    const bool captureUsed = !m_options.headless || !m_options.harFile.isEmpty() || !m_options.captureFile.isEmpty()
                             || m_options.log != LogMode::None;
    if (m_options.capture && captureUsed) {
        m_hub = std::make_unique<inspect::CaptureHub>(net::Server::resolveWorkers(m_options.workers));
        if (!m_options.captureFile.isEmpty()) {
            auto writer = inspect::JsonLinesWriter::open(m_options.captureFile.toStdString(), false);
            if (!writer)
                return writer.error();
            m_jsonl.emplace(std::move(*writer));
        }
        // The HAR is written at exit: a destination that cannot take it is
        // said now, before a whole session's capture is kept for nothing.
        if (!m_options.harFile.isEmpty())
            if (const QString why = ui::unwritableReason(m_options.harFile); !why.isEmpty())
                return makeError(Errc::Io, "cannot write the HAR file " + m_options.harFile.toStdString() + ": "
                                               + why.toStdString() + "; choose a writable location");
        m_wallOffsetNs = inspect::wallClockOffsetNow();
        if (!m_options.harFile.isEmpty() || !m_options.headless) {
            m_store = std::make_unique<inspect::CaptureStore>();
            m_store->setWallClockOffsetNs(m_wallOffsetNs);
        }
        if (m_jsonl || m_options.log != LogMode::None)
            m_follower.emplace();
    }

    // A taken port: the next ones, as many as allowed (the GUI says which it got).
    const unsigned attempts = std::max(1u, m_options.portAttempts);
    for (unsigned attempt = 1;; ++attempt) {
        m_server = std::make_unique<net::Server>(serverOptions, *m_site, m_hub.get());
        Result<void> started = m_server->listen();
        if (started)
            break;
        m_server.reset();
        if (started.error().code != Errc::AddressInUse || attempt >= attempts || serverOptions.port == 0
            || serverOptions.port == std::numeric_limits<std::uint16_t>::max()) {
            if (attempt > 1)
                return makeError(Errc::AddressInUse,
                                 "ports " + std::to_string(m_options.port) + " to " + std::to_string(serverOptions.port)
                                     + " are all in use: stop the other servers or pick another port");
            return started;
        }
        ++serverOptions.port;
    }
    // The certificate only now that the address is ours: a start that fails
    // to bind leaves the CA folder as it was.
    if (m_options.tls) {
        auto ctx = makeTls();
        if (!ctx) {
            m_server.reset();
            return ctx.error();
        }
        m_server->setTls(*ctx);
    }
    m_server->run();
    if (m_hub)
        m_drainTimer.start();

    if (m_options.lan) {
        for (const QHostAddress &address : lanAddresses())
            if (address.protocol() == QAbstractSocket::IPv4Protocol)
                m_lanUrls.append(lanUrl(address, m_server->port(), m_options.tls));
        if (m_lanUrls.isEmpty())
            warn("--lan: this machine has no LAN address right now; only this machine can connect");
        for (const QString &lanAddressUrl : m_lanUrls)
            std::fprintf(stderr, "h2scope: on your network: %s\n", qPrintable(lanAddressUrl));
        std::fflush(stderr);
    }

    // Live reload: the watcher's thread feeds the site's hub; a folder that
    // cannot be watched still serves, without reloads, and says why.
    if (const std::shared_ptr<site::LiveReload> hub = m_site->liveReload()) {
        m_watcher = std::make_unique<site::FolderWatcher>(
            m_site->root(), [hub](std::vector<std::string> paths) { hub->notifyChanged(paths); });
        if (Result<void> watching = m_watcher->start(); !watching) {
            warn("live reload is off: " + watching.error().message);
            m_watcher.reset();
        } else {
            for (const std::string &warning : m_watcher->warnings())
                warn("live reload: " + warning);
        }
        m_heartbeatTimer.setInterval(25'000);
        connect(&m_heartbeatTimer, &QTimer::timeout, this, [hub] { hub->heartbeat(); });
        m_heartbeatTimer.start();
    }
    return {};
}

QString ServeController::url() const
{
    return m_server ? QString::fromStdString(m_server->url()) : QString();
}

quint16 ServeController::port() const
{
    return m_server ? m_server->port() : 0;
}

Result<std::shared_ptr<tls::TlsContext>> ServeController::makeTls()
{
    tls::TlsOptions tlsOptions;
    tlsOptions.keylogFile = m_options.keylogFile.toStdString();
    // Called on an I/O thread: the controller's thread says it (standard error, the window's warnings).
    tlsOptions.keylogFailed = [this](const std::string &why) {
        QMetaObject::invokeMethod(
            this, [this, why] { warn(why); }, Qt::QueuedConnection);
    };
    if (!m_options.certFile.isEmpty()) {
        tlsOptions.certFile = m_options.certFile.toStdString();
        tlsOptions.keyFile = m_options.keyFile.toStdString();
    } else {
        // The managed local CA's leaf (stderr, not stdout: the first stdout line is the URL).
        std::vector<std::string> extra;
        const std::string host = m_options.host.toStdString();
        if (host != "0.0.0.0" && host != "::" && host != "[::]")
            extra.push_back(host); // a name or address the leaf must cover; defaults are merged away
        // --lan: a phone opens https://192.168.x.y:PORT/, so the leaf must name those addresses
        // (IPv4 only: 0.0.0.0 does not listen on IPv6). A changed address set reissues the leaf.
        if (m_options.lan)
            for (const QHostAddress &address : lanAddresses())
                if (address.protocol() == QAbstractSocket::IPv4Protocol)
                    extra.push_back(address.toString().toStdString());
        auto caroot = certs::resolveCaRoot(m_options.caroot.toStdString());
        auto leaf = caroot ? certs::ensureManagedLeaf(*caroot, extra) : Result<certs::ManagedLeaf>(caroot.error());
        if (leaf) {
            m_caCreated = leaf->caCreated;
            m_localCaRoot = QString::fromStdString(leaf->caroot);
            if (leaf->caCreated)
                std::fprintf(stderr,
                             "h2scope: created a local CA in %s. Browsers will warn until you trust it:"
                             " run `h2scope-certs trust`%s\n",
                             leaf->caroot.c_str(),
                             m_options.caroot.isEmpty() ? "" : (" --caroot " + leaf->caroot).c_str());
            if (leaf->leafIssued)
                std::fprintf(stderr, "h2scope: issued the certificate %s (%s)\n",
                             certs::appLeafCertPath(leaf->caroot).c_str(), leaf->reason.c_str());
            tlsOptions.certPem = leaf->pem.certPem;
            tlsOptions.keyPem = leaf->pem.keyPem;
        } else if (leaf.error().code == Errc::PermissionDenied || leaf.error().code == Errc::Io
                   || leaf.error().code == Errc::NotFound) {
            // The CA folder cannot be written (read-only home, no home): still serve, with a
            // throwaway certificate no client trusts, and say why.
            warn("cannot use the local CA (" + leaf.error().message
                 + "); serving with a throwaway self-signed certificate that clients will not trust");
            auto pem = certs::makeSelfSigned(extra);
            if (!pem)
                return pem.error();
            tlsOptions.certPem = pem->certPem;
            tlsOptions.keyPem = pem->keyPem;
        } else {
            return leaf.error();
        }
        std::fflush(stderr);
    }
    auto ctx = tls::TlsContext::create(tlsOptions);
    if (!ctx)
        return ctx.error();
    return *ctx;
}

void ServeController::warn(const std::string &message)
{
    std::fprintf(stderr, "h2scope: %s\n", message.c_str());
    std::fflush(stderr);
    m_warnings.append(QString::fromStdString(message));
}

void ServeController::setCapturePaused(bool paused)
{
    if (m_hub)
        m_hub->setEnabled(!paused);
}

void ServeController::drain()
{
    if (!m_hub)
        return;
    // Nothing waits here to be dropped: the logs' chunks are taken as they
    // are, by pointer, and read as far as they are committed.
    m_hub->collect(m_announced);
    if (m_follower) {
        m_follower->add(m_announced); // shares the chunks with the store, and lets them go once read
        m_batch.clear();
        m_follower->poll(m_batch);
        if (!m_batch.empty())
            writeEvents(m_batch);
    }
    if (m_store) {
        const inspect::StoreDelta delta = m_store->ingest(std::move(m_announced));
        if (!delta.empty())
            emit captureChanged(delta);
    }
    m_announced.clear();
}

void ServeController::writeEvents(const std::vector<inspect::Event> &batch)
{
    if (m_options.log != LogMode::None && m_logSink) {
        std::string text;
        const bool requestsOnly = m_options.log == LogMode::Requests;
        for (const inspect::Event &e : batch) {
            if (requestsOnly && std::holds_alternative<inspect::FrameEvent>(e.data))
                continue;
            // The formatter learns each stream's request line from its
            // opening; the request log prints it only when the stream closes.
            std::string line = m_formatter.format(e);
            if (!(requestsOnly && std::holds_alternative<inspect::StreamOpened>(e.data)))
                text += line;
        }
        if (!text.empty())
            m_logSink(text);
    }
    if (m_jsonl) {
        if (Result<void> w = m_jsonl->write(batch); !w)
            captureFileFailed(w.error().message);
        // Lines wait in the file's buffer until a flush: a full disk often shows only here.
        else if (Result<void> f = m_jsonl->flush(); !f)
            captureFileFailed(f.error().message);
    }
}

void ServeController::captureFileFailed(const std::string &why)
{
    // Said once, on standard error (and in the window's warnings), whatever
    // the log mode; serving goes on without the file.
    warn(why + "; the capture file gets no more events (serving goes on)");
    m_jsonl.reset();
}

Result<void> ServeController::stop(std::chrono::milliseconds grace)
{
    if (m_stopped || !m_server)
        return {};
    m_stopped = true;
    // No more reloads; end the event streams so the GOAWAY need not wait for them.
    m_heartbeatTimer.stop();
    if (m_watcher)
        m_watcher->stop();
    if (m_site && m_site->liveReload())
        m_site->liveReload()->closeAll();
    m_server->stop(grace);
    if (const std::size_t left = m_server->filesLeftBehind(); left > 0) {
        // A read that never returns (a network mount gone away) must not keep
        // h2scope from stopping; what it will touch when it does return, the
        // site, is kept for it instead.
        warn(std::to_string(left) + " file read(s) in " + m_options.folder.toStdString()
             + " had not returned when serving stopped; the folder's file system may have stopped answering");
        m_siteLeftBehind = std::move(m_site);
    }
    m_drainTimer.stop();
    drain();
    Result<void> result;
    if (m_jsonl) {
        Result<void> f = m_jsonl->flush();
        if (!f)
            result = f;
        m_jsonl.reset();
    }
    if (m_store && !m_options.harFile.isEmpty()) {
        if (m_store->evictedFrames() > 0 || m_store->evictedConnections() > 0)
            warn("the capture outgrew its memory budget: the HAR lacks " + std::to_string(m_store->evictedConnections())
                 + " connection(s) and " + std::to_string(m_store->evictedFrames()) + " frame(s) of open ones");
        std::uint64_t streams = 0;
        for (std::uint64_t id : m_store->connectionIds())
            if (const inspect::ConnectionInfo *c = m_store->connection(id))
                streams += c->counters.streams;
        std::fprintf(stderr,
                     "h2scope: capture kept: %zu connection(s), %llu frame(s) in %.1f MiB (%.0f bytes per stream)\n",
                     m_store->connectionCount(), static_cast<unsigned long long>(m_store->storedFrames()),
                     static_cast<double>(m_store->memoryUsed()) / (1 << 20),
                     streams ? static_cast<double>(m_store->memoryUsed()) / static_cast<double>(streams) : 0.0);
        inspect::HarOptions harOptions;
        harOptions.wallClockOffsetNs = m_wallOffsetNs;
        harOptions.creatorVersion = H2SCOPE_VERSION;
        const std::string har = inspect::toHar(*m_store, harOptions);
        // Atomically, so an interrupted exit never leaves half a HAR (a device
        // or a pipe is written in place).
        if (const QString why = ui::writeWholeFile(m_options.harFile, har); !why.isEmpty())
            result = makeError(Errc::Io, "cannot write the HAR file " + m_options.harFile.toStdString() + ": "
                                             + why.toStdString());
    }
    return result;
}

} // namespace h2scope::app
