#include "welcomeview.h"

#include <QDir>
#include <QDragEnterEvent>
#include <QDropEvent>
#include <QFileDialog>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMimeData>
#include <QPushButton>
#include <QSettings>
#include <QUrl>
#include <QVBoxLayout>

namespace h2scope::ui {

namespace {

const QString kRecentKey = QStringLiteral("recent/folders");

QString droppedFolder(const QMimeData *mime)
{
    if (!mime || !mime->hasUrls() || mime->urls().size() != 1)
        return {};
    const QString path = mime->urls().front().toLocalFile();
    return !path.isEmpty() && QFileInfo(path).isDir() ? path : QString();
}

QString dropAreaStyle(bool highlight)
{
    return QStringLiteral("QLabel#dropArea { border: 2px dashed %1; border-radius: 10px; padding: 28px;"
                          " background: %2; font-size: 15px; }")
        .arg(highlight ? QStringLiteral("#2f7fd8") : QStringLiteral("#9aa5b1"),
             highlight ? QStringLiteral("rgba(47,127,216,0.10)") : QStringLiteral("transparent"));
}

} // namespace

WelcomeView::WelcomeView(QWidget *parent) : QWidget(parent)
{
    setObjectName(QStringLiteral("welcomeView"));
    setAcceptDrops(true);
    m_chooseFolder = [this] { return QFileDialog::getExistingDirectory(this, tr("Folder to serve")); };

    auto *title = new QLabel(tr("<h1>h2scope</h1>"), this);
    auto *subtitle = new QLabel(tr("Serve a folder over HTTP/2 with a trusted local certificate, and watch every "
                                   "connection, stream and frame as it happens."),
                                this);
    subtitle->setWordWrap(true);

    m_dropArea = new QLabel(tr("Drop a folder here to serve it"), this);
    m_dropArea->setObjectName(QStringLiteral("dropArea"));
    m_dropArea->setAlignment(Qt::AlignCenter);
    m_dropArea->setMinimumHeight(120);
    setDropHighlight(false);

    auto *choose = new QPushButton(tr("Choose a folder…"), this);
    choose->setObjectName(QStringLiteral("chooseFolderButton"));
    choose->setDefault(true);
    connect(choose, &QPushButton::clicked, this, &WelcomeView::chooseFolder);
    auto *demo = new QPushButton(tr("Serve the demo site"), this);
    demo->setObjectName(QStringLiteral("serveDemoButton"));
    demo->setToolTip(tr("A small bundled site with a page, styles, scripts and images: enough to see push, "
                        "early hints and the waterfall at work."));
    connect(demo, &QPushButton::clicked, this, &WelcomeView::serveDemo);
    auto *buttons = new QHBoxLayout;
    buttons->addWidget(choose);
    buttons->addWidget(demo);
    buttons->addStretch(1);

    auto *recentTitle = new QLabel(tr("<b>Recent folders</b>"), this);
    m_recentList = new QListWidget(this);
    m_recentList->setObjectName(QStringLiteral("recentFolders"));
    m_recentList->setMaximumHeight(220);
    connect(m_recentList, &QListWidget::itemActivated, this,
            [this](QListWidgetItem *item) { chooseRecent(m_recentList->row(item)); });
    m_recentEmpty = new QLabel(tr("Folders you serve will be listed here."), this);
    m_recentEmpty->setEnabled(false);

    auto *hint = new QLabel(tr("From a terminal: <code>h2scope FOLDER</code> serves it at once; a file manager's "
                               "“Open with h2scope” does the same."),
                            this);
    hint->setWordWrap(true);
    hint->setEnabled(false);

    // A centred column of readable width.
    auto *column = new QVBoxLayout;
    column->setSpacing(10);
    column->addWidget(title);
    column->addWidget(subtitle);
    column->addSpacing(8);
    column->addWidget(m_dropArea);
    column->addLayout(buttons);
    column->addSpacing(8);
    column->addWidget(recentTitle);
    column->addWidget(m_recentList);
    column->addWidget(m_recentEmpty);
    column->addSpacing(8);
    column->addWidget(hint);
    auto *columnWidget = new QWidget(this);
    columnWidget->setLayout(column);
    columnWidget->setMaximumWidth(760);
    auto *outer = new QHBoxLayout;
    outer->addStretch(1);
    outer->addWidget(columnWidget, 4);
    outer->addStretch(1);
    auto *layout = new QVBoxLayout(this);
    layout->addStretch(1);
    layout->addLayout(outer);
    layout->addStretch(2);

    setRecentFolders({});
}

void WelcomeView::setRecentFolders(const QStringList &folders)
{
    m_recent = folders;
    m_recentList->clear();
    for (const QString &folder : folders) {
        auto *item = new QListWidgetItem(QDir::toNativeSeparators(folder), m_recentList);
        if (!QFileInfo(folder).isDir()) {
            item->setText(tr("%1 (missing)").arg(QDir::toNativeSeparators(folder)));
            item->setFlags(item->flags() & ~Qt::ItemIsEnabled);
        }
        item->setToolTip(folder);
    }
    m_recentList->setVisible(!folders.isEmpty());
    m_recentEmpty->setVisible(folders.isEmpty());
}

void WelcomeView::chooseFolder()
{
    const QString folder = m_chooseFolder ? m_chooseFolder() : QString();
    if (!folder.isEmpty())
        emit folderChosen(folder);
}

bool WelcomeView::chooseRecent(int row)
{
    if (row < 0 || row >= m_recent.size() || !QFileInfo(m_recent.at(row)).isDir())
        return false;
    emit folderChosen(m_recent.at(row));
    return true;
}

QStringList WelcomeView::loadRecent(const QSettings &settings)
{
    QStringList list = settings.value(kRecentKey).toStringList();
    list.removeAll(QString());
    list.removeDuplicates();
    while (list.size() > kMaxRecent)
        list.removeLast();
    return list;
}

void WelcomeView::rememberRecent(QSettings &settings, const QString &folder)
{
    QStringList list = loadRecent(settings);
    list.removeAll(folder);
    list.prepend(folder);
    while (list.size() > kMaxRecent)
        list.removeLast();
    settings.setValue(kRecentKey, list);
}

void WelcomeView::setDropHighlight(bool on)
{
    m_dropArea->setStyleSheet(dropAreaStyle(on));
}

void WelcomeView::dragEnterEvent(QDragEnterEvent *event)
{
    if (droppedFolder(event->mimeData()).isEmpty())
        return;
    event->acceptProposedAction();
    setDropHighlight(true);
}

void WelcomeView::dragLeaveEvent(QDragLeaveEvent *event)
{
    setDropHighlight(false);
    QWidget::dragLeaveEvent(event);
}

void WelcomeView::dropEvent(QDropEvent *event)
{
    setDropHighlight(false);
    const QString folder = droppedFolder(event->mimeData());
    if (folder.isEmpty())
        return;
    event->acceptProposedAction();
    emit folderChosen(folder);
}

} // namespace h2scope::ui
