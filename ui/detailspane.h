#pragma once
// DetailsPane: everything about one frame or one connection, as rich text —
// decoded headers (pseudo-headers first) with the header block's compressed
// and decoded size, settings tables with ACK times, error codes by name, the
// 9-byte frame header in hex, and a connection's TLS and ALPN details.

#include "inspect/capturestore.h"
#include "inspect/connectionindex.h"

#include <QTextBrowser>

#include <cstddef>

namespace h2scope::ui {

class DetailsPane final : public QTextBrowser {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(DetailsPane)

public:
    explicit DetailsPane(QWidget *parent = nullptr);

    // Shows one frame (a logical event index of the index's connection).
    void showFrame(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex,
                   std::size_t eventIndex);
    // Shows a connection: peer, TLS, ALPN, counters, both sides' settings.
    void showConnection(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex);

    // Builders, exposed for tests: the HTML each show*() sets.
    static QString frameHtml(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex,
                             std::size_t eventIndex);
    static QString connectionHtml(const inspect::CaptureStore &store, const inspect::ConnectionIndex &connIndex);
};

} // namespace h2scope::ui
