#include "connectionmodel.h"

#include "frametext.h"

#include <QBrush>
#include <QColor>

#include <algorithm>
#include <utility>

namespace h2scope::ui {

ConnectionModel::ConnectionModel(QObject *parent) : QAbstractTableModel(parent) {}

void ConnectionModel::setStore(const inspect::CaptureStore *store, bool live)
{
    beginResetModel();
    m_store = store;
    m_live = live;
    m_ids.clear();
    m_baseNs = 0;
    endResetModel();
    refresh();
}

void ConnectionModel::refresh(const std::vector<std::uint64_t> &changed)
{
    if (!m_store)
        return;
    std::vector<std::uint64_t> ids = m_store->connectionIds();
    const bool prefix = ids.size() >= m_ids.size() && std::equal(m_ids.begin(), m_ids.end(), ids.begin());
    if (!prefix) {
        // Cleared or evicted: start over (rare; the views keep their selection by id).
        beginResetModel();
        m_ids = std::move(ids);
        m_baseNs = 0;
        if (!m_ids.empty())
            if (const inspect::ConnectionInfo *c = m_store->connection(m_ids.front()))
                m_baseNs = c->openedNs;
        endResetModel();
        return;
    }
    // Rows the store says changed, plus open connections in a live capture
    // (their duration runs): contiguous runs become one dataChanged each.
    int runStart = -1, runEnd = -1;
    auto flush = [&] {
        if (runStart >= 0)
            emit dataChanged(index(runStart, 0), index(runEnd, ColumnCount - 1), {Qt::DisplayRole, Qt::ForegroundRole});
        runStart = runEnd = -1;
    };
    auto it = changed.begin();
    for (std::size_t row = 0; row < m_ids.size(); ++row) {
        const std::uint64_t id = m_ids[row];
        while (it != changed.end() && *it < id)
            ++it;
        bool dirty = it != changed.end() && *it == id;
        if (!dirty && m_live)
            if (const inspect::ConnectionInfo *c = m_store->connection(id); c && !c->closed)
                dirty = true;
        if (!dirty) {
            flush();
            continue;
        }
        const int r = static_cast<int>(row);
        if (runStart < 0)
            runStart = r;
        runEnd = r;
    }
    flush();
    if (ids.size() > m_ids.size()) {
        const int first = static_cast<int>(m_ids.size());
        beginInsertRows({}, first, static_cast<int>(ids.size()) - 1);
        m_ids = std::move(ids);
        if (first == 0)
            if (const inspect::ConnectionInfo *c = m_store->connection(m_ids.front()))
                m_baseNs = c->openedNs;
        endInsertRows();
    }
}

std::uint64_t ConnectionModel::connectionId(int row) const
{
    return row >= 0 && static_cast<std::size_t>(row) < m_ids.size() ? m_ids[static_cast<std::size_t>(row)] : 0;
}

int ConnectionModel::rowOf(std::uint64_t connectionId) const
{
    auto it = std::find(m_ids.begin(), m_ids.end(), connectionId);
    return it == m_ids.end() ? -1 : static_cast<int>(it - m_ids.begin());
}

int ConnectionModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_ids.size());
}

int ConnectionModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString clientName(const std::string &userAgent)
{
    // Browsers: the product that names the engine the user picked, with its
    // major version ("Chrome 120", "Firefox 121", "Edge 120", "Safari 17").
    const QString ua = QString::fromStdString(userAgent);
    const auto version = [&](const QString &token) -> QString {
        const int at = ua.indexOf(token + u'/');
        if (at < 0)
            return {};
        const int from = at + static_cast<int>(token.size()) + 1;
        int to = from;
        while (to < ua.size() && ua[to].isDigit())
            ++to;
        return ua.mid(from, to - from);
    };
    for (const auto &[token, name] : {std::pair{QStringLiteral("Edg"), QStringLiteral("Edge")},
                                      std::pair{QStringLiteral("OPR"), QStringLiteral("Opera")},
                                      std::pair{QStringLiteral("HeadlessChrome"), QStringLiteral("Headless Chrome")},
                                      std::pair{QStringLiteral("Chrome"), QStringLiteral("Chrome")},
                                      std::pair{QStringLiteral("Firefox"), QStringLiteral("Firefox")}}) {
        const QString v = version(token);
        if (!v.isEmpty())
            return name + u' ' + v;
    }
    if (ua.startsWith(QLatin1String("Mozilla/")) && ua.contains(QLatin1String("Safari/"))) {
        const QString v = version(QStringLiteral("Version"));
        return v.isEmpty() ? QStringLiteral("Safari") : QStringLiteral("Safari ") + v;
    }
    // Tools name themselves first: "curl/8.1.2", "h2load nghttp2/1.52.0", "node".
    return ua.section(u' ', 0, 0);
}

QVariant ConnectionModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Id: return tr("#");
    case Peer: return tr("Peer");
    case Client: return tr("Client");
    case Alpn: return tr("ALPN");
    case Tls: return tr("TLS");
    case Cipher: return tr("Cipher");
    case Streams: return tr("Streams");
    case BytesIn: return tr("In");
    case BytesOut: return tr("Out");
    case Opened: return tr("Opened");
    case Duration: return tr("Duration");
    case State: return tr("State");
    case CloseReason: return tr("Close reason");
    default: return {};
    }
}

QVariant ConnectionModel::data(const QModelIndex &index, int role) const
{
    if (!m_store || !checkIndex(index, CheckIndexOption::IndexIsValid | CheckIndexOption::ParentIsInvalid))
        return {};
    const std::uint64_t id = m_ids[static_cast<std::size_t>(index.row())];
    if (role == ConnectionIdRole)
        return QVariant::fromValue<quint64>(id);
    const inspect::ConnectionInfo *c = m_store->connection(id);
    if (!c)
        return role == Qt::DisplayRole && index.column() == State ? QVariant(tr("evicted")) : QVariant();
    if (role == Qt::ForegroundRole && index.column() == State)
        return c->closed ? QVariant() : QVariant(QBrush(QColor(0x16, 0xa3, 0x4a)));
    if (role == Qt::TextAlignmentRole) {
        const int col = index.column();
        const bool numeric =
            col == Id || col == Streams || col == BytesIn || col == BytesOut || col == Opened || col == Duration;
        return numeric ? QVariant(int(Qt::AlignRight | Qt::AlignVCenter)) : QVariant();
    }
    if (role != Qt::DisplayRole && role != Qt::ToolTipRole)
        return {};
    const auto str = [](const std::string &s) { return QString::fromStdString(s); };
    const inspect::ConnectionCounters &k = c->counters;
    switch (index.column()) {
    case Id: return QVariant::fromValue<quint64>(id);
    case Peer: return c->opened ? str(c->opened->peer) : QString();
    case Client: // the whole user-agent in the tooltip
        return role == Qt::ToolTipRole ? str(c->client) : clientName(c->client);
    case Alpn:
        if (!c->opened)
            return QString();
        return c->opened->alpn.empty() ? str(c->opened->protocol) : str(c->opened->alpn);
    case Tls: return c->opened ? (c->opened->tls ? str(c->opened->tlsVersion) : tr("none")) : QString();
    case Cipher: return c->opened ? str(c->opened->cipher) : QString();
    case Streams:
        return k.pushedStreams ? QStringLiteral("%1 (%2 pushed)").arg(k.streams).arg(k.pushedStreams)
                               : QString::number(k.streams);
    case BytesIn: return bytesText(k.socketBytesIn ? k.socketBytesIn : k.frameBytesIn);
    case BytesOut: return bytesText(k.socketBytesOut ? k.socketBytesOut : k.frameBytesOut);
    case Opened:
        return QStringLiteral("+%1 s").arg(static_cast<double>(c->openedNs - std::min(c->openedNs, m_baseNs)) / 1e9, 0,
                                           'f', 3);
    case Duration:
        if (c->closed)
            return durationText(c->closedNs - std::min(c->closedNs, c->openedNs));
        return m_live ? durationText(inspect::nowNs() - std::min(inspect::nowNs(), c->openedNs)) : QString();
    case State: return c->closed ? tr("closed") : tr("open");
    case CloseReason: return c->closed ? str(c->closed->reason) : QString();
    default: return {};
    }
}

} // namespace h2scope::ui
