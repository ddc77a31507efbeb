// MainWindow's menus and the windows they open (split from mainwindow.cpp,
// which holds the views and their wiring).

#include "mainwindow.h"

#include "requestsview.h"

#include "certificatesdialog.h"
#include "filterbar.h"
#include "labview.h"
#include "settingsdialog.h"
#include "waterfallview.h"

#include "welcomeview.h"

#include <QAction>
#include <QMenuBar>
#include <QSettings>
#include <QSplitter>

namespace h2scope::ui {

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    // What the window is for first: serving a folder (the welcome page's
    // button, and the server bar's, do the same).
    QAction *folder = file->addAction(tr("Open &folder…"), m_welcome, &WelcomeView::chooseFolder);
    folder->setObjectName(QStringLiteral("openFolderAction"));
    folder->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_O));
    QAction *open = file->addAction(tr("&Open capture…"), this, [this] {
        runFileAction(tr("Open capture"), tr("h2scope capture (*.h2cap);;All files (*)"), false,
                      [this](const QString &p) { return openCapture(p); });
    });
    open->setObjectName(QStringLiteral("openCaptureAction"));
    open->setShortcut(QKeySequence::Open);
    QAction *save = file->addAction(tr("&Save capture…"), this, [this] {
        runFileAction(tr("Save capture"), tr("h2scope capture (*.h2cap)"), true,
                      [this](const QString &p) { return saveCapture(p); });
    });
    save->setObjectName(QStringLiteral("saveCaptureAction"));
    save->setShortcut(QKeySequence::Save);
    QAction *har = file->addAction(tr("Export &HAR…"), this, [this] {
        runFileAction(tr("Export HAR"), tr("HAR (*.har)"), true, [this](const QString &p) { return exportHar(p); });
    });
    har->setObjectName(QStringLiteral("exportHarAction"));
    QAction *log = file->addAction(tr("Export frame &log…"), this, [this] {
        runFileAction(tr("Export frame log"), tr("Text (*.txt *.log)"), true,
                      [this](const QString &p) { return exportFrameLog(p); });
    });
    log->setObjectName(QStringLiteral("exportFrameLogAction"));
    QAction *jsonl = file->addAction(tr("Export &JSON Lines…"), this, [this] {
        runFileAction(tr("Export JSON Lines"), tr("JSON Lines (*.jsonl)"), true,
                      [this](const QString &p) { return exportJsonLines(p); });
    });
    jsonl->setObjectName(QStringLiteral("exportJsonLinesAction"));
    QAction *pcap = file->addAction(tr("Export for &Wireshark (pcapng)…"), this, [this] {
        runFileAction(tr("Export pcapng"), tr("pcapng (*.pcapng)"), true,
                      [this](const QString &p) { return exportPcapng(p); });
    });
    pcap->setObjectName(QStringLiteral("exportPcapngAction"));
    file->addSeparator();
    file->addAction(tr("S&ettings…"), this, &MainWindow::openSettings)->setObjectName(QStringLiteral("settingsAction"));
    QAction *certs = file->addAction(tr("&Certificates…"), this, &MainWindow::openCertificates);
    certs->setObjectName(QStringLiteral("certificatesAction"));
    file->addSeparator();
    file->addAction(tr("&Quit"), this, &QWidget::close)->setShortcut(QKeySequence::Quit);

    QMenu *capture = menuBar()->addMenu(tr("&Capture"));
    m_pauseAction = capture->addAction(tr("&Pause"));
    m_pauseAction->setObjectName(QStringLiteral("pauseAction"));
    m_pauseAction->setCheckable(true);
    m_pauseAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_P));
    connect(m_pauseAction, &QAction::toggled, this, [this](bool paused) {
        m_pauseAction->setText(paused ? tr("&Resume") : tr("&Pause"));
        emit capturePausedChanged(paused);
        updateStatus();
    });
    capture->addAction(tr("&Clear"), this, &MainWindow::clearCapture)->setObjectName(QStringLiteral("clearAction"));
    capture->addAction(tr("&Memory budget…"), this, &MainWindow::chooseBudget);
    m_liveAction = capture->addAction(tr("Back to the &live capture"), this, &MainWindow::showLiveCapture);
    m_liveAction->setEnabled(false);

    QMenu *view = menuBar()->addMenu(tr("&View"));
    view->addAction(tr("&Requests"), this, [this] { m_mainTabs->setCurrentWidget(m_requests); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_1));
    view->addAction(tr("&Connections"), this, [this] { m_mainTabs->setCurrentWidget(m_mainSplit); })
        ->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_2));
    QAction *find = view->addAction(tr("&Filter…"), this, [this] {
        if (m_mainTabs->currentWidget() == m_requests)
            m_requests->focusFilter();
        else
            m_filter->focusEdit();
    });
    find->setObjectName(QStringLiteral("filterAction"));
    find->setShortcut(QKeySequence::Find);
    view->addSeparator();
    view->addAction(tr("Zoom &in"), this, [this] { m_waterfall->zoomBy(1.5); })->setShortcut(QKeySequence::ZoomIn);
    view->addAction(tr("Zoom &out"), this, [this] { m_waterfall->zoomBy(1 / 1.5); })
        ->setShortcut(QKeySequence::ZoomOut);
    view->addAction(tr("&Fit the whole connection"), this, [this] { m_waterfall->fitAll(); });
    view->addAction(tr("Follow &stream"), this, &MainWindow::followStream);

    QMenu *tools = menuBar()->addMenu(tr("&Tools"));
    m_labAction = tools->addAction(tr("Protocol &lab…"), this, [this] { openLab(); });
    m_labAction->setObjectName(QStringLiteral("protocolLabAction"));
    m_labAction->setToolTip(tr("Load a page of the served folder over an emulated network with push, early hints, "
                               "both or neither, and compare."));
    setLabAvailable(false);
}

void MainWindow::setLabAvailable(bool available)
{
    // Greyed out, the menu says why.
    m_labAction->setEnabled(available);
    m_labAction->setText(available ? tr("Protocol &lab…") : tr("Protocol &lab… (serve a folder first)"));
}

void MainWindow::openCertificates()
{
    (new CertificatesDialog(m_caRoot.toStdString(), this))->open(); // deletes itself on close
}

LabView *MainWindow::openLab()
{
    if (m_folder.isEmpty())
        return nullptr;
    // A window of its own (a child, so it closes with this one); it stops a
    // running lab when closed.
    auto *lab = new LabView(m_folder, this);
    lab->setWindowFlag(Qt::Window);
    lab->setAttribute(Qt::WA_DeleteOnClose);
    lab->setWindowTitle(tr("Protocol lab — %1").arg(m_folder));
    lab->resize(1200, 820);
    lab->show();
    return lab;
}

void MainWindow::openSettings()
{
    SettingsDialog dialog(m_settings, this);
    if (dialog.exec() != QDialog::Accepted)
        return;
    m_settings = dialog.settings();
    QSettings qs;
    m_settings.save(qs);
    if (m_liveStore)
        m_liveStore->setBudget(static_cast<std::size_t>(m_settings.captureBudgetMiB) << 20);
    emit settingsChanged(m_settings);
}

} // namespace h2scope::ui
