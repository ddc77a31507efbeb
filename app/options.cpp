#include "options.h"

#include <QCommandLineParser>
#include <QCoreApplication>
#include <QDir>
#include <QFileInfo>
#include <QHostAddress>
#include <QProcessEnvironment>

namespace h2scope::app {

QString demoSiteFolder()
{
    const QString installed =
        QDir(QCoreApplication::applicationDirPath()).filePath(QStringLiteral("../share/h2scope/demo"));
    if (QFileInfo(installed).isDir())
        return QDir(installed).canonicalPath();
    return QStringLiteral(H2SCOPE_DEMO_DIR_SOURCE);
}

ParseOutcome parseOptions(const QStringList &arguments, bool guiLaunch)
{
    QCommandLineParser p;
    p.setApplicationDescription(QStringLiteral(
        "h2scope serves a folder over HTTP/2 with TLS and shows every connection, stream and frame live."));
    p.addPositionalArgument(QStringLiteral("FOLDER"),
                            QStringLiteral("Folder to serve (default: the window shows its welcome page; headless"
                                           " serves the bundled demo site)."),
                            QStringLiteral("[FOLDER]"));
    const QCommandLineOption help({QStringLiteral("h"), QStringLiteral("help")}, QStringLiteral("Show this help."));
    const QCommandLineOption version(QStringLiteral("version"), QStringLiteral("Print the version and exit."));
    const QCommandLineOption headless(QStringLiteral("headless"), QStringLiteral("Serve without a window."));
    const QCommandLineOption host(QStringLiteral("host"),
                                  QStringLiteral("Address to listen on (default localhost: 127.0.0.1 and ::1)."),
                                  QStringLiteral("ADDRESS"), QStringLiteral("localhost"));
    const QCommandLineOption port(QStringLiteral("port"), QStringLiteral("Port (default 8443; 0 picks a free one)."),
                                  QStringLiteral("PORT"), QStringLiteral("8443"));
    const QCommandLineOption cert(QStringLiteral("cert"), QStringLiteral("PEM certificate (chain) file."),
                                  QStringLiteral("FILE"));
    const QCommandLineOption key(QStringLiteral("key"), QStringLiteral("PEM private key file."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption caroot(QStringLiteral("caroot"),
                                    QStringLiteral("Folder of the local CA that issues h2scope's certificate (default:"
                                                   " $H2SCOPE_CAROOT, else the per-user data folder)."),
                                    QStringLiteral("DIR"));
    const QCommandLineOption noTls(QStringLiteral("no-tls"),
                                   QStringLiteral("Cleartext: HTTP/2 with prior knowledge and HTTP/1.1 on one port."));
    const QCommandLineOption keylog(QStringLiteral("keylog"),
                                    QStringLiteral("Append TLS secrets to FILE for Wireshark (also SSLKEYLOGFILE)."),
                                    QStringLiteral("FILE"));
    const QCommandLineOption log(QStringLiteral("log"),
                                 QStringLiteral("What to print on standard output: frames, requests or none."),
                                 QStringLiteral("frames|requests|none"));
    const QCommandLineOption capture(QStringLiteral("capture"),
                                     QStringLiteral("Write every event to FILE (JSON Lines)."),
                                     QStringLiteral("FILE.jsonl"));
    const QCommandLineOption har(QStringLiteral("har"), QStringLiteral("Write a HAR 1.2 file on exit."),
                                 QStringLiteral("FILE"));
    const QCommandLineOption workers(QStringLiteral("workers"),
                                     QStringLiteral("I/O threads (default: cores, at most 4)."), QStringLiteral("N"));
    const QCommandLineOption noCapture(QStringLiteral("no-capture"),
                                       QStringLiteral("Do not record inspector events (for benchmarks)."));
    const QCommandLineOption listing(QStringLiteral("listing"),
                                     QStringLiteral("List the contents of folders without an index.html."));
    const QCommandLineOption dotfiles(QStringLiteral("allow-dotfiles"),
                                      QStringLiteral("Serve dotfiles such as .env (refused by default)."));
    const QCommandLineOption symlinks(
        QStringLiteral("follow-symlinks"),
        QStringLiteral("Serve symlinks that point outside the folder (refused by default)."));
    const QCommandLineOption push(QStringLiteral("push"),
                                  QStringLiteral("Server push: off, rules (_headers and push_manifest.json) or auto "
                                                 "(rules plus assets found in the HTML; the default)."),
                                  QStringLiteral("off|rules|auto"), QStringLiteral("auto"));
    const QCommandLineOption maxPushes(QStringLiteral("max-pushes"),
                                       QStringLiteral("At most N pushes per response (default 16)."),
                                       QStringLiteral("N"), QStringLiteral("16"));
    const QCommandLineOption earlyHints(QStringLiteral("early-hints"),
                                        QStringLiteral("Send 103 Early Hints to page loads (the default)."));
    const QCommandLineOption earlyHintsHttp1(QStringLiteral("early-hints-http1"),
                                             QStringLiteral("Send 103 Early Hints over HTTP/1.1 too (off by default: "
                                                            "some HTTP/1.1 clients mistake a 103 for the answer)."));
    const QCommandLineOption noEarlyHints(QStringLiteral("no-early-hints"),
                                          QStringLiteral("Never send 103 Early Hints."));
    const QCommandLineOption noModuleGraph(
        QStringLiteral("no-module-graph"),
        QStringLiteral("With --push auto, push and hint only the scripts a page names,"
                       " not the modules they import (followed by default)."));
    const QCommandLineOption maxConnections(QStringLiteral("max-connections"),
                                            QStringLiteral("Serve at most N connections at once; more are refused "
                                                           "(default 10000)."),
                                            QStringLiteral("N"), QStringLiteral("10000"));
    const QCommandLineOption idleTimeout(QStringLiteral("idle-timeout"),
                                         QStringLiteral("Close a connection after S seconds without traffic "
                                                        "(default 120)."),
                                         QStringLiteral("S"), QStringLiteral("120"));
    const QCommandLineOption noLiveReload(QStringLiteral("no-live-reload"),
                                          QStringLiteral("Do not watch the folder nor add the live reload script to"
                                                         " HTML pages (on by default)."));
    const QCommandLineOption spa(QStringLiteral("spa"),
                                 QStringLiteral("Single-page app: unknown paths without an extension serve"
                                                " /index.html."));
    const QCommandLineOption noCustom404(QStringLiteral("no-custom-404"),
                                         QStringLiteral("Ignore the folder's 404.html (used for 404 answers by"
                                                        " default)."));
    const QCommandLineOption allowHost(QStringLiteral("allow-host"),
                                       QStringLiteral("Also answer requests for NAME (repeatable; *.NAME for its"
                                                      " subdomains). Others than localhost and this machine's"
                                                      " addresses get 421."),
                                       QStringLiteral("NAME"));
    const QCommandLineOption lan(QStringLiteral("lan"),
                                 QStringLiteral("Listen on all interfaces for testing from other devices; the"
                                                " certificate then covers this machine's LAN addresses."));
    p.addOptions({help,
                  version,
                  headless,
                  host,
                  port,
                  cert,
                  key,
                  caroot,
                  noTls,
                  keylog,
                  log,
                  capture,
                  har,
                  workers,
                  noCapture,
                  listing,
                  dotfiles,
                  symlinks,
                  push,
                  maxPushes,
                  earlyHints,
                  noEarlyHints,
                  earlyHintsHttp1,
                  noModuleGraph,
                  maxConnections,
                  idleTimeout,
                  noLiveReload,
                  spa,
                  noCustom404,
                  allowHost,
                  lan});

    ParseOutcome out;
    auto fail = [&](const QString &msg) {
        out.exitCode = 2;
        out.message = QStringLiteral("h2scope: ") + msg;
        return out;
    };
    if (!p.parse(arguments))
        return fail(p.errorText() + QStringLiteral(" (see h2scope --help)"));
    if (p.isSet(help)) {
        out.message = p.helpText();
        return out;
    }
    if (p.isSet(version)) {
        out.message = QStringLiteral("h2scope " H2SCOPE_VERSION);
        return out;
    }

    Options o;
    o.givenOptions = p.optionNames(); // every option here has a long name, and only "help" a short one
    o.headless = o.headlessChosen = p.isSet(headless);
    o.host = p.value(host);
    // Checked before anything acts on it (the local CA issues a certificate for the listening address).
    if (QHostAddress(o.host).isNull() && o.host != QLatin1String("localhost"))
        return fail(QStringLiteral("--host %1 is not an IP address (use e.g. 127.0.0.1, ::1, 0.0.0.0, or localhost"
                                   " for both loopback addresses)")
                        .arg(o.host));
    bool ok = false;
    const uint portValue = p.value(port).toUInt(&ok);
    if (!ok || portValue > 65535)
        return fail(QStringLiteral("--port %1 is not a port number (0-65535)").arg(p.value(port)));
    o.port = static_cast<quint16>(portValue);
    o.certFile = p.value(cert);
    o.keyFile = p.value(key);
    o.caroot = p.value(caroot);
    if (o.certFile.isEmpty() != o.keyFile.isEmpty())
        return fail(QStringLiteral("--cert and --key go together: give both, or neither for a local certificate"));
    o.tls = !p.isSet(noTls);
    if (!o.tls && !o.certFile.isEmpty())
        return fail(QStringLiteral("--no-tls serves cleartext, so --cert/--key make no sense with it"));
    o.keylogFile = p.isSet(keylog) ? p.value(keylog)
                                   : QProcessEnvironment::systemEnvironment().value(QStringLiteral("SSLKEYLOGFILE"));
    if (p.isSet(log)) {
        o.logChosen = true;
        const QString v = p.value(log);
        if (v == QLatin1String("frames"))
            o.log = LogMode::Frames;
        else if (v == QLatin1String("requests"))
            o.log = LogMode::Requests;
        else if (v == QLatin1String("none"))
            o.log = LogMode::None;
        else
            return fail(QStringLiteral("--log %1: expected frames, requests or none").arg(v));
    }
    o.captureFile = p.value(capture);
    o.harFile = p.value(har);
    if (p.isSet(workers)) {
        const uint w = p.value(workers).toUInt(&ok);
        if (!ok || w == 0 || w > 64)
            return fail(QStringLiteral("--workers %1: expected a number from 1 to 64").arg(p.value(workers)));
        o.workers = w;
    }
    const uint mc = p.value(maxConnections).toUInt(&ok);
    if (!ok || mc == 0 || mc > 1000000)
        return fail(
            QStringLiteral("--max-connections %1: expected a number from 1 to 1000000").arg(p.value(maxConnections)));
    o.maxConnections = mc;
    const uint it = p.value(idleTimeout).toUInt(&ok);
    if (!ok || it == 0 || it > 86400)
        return fail(QStringLiteral("--idle-timeout %1: expected seconds from 1 to 86400").arg(p.value(idleTimeout)));
    o.idleTimeoutSeconds = it;
    o.capture = !p.isSet(noCapture);
    if (!o.capture && (!o.captureFile.isEmpty() || !o.harFile.isEmpty() || o.log == LogMode::Frames))
        return fail(QStringLiteral("--no-capture turns events off, so --capture, --har and --log frames cannot work"));
    o.pushMode = p.value(push);
    if (o.pushMode != QLatin1String("off") && o.pushMode != QLatin1String("rules")
        && o.pushMode != QLatin1String("auto"))
        return fail(QStringLiteral("--push %1: expected off, rules or auto").arg(o.pushMode));
    const uint mp = p.value(maxPushes).toUInt(&ok);
    if (!ok || mp > 100)
        return fail(QStringLiteral("--max-pushes %1: expected a number from 0 to 100").arg(p.value(maxPushes)));
    o.maxPushes = mp;
    if (p.isSet(earlyHints) && p.isSet(noEarlyHints))
        return fail(QStringLiteral("--early-hints and --no-early-hints contradict each other: pick one"));
    o.earlyHints = !p.isSet(noEarlyHints);
    o.earlyHintsHttp1 = p.isSet(earlyHintsHttp1);
    o.moduleGraph = !p.isSet(noModuleGraph);
    if (o.earlyHintsHttp1 && !o.earlyHints)
        return fail(QStringLiteral("--early-hints-http1 needs early hints: drop --no-early-hints"));
    o.listing = p.isSet(listing);
    o.allowDotfiles = p.isSet(dotfiles);
    o.followSymlinks = p.isSet(symlinks);
    o.liveReload = !p.isSet(noLiveReload);
    o.spa = p.isSet(spa);
    o.custom404 = !p.isSet(noCustom404);
    for (const QString &name : p.values(allowHost)) {
        const QString trimmed = name.trimmed();
        if (trimmed.isEmpty() || trimmed.contains(u'/') || trimmed.contains(u' '))
            return fail(QStringLiteral("--allow-host %1: expected a host name or address, e.g. myapp.test").arg(name));
        o.allowedHosts.append(trimmed);
    }
    o.lan = p.isSet(lan);
    if (o.lan) {
        if (p.isSet(host) && o.host != QLatin1String("0.0.0.0"))
            return fail(QStringLiteral("--lan listens on all interfaces (0.0.0.0), so --host %1 contradicts it:"
                                       " drop one of them")
                            .arg(o.host));
        o.host = QStringLiteral("0.0.0.0");
    }

    const QStringList positional = p.positionalArguments();
    if (positional.size() > 1)
        return fail(
            QStringLiteral("one folder at a time, got %1 (%2)").arg(positional.size()).arg(positional.join(u' ')));
    QString folderProblem;
    if (!positional.isEmpty()) {
        const QFileInfo info(positional.front());
        if (!info.exists())
            folderProblem = QStringLiteral("folder %1 does not exist: check the path").arg(positional.front());
        else if (!info.isDir())
            folderProblem =
                QStringLiteral("%1 is a file, not a folder: pass the folder that contains it").arg(positional.front());
        else
            o.folder = info.canonicalFilePath();
        if (!folderProblem.isEmpty() && !guiLaunch)
            return fail(folderProblem);
        o.folderProblem = folderProblem;
    }
    o.folderGiven = !o.folder.isEmpty();
    if (!o.folderGiven) {
        o.folder = demoSiteFolder();
        o.folderIsDemo = true;
    }
    out.options = o;
    return out;
}

} // namespace h2scope::app
