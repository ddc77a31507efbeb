#include "flowgraph.h"

#include "frametext.h"

#include <QFontMetrics>
#include <QPainter>
#include <QPainterPath>

#include <algorithm>

namespace h2scope::ui {

namespace {

struct Series {
    QColor color;
    QString name;
    std::int32_t inspect::WindowSample::*field;
    bool streamOnly;
};

} // namespace

FlowGraph::FlowGraph(QWidget *parent) : QWidget(parent)
{
    setMinimumHeight(120);
}

void FlowGraph::setSource(const inspect::ConnectionIndex *connIndex, std::int32_t streamId)
{
    m_connIndex = connIndex;
    m_streamId = streamId;
    update();
}

void FlowGraph::setStream(std::int32_t streamId)
{
    m_streamId = streamId;
    update();
}

int FlowGraph::labelMargin(const QFontMetrics &fm, std::int64_t maxValue)
{
    return fm.horizontalAdvance(bytesText(static_cast<std::uint64_t>(std::max<std::int64_t>(1, maxValue)))) + 12;
}

int FlowGraph::stallCount() const
{
    if (!m_connIndex)
        return 0;
    int stalls = 0;
    bool inStall = false;
    for (const inspect::WindowSample &w : m_connIndex->windows()) {
        const bool streamStalled = m_streamId && w.streamId == m_streamId && w.streamRemote == 0;
        const bool stalled = w.connRemote <= 0 || streamStalled;
        if (stalled && !inStall)
            ++stalls;
        inStall = stalled;
    }
    return stalls;
}

void FlowGraph::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    if (!m_connIndex || m_connIndex->windows().empty()) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect(), Qt::AlignCenter, tr("No flow-control data for this connection yet."));
        return;
    }
    // Two panels, each on its own scale: what we may send (where stalls
    // happen) and what the client may send (our receive windows, usually
    // far larger).
    const int half = height() / 2;
    paintPanel(p, QRect(0, 0, width(), half), true);
    paintPanel(p, QRect(0, half, width(), height() - half), false);
}

void FlowGraph::paintPanel(QPainter &p, const QRect &area, bool sending)
{
    const std::vector<inspect::WindowSample> &samples = m_connIndex->windows();
    const Series series[] = {
        {QColor(0x25, 0x63, 0xeb), tr("connection"),
         sending ? &inspect::WindowSample::connRemote : &inspect::WindowSample::connLocal, false},
        {QColor(0xea, 0x58, 0x0c), tr("stream %1").arg(m_streamId),
         sending ? &inspect::WindowSample::streamRemote : &inspect::WindowSample::streamLocal, true},
    };
    std::int64_t maxV = 1;
    for (const inspect::WindowSample &w : samples) {
        maxV = std::max<std::int64_t>(maxV, w.*(series[0].field));
        if (m_streamId && w.streamId == m_streamId)
            maxV = std::max<std::int64_t>(maxV, w.*(series[1].field));
    }
    // Value ticks at a round step in the unit the labels use (20 KiB, not
    // 19.5 KiB), and room on the left for the widest of their labels.
    const double unit = maxV >= (std::int64_t(1) << 30) ? double(1 << 30)
                        : maxV >= (1 << 20)             ? double(1 << 20)
                        : maxV >= 1024                  ? 1024.0
                                                        : 1.0;
    const double valueStep = roundStep(static_cast<double>(maxV) / 4 / unit) * unit;
    const QFontMetrics fm = p.fontMetrics();
    int margin = labelMargin(fm, maxV);
    for (double v = valueStep; v <= static_cast<double>(maxV) + 0.5; v += valueStep)
        margin = std::max(margin, labelMargin(fm, static_cast<std::int64_t>(v)));
    const QRect plot = area.adjusted(margin, 22, -10, -18);
    const std::uint64_t t0 = samples.front().timeNs;
    const double span = std::max<double>(1.0, static_cast<double>(samples.back().timeNs - t0));
    const auto xOf = [&](std::uint64_t t) { return plot.left() + (static_cast<double>(t - t0) / span) * plot.width(); };
    const auto yOf = [&](std::int64_t v) {
        return plot.bottom()
               - (static_cast<double>(std::max<std::int64_t>(0, v)) / static_cast<double>(maxV)) * plot.height();
    };

    if (sending) {
        // Stalls: our connection window (or the selected stream's) at zero.
        const QColor stall(0xef, 0x44, 0x44, 60);
        double stallStart = -1;
        for (const inspect::WindowSample &w : samples) {
            const bool streamStalled = m_streamId && w.streamId == m_streamId && w.streamRemote == 0;
            const bool stalled = w.connRemote <= 0 || streamStalled;
            const double x = xOf(w.timeNs);
            if (stalled && stallStart < 0) {
                stallStart = x;
            } else if (!stalled && stallStart >= 0) {
                p.fillRect(QRectF(stallStart, plot.top(), std::max(2.0, x - stallStart), plot.height()), stall);
                stallStart = -1;
            }
        }
        if (stallStart >= 0)
            p.fillRect(QRectF(stallStart, plot.top(), std::max(2.0, plot.right() - stallStart), plot.height()), stall);
    }

    p.setPen(palette().color(QPalette::Mid));
    p.drawRect(plot);
    // A grid: values at round steps, a label each; times likewise.
    const QColor grid(0, 0, 0, 24);
    for (double v = 0; v <= static_cast<double>(maxV) + 0.5; v += valueStep) {
        const int y = static_cast<int>(yOf(static_cast<std::int64_t>(v)));
        p.setPen(grid);
        p.drawLine(plot.left(), y, plot.right(), y);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(area.left(), y - 7, margin - 6, 14), Qt::AlignRight | Qt::AlignVCenter,
                   v == 0 ? QStringLiteral("0") : bytesText(static_cast<std::uint64_t>(v)));
    }
    const double timeStep = roundStep(span / std::max(1, plot.width() / 90));
    for (double t = 0; t <= span + 0.5; t += timeStep) {
        const int x = static_cast<int>(xOf(t0 + static_cast<std::uint64_t>(t)));
        p.setPen(grid);
        p.drawLine(x, plot.top(), x, plot.bottom());
        p.setPen(palette().color(QPalette::Text));
        p.drawText(QRect(x - 45, plot.bottom() + 2, 90, 14), Qt::AlignHCenter,
                   durationText(static_cast<std::uint64_t>(t)));
    }
    QString title = sending ? tr("We may send") : tr("The client may send");
    p.drawText(area.left() + 6, area.top() + 15, title);
    int legendX = area.left() + 12 + p.fontMetrics().horizontalAdvance(title) + 12;

    p.setRenderHint(QPainter::Antialiasing);
    for (const Series &s : series) {
        if (s.streamOnly && !m_streamId)
            continue;
        QPainterPath path;
        bool started = false;
        double lastY = 0;
        for (const inspect::WindowSample &w : samples) {
            if (s.streamOnly && w.streamId != m_streamId)
                continue;
            const std::int32_t v = w.*(s.field);
            if (s.streamOnly && v < 0)
                continue;
            const double x = xOf(w.timeNs), y = yOf(v);
            if (!started) {
                path.moveTo(x, y);
                started = true;
            } else {
                path.lineTo(x, lastY); // a window holds its value until the next frame: steps
                path.lineTo(x, y);
            }
            lastY = y;
        }
        // The connection broad and light, the stream thin on top of it: where
        // both hold the same value, both stay visible.
        QColor line = s.color;
        if (!s.streamOnly && m_streamId)
            line.setAlpha(110);
        p.setPen(QPen(line, s.streamOnly || !m_streamId ? 1.6 : 4.0));
        p.drawPath(path);
        p.fillRect(QRect(legendX, area.top() + 6, 10, 10), s.color);
        p.setPen(palette().color(QPalette::Text));
        p.drawText(legendX + 14, area.top() + 15, s.name);
        legendX += 24 + p.fontMetrics().horizontalAdvance(s.name);
    }
    p.setRenderHint(QPainter::Antialiasing, false);
    if (sending) {
        p.setPen(QColor(0xb9, 0x1c, 0x1c));
        p.drawText(legendX, area.top() + 15, tr("red: stalled"));
    }
}

} // namespace h2scope::ui
