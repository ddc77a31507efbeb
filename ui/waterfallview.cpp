#include "waterfallview.h"

#include "frametext.h"

#include <QHelpEvent>
#include <QKeyEvent>
#include <QMouseEvent>
#include <QPainter>
#include <QPainterPath>
#include <QScrollBar>
#include <QToolTip>
#include <QWheelEvent>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstdint>

namespace h2scope::ui {

namespace {

constexpr int kAxisHeight = 20;
constexpr int kBannerHeight = 38;

QString qs(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QColor outcomeColor(const std::string &outcome)
{
    if (outcome == "completed")
        return QColor(0x15, 0x80, 0x3d);
    if (outcome.empty())
        return QColor(0x64, 0x74, 0x8b);
    if (outcome == "not-sent")
        return QColor(0x6b, 0x72, 0x80);
    return QColor(0xb9, 0x1c, 0x1c);
}

} // namespace

WaterfallView::WaterfallView(QWidget *parent) : QAbstractScrollArea(parent)
{
    setMouseTracking(true);
    viewport()->setMouseTracking(true);
    setFocusPolicy(Qt::StrongFocus);
    horizontalScrollBar()->setSingleStep(20);
    verticalScrollBar()->setSingleStep(1);
    connect(horizontalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    connect(verticalScrollBar(), &QScrollBar::valueChanged, viewport(), qOverload<>(&QWidget::update));
    m_rowHeight = std::max(20, fontMetrics().height() + 6);
}

void WaterfallView::setSource(const inspect::CaptureStore *store, const inspect::ConnectionIndex *connIndex)
{
    m_store = store;
    m_connIndex = connIndex;
    m_selected = SIZE_MAX;
    m_fit = true;
    m_rows.clear();
    m_placed.clear();
    horizontalScrollBar()->setValue(0);
    verticalScrollBar()->setValue(0);
    refresh();
}

void WaterfallView::refresh()
{
    if (!m_connIndex) {
        m_rows.clear();
    } else {
        // Rows are placed as the index reports new streams, never rebuilt from
        // scratch: a connection with 100 000 streams costs each refresh only
        // its new streams.
        if (m_rows.empty()) {
            m_rows.assign(1, Row{RowKind::Connection, 0, 0});
            m_createdCursor = 0;
            m_skippedCursor = 0;
            m_placed.clear();
        }
        const std::vector<std::int32_t> &created = m_connIndex->creationOrder();
        for (; m_createdCursor < created.size(); ++m_createdCursor)
            placeStream(created[m_createdCursor]);
        const std::vector<std::int32_t> &skipped = m_connIndex->skippedOrder();
        for (; m_skippedCursor < skipped.size(); ++m_skippedCursor) {
            // The banner says it once for a client that disabled push: a row
            // under every page would double the waterfall (h2load, browsers).
            if (pushDisabledNote(skipped[m_skippedCursor]))
                continue;
            const int parent = findStreamRow(skipped[m_skippedCursor]);
            if (parent >= 0)
                m_rows.insert(m_rows.begin() + parent + 1, Row{RowKind::Skipped, skipped[m_skippedCursor],
                                                               m_rows[static_cast<std::size_t>(parent)].depth + 1});
        }
    }
    updateScrollBars();
    viewport()->update();
}

bool WaterfallView::pushDisabledNote(std::int32_t streamId) const
{
    const inspect::StreamSummary *s = m_connIndex ? m_connIndex->stream(streamId) : nullptr;
    return s && m_connIndex->peerDisabledPush() && s->skippedNote.find("ENABLE_PUSH=0") != std::string::npos;
}

int WaterfallView::findStreamRow(std::int32_t streamId) const
{
    // Searched from the end: the row wanted is almost always a recent one.
    for (std::size_t i = m_rows.size(); i-- > 0;)
        if (m_rows[i].kind == RowKind::Stream && m_rows[i].streamId == streamId)
            return static_cast<int>(i);
    return -1;
}

void WaterfallView::placeStream(std::int32_t streamId)
{
    if (!m_placed.insert(streamId).second)
        return;
    const inspect::StreamSummary *s = m_connIndex->stream(streamId);
    // Events of one instant can name a promised stream before its parent:
    // the parent's row comes first.
    if (s && s->pushed && s->parentId > 0 && s->parentId != streamId && m_connIndex->stream(s->parentId))
        placeStream(s->parentId);
    const int parent = s && s->pushed && s->parentId > 0 ? findStreamRow(s->parentId) : -1;
    if (parent < 0) {
        m_rows.push_back({RowKind::Stream, streamId, 0});
        return;
    }
    // A promised stream goes after everything its parent already holds.
    const int depth = m_rows[static_cast<std::size_t>(parent)].depth;
    std::size_t at = static_cast<std::size_t>(parent) + 1;
    while (at < m_rows.size() && m_rows[at].depth > depth)
        ++at;
    m_rows.insert(m_rows.begin() + static_cast<std::ptrdiff_t>(at), Row{RowKind::Stream, streamId, depth + 1});
}

const std::vector<std::size_t> *WaterfallView::framesOfRow(const Row &row) const
{
    if (!m_connIndex || row.kind == RowKind::Skipped)
        return nullptr;
    if (row.kind == RowKind::Connection)
        return &m_connIndex->connectionFrames();
    const inspect::StreamSummary *s = m_connIndex->stream(row.streamId);
    return s ? &s->frames : nullptr;
}

std::uint64_t WaterfallView::timeOf(std::size_t eventIndex) const
{
    const inspect::Event *e = m_store ? m_store->event(m_connIndex->connectionId(), eventIndex) : nullptr;
    return e ? e->timeNs : 0;
}

std::uint64_t WaterfallView::spanNs() const
{
    if (!m_connIndex || m_connIndex->lastNs() <= m_connIndex->firstNs())
        return 1000000; // 1 ms
    return m_connIndex->lastNs() - m_connIndex->firstNs();
}

int WaterfallView::plotWidth() const
{
    return std::max(50, viewport()->width() - m_labelWidth - 12);
}

int WaterfallView::topOfRows() const
{
    return kAxisHeight + (m_connIndex && m_connIndex->peerDisabledPush() ? kBannerHeight : 0);
}

double WaterfallView::xOf(std::uint64_t timeNs) const
{
    const std::uint64_t t0 = m_connIndex ? m_connIndex->firstNs() : 0;
    const double rel = static_cast<double>(timeNs >= t0 ? timeNs - t0 : 0);
    return plotLeft() + rel / m_nsPerPx - horizontalScrollBar()->value();
}

void WaterfallView::updateScrollBars()
{
    if (m_fit)
        m_nsPerPx = std::max(1.0, static_cast<double>(spanNs()) / plotWidth());
    const double totalPx = static_cast<double>(spanNs()) / m_nsPerPx;
    horizontalScrollBar()->setPageStep(plotWidth());
    horizontalScrollBar()->setRange(0, std::max(0, static_cast<int>(std::min(totalPx, 1e9)) - plotWidth() + 10));
    const int visibleRows = std::max(1, (viewport()->height() - topOfRows()) / m_rowHeight);
    verticalScrollBar()->setPageStep(visibleRows);
    verticalScrollBar()->setRange(0, std::max(0, static_cast<int>(m_rows.size()) - visibleRows));
}

void WaterfallView::zoomBy(double factor)
{
    zoomAround(plotLeft() + plotWidth() / 2, factor);
}

void WaterfallView::zoomAround(int x, double factor)
{
    const double anchorNs = (x - plotLeft() + horizontalScrollBar()->value()) * m_nsPerPx;
    m_fit = false;
    m_nsPerPx = std::clamp(m_nsPerPx / factor, 1.0, 1e9);
    updateScrollBars();
    horizontalScrollBar()->setValue(static_cast<int>(anchorNs / m_nsPerPx) - (x - plotLeft()));
    viewport()->update();
}

void WaterfallView::fitAll()
{
    m_fit = true;
    horizontalScrollBar()->setValue(0);
    updateScrollBars();
    viewport()->update();
}

void WaterfallView::resizeEvent(QResizeEvent *event)
{
    QAbstractScrollArea::resizeEvent(event);
    m_labelWidth = std::clamp(viewport()->width() / 3, 160, 340);
    updateScrollBars();
}

int WaterfallView::rowAt(int y) const
{
    if (y < topOfRows())
        return -1;
    const int row = (y - topOfRows()) / m_rowHeight + verticalScrollBar()->value();
    return row >= 0 && row < static_cast<int>(m_rows.size()) ? row : -1;
}

QString WaterfallView::bannerText() const
{
    if (!m_connIndex || !m_connIndex->peerDisabledPush())
        return {};
    return m_connIndex->earlyHintsSent()
               ? tr("The client sent SETTINGS_ENABLE_PUSH=0: browsers no longer accept server push, "
                    "so h2scope sent 103 Early Hints with the preload links instead.")
               : tr("The client sent SETTINGS_ENABLE_PUSH=0: browsers no longer accept server push, so nothing "
                    "was pushed (103 Early Hints go out for pages that preload assets).");
}

QString WaterfallView::rowText(int row) const
{
    if (row < 0 || row >= static_cast<int>(m_rows.size()) || !m_connIndex)
        return {};
    const Row &r = m_rows[static_cast<std::size_t>(row)];
    if (r.kind == RowKind::Connection)
        return tr("connection (stream 0)");
    const inspect::StreamSummary *s = m_connIndex->stream(r.streamId);
    if (!s)
        return {};
    if (r.kind == RowKind::Skipped)
        return s->skippedNote.find("ENABLE_PUSH=0") != std::string::npos ? tr("push skipped: client disabled push")
                                                                         : tr("push skipped");
    QString text = s->http1 ? QStringLiteral("%1 #%2 ")
                                  .arg(s->httpVersion.empty() ? QStringLiteral("HTTP/1.1") : qs(s->httpVersion))
                                  .arg(s->id)
                            : QStringLiteral("stream %1 ").arg(s->id);
    if (!s->pushed && !s->method.empty())
        text += qs(s->method) + u' ';
    text += qs(s->path);
    if (s->earlyHints)
        text += QStringLiteral(" 103");
    if (s->status)
        text += QStringLiteral(" %1").arg(s->status);
    if (s->pushed)
        text += QStringLiteral(" push %1").arg(pushOutcomeText(s->pushOutcome));
    if (pushDisabledNote(s->id))
        text += tr(" · push skipped");
    if (!s->pushed && s->path.empty()) {
        // Clients such as nghttp open idle streams with PRIORITY only, as
        // anchors of their dependency tree.
        bool priorityOnly = !s->frames.empty();
        for (std::size_t idx : s->frames) {
            const inspect::Event *e = m_store->event(m_connIndex->connectionId(), idx);
            const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
            priorityOnly = priorityOnly && f && f->type == 0x2;
            if (!priorityOnly)
                break;
        }
        text += priorityOnly ? tr("(PRIORITY only)") : tr("(no request)");
    }
    return text;
}

double WaterfallView::gridStepNs() const
{
    return roundStep(m_nsPerPx * 80); // labels at least 80 px apart
}

QString WaterfallView::axisTitle() const
{
    return tr("Time from first frame (grid: %1)").arg(durationText(static_cast<std::uint64_t>(gridStepNs())));
}

void WaterfallView::paintAxis(QPainter &p)
{
    const QRect r(0, 0, viewport()->width(), kAxisHeight);
    p.fillRect(r, palette().window());
    p.setPen(palette().color(QPalette::WindowText));
    p.drawText(QRect(6, 0, m_labelWidth - 12, kAxisHeight), Qt::AlignVCenter | Qt::AlignLeft, axisTitle());
    const double step = gridStepNs();
    const double leftNs = horizontalScrollBar()->value() * m_nsPerPx;
    const double rightNs = leftNs + plotWidth() * m_nsPerPx;
    p.setPen(palette().color(QPalette::Mid));
    for (double t = std::ceil(leftNs / step) * step; t <= rightNs; t += step) {
        const int x = plotLeft() + static_cast<int>((t - leftNs) / m_nsPerPx);
        p.drawLine(x, kAxisHeight - 5, x, viewport()->height());
        p.setPen(palette().color(QPalette::WindowText));
        p.drawText(x + 3, kAxisHeight - 6, durationText(static_cast<std::uint64_t>(t)));
        p.setPen(QColor(0, 0, 0, 28));
    }
}

void WaterfallView::paintRow(QPainter &p, const Row &row, int y)
{
    const int h = m_rowHeight;
    const int mid = y + h / 2;
    const inspect::StreamSummary *s = row.kind == RowKind::Connection ? nullptr : m_connIndex->stream(row.streamId);

    // Label column.
    QString label = rowText(static_cast<int>(&row - m_rows.data()));
    QColor labelColor = palette().color(QPalette::Text);
    if (s && row.kind == RowKind::Skipped)
        labelColor = QColor(0x92, 0x40, 0x0e);
    else if (s && s->pushed)
        labelColor = outcomeColor(s->pushOutcome);
    else if (s && s->status >= 400)
        labelColor = QColor(0xb9, 0x1c, 0x1c);
    const int indent = 6 + row.depth * 14;
    p.setPen(labelColor);
    if (row.depth > 0 && row.kind == RowKind::Stream)
        label = QStringLiteral("↳ ") + label;
    p.drawText(QRect(indent, y, m_labelWidth - indent - 4, h), Qt::AlignVCenter | Qt::AlignLeft,
               p.fontMetrics().elidedText(label, Qt::ElideMiddle, m_labelWidth - indent - 4));

    p.save();
    p.setClipRect(QRect(plotLeft(), y, plotWidth() + 12, h));
    if (row.kind == RowKind::Skipped) {
        p.setPen(labelColor);
        p.drawText(QRect(plotLeft() + 4, y, plotWidth(), h), Qt::AlignVCenter | Qt::AlignLeft,
                   tr("not pushed — %1").arg(qs(s ? s->skippedNote : std::string())));
        p.restore();
        return;
    }
    // The stream's bar: request (or promise) to last frame.
    if (s) {
        const double x0 = xOf(s->promiseNs ? s->promiseNs : s->startNs);
        const double x1 = std::max(x0 + 2, xOf(s->lastNs));
        QColor bar = s->pushed ? QColor(0xfd, 0xba, 0x74) : QColor(0xbf, 0xdb, 0xfe);
        p.fillRect(QRectF(x0, y + 4, x1 - x0, h - 8), bar);
        if (s->pushed) {
            p.setPen(outcomeColor(s->pushOutcome));
            p.drawText(QRectF(x1 + 6, y, 400, h), Qt::AlignVCenter | Qt::AlignLeft,
                       tr("push %1").arg(pushOutcomeText(s->pushOutcome)));
        }
    }
    // Ticks, one per pixel column and type.
    const std::vector<std::size_t> *frames = framesOfRow(row);
    if (frames && !frames->empty()) {
        const std::uint64_t t0 = m_connIndex->firstNs();
        const double leftNs = t0 + horizontalScrollBar()->value() * m_nsPerPx;
        auto first = std::lower_bound(frames->begin(), frames->end(), leftNs,
                                      [this](std::size_t idx, double t) { return timeOf(idx) < t; });
        if (first != frames->begin())
            --first;
        int lastX = INT_MIN;
        std::uint8_t lastType = 0xff;
        const int right = plotLeft() + plotWidth() + 12;
        for (auto it = first; it != frames->end(); ++it) {
            const inspect::Event *e = m_store->event(m_connIndex->connectionId(), *it);
            const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
            if (!f)
                continue;
            const int x = static_cast<int>(std::lround(xOf(e->timeNs)));
            if (x > right)
                break;
            const bool endStream = (f->type == 0x0 || f->type == 0x1) && (f->flags & 0x1);
            const bool special = endStream || f->type == 0x3 || f->type == 0x5 || *it == m_selected;
            if (x == lastX && f->type == lastType && !special)
                continue; // same pixel, same colour: already drawn
            lastX = x;
            lastType = f->type;
            QColor c = frameTypeColor(f->type);
            if (f->notSent)
                c.setAlpha(90);
            p.fillRect(QRect(x - 1, y + 3, 3, h - 6), c);
            if (f->dir == inspect::Direction::In)
                p.fillRect(QRect(x - 1, y + 3, 3, 2), Qt::black); // inbound: a cap on top
            if (endStream) {
                QPainterPath tri;
                tri.moveTo(x + 2, mid - 5);
                tri.lineTo(x + 8, mid);
                tri.lineTo(x + 2, mid + 5);
                tri.closeSubpath();
                p.fillPath(tri, QColor(0x1e, 0x29, 0x3b));
            }
            if (f->type == 0x3) {
                p.setPen(QPen(QColor(0xdc, 0x26, 0x26), 2));
                p.drawLine(x - 5, mid - 5, x + 5, mid + 5);
                p.drawLine(x - 5, mid + 5, x + 5, mid - 5);
            }
            if (*it == m_selected) {
                p.setPen(QPen(palette().color(QPalette::Highlight), 2));
                p.drawRect(QRect(x - 4, y + 1, 8, h - 2));
            }
        }
    }
    p.restore();
}

void WaterfallView::paintEvent(QPaintEvent *)
{
    QPainter p(viewport());
    p.fillRect(viewport()->rect(), palette().base());
    if (!m_connIndex || !m_store) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(viewport()->rect(), Qt::AlignCenter, tr("Select a connection to see its streams."));
        return;
    }
    paintAxis(p);
    if (m_connIndex->peerDisabledPush()) {
        const QRect banner(4, kAxisHeight + 2, viewport()->width() - 8, kBannerHeight - 4);
        p.fillRect(banner, QColor(0xfe, 0xf3, 0xc7));
        p.setPen(QColor(0x92, 0x40, 0x0e));
        p.drawText(banner.adjusted(8, 0, -8, 0), Qt::AlignVCenter | Qt::AlignLeft | Qt::TextWordWrap, bannerText());
    }
    const int top = topOfRows();
    p.setClipRect(QRect(0, top, viewport()->width(), viewport()->height() - top));
    const int firstRow = verticalScrollBar()->value();
    for (int r = firstRow; r < static_cast<int>(m_rows.size()); ++r) {
        const int y = top + (r - firstRow) * m_rowHeight;
        if (y > viewport()->height())
            break;
        if (r % 2)
            p.fillRect(QRect(0, y, viewport()->width(), m_rowHeight), palette().alternateBase());
        paintRow(p, m_rows[static_cast<std::size_t>(r)], y);
    }
    // Links from each promise to the promised stream's row.
    p.setPen(QPen(QColor(0xea, 0x58, 0x0c), 1, Qt::DashLine));
    const int lastRow =
        std::min(static_cast<int>(m_rows.size()), firstRow + (viewport()->height() - top) / m_rowHeight + 2);
    for (int r = firstRow; r < lastRow; ++r) {
        const Row &row = m_rows[static_cast<std::size_t>(r)];
        const inspect::StreamSummary *s = row.kind == RowKind::Stream ? m_connIndex->stream(row.streamId) : nullptr;
        if (!s || !s->pushed || !s->promiseNs)
            continue;
        int parentRow = -1;
        for (int q = r - 1; q >= 0 && q >= r - 2000; --q) // a parent is never far above its pushes
            if (m_rows[static_cast<std::size_t>(q)].kind == RowKind::Stream
                && m_rows[static_cast<std::size_t>(q)].streamId == s->parentId) {
                parentRow = q;
                break;
            }
        if (parentRow < 0)
            continue;
        const int x = static_cast<int>(xOf(s->promiseNs));
        if (x < plotLeft())
            continue;
        const int y0 = top + (parentRow - firstRow) * m_rowHeight + m_rowHeight / 2;
        const int y1 = top + (r - firstRow) * m_rowHeight + m_rowHeight / 2;
        p.drawLine(x, y0, x, y1);
    }
    p.setClipping(false);
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(m_labelWidth - 1, kAxisHeight, m_labelWidth - 1, viewport()->height());
}

std::size_t WaterfallView::frameAt(const QPoint &pos) const
{
    const int row = rowAt(pos.y());
    if (row < 0 || pos.x() < plotLeft())
        return SIZE_MAX;
    const std::vector<std::size_t> *frames = framesOfRow(m_rows[static_cast<std::size_t>(row)]);
    if (!frames || frames->empty())
        return SIZE_MAX;
    const double t = m_connIndex->firstNs() + (pos.x() - plotLeft() + horizontalScrollBar()->value()) * m_nsPerPx;
    auto it = std::lower_bound(frames->begin(), frames->end(), t,
                               [this](std::size_t idx, double v) { return timeOf(idx) < v; });
    std::size_t best = SIZE_MAX;
    double bestDx = 5.0; // pixels
    for (auto c : {it, it == frames->begin() ? it : it - 1}) {
        if (c == frames->end())
            continue;
        const double dx = std::abs(xOf(timeOf(*c)) - pos.x());
        if (dx <= bestDx) {
            bestDx = dx;
            best = *c;
        }
    }
    return best;
}

QPoint WaterfallView::pointOfEvent(std::size_t eventIndex) const
{
    const int firstRow = verticalScrollBar()->value();
    for (int r = 0; r < static_cast<int>(m_rows.size()); ++r) {
        const std::vector<std::size_t> *frames = framesOfRow(m_rows[static_cast<std::size_t>(r)]);
        if (frames && std::binary_search(frames->begin(), frames->end(), eventIndex))
            return {static_cast<int>(std::lround(xOf(timeOf(eventIndex)))),
                    topOfRows() + (r - firstRow) * m_rowHeight + m_rowHeight / 2};
    }
    return {-1, -1};
}

void WaterfallView::setSelectedEvent(std::size_t eventIndex)
{
    m_selected = eventIndex;
    const QPoint at = pointOfEvent(eventIndex);
    if (at.x() >= 0 && (at.x() < plotLeft() || at.x() > plotLeft() + plotWidth()))
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() + at.x() - plotLeft() - plotWidth() / 2);
    const int row = at.y() < 0 ? -1 : (at.y() - topOfRows()) / m_rowHeight + verticalScrollBar()->value();
    if (row >= 0
        && (row < verticalScrollBar()->value()
            || row >= verticalScrollBar()->value() + verticalScrollBar()->pageStep()))
        verticalScrollBar()->setValue(row - 1);
    viewport()->update();
}

void WaterfallView::wheelEvent(QWheelEvent *event)
{
    const int delta = event->angleDelta().y();
    if (event->modifiers() & Qt::ControlModifier) {
        zoomAround(static_cast<int>(event->position().x()), delta > 0 ? 1.25 : 0.8);
    } else if (event->modifiers() & Qt::ShiftModifier) {
        horizontalScrollBar()->setValue(horizontalScrollBar()->value() - delta);
    } else {
        QAbstractScrollArea::wheelEvent(event);
        return;
    }
    event->accept();
}

void WaterfallView::keyPressEvent(QKeyEvent *event)
{
    if (event->key() == Qt::Key_Plus || event->key() == Qt::Key_Equal)
        zoomBy(1.5);
    else if (event->key() == Qt::Key_Minus)
        zoomBy(1 / 1.5);
    else if (event->key() == Qt::Key_0)
        fitAll();
    else
        QAbstractScrollArea::keyPressEvent(event);
}

void WaterfallView::mousePressEvent(QMouseEvent *event)
{
    m_pressPos = event->pos();
    m_pressScroll = horizontalScrollBar()->value();
    m_dragging = false;
}

void WaterfallView::mouseMoveEvent(QMouseEvent *event)
{
    if (!(event->buttons() & Qt::LeftButton))
        return;
    const int dx = event->pos().x() - m_pressPos.x();
    if (std::abs(dx) > 3)
        m_dragging = true;
    if (m_dragging)
        horizontalScrollBar()->setValue(m_pressScroll - dx);
}

void WaterfallView::mouseReleaseEvent(QMouseEvent *event)
{
    if (m_dragging) {
        m_dragging = false;
        return;
    }
    const std::size_t idx = frameAt(event->pos());
    if (idx != SIZE_MAX) {
        m_selected = idx;
        viewport()->update();
        emit frameClicked(idx);
    } else if (const std::int32_t stream = streamAt(event->pos()); stream != 0) {
        emit streamClicked(stream);
    }
}

std::int32_t WaterfallView::streamAt(const QPoint &pos) const
{
    const int row = rowAt(pos.y());
    if (row < 0)
        return 0;
    const Row &r = m_rows[static_cast<std::size_t>(row)];
    return r.kind == RowKind::Stream ? r.streamId : 0;
}

bool WaterfallView::viewportEvent(QEvent *event)
{
    if (event->type() == QEvent::ToolTip && m_connIndex) {
        auto *help = static_cast<QHelpEvent *>(event);
        const std::size_t idx = frameAt(help->pos());
        const inspect::Event *e = idx == SIZE_MAX ? nullptr : m_store->event(m_connIndex->connectionId(), idx);
        const auto *f = e ? std::get_if<inspect::FrameEvent>(&e->data) : nullptr;
        if (f) {
            QToolTip::showText(help->globalPos(),
                               QStringLiteral("%1 %2 stream %3  +%4\n%5\nflags: %6, length %7")
                                   .arg(QLatin1String(inspect::frameTypeName(f->type)), directionText(f->dir))
                                   .arg(f->streamId)
                                   .arg(durationText(e->timeNs - m_connIndex->firstNs()))
                                   .arg(frameSummary(*f))
                                   .arg(QString::fromStdString(inspect::frameFlagsText(f->type, f->flags)))
                                   .arg(f->length),
                               viewport());
        } else {
            const int row = rowAt(help->pos().y());
            if (row >= 0 && help->pos().x() < plotLeft())
                QToolTip::showText(help->globalPos(), rowText(row), viewport());
            else
                QToolTip::hideText();
        }
        return true;
    }
    return QAbstractScrollArea::viewportEvent(event);
}

} // namespace h2scope::ui
