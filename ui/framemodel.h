#pragma once
// FrameModel: the frames of one connection, filtered. Rows are positions into
// the connection index's frame list (a thin index vector); the filter is
// applied while appending, so filtering never builds a proxy chain. Strings
// are made in data().

#include "framefilter.h"
#include "inspect/capturestore.h"
#include "inspect/connectionindex.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <vector>

namespace h2scope::ui {

class FrameModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FrameModel)

public:
    enum Column { Index, Time, Direction, Stream, Type, Flags, Length, Summary, ColumnCount };
    enum Role {
        EventIndexRole = Qt::UserRole + 1, // logical event index in the store (qulonglong)
        StreamIdRole,
    };

    explicit FrameModel(QObject *parent = nullptr);

    // Shows the frames of `connIndex`'s connection (null: none). The index must
    // outlive the model's use of it or be replaced first.
    void setSource(const inspect::CaptureStore *store, const inspect::ConnectionIndex *connIndex);
    void setFilter(const FrameFilter &filter);
    const FrameFilter &filter() const noexcept { return m_filter; }
    // Appends the frames the index gained since the last call (one
    // beginInsertRows). Call after the store grew the index. GUI thread.
    void refresh();

    // Logical event index of a row, or SIZE_MAX.
    std::size_t eventIndex(int row) const;
    // The row showing event `index`, or -1 (filtered out / absent).
    int rowOfEvent(std::size_t index) const;
    const inspect::FrameEvent *frameAt(int row) const;

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    bool accepts(std::size_t position) const;
    void rebuild();

    const inspect::CaptureStore *m_store = nullptr;
    const inspect::ConnectionIndex *m_connIndex = nullptr;
    FrameFilter m_filter;
    std::vector<std::uint32_t> m_rows; // positions into m_connIndex->frames()
    std::size_t m_scanned = 0;         // positions already considered
    std::uint64_t m_baseNs = 0;
};

} // namespace h2scope::ui
