#pragma once
// WaterfallView: the streams of one connection against time. Row 0 holds the
// connection-level frames; then one row per stream, each promised stream
// right under the stream that promised it. A bar runs from the request (or
// the promise) to the stream's last frame; each frame is a tick coloured by
// type, with END_STREAM and RST_STREAM marked. Painted directly: frames that
// land on the same pixel with the same type are drawn once, so a stream of
// 100 000 DATA frames costs one tick per pixel column.
//
// Ctrl+wheel or +/- zooms around the pointer, dragging or Shift+wheel pans,
// the plain wheel scrolls rows; hovering shows the frame, a click emits
// frameClicked().

#include "inspect/capturestore.h"
#include "inspect/connectionindex.h"

#include <QAbstractScrollArea>

#include <cstddef>
#include <cstdint>
#include <unordered_set>
#include <vector>

namespace h2scope::ui {

class WaterfallView final : public QAbstractScrollArea {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(WaterfallView)

public:
    explicit WaterfallView(QWidget *parent = nullptr);

    void setSource(const inspect::CaptureStore *store, const inspect::ConnectionIndex *connIndex);
    // Re-reads the index (after the store grew it) and repaints.
    void refresh();
    // Marks one frame (a logical event index) and scrolls it into view.
    void setSelectedEvent(std::size_t eventIndex);

    void zoomBy(double factor);
    void fitAll();

    // What the rows say, for tests and accessibility: "stream 2 /style.css push completed".
    int rowCount() const { return static_cast<int>(m_rows.size()); }
    QString rowText(int row) const;
    // The axis: a round grid step (1, 2 or 5 × 10^n ns) and the title naming it.
    double gridStepNs() const;
    QString axisTitle() const;
    QString bannerText() const;
    // The frame under a viewport point, or SIZE_MAX.
    std::size_t frameAt(const QPoint &pos) const;
    // The stream of the row at `pos` (its label or its bar), or 0.
    std::int32_t streamAt(const QPoint &pos) const;
    // Where a frame is drawn (viewport coordinates), for tests.
    QPoint pointOfEvent(std::size_t eventIndex) const;

signals:
    void frameClicked(std::size_t eventIndex);
    // A click on a stream's label, or on its row away from any frame:
    // the window opens that request's details.
    void streamClicked(std::int32_t streamId);

protected:
    void paintEvent(QPaintEvent *event) override;
    void resizeEvent(QResizeEvent *event) override;
    void wheelEvent(QWheelEvent *event) override;
    void mousePressEvent(QMouseEvent *event) override;
    void mouseMoveEvent(QMouseEvent *event) override;
    void mouseReleaseEvent(QMouseEvent *event) override;
    void keyPressEvent(QKeyEvent *event) override;
    bool viewportEvent(QEvent *event) override;

private:
    enum class RowKind { Connection, Stream, Skipped };
    struct Row {
        RowKind kind = RowKind::Stream;
        std::int32_t streamId = 0;
        int depth = 0;
    };

    const std::vector<std::size_t> *framesOfRow(const Row &row) const;
    std::uint64_t timeOf(std::size_t eventIndex) const;
    int topOfRows() const;
    int plotLeft() const { return m_labelWidth; }
    int plotWidth() const;
    double xOf(std::uint64_t timeNs) const;
    std::uint64_t spanNs() const;
    void updateScrollBars();
    void zoomAround(int x, double factor);
    void paintAxis(QPainter &p);
    void paintRow(QPainter &p, const Row &row, int y);
    int rowAt(int y) const;
    // The stream's push-skipped note says only that the client disabled
    // push, which the banner already says for the whole connection.
    bool pushDisabledNote(std::int32_t streamId) const;
    int findStreamRow(std::int32_t streamId) const;
    void placeStream(std::int32_t streamId);

    const inspect::CaptureStore *m_store = nullptr;
    const inspect::ConnectionIndex *m_connIndex = nullptr;
    std::vector<Row> m_rows;
    std::size_t m_createdCursor = 0; // into the index's creationOrder()
    std::size_t m_skippedCursor = 0; // into its skippedOrder()
    std::unordered_set<std::int32_t> m_placed;
    double m_nsPerPx = 1e6;
    bool m_fit = true;
    int m_labelWidth = 300;
    int m_rowHeight = 20;
    std::size_t m_selected = SIZE_MAX;
    QPoint m_pressPos;
    int m_pressScroll = 0;
    bool m_dragging = false;
};

} // namespace h2scope::ui
