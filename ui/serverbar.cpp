#include "serverbar.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QMimeData>
#include <QPushButton>
#include <QUrl>
#include <QVBoxLayout>

namespace h2scope::ui {

namespace {

QString droppedFolder(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return {};
    const QString path = mime->urls().front().toLocalFile();
    return !path.isEmpty() && QFileInfo(path).isDir() ? path : QString();
}

} // namespace

ServerBar::ServerBar(QWidget *parent) : QWidget(parent)
{
    setAcceptDrops(true);
    auto *top = new QHBoxLayout;
    top->setContentsMargins(0, 0, 0, 0);
    m_folder = new QLineEdit(this);
    m_folder->setReadOnly(true);
    m_folder->setPlaceholderText(tr("Drop a folder here to serve it"));
    m_folder->setToolTip(tr("The folder being served. Drop another folder on this bar to serve it instead."));
    auto *choose = new QPushButton(tr("Folder…"), this);
    connect(choose, &QPushButton::clicked, this, [this] {
        const QString f = QFileDialog::getExistingDirectory(this, tr("Folder to serve"), m_folder->text());
        if (!f.isEmpty())
            emit folderChosen(f);
    });
    m_urlLabel = new QLabel(this);
    m_urlLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_urlLabel->setOpenExternalLinks(true);
    auto *copy = new QPushButton(tr("Copy URL"), this);
    auto *open = new QPushButton(tr("Open in browser"), this);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_url); });
    connect(open, &QPushButton::clicked, this, [this] { QDesktopServices::openUrl(QUrl(m_url)); });
    m_startStop = new QPushButton(tr("Stop"), this);
    connect(m_startStop, &QPushButton::clicked, this, [this] {
        if (m_running)
            emit stopRequested();
        else
            emit startRequested();
    });
    top->addWidget(m_urlLabel);
    top->addWidget(copy);
    top->addWidget(open);
    top->addSpacing(12);
    top->addWidget(m_folder, 1);
    top->addWidget(choose);
    top->addWidget(m_startStop);

    auto *bottom = new QHBoxLayout;
    bottom->setContentsMargins(0, 0, 0, 0);
    m_protocol = new QLabel(this);
    m_certificate = new QLabel(this);
    m_certificate->setTextInteractionFlags(Qt::TextSelectableByMouse);
    bottom->addWidget(m_protocol);
    bottom->addSpacing(24);
    bottom->addWidget(m_certificate, 1);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(6, 4, 6, 2);
    layout->setSpacing(2);
    layout->addLayout(top);
    layout->addLayout(bottom);
    setRunning(false);
}

void ServerBar::setServing(const QString &url, const QString &folder, bool isDemo)
{
    m_url = url;
    m_urlLabel->setText(url.isEmpty()
                            ? tr("<b>Not serving</b>")
                            : QStringLiteral("<b>Serving</b> <a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
    m_folder->setText(isDemo ? tr("%1 (the bundled demo site)").arg(folder) : folder);
    setRunning(!url.isEmpty());
}

void ServerBar::setRunning(bool running)
{
    m_running = running;
    m_startStop->setText(running ? tr("Stop") : tr("Start"));
}

void ServerBar::setProtocolStatus(const QString &text)
{
    m_protocol->setText(text);
}

void ServerBar::setCertificateStatus(const QString &text)
{
    m_certificate->setText(text);
}

void ServerBar::dragEnterEvent(QDragEnterEvent *event)
{
    if (!droppedFolder(event->mimeData()).isEmpty())
        event->acceptProposedAction();
}

void ServerBar::dropEvent(QDropEvent *event)
{
    const QString folder = droppedFolder(event->mimeData());
    if (folder.isEmpty())
        return;
    event->acceptProposedAction();
    emit folderChosen(folder);
}

} // namespace h2scope::ui
