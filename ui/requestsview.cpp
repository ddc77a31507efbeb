#include "requestsview.h"

#include "framefilter.h"
#include "requestdetail.h"
#include "requestsmodel.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QSettings>
#include <QShortcut>
#include <QSplitter>
#include <QTableView>
#include <QTextBrowser>
#include <QUrl>
#include <QVBoxLayout>

#include <set>

namespace h2scope::ui {

namespace {

const QString kHiddenKey = QStringLiteral("requests/hiddenColumns");
const QString kHeaderKey = QStringLiteral("requests/header");

} // namespace

RequestsView::RequestsView(QWidget *parent) : QWidget(parent)
{
    auto *v = new QVBoxLayout(this);
    v->setContentsMargins(0, 0, 0, 0);
    v->setSpacing(2);
    auto *bar = new QHBoxLayout;
    m_filter = new QLineEdit(this);
    m_filter->setObjectName(QStringLiteral("requestsFilter"));
    m_filter->setClearButtonEnabled(true);
    m_filter->setPlaceholderText(
        tr("Filter requests: text, status:4xx, path:~\\.css$, type:javascript, pushed, stream:3 …"));
    m_filter->setToolTip(tr("The frame filter's language: clauses are ANDed, | ORs values, ! negates; "
                            "any other word searches method, path, status, type and client."));
    m_count = new QLabel(this);
    m_count->setObjectName(QStringLiteral("requestsCount"));
    bar->addWidget(m_filter, 1);
    bar->addWidget(m_count);
    v->addLayout(bar);
    m_filterError = new QLabel(this);
    m_filterError->setStyleSheet(QStringLiteral("QLabel { color: #b91c1c; }"));
    m_filterError->hide();
    v->addWidget(m_filterError);

    m_model = new RequestsModel(this);
    m_proxy = new RequestsProxy(this);
    m_proxy->setSourceModel(m_model);
    m_table = new QTableView(this);
    m_table->setObjectName(QStringLiteral("requestsView"));
    m_table->setModel(m_proxy);
    m_table->setSortingEnabled(true);
    m_table->sortByColumn(RequestsModel::Start, Qt::AscendingOrder);
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setWordWrap(false);
    m_table->verticalHeader()->hide();
    m_table->verticalHeader()->setDefaultSectionSize(m_table->fontMetrics().height() + 6);
    m_table->horizontalHeader()->setStretchLastSection(false);
    m_table->horizontalHeader()->setSectionsMovable(true);
    m_table->horizontalHeader()->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setContextMenuPolicy(Qt::CustomContextMenu);
    m_table->setItemDelegateForColumn(RequestsModel::Waterfall, new RequestsWaterfallDelegate(m_model, m_table));
    const int em = m_table->fontMetrics().horizontalAdvance(QLatin1Char('M'));
    // Tenths of an em: what each column's usual contents need, so that at
    // 1280 px every column but the last fits beside the details.
    const int widths[RequestsModel::ColumnCount] = {35, 60, 190, 45, 50, 105, 60, 60, 65, 75, 65, 140, 160, 50};
    for (int c = 0; c < RequestsModel::ColumnCount; ++c)
        m_table->setColumnWidth(c, widths[c] * em / 10);

    m_details = new QTextBrowser(this);
    m_details->setObjectName(QStringLiteral("requestDetails"));
    m_details->setOpenLinks(false);
    m_details->setPlaceholderText(tr("Select a request to see its headers, timing and push relations."));
    connect(m_details, &QTextBrowser::anchorClicked, this, [this](const QUrl &url) {
        if (url.scheme() == QLatin1String("frames") && m_shownConnection)
            emit showFramesRequested(m_shownConnection, m_shownStream);
    });

    m_split = new QSplitter(Qt::Horizontal, this);
    m_split->addWidget(m_table);
    m_split->addWidget(m_details);
    m_split->setStretchFactor(0, 3);
    m_split->setStretchFactor(1, 1);
    m_split->setSizes({900, 380});
    // Widened past kSideBySideWidth (or narrowed below it): the headers change layout.
    connect(m_split, &QSplitter::splitterMoved, this, [this] {
        if (m_shownConnection
            && (m_details->width() >= kSideBySideWidth) != m_html.contains(QLatin1String("width=\"50%\"")))
            showCurrent();
    });
    v->addWidget(m_split, 1);

    connect(m_filter, &QLineEdit::returnPressed, this, &RequestsView::applyFilter);
    connect(m_filter, &QLineEdit::textChanged, this, [this](const QString &t) {
        if (t.isEmpty())
            applyFilter();
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this, &RequestsView::showCurrent);
    connect(m_table, &QWidget::customContextMenuRequested, this, [this](const QPoint &pos) {
        if (!m_table->indexAt(pos).isValid())
            return;
        QMenu *menu = makeContextMenu();
        menu->setAttribute(Qt::WA_DeleteOnClose);
        menu->popup(m_table->viewport()->mapToGlobal(pos));
    });
    connect(m_table->horizontalHeader(), &QWidget::customContextMenuRequested, this, &RequestsView::chooseColumns);
    // The keyboard: Ctrl+C copies the selected rows; Down in the filter goes to the table.
    auto *copyRows = new QShortcut(QKeySequence::Copy, m_table, nullptr, nullptr, Qt::WidgetShortcut);
    connect(copyRows, &QShortcut::activated, this, [this] {
        const QString text = copyText(Copy::Row);
        if (!text.isEmpty())
            QApplication::clipboard()->setText(text);
    });
    auto *toTable = new QShortcut(QKeySequence(Qt::Key_Down), m_filter, nullptr, nullptr, Qt::WidgetShortcut);
    connect(toTable, &QShortcut::activated, this, [this] {
        m_table->setFocus(Qt::TabFocusReason);
        if (!m_table->currentIndex().isValid() && m_proxy->rowCount() > 0)
            m_table->setCurrentIndex(m_proxy->index(0, 0));
    });
    setTabOrder(m_filter, m_table);
    setTabOrder(m_table, m_details);
    restoreColumns(); // before listening: setting the widths above must not overwrite the user's
    connect(m_table->horizontalHeader(), &QHeaderView::sectionResized, this, [this] { saveColumns(); });
    connect(m_table->horizontalHeader(), &QHeaderView::sectionMoved, this, [this] { saveColumns(); });
    updateCount();
}

RequestsView::~RequestsView() = default;

void RequestsView::setStore(const inspect::CaptureStore *store, bool live)
{
    m_store = store;
    m_shownConnection = 0;
    m_shownStream = 0;
    m_details->clear();
    m_model->setStore(store, live);
    updateCount();
}

void RequestsView::refresh(std::chrono::nanoseconds budget)
{
    const std::uint64_t end = m_model->endNs();
    m_caughtUp = m_model->refresh(budget);
    updateCount();
    if (m_model->endNs() != end) // the waterfall's time axis grew: every bar moves
        m_table->viewport()->update();
    // The request shown changed (its response, its end): show it again.
    if (m_shownConnection && m_store) {
        if (const auto index = m_store->summary(m_shownConnection); index && index->revision() != m_shownRevision)
            showCurrent();
    }
}

void RequestsView::setFilterText(const QString &text)
{
    m_filter->setText(text);
    applyFilter();
}

void RequestsView::focusFilter()
{
    m_filter->setFocus(Qt::ShortcutFocusReason);
    m_filter->selectAll();
}

QString RequestsView::filterText() const
{
    return m_filter->text();
}

void RequestsView::applyFilter()
{
    const FrameFilter filter = FrameFilter::parse(m_filter->text(), true);
    m_filterError->setText(filter.error());
    m_filterError->setVisible(!filter.error().isEmpty());
    m_proxy->setFilter(filter);
    updateCount();
}

QString RequestsView::countText() const
{
    const int all = m_model->rowCount();
    const QString requests = all == 1 ? tr("1 request") : tr("%1 requests").arg(all);
    const QString reading = m_caughtUp ? QString() : tr(" (reading the capture…)");
    if (m_proxy->filter().isEmpty())
        return requests + reading;
    QString text = tr("%1 of %2").arg(m_proxy->rowCount()).arg(requests) + reading;
    if (m_proxy->filter().frameOnlyClauses())
        text += tr(" (dir: and flags: are for frames)");
    return text;
}

void RequestsView::updateCount()
{
    m_count->setText(countText());
}

bool RequestsView::openRequest(std::uint64_t connectionId, std::int32_t streamId)
{
    const int source = m_model->rowOf(connectionId, streamId);
    if (source < 0)
        return false;
    QModelIndex at = m_proxy->mapFromSource(m_model->index(source, 0));
    if (!at.isValid()) { // filtered out: show everything again
        setFilterText(QString());
        at = m_proxy->mapFromSource(m_model->index(source, 0));
    }
    // Only this request selected, whatever keys are held.
    m_table->selectionModel()->setCurrentIndex(at, QItemSelectionModel::ClearAndSelect | QItemSelectionModel::Rows);
    m_table->scrollTo(at);
    showCurrent();
    return true;
}

void RequestsView::showCurrent()
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_store) {
        m_shownConnection = 0;
        m_details->clear();
        return;
    }
    const QModelIndex source = m_proxy->mapToSource(current);
    const RequestsModel::Row *row = m_model->row(source.row());
    if (!row)
        return;
    m_shownConnection = row->connectionId;
    m_shownStream = row->streamId;
    if (const auto index = m_store->summary(row->connectionId))
        m_shownRevision = index->revision();
    m_html = requestDetailHtml(describeRequest(*m_store, row->connectionId, row->streamId), m_model->baseNs(),
                               m_details->width() >= kSideBySideWidth);
    m_details->setHtml(m_html);
}

QString RequestsView::detailsHtml() const
{
    return m_shownConnection ? m_html : QString();
}

QString RequestsView::copyText(Copy what) const
{
    const QModelIndex current = m_table->currentIndex();
    if (!current.isValid() || !m_store)
        return {};
    const int sourceRow = m_proxy->mapToSource(current).row();
    if (what == Copy::Row) {
        QStringList rows;
        for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
            rows << m_model->rowText(m_proxy->mapToSource(i).row());
        return rows.isEmpty() ? m_model->rowText(sourceRow) : rows.join(u'\n');
    }
    const RequestsModel::Row *row = m_model->row(sourceRow);
    if (!row)
        return {};
    const RequestDetail d = describeRequest(*m_store, row->connectionId, row->streamId);
    if (!d.found)
        return {};
    switch (what) {
    case Copy::Url: return QString::fromStdString(requestUrl(d));
    case Copy::RequestHeaders: return QString::fromStdString(fieldsText(d.requestHeaders));
    case Copy::ResponseHeaders: return QString::fromStdString(fieldsText(d.responseHeaders));
    case Copy::Curl: return QString::fromStdString(curlCommand(d));
    case Copy::Fetch: return QString::fromStdString(fetchCall(d));
    case Copy::Nghttp: return QString::fromStdString(nghttpCommand(d));
    case Copy::Row: break;
    }
    return {};
}

inspect::HarOptions RequestsView::selection() const
{
    inspect::HarOptions o;
    for (const QModelIndex &i : m_table->selectionModel()->selectedRows())
        if (const RequestsModel::Row *row = m_model->row(m_proxy->mapToSource(i).row()))
            o.requests.insert({row->connectionId, row->streamId});
    if (o.requests.empty())
        if (const RequestsModel::Row *row = m_model->row(m_proxy->mapToSource(m_table->currentIndex()).row()))
            o.requests.insert({row->connectionId, row->streamId});
    return o;
}

inspect::HarOptions RequestsView::currentConnection() const
{
    inspect::HarOptions o;
    if (const RequestsModel::Row *row = m_model->row(m_proxy->mapToSource(m_table->currentIndex()).row()))
        o.connections.insert(row->connectionId);
    return o;
}

QMenu *RequestsView::makeContextMenu()
{
    auto *menu = new QMenu(this);
    const auto copy = [this](Copy what) {
        const QString text = copyText(what);
        if (!text.isEmpty())
            QApplication::clipboard()->setText(text);
    };
    menu->addAction(tr("Copy row"), this, [copy] { copy(Copy::Row); });
    menu->addAction(tr("Copy URL"), this, [copy] { copy(Copy::Url); });
    menu->addAction(tr("Copy request headers"), this, [copy] { copy(Copy::RequestHeaders); });
    menu->addAction(tr("Copy response headers"), this, [copy] { copy(Copy::ResponseHeaders); });
    menu->addSeparator();
    menu->addAction(tr("Copy as curl"), this, [copy] { copy(Copy::Curl); });
    menu->addAction(tr("Copy as fetch"), this, [copy] { copy(Copy::Fetch); });
    menu->addAction(tr("Copy as nghttp"), this, [copy] { copy(Copy::Nghttp); });
    menu->addSeparator();
    menu->addAction(tr("Show its frames"), this, [this] {
        if (const RequestsModel::Row *row = m_model->row(m_proxy->mapToSource(m_table->currentIndex()).row()))
            emit showFramesRequested(row->connectionId, row->streamId);
    });
    menu->addAction(tr("Save HAR of the selected requests…"), this, [this] { emit harRequested(selection()); });
    menu->addAction(tr("Save HAR of this connection…"), this, [this] { emit harRequested(currentConnection()); });
    return menu;
}

void RequestsView::chooseColumns(const QPoint &pos)
{
    QMenu menu(this);
    QHeaderView *header = m_table->horizontalHeader();
    for (int c = 0; c < RequestsModel::ColumnCount; ++c) {
        QAction *a = menu.addAction(m_model->headerData(c, Qt::Horizontal).toString());
        a->setCheckable(true);
        a->setChecked(!header->isSectionHidden(c));
        a->setEnabled(c != RequestsModel::Path); // a request without its path means nothing
        connect(a, &QAction::toggled, this, [this, header, c](bool on) {
            header->setSectionHidden(c, !on);
            saveColumns();
        });
    }
    menu.exec(header->mapToGlobal(pos));
}

void RequestsView::saveColumns() const
{
    QSettings settings;
    QStringList hidden;
    for (int c = 0; c < RequestsModel::ColumnCount; ++c)
        if (m_table->horizontalHeader()->isSectionHidden(c))
            hidden << QString::number(c);
    settings.setValue(kHiddenKey, hidden);
    settings.setValue(kHeaderKey, m_table->horizontalHeader()->saveState());
}

void RequestsView::restoreColumns()
{
    QSettings settings;
    QHeaderView *header = m_table->horizontalHeader();
    const QByteArray state = settings.value(kHeaderKey).toByteArray();
    if (!state.isEmpty())
        header->restoreState(state);
    // The hidden set is kept apart: it must hold even when the state is from other columns.
    const QStringList hidden =
        settings.value(kHiddenKey, QStringList{QString::number(RequestsModel::Connection)}).toStringList();
    for (int c = 0; c < RequestsModel::ColumnCount; ++c)
        header->setSectionHidden(c, hidden.contains(QString::number(c)) && c != RequestsModel::Path);
}

} // namespace h2scope::ui
