#pragma once
// FlowGraph: a connection's (and one stream's) flow-control windows over
// time, both directions, with the times our send window was exhausted
// (a stall: we had data and no credit) shaded.

#include "inspect/connectionindex.h"

#include <QWidget>

class QFontMetrics;
class QPainter;

namespace h2scope::ui {

class FlowGraph final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(FlowGraph)

public:
    explicit FlowGraph(QWidget *parent = nullptr);

    // The connection to draw (null: none) and optionally one stream (0: none).
    void setSource(const inspect::ConnectionIndex *connIndex, std::int32_t streamId = 0);
    void setStream(std::int32_t streamId);
    // Repaints after the index changed.
    void refresh() { update(); }
    // Stalls found in the last paint (connection or stream remote window <= 0), for tests.
    int stallCount() const;
    // The plot's left margin: room for the widest value label.
    static int labelMargin(const QFontMetrics &fm, std::int64_t maxValue);

    QSize sizeHint() const override { return {400, 160}; }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    void paintPanel(QPainter &p, const QRect &area, bool sending);

    const inspect::ConnectionIndex *m_connIndex = nullptr;
    std::int32_t m_streamId = 0;
};

} // namespace h2scope::ui
