#include "mainwindow.h"

#include "capturefiles.h"
#include "certificatesdialog.h"
#include "connectionmodel.h"
#include "detailspane.h"
#include "filterbar.h"
#include "flowgraph.h"
#include "framefilter.h"
#include "framemodel.h"
#include "frametext.h"
#include "inspect/connectionindex.h"
#include "labview.h"
#include "lanpanel.h"
#include "noticebar.h"
#include "requestsview.h"
#include "serverbar.h"
#include "waterfallview.h"
#include "welcomeview.h"

#include "inspect/har.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QCloseEvent>
#include <QDockWidget>
#include <QFileDialog>
#include <QFileInfo>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QInputDialog>
#include <QLabel>
#include <QMenu>
#include <QMenuBar>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QScrollBar>
#include <QSettings>
#include <QSplitter>
#include <QStackedWidget>
#include <QStatusBar>
#include <QTabWidget>
#include <QTableView>
#include <QVBoxLayout>

#include <algorithm>
#include <iterator>
#include <utility>

namespace h2scope::ui {

namespace {

void tuneTable(QTableView *view)
{
    view->setSelectionBehavior(QAbstractItemView::SelectRows);
    view->setSelectionMode(QAbstractItemView::SingleSelection);
    view->verticalHeader()->hide();
    // Uniform rows: the view never measures a row it does not paint.
    view->verticalHeader()->setSectionResizeMode(QHeaderView::Fixed);
    view->verticalHeader()->setDefaultSectionSize(view->fontMetrics().height() + 6);
    view->horizontalHeader()->setStretchLastSection(true);
    view->horizontalHeader()->setHighlightSections(false);
    view->setWordWrap(false);
    view->setAlternatingRowColors(true);
}

// Columns as wide as what they usually hold, so that peers and ciphers are
// whole and the close reason (last, stretched) gets what is left.
void sizeConnectionColumns(QTableView *view)
{
    static const std::pair<int, const char *> samples[] = {
        {ConnectionModel::Id, "00000"},
        {ConnectionModel::Peer, "[ffff::ffff]:65535"},
        {ConnectionModel::Client, "Headless Chrome 120"},
        {ConnectionModel::Alpn, "http/1.1"},
        {ConnectionModel::Tls, "TLSv1.3"},
        {ConnectionModel::Cipher, "TLS_CHACHA20_POLY1305_SHA256"},
        {ConnectionModel::Streams, "000000"},
        {ConnectionModel::BytesIn, "000.0 MiB"},
        {ConnectionModel::BytesOut, "000.0 MiB"},
        {ConnectionModel::Opened, "00:00:00.000"},
        {ConnectionModel::Duration, "000.0 s"},
        {ConnectionModel::State, "closed (truncated)"},
    };
    const QFontMetrics fm = view->fontMetrics();
    for (const auto &[column, sample] : samples) {
        const int text = fm.horizontalAdvance(QString::fromLatin1(sample));
        const int title = fm.horizontalAdvance(view->model()->headerData(column, Qt::Horizontal).toString());
        view->horizontalHeader()->resizeSection(column, std::max(text, title) + 18);
    }
}

bool atBottom(const QTableView *view)
{
    const QScrollBar *bar = view->verticalScrollBar();
    return bar->value() >= bar->maximum() - 1;
}

} // namespace

MainWindow::MainWindow(QWidget *parent) : QMainWindow(parent)
{
    setWindowTitle(QStringLiteral("h2scope"));
    {
        QSettings qs;
        m_settings = ServerSettings::load(qs);
    }
    m_choosePath = [this](const QString &title, const QString &filter, bool save) {
        return save ? QFileDialog::getSaveFileName(this, title, QString(), filter)
                    : QFileDialog::getOpenFileName(this, title, QString(), filter);
    };

    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(2, 2, 2, 2);
    m_notices = new NoticeBar(central);
    m_notices->setObjectName(QStringLiteral("notices"));
    layout->addWidget(m_notices);
    m_pages = new QStackedWidget(central);
    m_welcome = new WelcomeView(m_pages);
    connect(m_welcome, &WelcomeView::folderChosen, this, &MainWindow::folderChosen);
    connect(m_welcome, &WelcomeView::demoRequested, this, &MainWindow::demoRequested);
    m_pages->addWidget(m_welcome);
    m_inspectorPage = buildInspectorPage();
    m_pages->addWidget(m_inspectorPage);
    m_pages->setCurrentWidget(m_inspectorPage);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_lanPanel = new LanPanel(this);
    m_lanDock = new QDockWidget(tr("On your network"), this);
    m_lanDock->setObjectName(QStringLiteral("lanDock"));
    m_lanDock->setWidget(m_lanPanel);
    addDockWidget(Qt::RightDockWidgetArea, m_lanDock);

    m_statusConnections = new QLabel(this);
    m_statusRates = new QLabel(this);
    m_statusMemory = new QLabel(this);
    m_statusDropped = new QLabel(this);
    for (QLabel *l : {m_statusConnections, m_statusRates, m_statusMemory, m_statusDropped})
        statusBar()->addPermanentWidget(l);

    buildMenus();
    resize(1500, 950);
    m_mainSplit->setSizes({170, 780});
    m_lowerSplit->setSizes({1050, 450});
    m_leftSplit->setSizes({360, 420});
    restoreLayout();
    m_lanDock->hide(); // shown by setLanUrls, whatever the saved layout says

    m_refreshTimer.setInterval(100);
    connect(&m_refreshTimer, &QTimer::timeout, this, &MainWindow::refreshNow);
    m_refreshTimer.start();
    m_rateClock.start();
    updateStatus();
}

QWidget *MainWindow::buildInspectorPage()
{
    auto *central = new QWidget(this);
    auto *layout = new QVBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    m_bar = new ServerBar(central);
    connect(m_bar, &ServerBar::startRequested, this, &MainWindow::startRequested);
    connect(m_bar, &ServerBar::stopRequested, this, &MainWindow::stopRequested);
    connect(m_bar, &ServerBar::folderChosen, this, &MainWindow::folderChosen);
    layout->addWidget(m_bar);
    // While a saved capture is shown, a banner says so: the server goes on
    // serving and capturing behind it.
    m_fileBanner = new QLabel(central);
    m_fileBanner->setObjectName(QStringLiteral("fileBanner"));
    m_fileBanner->setTextFormat(Qt::RichText);
    m_fileBanner->setWordWrap(true);
    m_fileBanner->setStyleSheet(QStringLiteral("QLabel { background: #e0f2fe; color: #0c4a6e; padding: 6px; }"));
    m_fileBanner->hide();
    connect(m_fileBanner, &QLabel::linkActivated, this, [this] { showLiveCapture(); });
    layout->addWidget(m_fileBanner);

    m_connectionModel = new ConnectionModel(this);
    m_connectionsView = new QTableView(central);
    m_connectionsView->setObjectName(QStringLiteral("connectionsView"));
    m_connectionsView->setModel(m_connectionModel);
    tuneTable(m_connectionsView);
    sizeConnectionColumns(m_connectionsView); // unless restoreLayout() brings back the user's own
    connect(m_connectionsView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onConnectionRowChanged);
    m_connectionsView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_connectionsView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (QMenu *menu = contextMenuFor(m_connectionsView, m_connectionsView->indexAt(pos).row())) {
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(m_connectionsView->viewport()->mapToGlobal(pos));
        }
    });

    m_waterfall = new WaterfallView(central);
    m_waterfall->setObjectName(QStringLiteral("waterfall"));
    connect(m_waterfall, &WaterfallView::frameClicked, this, &MainWindow::showEventInFrames);

    m_details = new DetailsPane(central);
    m_flow = new FlowGraph(central);
    m_log = new QPlainTextEdit(central);
    m_log->setReadOnly(true);
    m_log->setMaximumBlockCount(5000);
    m_log->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_log->setPlaceholderText(tr("Requests appear here as they are served."));
    m_sideTabs = new QTabWidget(central);
    m_sideTabs->addTab(m_details, tr("Details"));
    m_sideTabs->addTab(m_flow, tr("Flow control"));
    m_sideTabs->addTab(m_log, tr("Log"));

    m_leftSplit = new QSplitter(Qt::Vertical, central);
    m_leftSplit->addWidget(m_waterfall);
    m_leftSplit->addWidget(buildFramesPanel());
    m_leftSplit->setStretchFactor(0, 1);
    m_leftSplit->setStretchFactor(1, 1);
    m_lowerSplit = new QSplitter(Qt::Horizontal, central);
    m_lowerSplit->addWidget(m_leftSplit);
    m_lowerSplit->addWidget(m_sideTabs);
    m_lowerSplit->setStretchFactor(0, 3);
    m_lowerSplit->setStretchFactor(1, 1);
    m_mainSplit = new QSplitter(Qt::Vertical, central);
    m_mainSplit->addWidget(m_connectionsView);
    m_mainSplit->addWidget(m_lowerSplit);
    m_mainSplit->setStretchFactor(0, 1);
    m_mainSplit->setStretchFactor(1, 5);

    // Requests first: "what happened to my request?" comes before connections and frames.
    m_requests = new RequestsView(central);
    connect(m_requests, &RequestsView::showFramesRequested, this, &MainWindow::showRequestFrames);
    connect(m_requests, &RequestsView::harRequested, this, [this](const inspect::HarOptions &selection) {
        runFileAction(tr("Save HAR"), tr("HAR files (*.har)"), true, [this, selection](const QString &path) {
            return m_store ? exportHarFile(*m_store, path, m_store->wallClockOffsetNs(), selection)
                           : tr("There is no capture to export.");
        });
    });
    connect(m_waterfall, &WaterfallView::streamClicked, this,
            [this](std::int32_t stream) { openRequest(m_selectedConnection, stream); });
    m_mainTabs = new QTabWidget(central);
    m_mainTabs->setObjectName(QStringLiteral("mainTabs"));
    m_mainTabs->setDocumentMode(true);
    m_mainTabs->addTab(m_requests, tr("&Requests"));
    m_mainTabs->addTab(m_mainSplit, tr("C&onnections"));
    layout->addWidget(m_mainTabs, 1);
    return central;
}

MainWindow::~MainWindow()
{
    saveLayout(); // also when the application quits without closing the window (a signal)
}

QWidget *MainWindow::buildFramesPanel()
{
    auto *panel = new QWidget(this);
    auto *v = new QVBoxLayout(panel);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    m_filter = new FilterBar(panel);
    connect(m_filter, &FilterBar::filterEntered, this, &MainWindow::setFilterText);
    connect(m_filter, &FilterBar::followStreamRequested, this, &MainWindow::followStream);
    v->addWidget(m_filter);

    m_frameModel = new FrameModel(this);
    m_framesView = new QTableView(panel);
    m_framesView->setObjectName(QStringLiteral("framesView"));
    m_framesView->setModel(m_frameModel);
    tuneTable(m_framesView);
    m_framesView->setContextMenuPolicy(Qt::CustomContextMenu);
    connect(m_framesView, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (QMenu *menu = contextMenuFor(m_framesView, m_framesView->indexAt(pos).row())) {
            menu->setAttribute(Qt::WA_DeleteOnClose);
            menu->popup(m_framesView->viewport()->mapToGlobal(pos));
        }
    });
    m_framesView->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_framesView->verticalHeader()->setDefaultSectionSize(m_framesView->fontMetrics().height() + 4);
    const int digit = m_framesView->fontMetrics().horizontalAdvance(u'0');
    const int widths[] = {6, 10, 7, 7, 14, 34, 8};
    for (int c = 0; c < 7; ++c)
        m_framesView->setColumnWidth(c, widths[c] * digit + 12);
    connect(m_framesView->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            &MainWindow::onFrameRowChanged);
    v->addWidget(m_framesView, 1);
    return panel;
}

void MainWindow::runFileAction(const QString &title, const QString &filter, bool save,
                               const std::function<QString(const QString &)> &action)
{
    const QString path = m_choosePath ? m_choosePath(title, filter, save) : QString();
    if (path.isEmpty())
        return;
    const QString error = action(path);
    if (!error.isEmpty())
        QMessageBox::warning(this, title, error);
    else
        statusBar()->showMessage(tr("%1: %2").arg(title, QFileInfo(path).fileName()), 5000);
}

void MainWindow::setServing(const QString &url, const QString &folder, bool isDemo)
{
    m_url = url;
    m_folder = folder;
    m_isDemo = isDemo;
    m_bar->setServing(url, folder, isDemo);
    m_pages->setCurrentWidget(m_inspectorPage);
    setLabAvailable(!folder.isEmpty());
    if (!m_viewingFile)
        setWindowTitle(servingTitle());
}

QString MainWindow::servingTitle() const
{
    return m_folder.isEmpty() ? QStringLiteral("h2scope")
           : m_isDemo         ? tr("h2scope — the demo site")
                              : tr("h2scope — %1").arg(QFileInfo(m_folder).fileName());
}

void MainWindow::showWelcome()
{
    m_url.clear();
    m_folder.clear();
    setLabAvailable(false);
    setLanUrls({});
    QSettings qs;
    m_welcome->setRecentFolders(WelcomeView::loadRecent(qs));
    m_pages->setCurrentWidget(m_welcome);
    setWindowTitle(QStringLiteral("h2scope"));
}

bool MainWindow::isShowingWelcome() const
{
    return m_pages->currentWidget() == m_welcome;
}

void MainWindow::setLanUrls(const QStringList &urls)
{
    m_lanPanel->setUrls(urls);
    m_lanDock->setVisible(!urls.isEmpty());
}

void MainWindow::setServerRunning(bool running)
{
    m_bar->setRunning(running);
}

void MainWindow::setProtocolStatus(const QString &text)
{
    m_bar->setProtocolStatus(text);
}

void MainWindow::setCertificateStatus(const QString &text)
{
    m_bar->setCertificateStatus(text);
}

void MainWindow::setCaRoot(const QString &caroot)
{
    m_caRoot = caroot;
}

QString MainWindow::url() const
{
    return m_url;
}

void MainWindow::setStore(inspect::CaptureStore *store)
{
    m_liveStore = store;
    if (m_liveStore)
        m_liveStore->setBudget(static_cast<std::size_t>(m_settings.captureBudgetMiB) << 20);
    if (!m_viewingFile)
        switchStore(store, true);
}

void MainWindow::switchStore(const inspect::CaptureStore *store, bool live)
{
    m_store = store;
    m_selectedConnection = 0;
    m_userChoseConnection = false;
    detachIndex();
    m_details->clear();
    m_connectionModel->setStore(store, live);
    m_requests->setStore(store, live);
    refreshNow();
}

QMenu *MainWindow::contextMenuFor(QTableView *table, int row)
{
    if (row < 0)
        return nullptr;
    if (table == m_connectionsView)
        return connectionMenu(row);
    if (table == m_framesView)
        return frameMenu(row);
    return nullptr;
}

QMenu *MainWindow::connectionMenu(int row)
{
    const std::uint64_t id = m_connectionModel->connectionId(row);
    if (id == 0)
        return nullptr;
    auto *menu = new QMenu(this);
    menu->addAction(tr("Copy row"), this,
                    [this, row] { QApplication::clipboard()->setText(tableRowText(*m_connectionModel, row)); });
    menu->addAction(tr("Show its requests"), this, [this, id] {
        m_requests->setFilterText(QStringLiteral("conn:%1").arg(id));
        m_mainTabs->setCurrentWidget(m_requests);
    });
    menu->addAction(tr("Save HAR of this connection…"), this, [this, id] {
        inspect::HarOptions selection;
        selection.connections.insert(id);
        runFileAction(tr("Save HAR"), tr("HAR files (*.har)"), true, [this, selection](const QString &path) {
            return m_store ? exportHarFile(*m_store, path, m_store->wallClockOffsetNs(), selection)
                           : tr("There is no capture to export.");
        });
    });
    return menu;
}

QMenu *MainWindow::frameMenu(int row)
{
    const std::size_t eventIndex = m_frameModel->eventIndex(row);
    const inspect::Event *ev =
        m_store && eventIndex != SIZE_MAX ? m_store->event(m_selectedConnection, eventIndex) : nullptr;
    const auto *f = ev ? std::get_if<inspect::FrameEvent>(&ev->data) : nullptr;
    if (!f)
        return nullptr;
    auto *menu = new QMenu(this);
    menu->addAction(tr("Copy row"), this,
                    [this, row] { QApplication::clipboard()->setText(tableRowText(*m_frameModel, row)); });
    const QString summary = frameSummary(*f), hex = hexHeader(*f);
    menu->addAction(tr("Copy summary"), this, [summary] { QApplication::clipboard()->setText(summary); });
    menu->addAction(tr("Copy frame header (hex)"), this, [hex] { QApplication::clipboard()->setText(hex); });
    if (f->streamId != 0) {
        const std::uint64_t connection = m_selectedConnection;
        const std::int32_t stream = f->type == 0x5 && f->promisedStreamId > 0 ? f->promisedStreamId : f->streamId;
        menu->addAction(tr("Show request of stream %1").arg(stream), this,
                        [this, connection, stream] { openRequest(connection, stream); });
        menu->addAction(tr("Only stream %1").arg(f->streamId), this,
                        [this, id = f->streamId] { setFilterText(QStringLiteral("stream:%1").arg(id)); });
    }
    return menu;
}

bool MainWindow::openRequest(std::uint64_t connectionId, std::int32_t streamId)
{
    m_requests->refresh({}); // it may not have read that far yet
    if (!m_requests->openRequest(connectionId, streamId))
        return false;
    m_mainTabs->setCurrentWidget(m_requests);
    return true;
}

void MainWindow::showRequestFrames(std::uint64_t connectionId, std::int32_t streamId)
{
    m_mainTabs->setCurrentWidget(m_mainSplit);
    selectConnection(connectionId);
    const inspect::StreamSummary *s = m_connIndex ? m_connIndex->stream(streamId) : nullptr;
    setFilterText(s && !s->http1 ? QStringLiteral("stream:%1").arg(streamId) : QString());
}

void MainWindow::appendLog(const QString &text)
{
    // Only follow the tail while the user is looking at it.
    QScrollBar *bar = m_log->verticalScrollBar();
    const bool follow = bar->value() == bar->maximum();
    QString t = text;
    if (t.endsWith(u'\n'))
        t.chop(1);
    m_log->appendPlainText(t);
    if (follow)
        bar->setValue(bar->maximum());
}

QString MainWindow::logText() const
{
    return m_log->toPlainText();
}

void MainWindow::noteCaptureChanged(const inspect::StoreDelta &delta)
{
    std::vector<std::uint64_t> merged;
    std::set_union(m_changedConnections.begin(), m_changedConnections.end(), delta.changed.begin(), delta.changed.end(),
                   std::back_inserter(merged));
    m_changedConnections = std::move(merged);
}

void MainWindow::refreshNow()
{
    if (!m_store) {
        updateStatus();
        return;
    }
    const bool connFollow = atBottom(m_connectionsView);
    const int before = m_connectionModel->rowCount();
    m_connectionModel->refresh(m_changedConnections);
    m_changedConnections.clear();
    if (connFollow && m_connectionModel->rowCount() > before)
        m_connectionsView->scrollToBottom();
    if (m_selectedConnection != 0 && m_connectionModel->rowOf(m_selectedConnection) < 0) {
        // The selected connection was evicted or cleared.
        m_selectedConnection = 0;
        m_userChoseConnection = false;
        detachIndex();
    }
    // The Requests tab reads every connection's summary a slice per tick.
    m_requests->refresh(kRequestsSlice);
    autoSelectConnection();
    if (m_selectedConnection != 0) {
        // The store grows the index a slice per tick; a new one means the
        // dissection was made again and the views start over with it.
        std::shared_ptr<const inspect::ConnectionIndex> now = m_store->index(m_selectedConnection, m_dissectSlice);
        if (now != m_connIndex) {
            // The views let go of the old index before it may be freed.
            const std::shared_ptr<const inspect::ConnectionIndex> old = std::exchange(m_connIndex, std::move(now));
            attachIndex();
            m_detailsDirty = true;
        } else if (m_connIndex && m_connIndex->revision() != m_connIndexRevision) {
            const bool follow = atBottom(m_framesView);
            m_frameModel->refresh();
            m_waterfall->refresh();
            m_flow->refresh();
            m_detailsDirty = true;
            if (follow)
                m_framesView->scrollToBottom();
        }
        m_connIndexRevision = m_connIndex ? m_connIndex->revision() : 0;
    }
    // Rich text layout is the dearest thing here: at most once a second.
    if (m_connIndex && m_detailsShowConnection && m_detailsDirty && m_detailsClock.elapsed() >= 1000) {
        m_details->showConnection(*m_store, *m_connIndex);
        m_detailsClock.restart();
        m_detailsDirty = false;
    }
    updateStatus();
}

void MainWindow::autoSelectConnection()
{
    // Until the user picks one, show the newest connection that carried requests.
    if (m_userChoseConnection || m_connectionModel->rowCount() == 0)
        return;
    int best = -1;
    for (int row = m_connectionModel->rowCount() - 1; row >= 0 && best < 0; --row) {
        const inspect::ConnectionInfo *c = m_store->connection(m_connectionModel->connectionId(row));
        if (c && c->counters.streams > 0)
            best = row;
    }
    if (best < 0)
        best = m_connectionModel->rowCount() - 1;
    const std::uint64_t id = m_connectionModel->connectionId(best);
    if (id != m_selectedConnection) {
        selectConnection(id);
        m_userChoseConnection = false;
    }
}

void MainWindow::selectConnection(std::uint64_t connectionId)
{
    const int row = m_connectionModel->rowOf(connectionId);
    if (row < 0)
        return;
    m_userChoseConnection = true;
    if (m_connectionsView->currentIndex().row() != row)
        m_connectionsView->setCurrentIndex(m_connectionModel->index(row, 0)); // -> onConnectionRowChanged
    else
        onConnectionRowChanged();
}

void MainWindow::onConnectionRowChanged()
{
    const std::uint64_t id = m_connectionModel->connectionId(m_connectionsView->currentIndex().row());
    if (!m_store || id == 0)
        return;
    m_userChoseConnection = true;
    if (id == m_selectedConnection && m_connIndex)
        return;
    m_selectedConnection = id;
    std::shared_ptr<const inspect::ConnectionIndex> next = m_store->index(id, m_dissectSlice);
    if (!next) {
        // A row the store let go of since the list was last refreshed.
        detachIndex();
        m_details->clear();
        return;
    }
    // The views let go of the old index before it may be freed.
    const std::shared_ptr<const inspect::ConnectionIndex> old = std::exchange(m_connIndex, std::move(next));
    m_connIndexRevision = m_connIndex->revision();
    attachIndex();
    m_details->showConnection(*m_store, *m_connIndex);
    m_detailsShowConnection = true;
    m_detailsDirty = false;
    m_detailsClock.start();
}

void MainWindow::detachIndex()
{
    m_frameModel->setSource(nullptr, nullptr);
    m_waterfall->setSource(nullptr, nullptr);
    m_flow->setSource(nullptr);
    m_connIndex.reset();
}

void MainWindow::attachIndex()
{
    m_frameModel->setSource(m_connIndex ? m_store : nullptr, m_connIndex.get());
    m_waterfall->setSource(m_connIndex ? m_store : nullptr, m_connIndex.get());
    m_flow->setSource(m_connIndex.get());
}

void MainWindow::onFrameRowChanged()
{
    const std::size_t index = m_frameModel->eventIndex(m_framesView->currentIndex().row());
    if (!m_connIndex || index == SIZE_MAX)
        return;
    m_details->showFrame(*m_store, *m_connIndex, index);
    m_detailsShowConnection = false;
    m_waterfall->setSelectedEvent(index);
    if (const inspect::FrameEvent *f = m_frameModel->frameAt(m_framesView->currentIndex().row()))
        m_flow->setStream(f->streamId);
}

void MainWindow::showEventInFrames(std::size_t eventIndex)
{
    int row = m_frameModel->rowOfEvent(eventIndex);
    if (row < 0 && !m_frameModel->filter().isEmpty()) {
        setFilterText(QString()); // the clicked frame is filtered out: show everything
        row = m_frameModel->rowOfEvent(eventIndex);
    }
    if (row < 0)
        return;
    const QModelIndex idx = m_frameModel->index(row, 0);
    m_framesView->setCurrentIndex(idx);
    m_framesView->scrollTo(idx, QAbstractItemView::PositionAtCenter);
}

void MainWindow::setFilterText(const QString &text)
{
    m_filter->setText(text);
    const FrameFilter filter = FrameFilter::parse(text);
    m_filter->setError(filter.error());
    const std::size_t current = m_frameModel->eventIndex(m_framesView->currentIndex().row());
    m_frameModel->setFilter(filter);
    const int row = current == SIZE_MAX ? -1 : m_frameModel->rowOfEvent(current);
    if (row >= 0) {
        m_framesView->setCurrentIndex(m_frameModel->index(row, 0));
        m_framesView->scrollTo(m_frameModel->index(row, 0), QAbstractItemView::PositionAtCenter);
    }
}

void MainWindow::followStream()
{
    const inspect::FrameEvent *f = m_frameModel->frameAt(m_framesView->currentIndex().row());
    if (f)
        setFilterText(QStringLiteral("stream:%1").arg(f->streamId));
}

QString MainWindow::saveCapture(const QString &path) const
{
    return m_store ? saveCaptureFile(*m_store, path) : tr("There is no capture to save.");
}

QString MainWindow::openCapture(const QString &path)
{
    auto store = std::make_unique<inspect::CaptureStore>(std::size_t{1} << 40); // a file is shown whole
    const QString error = loadCaptureFile(path, *store);
    if (!error.isEmpty())
        return error;
    m_fileStore = std::move(store);
    m_viewingFile = true;
    m_fileName = QFileInfo(path).fileName();
    m_liveAction->setEnabled(m_liveStore != nullptr);
    setWindowTitle(tr("h2scope — %1 (a saved capture)").arg(m_fileName));
    switchStore(m_fileStore.get(), false);
    updateFileBanner();
    return {};
}

void MainWindow::updateFileBanner()
{
    m_fileBanner->setVisible(m_viewingFile);
    if (!m_viewingFile)
        return;
    const QString back = m_liveStore ? tr(" <a href=\"live\">Back to the live capture</a> (%1 connection(s) there)")
                                           .arg(m_liveStore->connectionCount())
                                     : QString();
    m_fileBanner->setText(tr("Showing the saved capture <b>%1</b>. The server goes on serving, and live traffic "
                             "goes on being captured meanwhile.%2")
                              .arg(m_fileName.toHtmlEscaped(), back));
}

void MainWindow::showLiveCapture()
{
    m_viewingFile = false;
    m_liveAction->setEnabled(false);
    setWindowTitle(servingTitle());
    switchStore(m_liveStore, true);
    m_fileStore.reset();
    updateFileBanner();
}

QString MainWindow::exportHar(const QString &path) const
{
    return m_store ? exportHarFile(*m_store, path, m_store->wallClockOffsetNs()) : tr("There is no capture to export.");
}

QString MainWindow::exportFrameLog(const QString &path) const
{
    return m_store ? exportFrameLogFile(*m_store, path) : tr("There is no capture to export.");
}

QString MainWindow::exportJsonLines(const QString &path) const
{
    return m_store ? exportJsonLinesFile(*m_store, path) : tr("There is no capture to export.");
}

QString MainWindow::exportPcapng(const QString &path) const
{
    return m_store ? exportPcapngFile(*m_store, path) : tr("There is no capture to export.");
}

void MainWindow::clearCapture()
{
    if (m_viewingFile) {
        showLiveCapture();
        return;
    }
    if (!m_liveStore)
        return;
    m_liveStore->clear();
    switchStore(m_liveStore, true);
}

void MainWindow::chooseBudget()
{
    bool ok = false;
    const int mib =
        QInputDialog::getInt(this, tr("Capture memory budget"),
                             tr("Keep at most this many MiB of capture (oldest closed connections go first):"),
                             static_cast<int>(m_settings.captureBudgetMiB), 1, 65536, 16, &ok);
    if (!ok)
        return;
    m_settings.captureBudgetMiB = static_cast<quint64>(mib);
    QSettings qs;
    m_settings.save(qs);
    if (m_liveStore)
        m_liveStore->setBudget(static_cast<std::size_t>(mib) << 20);
    emit settingsChanged(m_settings);
    refreshNow();
}

void MainWindow::updateStatus()
{
    if (m_viewingFile)
        updateFileBanner(); // the live connection count behind it
    if (!m_store) {
        m_statusConnections->setText(isShowingWelcome() ? QString() : tr("capture off"));
        return;
    }
    if (m_rateClock.elapsed() >= 1000) {
        quint64 frames = 0, requests = 0;
        for (std::uint64_t id : m_store->connectionIds())
            if (const inspect::ConnectionInfo *c = m_store->connection(id)) {
                frames += c->counters.framesIn + c->counters.framesOut;
                requests += c->counters.streams - c->counters.pushedStreams;
            }
        const double secs = static_cast<double>(m_rateClock.restart()) / 1000.0;
        m_framesPerSecond = frames >= m_rateFrames ? static_cast<double>(frames - m_rateFrames) / secs : 0;
        m_requestsPerSecond = requests >= m_rateRequests ? static_cast<double>(requests - m_rateRequests) / secs : 0;
        m_rateFrames = frames;
        m_rateRequests = requests;
    }
    // A large connection is dissected a slice per tick: say how far it got.
    const QString dissecting = m_connIndex && !m_connIndex->complete()
                                   ? tr(" · dissecting connection %1: %2%")
                                         .arg(m_connIndex->connectionId())
                                         .arg(static_cast<int>(m_connIndex->progress() * 100))
                                   : QString();
    m_statusConnections->setText(tr("%1 connection(s)%2%3")
                                     .arg(m_store->connectionCount())
                                     .arg(m_viewingFile ? tr(" in the file") : QString(), dissecting));
    m_statusRates->setText(
        tr("%1 requests/s · %2 frames/s").arg(m_requestsPerSecond, 0, 'f', 0).arg(m_framesPerSecond, 0, 'f', 0));
    const QString used = QString::number(static_cast<double>(m_store->memoryUsed()) / (1 << 20), 'f', 1);
    // The Requests tab's summaries live beside the logs, outside the budget.
    const QString requests =
        tr(" · request list %1 MiB").arg(static_cast<double>(m_store->summaryBytes()) / (1 << 20), 0, 'f', 1);
    if (m_viewingFile) // a file has no budget to speak of: it is held whole
        m_statusMemory->setText(tr("file: %1 MiB in memory").arg(used) + requests);
    else
        m_statusMemory->setText(
            tr("capture %1 of %2%3")
                .arg(used, QString::number(static_cast<double>(m_store->budget()) / (1 << 20), 'f', 0) + tr(" MiB"))
                .arg(m_pauseAction && m_pauseAction->isChecked() ? tr(" (paused)") : QString())
            + requests);
    // Nothing is ever dropped; what the budget evicted is said, and where.
    if (m_store->evictedConnections() == 0 && m_store->evictedFrames() == 0)
        m_statusDropped->setText(tr("every frame kept"));
    else
        m_statusDropped->setText(tr("budget: %1 closed connection(s) and %2 frame(s) of open ones evicted")
                                     .arg(m_store->evictedConnections())
                                     .arg(m_store->evictedFrames()));
}

QString MainWindow::statusText() const
{
    QStringList parts;
    for (const QLabel *l : {m_statusConnections, m_statusRates, m_statusMemory, m_statusDropped})
        parts << l->text();
    return parts.join(QStringLiteral(" | "));
}

void MainWindow::restoreLayout()
{
    QSettings qs;
    restoreGeometry(qs.value(QStringLiteral("window/geometry")).toByteArray());
    restoreState(qs.value(QStringLiteral("window/state")).toByteArray());
    m_mainSplit->restoreState(qs.value(QStringLiteral("window/mainSplit")).toByteArray());
    m_lowerSplit->restoreState(qs.value(QStringLiteral("window/lowerSplit")).toByteArray());
    m_leftSplit->restoreState(qs.value(QStringLiteral("window/leftSplit")).toByteArray());
    m_framesView->horizontalHeader()->restoreState(qs.value(QStringLiteral("window/framesHeader")).toByteArray());
    // Saved per column count: a layout from a version with other columns
    // would put the widths on the wrong columns.
    if (!m_connectionsView->horizontalHeader()->restoreState(qs.value(connectionsHeaderKey()).toByteArray()))
        sizeConnectionColumns(m_connectionsView);
}

QString MainWindow::connectionsHeaderKey()
{
    return QStringLiteral("window/connectionsHeader%1").arg(int(ConnectionModel::ColumnCount));
}

void MainWindow::saveLayout() const
{
    QSettings qs;
    qs.setValue(QStringLiteral("window/geometry"), saveGeometry());
    qs.setValue(QStringLiteral("window/state"), saveState());
    qs.setValue(QStringLiteral("window/mainSplit"), m_mainSplit->saveState());
    qs.setValue(QStringLiteral("window/lowerSplit"), m_lowerSplit->saveState());
    qs.setValue(QStringLiteral("window/leftSplit"), m_leftSplit->saveState());
    qs.setValue(QStringLiteral("window/framesHeader"), m_framesView->horizontalHeader()->saveState());
    qs.setValue(connectionsHeaderKey(), m_connectionsView->horizontalHeader()->saveState());
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    saveLayout();
    QMainWindow::closeEvent(event);
}

} // namespace h2scope::ui
