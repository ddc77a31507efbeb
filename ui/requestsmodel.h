#pragma once
// RequestsModel: one row per request across every connection and both
// protocols (HTTP/2 streams, pushed ones included, and HTTP/1.x exchanges),
// read from the capture store's summaries (CaptureStore::setSummaries): the
// request, its response and its push or hint relation, never the frames.
// refresh() reads the summaries on for a slice of time and appends the
// requests that appeared with one beginInsertRows; rows whose stream
// changed (a status, a size, an end) are repainted in one dataChanged.
//
// RequestsProxy sorts it (SortRole: numbers where the column is one) and
// filters it with the frame filter's language (FrameFilter::matchesRequest)
// plus its free text.
//
// GUI thread only.

#include "framefilter.h"
#include "inspect/capturestore.h"

#include <QAbstractTableModel>
#include <QSortFilterProxyModel>
#include <QStyledItemDelegate>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

namespace h2scope::ui {

class RequestsModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(RequestsModel)

public:
    enum Column {
        Number,
        Method,
        Path,
        Status,
        Protocol,
        Client,
        Type,
        Size,
        Decoded,
        Start,
        Duration,
        Relation,
        Waterfall,
        Connection,
        ColumnCount
    };
    enum Role { ConnectionIdRole = Qt::UserRole + 1, StreamIdRole, SortRole, SearchTextRole };

    explicit RequestsModel(QObject *parent = nullptr);

    // The store to read (null: nothing); turns its summaries on. `live`: the
    // store still grows.
    void setStore(const inspect::CaptureStore *store, bool live);
    // Reads the summaries on for about `budget` (zero: all there is) and
    // shows what changed. True when it is caught up with the store.
    bool refresh(std::chrono::nanoseconds budget = {});

    struct Row {
        std::uint64_t connectionId = 0;
        std::int32_t streamId = 0;
    };
    const Row *row(int r) const;
    // The request's summary (valid until the next refresh()), or null.
    const inspect::StreamSummary *summary(int r) const;
    const inspect::StreamSummary *summary(std::uint64_t connectionId, std::int32_t streamId) const;
    int rowOf(std::uint64_t connectionId, std::int32_t streamId) const; // -1 if absent
    // The time "Start" counts from: the first connection's opening.
    std::uint64_t baseNs() const noexcept { return m_baseNs; }
    // The latest time any request reached: the Waterfall column spans baseNs() to it.
    std::uint64_t endNs() const noexcept { return m_endNs; }
    // The text of a row's cells, tab-separated (copy row).
    QString rowText(int r) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    struct Followed {
        std::shared_ptr<const inspect::ConnectionIndex> index;
        std::uint64_t revision = ~std::uint64_t(0);
        std::size_t seen = 0; // streams of index->creationOrder() already rows
        // The row of each stream, by its place in creationOrder() (-1: none).
        std::vector<int> rowByOrder;
        std::uint64_t changesSeen = 0; // the index's change log read up to here
        // Streams with no request yet (a PRIORITY frame named them, as
        // nghttp's dependency anchors do): rows once a request comes, if ever.
        std::vector<std::int32_t> waiting;
    };
    static constexpr std::size_t kMaxWaiting = 256; // per connection; PRIORITY-only streams beyond it are never listed
    QVariant display(const Row &row, const inspect::StreamSummary &s, int column) const;
    void rebuild();

    const inspect::CaptureStore *m_store = nullptr;
    bool m_live = true;
    std::uint64_t m_baseNs = 0;
    std::uint64_t m_endNs = 0;
    std::vector<Row> m_rows;
    std::map<std::uint64_t, Followed> m_followed; // by connection id
};

// Paints the Waterfall column: each request's span on the capture's time
// axis (blue; green when pushed, violet when a 103 hinted it, grey for
// HTTP/1.x), with a tick where its response headers went out when known.
class RequestsWaterfallDelegate final : public QStyledItemDelegate {
    Q_OBJECT

public:
    explicit RequestsWaterfallDelegate(const RequestsModel *model, QObject *parent = nullptr);
    void paint(QPainter *painter, const QStyleOptionViewItem &option, const QModelIndex &index) const override;

private:
    const RequestsModel *m_model;
};

class RequestsProxy final : public QSortFilterProxyModel {
    Q_OBJECT

public:
    explicit RequestsProxy(QObject *parent = nullptr);
    // The frame filter's language (see FrameFilter); "" shows everything.
    void setFilter(const FrameFilter &filter);
    const FrameFilter &filter() const noexcept { return m_filter; }

protected:
    bool filterAcceptsRow(int sourceRow, const QModelIndex &sourceParent) const override;
    bool lessThan(const QModelIndex &left, const QModelIndex &right) const override;

private:
    FrameFilter m_filter;
};

} // namespace h2scope::ui
