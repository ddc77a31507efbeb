#include "requestsmodel.h"

#include "connectionmodel.h"
#include "frametext.h"

#include <QPainter>

#include <algorithm>
#include <iterator>

namespace h2scope::ui {

namespace {

// "text/css; charset=utf-8" -> "css", "application/x-javascript" -> "javascript".
QString shortType(const std::string &contentType)
{
    std::string_view t = contentType;
    t = t.substr(0, t.find(';'));
    if (const std::size_t slash = t.find('/'); slash != std::string_view::npos)
        t.remove_prefix(slash + 1);
    if (t.starts_with("x-"))
        t.remove_prefix(2);
    while (!t.empty() && t.back() == ' ')
        t.remove_suffix(1);
    return QString::fromUtf8(t.data(), static_cast<qsizetype>(t.size()));
}

QString protocolText(const inspect::StreamSummary &s)
{
    if (!s.http1)
        return QStringLiteral("h2");
    return s.httpVersion == "HTTP/1.0" ? QStringLiteral("h1.0") : QStringLiteral("h1.1");
}

} // namespace

RequestsModel::RequestsModel(QObject *parent) : QAbstractTableModel(parent) {}

void RequestsModel::setStore(const inspect::CaptureStore *store, bool live)
{
    beginResetModel();
    m_store = store;
    m_live = live;
    m_rows.clear();
    m_followed.clear();
    m_baseNs = m_endNs = 0;
    if (m_store)
        m_store->setSummaries(true);
    endResetModel();
}

void RequestsModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_followed.clear();
    m_baseNs = m_endNs = 0;
    endResetModel();
}

bool RequestsModel::refresh(std::chrono::nanoseconds budget)
{
    if (!m_store)
        return true;
    const bool caughtUp = m_store->summarize(budget);
    // A connection evicted, or a summary made again: the rows start over.
    for (const auto &[id, f] : m_followed) {
        if (m_store->summary(id) != f.index) {
            rebuild();
            break;
        }
    }
    const std::vector<std::uint64_t> ids = m_store->connectionIds();
    if (m_baseNs == 0 && !ids.empty())
        if (const inspect::ConnectionInfo *first = m_store->connection(ids.front()))
            m_baseNs = first->openedNs;
    std::vector<Row> added;
    std::vector<int> changed; // rows whose request changed, from the indexes' change logs
    for (std::uint64_t id : ids) {
        std::shared_ptr<const inspect::ConnectionIndex> index = m_store->summary(id);
        if (!index)
            continue;
        Followed &f = m_followed[id];
        f.index = index;
        if (index->revision() == f.revision)
            continue;
        f.revision = index->revision();
        m_endNs = std::max(m_endNs, index->lastNs());
        // What changed in rows already shown: only those are repainted (a
        // flood's connection has 100,000 rows, of which a few dozen change
        // between two refreshes).
        const bool complete = index->changesSince(f.changesSeen, [&](std::uint32_t order) {
            if (order < f.rowByOrder.size() && f.rowByOrder[order] >= 0)
                changed.push_back(f.rowByOrder[order]);
        });
        if (!complete) // the log moved on past us: all of this connection's rows
            std::copy_if(f.rowByOrder.begin(), f.rowByOrder.end(), std::back_inserter(changed),
                         [](int row) { return row >= 0; });
        f.changesSeen = index->changesEnd();
        const auto take = [&](std::int32_t stream) {
            const inspect::StreamSummary *s = index->stream(stream);
            if (!s || (s->method.empty() && !s->pushed && !s->http1))
                return false; // not a request (yet)
            const int row = static_cast<int>(m_rows.size() + added.size());
            if (f.rowByOrder.size() <= s->order)
                f.rowByOrder.resize(s->order + 1, -1);
            f.rowByOrder[s->order] = row;
            added.push_back(Row{id, stream});
            return true;
        };
        std::erase_if(f.waiting, take);
        const std::vector<std::int32_t> &order = index->creationOrder();
        for (; f.seen < order.size(); ++f.seen)
            if (!take(order[f.seen]) && f.waiting.size() < kMaxWaiting)
                f.waiting.push_back(order[f.seen]);
    }
    // One dataChanged a run of consecutive rows.
    std::sort(changed.begin(), changed.end());
    changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
    for (std::size_t i = 0; i < changed.size();) {
        std::size_t j = i + 1;
        while (j < changed.size() && changed[j] == changed[j - 1] + 1)
            ++j;
        emit dataChanged(index(changed[i], 0), index(changed[j - 1], ColumnCount - 1), {Qt::DisplayRole, SortRole});
        i = j;
    }
    if (!added.empty()) {
        const int first = static_cast<int>(m_rows.size());
        beginInsertRows({}, first, first + static_cast<int>(added.size()) - 1);
        m_rows.insert(m_rows.end(), added.begin(), added.end());
        endInsertRows();
    }
    return caughtUp;
}

const RequestsModel::Row *RequestsModel::row(int r) const
{
    return r >= 0 && static_cast<std::size_t>(r) < m_rows.size() ? &m_rows[static_cast<std::size_t>(r)] : nullptr;
}

const inspect::StreamSummary *RequestsModel::summary(std::uint64_t connectionId, std::int32_t streamId) const
{
    auto it = m_followed.find(connectionId);
    return it == m_followed.end() || !it->second.index ? nullptr : it->second.index->stream(streamId);
}

const inspect::StreamSummary *RequestsModel::summary(int r) const
{
    const Row *x = row(r);
    return x ? summary(x->connectionId, x->streamId) : nullptr;
}

int RequestsModel::rowOf(std::uint64_t connectionId, std::int32_t streamId) const
{
    auto it = m_followed.find(connectionId);
    if (it == m_followed.end() || !it->second.index)
        return -1;
    const Followed &f = it->second;
    const inspect::StreamSummary *s = f.index->stream(streamId);
    if (!s || s->order >= f.rowByOrder.size())
        return -1;
    const int r = f.rowByOrder[s->order];
    return r >= 0 && m_rows[static_cast<std::size_t>(r)].streamId == streamId ? r : -1;
}

int RequestsModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestsModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestsModel::display(const Row &row, const inspect::StreamSummary &s, int column) const
{
    switch (column) {
    case Method: return QString::fromStdString(s.method);
    case Path: return QString::fromStdString(s.path);
    case Status:
        if (s.status > 0)
            return s.status;
        return s.reset ? tr("reset") : s.closed || !m_live ? QStringLiteral("—") : tr("pending");
    case Protocol: return protocolText(s);
    case Client: {
        const inspect::ConnectionInfo *c = m_store ? m_store->connection(row.connectionId) : nullptr;
        return c ? clientName(c->client) : QString();
    }
    case Type: return shortType(s.contentType);
    case Size: return bytesText(s.bodyBytes); // on the wire: the DATA payloads
    case Decoded: return bytesText(s.decodedBytes ? s.decodedBytes : s.bodyBytes);
    case Start:
        return QStringLiteral("+%1 ms").arg(static_cast<double>(s.startNs - std::min(s.startNs, m_baseNs)) / 1e6, 0,
                                            'f', 1);
    case Duration:
        if (!s.closed && !s.http1 && m_live)
            return tr("pending");
        return durationText(s.lastNs - std::min(s.lastNs, s.startNs));
    case Relation:
        if (s.pushed)
            return s.pushOutcome.empty() ? tr("pushed by %1").arg(s.parentId)
                                         : tr("pushed by %1: %2").arg(s.parentId).arg(pushOutcomeText(s.pushOutcome));
        if (s.earlyHints)
            return tr("sent 103 Early Hints");
        if (s.hintedBy)
            return tr("hinted by %1").arg(s.hintedBy);
        return QString();
    case Connection: return QVariant::fromValue<qulonglong>(row.connectionId);
    default: return {};
    }
}

QVariant RequestsModel::data(const QModelIndex &index, int role) const
{
    const Row *r = index.isValid() ? row(index.row()) : nullptr;
    if (!r)
        return {};
    if (role == ConnectionIdRole)
        return QVariant::fromValue<qulonglong>(r->connectionId);
    if (role == StreamIdRole)
        return r->streamId;
    if (role == SortRole && index.column() == Number)
        return index.row(); // the order requests appeared in: no summary needed
    const inspect::StreamSummary *s = summary(r->connectionId, r->streamId);
    if (!s)
        return {};
    if (role == SearchTextRole) {
        QStringList parts{QString::fromStdString(s->method), QString::fromStdString(s->path),
                          QString::number(s->status), QString::fromStdString(s->contentType)};
        parts << display(*r, *s, Client).toString() << protocolText(*s);
        return parts.join(u' ').toLower();
    }
    if (role == SortRole) {
        switch (index.column()) {
        case Number: return index.row();
        case Status: return s->status;
        case Size: return QVariant::fromValue<qulonglong>(s->bodyBytes);
        case Decoded: return QVariant::fromValue<qulonglong>(s->decodedBytes ? s->decodedBytes : s->bodyBytes);
        case Start: return QVariant::fromValue<qulonglong>(s->startNs);
        case Duration: return QVariant::fromValue<qulonglong>(s->lastNs - std::min(s->lastNs, s->startNs));
        case Connection: return QVariant::fromValue<qulonglong>(r->connectionId);
        case Waterfall: return QVariant::fromValue<qulonglong>(s->startNs);
        default: return display(*r, *s, index.column());
        }
    }
    if (role == Qt::TextAlignmentRole) {
        const int c = index.column();
        const bool numeric =
            c == Number || c == Status || c == Size || c == Decoded || c == Start || c == Duration || c == Connection;
        return numeric ? QVariant(Qt::AlignRight | Qt::AlignVCenter) : QVariant();
    }
    if (role == Qt::ToolTipRole && index.column() == Relation && s->pushed && !s->pushDetail.empty())
        return QString::fromStdString(s->pushDetail);
    if (role != Qt::DisplayRole)
        return {};
    if (index.column() == Number)
        return index.row() + 1;
    return display(*r, *s, index.column());
}

QString RequestsModel::rowText(int r) const
{
    return tableRowText(*this, r);
}

QVariant RequestsModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Number: return tr("#");
    case Method: return tr("Method");
    case Path: return tr("Path");
    case Status: return tr("Status");
    case Protocol: return tr("Protocol");
    case Client: return tr("Client");
    case Type: return tr("Type");
    case Size: return tr("Size");
    case Decoded: return tr("Decoded");
    case Start: return tr("Start");
    case Duration: return tr("Duration");
    case Relation: return tr("Push / hints");
    case Waterfall: return tr("Waterfall");
    case Connection: return tr("Connection");
    default: return {};
    }
}

RequestsWaterfallDelegate::RequestsWaterfallDelegate(const RequestsModel *model, QObject *parent)
    : QStyledItemDelegate(parent), m_model(model)
{}

void RequestsWaterfallDelegate::paint(QPainter *painter, const QStyleOptionViewItem &option,
                                      const QModelIndex &index) const
{
    QStyledItemDelegate::paint(painter, option, index); // background, selection
    const auto *proxy = qobject_cast<const QSortFilterProxyModel *>(index.model());
    const QModelIndex source = proxy ? proxy->mapToSource(index) : index;
    const inspect::StreamSummary *s = m_model->summary(source.row());
    const std::uint64_t base = m_model->baseNs(), end = m_model->endNs();
    if (!s || end <= base)
        return;
    const QRect r = option.rect.adjusted(3, 4, -3, -4);
    const double span = static_cast<double>(end - base);
    const auto x = [&](std::uint64_t t) {
        return r.left() + static_cast<int>(static_cast<double>(t - std::min(t, base)) / span * r.width());
    };
    const int x0 = x(s->startNs), x1 = std::max(x0 + 2, x(std::max(s->lastNs, s->startNs)));
    const QColor colour = s->http1      ? QColor(0x94a3b8)
                          : s->pushed   ? QColor(0x16a34a)
                          : s->hintedBy ? QColor(0x7c3aed)
                                        : QColor(0x2563eb);
    painter->save();
    painter->fillRect(QRect(QPoint(x0, r.top()), QPoint(std::min(x1, r.right()), r.bottom())), colour);
    painter->restore();
}

RequestsProxy::RequestsProxy(QObject *parent) : QSortFilterProxyModel(parent)
{
    setSortRole(RequestsModel::SortRole);
    setDynamicSortFilter(true);
}

void RequestsProxy::setFilter(const FrameFilter &filter)
{
    m_filter = filter;
    invalidateFilter();
}

bool RequestsProxy::lessThan(const QModelIndex &left, const QModelIndex &right) const
{
    // The default order, and the one a flood keeps re-sorting as rows come:
    // by row, without a QVariant or a summary.
    if (left.column() == RequestsModel::Number && right.column() == RequestsModel::Number)
        return left.row() < right.row();
    return QSortFilterProxyModel::lessThan(left, right);
}

bool RequestsProxy::filterAcceptsRow(int sourceRow, const QModelIndex &) const
{
    if (m_filter.isEmpty())
        return true;
    const auto *model = static_cast<const RequestsModel *>(sourceModel());
    const inspect::StreamSummary *s = model->summary(sourceRow);
    if (!s)
        return false;
    const QString text = model->data(model->index(sourceRow, 0), RequestsModel::SearchTextRole).toString();
    return m_filter.matchesRequest(*s, text, model->row(sourceRow)->connectionId);
}

} // namespace h2scope::ui
