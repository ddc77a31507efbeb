#include "framemodel.h"

#include "frametext.h"

#include <QBrush>
#include <QFont>

#include <algorithm>
#include <limits>

namespace h2scope::ui {

FrameModel::FrameModel(QObject *parent) : QAbstractTableModel(parent) {}

void FrameModel::setSource(const inspect::CaptureStore *store, const inspect::ConnectionIndex *connIndex)
{
    m_store = store;
    m_connIndex = connIndex;
    rebuild();
}

void FrameModel::setFilter(const FrameFilter &filter)
{
    m_filter = filter;
    rebuild();
}

void FrameModel::rebuild()
{
    beginResetModel();
    m_rows.clear();
    m_scanned = 0;
    m_baseNs = 0;
    if (m_store && m_connIndex) {
        if (const inspect::ConnectionInfo *c = m_store->connection(m_connIndex->connectionId()))
            m_baseNs = c->openedNs;
        const std::size_t n = m_connIndex->frames().size();
        for (; m_scanned < n; ++m_scanned)
            if (accepts(m_scanned))
                m_rows.push_back(static_cast<std::uint32_t>(m_scanned));
    }
    endResetModel();
}

void FrameModel::refresh()
{
    if (!m_store || !m_connIndex)
        return;
    if (m_connIndex->frames().size() < m_scanned) {
        rebuild();
        return;
    }
    const std::size_t n = m_connIndex->frames().size();
    std::vector<std::uint32_t> fresh;
    for (; m_scanned < n; ++m_scanned)
        if (accepts(m_scanned))
            fresh.push_back(static_cast<std::uint32_t>(m_scanned));
    if (fresh.empty())
        return;
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(fresh.size()) - 1);
    m_rows.insert(m_rows.end(), fresh.begin(), fresh.end());
    endInsertRows();
}

bool FrameModel::accepts(std::size_t position) const
{
    if (m_filter.isEmpty())
        return true;
    const std::size_t index = m_connIndex->frames()[position];
    const inspect::Event *e = m_store->event(m_connIndex->connectionId(), index);
    const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
    if (!f)
        return false;
    const inspect::StreamSummary *promised = f->type == 0x5 ? m_connIndex->stream(f->promisedStreamId) : nullptr;
    return m_filter.matches(*f, m_connIndex->stream(f->streamId), promised);
}

std::size_t FrameModel::eventIndex(int row) const
{
    if (!m_connIndex || row < 0 || static_cast<std::size_t>(row) >= m_rows.size())
        return std::numeric_limits<std::size_t>::max();
    return m_connIndex->frames()[m_rows[static_cast<std::size_t>(row)]];
}

int FrameModel::rowOfEvent(std::size_t index) const
{
    if (!m_connIndex)
        return -1;
    // Both lists ascend: positions in m_rows, event indices in frames().
    const std::vector<std::size_t> &frames = m_connIndex->frames();
    auto pos = std::lower_bound(frames.begin(), frames.end(), index);
    if (pos == frames.end() || *pos != index)
        return -1;
    const auto position = static_cast<std::uint32_t>(pos - frames.begin());
    auto row = std::lower_bound(m_rows.begin(), m_rows.end(), position);
    return row != m_rows.end() && *row == position ? static_cast<int>(row - m_rows.begin()) : -1;
}

const inspect::FrameEvent *FrameModel::frameAt(int row) const
{
    const std::size_t index = eventIndex(row);
    if (index == std::numeric_limits<std::size_t>::max())
        return nullptr;
    const inspect::Event *e = m_store->event(m_connIndex->connectionId(), index);
    return e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
}

int FrameModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int FrameModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant FrameModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Index: return tr("#");
    case Time: return tr("Time (ms)");
    case Direction: return tr("Dir");
    case Stream: return tr("Stream");
    case Type: return tr("Type");
    case Flags: return tr("Flags");
    case Length: return tr("Length");
    case Summary: return tr("Summary");
    default: return {};
    }
}

QVariant FrameModel::data(const QModelIndex &index, int role) const
{
    if (!checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid) || !m_connIndex)
        return {};
    const std::size_t position = m_rows[static_cast<std::size_t>(index.row())];
    const std::size_t eventIdx = m_connIndex->frames()[position];
    if (role == EventIndexRole)
        return QVariant::fromValue<qulonglong>(eventIdx);
    const inspect::Event *e = m_store->event(m_connIndex->connectionId(), eventIdx);
    const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
    if (!f) {
        if (role != Qt::DisplayRole || index.column() != Summary)
            return {};
        return m_store->eventTrimmed(m_connIndex->connectionId(), eventIdx)
                   ? QVariant(tr("(not kept for display: saved captures and exports have it)"))
                   : QVariant(tr("(evicted)"));
    }
    if (role == StreamIdRole)
        return f->streamId;
    switch (role) {
    case Qt::DisplayRole:
        switch (index.column()) {
        case Index: return static_cast<qulonglong>(position + 1);
        case Time: { // milliseconds from the connection's first frame, to the microsecond
            const std::uint64_t us = (e->timeNs - std::min(e->timeNs, m_baseNs)) / 1000;
            return QStringLiteral("%1.%2").arg(us / 1000).arg(us % 1000, 3, 10, QLatin1Char('0'));
        }
        case Direction: return f->dir == inspect::Direction::In ? QStringLiteral("→ in") : QStringLiteral("← out");
        case Stream: return f->streamId;
        case Type: return QLatin1String(inspect::frameTypeName(f->type));
        case Flags: return QString::fromStdString(inspect::frameFlagsText(f->type, f->flags));
        case Length: return f->length;
        case Summary: return frameSummary(*f);
        default: return {};
        }
    case Qt::ToolTipRole: return index.column() == Summary ? frameSummary(*f) : QVariant();
    case Qt::ForegroundRole:
        if (f->notSent)
            return QBrush(Qt::gray);
        if (f->invalid || f->type == 0x3 || f->type == 0x7)
            return QBrush(QColor(0xb9, 0x1c, 0x1c));
        return index.column() == Type ? QVariant(QBrush(frameTypeColor(f->type).darker(130))) : QVariant();
    case Qt::FontRole:
        if (f->notSent) {
            QFont font;
            font.setItalic(true);
            return font;
        }
        return {};
    case Qt::TextAlignmentRole: {
        const int c = index.column();
        return (c == Index || c == Time || c == Stream || c == Length)
                   ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter))
                   : QVariant();
    }
    default: return {};
    }
}

} // namespace h2scope::ui
