#pragma once
// ConnectionModel: one row per connection in the capture store. A thin vector
// of connection ids; every string is made in data(). refresh() appends new
// connections with one beginInsertRows and reports changed cells with the
// display role only.

#include "inspect/capturestore.h"

#include <QAbstractTableModel>

#include <cstdint>
#include <string>
#include <vector>

namespace h2scope::ui {

// A short name of the client from its user-agent: "Chrome 120",
// "Firefox 121", "curl/8.1.2"; "" for none.
QString clientName(const std::string &userAgent);

class ConnectionModel final : public QAbstractTableModel {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(ConnectionModel)

public:
    enum Column {
        Id,
        Peer,
        Client,
        Alpn,
        Tls,
        Cipher,
        Streams,
        BytesIn,
        BytesOut,
        Opened,
        Duration,
        State,
        CloseReason,
        ColumnCount
    };
    enum Role { ConnectionIdRole = Qt::UserRole + 1 };

    explicit ConnectionModel(QObject *parent = nullptr);

    // The store to show (null: nothing). `live` makes open connections' age
    // run with the clock; a loaded capture has no "now".
    void setStore(const inspect::CaptureStore *store, bool live);
    // Picks up connections added (or evicted) since the last call, and
    // repaints the rows of `changed` (ascending ids, from the store's
    // deltas) and of open connections whose age runs. GUI thread.
    void refresh(const std::vector<std::uint64_t> &changed = {});

    std::uint64_t connectionId(int row) const;
    int rowOf(std::uint64_t connectionId) const; // -1 if absent

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    const inspect::CaptureStore *m_store = nullptr;
    bool m_live = true;
    std::vector<std::uint64_t> m_ids; // ascending, as the store lists them
    std::uint64_t m_baseNs = 0;       // the first connection's open time: "Opened" is relative to it
};

} // namespace h2scope::ui
