#include "guisession.h"

#include "mainwindow.h"
#include "noticebar.h"
#include "welcomeview.h"

#include "localca.h"
#include "trust.h"

#include <QDir>
#include <QFileInfo>
#include <QSettings>
#include <QThread>

#include <atomic>
#include <cstdio>

namespace h2scope::app {

namespace {

// A restart (new folder, new settings) should not freeze the window while a
// browser holds its connections open: it gets a short grace, not 2 s.
constexpr std::chrono::milliseconds kRestartGrace{300};

using Level = ui::NoticeBar::Level;

void printErr(const QString &text)
{
    const QByteArray b = QStringLiteral("h2scope: %1\n").arg(text).toLocal8Bit();
    std::fwrite(b.constData(), 1, static_cast<std::size_t>(b.size()), stderr);
    std::fflush(stderr);
}

QString canonicalDemo()
{
    return QFileInfo(demoSiteFolder()).canonicalFilePath();
}

} // namespace

GuiSession::GuiSession(Options options, ServeController::LineSink stdoutSink, QObject *parent)
    : QObject(parent),
      m_base(std::move(options)),
      m_stdout(std::move(stdoutSink)),
      m_window(std::make_unique<ui::MainWindow>())
{
    m_base.headless = false;
    m_window->setCaRoot(m_base.caroot);
    ui::MainWindow *w = m_window.get();
    connect(w, &ui::MainWindow::folderChosen, this, [this](const QString &folder) {
        if (!isServing() || QFileInfo(folder).canonicalFilePath() != m_folder)
            serve(folder, false); // the folder already served, dropped again, changes nothing
    });
    connect(w, &ui::MainWindow::demoRequested, this, [this] { serve(demoSiteFolder(), true); });
    connect(w, &ui::MainWindow::startRequested, this, [this] {
        if (m_folder.isEmpty())
            m_window->showWelcome();
        else
            serve(m_folder, m_isDemo);
    });
    connect(w, &ui::MainWindow::stopRequested, this, &GuiSession::stopServing);
    connect(w, &ui::MainWindow::settingsChanged, this, &GuiSession::onSettingsChanged);
    connect(w, &ui::MainWindow::capturePausedChanged, this, [this](bool paused) {
        m_capturePaused = paused;
        if (m_controller)
            m_controller->setCapturePaused(paused);
    });
    connect(&m_instance, &SingleInstance::raiseRequested, this, &GuiSession::onRaiseRequested);
}

GuiSession::~GuiSession()
{
    [[maybe_unused]] Result<void> r = shutdown();
    if (m_trustThread && !m_trustThread->wait(5000))
        m_trustThread = nullptr; // a trust tool hangs: leave it to the process's end rather than block the exit
    delete m_trustThread;
}

QString GuiSession::url() const
{
    return isServing() ? m_controller->url() : QString();
}

void GuiSession::begin()
{
    if (m_base.folderGiven) {
        serve(m_base.folder, m_base.folderIsDemo);
    } else {
        m_window->showWelcome();
        if (!m_base.folderProblem.isEmpty()) {
            printErr(m_base.folderProblem);
            m_window->notices()->showNotice(
                QStringLiteral("folder"), Level::Error,
                tr("Cannot serve it: %1. Choose another folder, or drop one here.").arg(m_base.folderProblem),
                tr("Choose a folder…"), [this] { m_window->welcome()->chooseFolder(); });
        }
    }
    m_window->show();
}

Options GuiSession::optionsFor(const QString &folder, bool isDemo, const ui::ServerSettings &s) const
{
    Options o = m_base;
    o.folder = folder;
    o.folderIsDemo = isDemo;
    o.folderGiven = true;
    o.folderProblem.clear();
    // A flag given on the command line wins over the remembered setting, until
    // the user changes the settings in the window.
    auto given = [this](const char *name) {
        return !m_userEditedSettings && m_base.givenOptions.contains(QLatin1String(name));
    };
    if (!given("port"))
        o.port = s.port;
    if (!given("push"))
        o.pushMode = s.pushMode;
    if (!given("early-hints") && !given("no-early-hints"))
        o.earlyHints = s.earlyHints;
    if (!given("no-live-reload"))
        o.liveReload = s.liveReload;
    if (!given("no-module-graph"))
        o.moduleGraph = s.moduleGraph;
    if (!given("spa"))
        o.spa = s.spa;
    if (!given("no-custom-404"))
        o.custom404 = s.custom404;
    if (!given("lan"))
        o.lan = s.lan;
    if (!given("host"))
        o.host = s.host.isEmpty() ? QStringLiteral("localhost") : s.host;
    if (o.lan)
        o.host = QStringLiteral("0.0.0.0");
    if (!given("keylog") && !s.keylogFile.isEmpty())
        o.keylogFile = s.keylogFile;
    // An explicit --port is a demand: a clear error when taken. The usual one
    // (or the folder's remembered one) moves up to the next free port.
    o.portAttempts = given("port") ? 1 : kPortAttempts;
    return o;
}

void GuiSession::stopController(std::chrono::milliseconds grace)
{
    if (!m_controller || !m_controller->isRunning())
        return;
    Result<void> stopped = m_controller->stop(grace);
    if (!stopped) {
        printErr(QString::fromStdString(stopped.error().message));
        m_window->notices()->showNotice(QStringLiteral("stop"), Level::Warning,
                                        QString::fromStdString(stopped.error().message));
    }
}

bool GuiSession::serve(const QString &folderArg, bool isDemo)
{
    ui::NoticeBar *notices = m_window->notices();
    const QFileInfo info(folderArg);
    if (!info.isDir()) {
        const QString why = info.exists() ? tr("%1 is a file, not a folder: choose the folder that contains it.")
                                          : tr("The folder %1 does not exist (moved or deleted?): choose another one.");
        printErr(why.arg(folderArg));
        notices->showNotice(QStringLiteral("serve-error"), Level::Error, why.arg(folderArg), tr("Choose a folder…"),
                            [this] { m_window->welcome()->chooseFolder(); });
        return false;
    }
    const QString folder = info.canonicalFilePath();
    isDemo = isDemo || folder == canonicalDemo();
    // One window per folder: another h2scope serving it is raised instead.
    if (folder != m_instance.folder() && SingleInstance::askToRaise(folder, 1000)) {
        notices->showNotice(QStringLiteral("other-window"), Level::Info,
                            tr("%1 is already served by another h2scope window: it was brought to the front.")
                                .arg(QDir::toNativeSeparators(folder)));
        return false;
    }

    ui::ServerSettings settings;
    {
        QSettings qs;
        settings = ui::ServerSettings::loadForFolder(qs, folder);
    }
    const Options options = optionsFor(folder, isDemo, settings);
    stopController(kRestartGrace); // the new server may want the same port
    notices->removeNotice(QStringLiteral("serve-error"));
    notices->removeNotice(QStringLiteral("port"));
    notices->removeNotice(QStringLiteral("other-window"));
    notices->removeNotice(QStringLiteral("folder"));

    ui::MainWindow *w = m_window.get();
    auto next = std::make_unique<ServeController>(
        options, [w](const std::string &text) { w->appendLog(QString::fromStdString(text)); });
    Result<void> started = next->start();
    m_folder = folder;
    m_isDemo = isDemo;
    if (!started) {
        showStartError(folder, started.error());
        return false;
    }
    // The window leaves the old capture before it is destroyed with its controller.
    w->setStore(next->store());
    m_controller = std::move(next);
    applyStarted(options, settings);
    return true;
}

void GuiSession::applyStarted(const Options &options, const ui::ServerSettings &remembered)
{
    ServeController &c = *m_controller;
    ui::MainWindow *w = m_window.get();
    ui::NoticeBar *notices = w->notices();
    connect(&c, &ServeController::captureChanged, w, &ui::MainWindow::noteCaptureChanged);
    c.setCapturePaused(m_capturePaused);

    // What the settings dialog shows: what this serving really uses.
    m_settings = remembered;
    m_settings.port = options.port;
    m_settings.pushMode = options.pushMode;
    m_settings.earlyHints = options.earlyHints;
    m_settings.liveReload = options.liveReload;
    m_settings.moduleGraph = options.moduleGraph;
    m_settings.spa = options.spa;
    m_settings.custom404 = options.custom404;
    m_settings.lan = options.lan;
    if (!options.lan)
        m_settings.host = options.host;
    w->setServerSettings(m_settings);

    const QString url = c.url();
    w->setServing(url, m_folder, m_isDemo);
    w->setServerRunning(true);
    w->setProtocolStatus(options.tls ? tr("HTTP/2 and HTTP/1.1 over TLS (ALPN h2, http/1.1)")
                                     : tr("cleartext: h2c (prior knowledge) and HTTP/1.1"));
    w->setCertificateStatus(
        !options.tls                  ? QString()
        : !options.certFile.isEmpty() ? tr("Certificate: %1").arg(options.certFile)
        : !c.localCaRoot().isEmpty()
            ? tr("Certificate: issued by the local CA in %1").arg(QDir::toNativeSeparators(c.localCaRoot()))
            : tr("Certificate: a throwaway self-signed one (clients "
                 "will not trust it)"));
    w->setLanUrls(c.lanUrls());
    w->appendLog(tr("Serving %1 at %2\n").arg(QDir::toNativeSeparators(m_folder), url));

    if (options.port != 0 && c.port() != options.port)
        notices->showNotice(QStringLiteral("port"), Level::Info,
                            tr("Port %1 is in use (another server?), so this folder is served on port %2 instead. "
                               "File ▸ Settings picks the port.")
                                .arg(options.port)
                                .arg(c.port()),
                            tr("Settings…"), [w] { w->openSettings(); });
    int n = 0;
    for (const QString &warning : c.warnings())
        notices->showNotice(QStringLiteral("warning-%1").arg(n++), Level::Warning, warning);
    if (c.createdLocalCa()) {
        m_trustChecked = true; // nothing trusts a CA made a moment ago
        notices->showNotice(
            QStringLiteral("first-run"), Level::Info,
            tr("First run: h2scope created a local certificate authority in %1 (its private key stays there, never "
               "in a served folder). It signs the certificate for localhost. Browsers warn until you trust it: "
               "“Trust the local CA…” adds it to this machine's and the browsers' trust stores (or run "
               "h2scope-certs trust).")
                .arg(QDir::toNativeSeparators(c.localCaRoot())),
            tr("Trust the local CA…"), [w] { w->openCertificates(); });
    } else if (!c.localCaRoot().isEmpty() && !m_trustChecked) {
        checkTrustLater(c.localCaRoot());
    }

    if (!m_isDemo) {
        QSettings qs;
        ui::WelcomeView::rememberRecent(qs, m_folder);
    }
    if (!m_instance.claim(m_folder))
        printErr(tr("another launch for %1 will open a second window: the local socket %2 cannot be created")
                     .arg(m_folder, SingleInstance::socketName(m_folder)));
    if (m_stdout)
        m_stdout(url.toStdString() + "\n");
    emit servingStarted(url);
}

void GuiSession::showStartError(const QString &folder, const Error &error)
{
    const QString message = QString::fromStdString(error.message);
    printErr(message);
    ui::MainWindow *w = m_window.get();
    QString text = tr("Cannot serve %1: %2").arg(QDir::toNativeSeparators(folder), message);
    QString actionText = tr("Try again");
    std::function<void()> action = [this] { serve(m_folder, m_isDemo); };
    switch (error.code) {
    case Errc::AddressInUse:
        text += tr(" (File ▸ Settings picks the port.)");
        actionText = tr("Settings…");
        action = [w] { w->openSettings(); };
        break;
    case Errc::PermissionDenied:
    case Errc::NotFound:
    case Errc::Refused:
        text += tr(" Check the folder's permissions, or choose another folder.");
        actionText = tr("Choose a folder…");
        action = [w] { w->welcome()->chooseFolder(); };
        break;
    default: break;
    }
    w->notices()->showNotice(QStringLiteral("serve-error"), Level::Error, text, actionText, std::move(action));
    if (!w->isShowingWelcome())
        w->setServing(QString(), folder, m_isDemo);
    w->setServerRunning(false);
    w->setLanUrls({});
}

void GuiSession::stopServing()
{
    stopController(std::chrono::milliseconds(2000));
    m_window->setServerRunning(false);
    m_window->setServing(QString(), m_folder, m_isDemo);
    m_window->setLanUrls({});
    m_window->appendLog(tr("Stopped serving. The capture stays open for inspection.\n"));
}

Result<void> GuiSession::shutdown()
{
    m_instance.release();
    if (!m_controller)
        return {};
    return m_controller->stop();
}

void GuiSession::onSettingsChanged(const ui::ServerSettings &settings)
{
    if (m_folder.isEmpty())
        return; // on the welcome page: the window kept them as the defaults
    {
        QSettings qs;
        settings.saveForFolder(qs, m_folder);
    }
    if (settings.sameServing(m_settings) && isServing()) {
        m_settings = settings; // only the capture budget changed: no restart
        return;
    }
    m_userEditedSettings = true;
    serve(m_folder, m_isDemo);
}

void GuiSession::onRaiseRequested()
{
    printErr(tr("another launch asked for %1: raising this window").arg(m_folder));
    m_window->appendLog(tr("Another launch asked for this folder: here it is.\n"));
    m_window->show();
    m_window->setWindowState((m_window->windowState() & ~Qt::WindowMinimized) | Qt::WindowActive);
    m_window->raise();
    m_window->activateWindow();
    emit raised();
}

void GuiSession::checkTrustLater(const QString &caroot)
{
    if (m_trustThread)
        return;
    m_trustChecked = true;
    // The trust stores are read by external tools (certutil, ...): off the GUI thread.
    auto untrusted = std::make_shared<std::atomic<bool>>(false);
    m_trustThread = QThread::create([untrusted, root = caroot.toStdString()] {
        Result<certs::LocalCa> ca = certs::LocalCa::load(root);
        if (!ca)
            return;
        bool trusted = false, checked = false;
        for (const certs::StoreStatus &row : certs::trustStatus(*ca, certs::platformStores())) {
            trusted = trusted || row.state == certs::TrustState::Trusted;
            checked = checked || row.state == certs::TrustState::NotTrusted;
        }
        untrusted->store(checked && !trusted);
    });
    connect(m_trustThread, &QThread::finished, this, [this, untrusted, caroot] {
        m_trustThread->deleteLater();
        m_trustThread = nullptr;
        if (!untrusted->load())
            return;
        ui::MainWindow *w = m_window.get();
        w->notices()->showNotice(
            QStringLiteral("untrusted"), Level::Warning,
            tr("Browsers will warn about this site: the local CA that signs h2scope's certificate (in %1) is not "
               "trusted on this machine yet.")
                .arg(QDir::toNativeSeparators(caroot)),
            tr("Trust the local CA…"), [w] { w->openCertificates(); });
    });
    m_trustThread->start();
}

} // namespace h2scope::app
