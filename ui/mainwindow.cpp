#include "mainwindow.h"

#include <QApplication>
#include <QClipboard>
#include <QDesktopServices>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QScrollBar>
#include <QStatusBar>
#include <QUrl>
#include <QVBoxLayout>

namespace h2scope::ui {

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("h2scope"));
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);

    auto *bar = new QHBoxLayout;
    m_urlLabel = new QLabel(central);
    m_urlLabel->setTextInteractionFlags(Qt::TextBrowserInteraction);
    m_urlLabel->setOpenExternalLinks(true);
    auto *copy = new QPushButton(tr("Copy URL"), central);
    auto *open = new QPushButton(tr("Open in browser"), central);
    connect(copy, &QPushButton::clicked, this, [this] { QApplication::clipboard()->setText(m_url); });
    connect(open, &QPushButton::clicked, this, [this] { QDesktopServices::openUrl(QUrl(m_url)); });
    bar->addWidget(m_urlLabel, 1);
    bar->addWidget(copy);
    bar->addWidget(open);
    layout->addLayout(bar);

    m_folderLabel = new QLabel(central);
    m_folderLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    layout->addWidget(m_folderLabel);

    m_log = new QPlainTextEdit(central);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Requests appear here as they are served."));
    layout->addWidget(m_log, 1);

    setCentralWidget(central);
    statusBar()->showMessage(tr("Starting…"));
    resize(960, 600);
}

void MainWindow::setServing(const QString &url, const QString &folder, bool isDemo)
{
    m_url = url;
    m_urlLabel->setText(QStringLiteral("<b>Serving</b> <a href=\"%1\">%1</a>").arg(url.toHtmlEscaped()));
    m_folderLabel->setText(isDemo ? tr("Folder: %1 (the bundled demo site)").arg(folder) : tr("Folder: %1").arg(folder));
    statusBar()->showMessage(tr("Listening on %1").arg(url));
}

void MainWindow::appendLog(const QString &text)
{
    // Only follow the tail while the user is looking at it.
    QScrollBar *bar = m_log->verticalScrollBar();
    const bool atBottom = bar->value() == bar->maximum();
    QString t = text;
    if (t.endsWith(u'\n'))
        t.chop(1);
    m_log->appendPlainText(t);
    if (atBottom)
        bar->setValue(bar->maximum());
}

void MainWindow::noteEvents(int count, quint64 dropped)
{
    m_events += static_cast<quint64>(count);
    statusBar()->showMessage(tr("Listening on %1 — %2 events captured, %3 dropped").arg(m_url).arg(m_events).arg(dropped));
}

QString MainWindow::logText() const
{
    return m_log->toPlainText();
}

} // namespace h2scope::ui
