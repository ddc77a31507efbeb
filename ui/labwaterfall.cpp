#include "labwaterfall.h"

#include "frametext.h"

#include <QHelpEvent>
#include <QPainter>
#include <QToolTip>

#include <algorithm>
#include <cmath>

namespace h2scope::ui {

namespace {

constexpr int kPad = 6;

QString qs(const std::string &s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

QString usText(std::int64_t us)
{
    return us < 0 ? QStringLiteral("–") : durationText(static_cast<std::uint64_t>(us) * 1000);
}

// A "nice" axis step in microseconds: 1, 2 or 5 × 10^n, at least `minUs`.
double niceStepUs(double minUs)
{
    double step = std::pow(10.0, std::floor(std::log10(std::max(1.0, minUs))));
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (step * m >= minUs)
            return step * m;
    return step * 10;
}

// Axis labels: "0", "100 ms", "2 s"; finer steps keep their unit.
QString axisLabel(double us, double stepUs)
{
    if (us <= 0)
        return QStringLiteral("0");
    if (stepUs >= 1'000'000)
        return QStringLiteral("%1 s").arg(us / 1'000'000);
    if (stepUs >= 1000)
        return QStringLiteral("%1 ms").arg(static_cast<qint64>(std::llround(us / 1000)));
    return durationText(static_cast<std::uint64_t>(us) * 1000);
}

const QColor kTcpColor(0x94, 0xa3, 0xb8);
const QColor kTlsColor(0x47, 0x55, 0x69);
const QColor kDoneColor(0xdc, 0x26, 0x26);

} // namespace

LabWaterfall::LabWaterfall(QWidget *parent) : QWidget(parent)
{
    setAttribute(Qt::WA_OpaquePaintEvent);
    setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Minimum);
    m_rowHeight = std::max(18, fontMetrics().height() + 6);
}

QColor LabWaterfall::initiatorColor(const std::string &initiator)
{
    if (initiator == "navigation")
        return QColor(0x25, 0x63, 0xeb);
    if (initiator == "html")
        return QColor(0x16, 0xa3, 0x4a);
    if (initiator == "css")
        return QColor(0x93, 0x33, 0xea);
    if (initiator == "early-hints")
        return QColor(0xea, 0x58, 0x0c);
    if (initiator == "push")
        return QColor(0xdb, 0x27, 0x77);
    return QColor(0x6b, 0x72, 0x80);
}

void LabWaterfall::setLoad(const QString &title, const lab::LoadResult &load)
{
    m_load = load;
    m_title = title;
    m_hasLoad = true;
    updateGeometry();
    update();
}

void LabWaterfall::clear()
{
    m_load = {};
    m_title.clear();
    m_hasLoad = false;
    m_highlighted = false;
    updateGeometry();
    update();
}

void LabWaterfall::setHighlighted(bool highlighted)
{
    m_highlighted = highlighted;
    update();
}

void LabWaterfall::setTimeSpanUs(std::int64_t spanUs)
{
    m_spanUs = std::max<std::int64_t>(1000, spanUs);
    update();
}

std::int64_t LabWaterfall::lastTimeUs() const
{
    std::int64_t last = m_load.metrics.pageCompleteUs;
    for (const lab::ResourceTiming &r : m_load.resources)
        last = std::max({last, r.discoveredUs, r.requestUs, r.responseUs, r.completeUs});
    for (const lab::ConnectionTiming &c : m_load.connections)
        last = std::max({last, c.connectedUs, c.tlsUs});
    return last;
}

int LabWaterfall::rowCount() const
{
    return static_cast<int>(m_load.connections.size() + m_load.resources.size());
}

QString LabWaterfall::rowText(int row) const
{
    if (row < 0 || row >= rowCount())
        return {};
    const auto connections = static_cast<int>(m_load.connections.size());
    if (row < connections) {
        const lab::ConnectionTiming &c = m_load.connections[static_cast<std::size_t>(row)];
        return tr("connection %1 %2: TLS at %3").arg(c.id).arg(qs(c.alpn), usText(c.tlsUs));
    }
    const lab::ResourceTiming &r = m_load.resources[static_cast<std::size_t>(row - connections)];
    QString text = QStringLiteral("c%1 %2 %3 %4").arg(r.connection).arg(qs(r.path), qs(r.initiator)).arg(r.status);
    if (r.requestUs >= 0 && r.completeUs >= r.requestUs)
        text += u' ' + usText(r.completeUs - r.requestUs);
    if (!r.needed)
        text += tr(" unused");
    return text;
}

QString LabWaterfall::toolTipOf(int row) const
{
    const auto connections = static_cast<int>(m_load.connections.size());
    if (row < 0 || row >= rowCount())
        return {};
    if (row < connections) {
        const lab::ConnectionTiming &c = m_load.connections[static_cast<std::size_t>(row)];
        return tr("Connection %1 (%2)\nconnect() at %3\nTCP up at %4\nTLS done at %5\n%6 requests, %7 down")
            .arg(c.id)
            .arg(qs(c.alpn), usText(c.startUs), usText(c.connectedUs), usText(c.tlsUs))
            .arg(c.requests)
            .arg(bytesText(c.bytesReceived));
    }
    const lab::ResourceTiming &r = m_load.resources[static_cast<std::size_t>(row - connections)];
    QString text = tr("%1 (%2)\ninitiator: %3, connection %4, stream %5, status %6\n"
                      "discovered %7, requested %8\nresponse %9, complete %10\n%11")
                       .arg(qs(r.path), qs(r.as), qs(r.initiator))
                       .arg(r.connection)
                       .arg(r.stream)
                       .arg(r.status)
                       .arg(usText(r.discoveredUs), usText(r.requestUs), usText(r.responseUs), usText(r.completeUs),
                            bytesText(r.bodyBytes));
    if (r.pushed)
        text += r.needed ? tr("\npushed, used by the page") : tr("\npushed, never used by the page");
    return text;
}

int LabWaterfall::headerHeight() const
{
    // Title, subtitle, axis labels.
    return 3 * fontMetrics().height() + 3 * kPad;
}

int LabWaterfall::labelWidth() const
{
    return std::clamp(width() * 3 / 10, 90, 170);
}

int LabWaterfall::plotWidth() const
{
    // Room on the right for the last axis label.
    const int labelRoom = fontMetrics().horizontalAdvance(QStringLiteral("000 ms")) / 2 + 2;
    return std::max(40, width() - plotLeft() - kPad - labelRoom);
}

double LabWaterfall::xOf(std::int64_t us) const
{
    const double clamped = static_cast<double>(std::clamp<std::int64_t>(us, 0, m_spanUs));
    return plotLeft() + clamped * plotWidth() / static_cast<double>(m_spanUs);
}

int LabWaterfall::rowAt(int y) const
{
    if (y < headerHeight())
        return -1;
    const int row = (y - headerHeight()) / m_rowHeight;
    return row < rowCount() ? row : -1;
}

QSize LabWaterfall::sizeHint() const
{
    return {360, headerHeight() + std::max(rowCount(), 4) * m_rowHeight + kPad};
}

QSize LabWaterfall::minimumSizeHint() const
{
    return {220, headerHeight() + std::max(rowCount(), 1) * m_rowHeight + kPad};
}

bool LabWaterfall::event(QEvent *event)
{
    if (event->type() == QEvent::ToolTip) {
        const auto *help = static_cast<QHelpEvent *>(event);
        const QString text = toolTipOf(rowAt(help->pos().y()));
        if (text.isEmpty())
            QToolTip::hideText();
        else
            QToolTip::showText(help->globalPos(), text, this);
        return true;
    }
    return QWidget::event(event);
}

void LabWaterfall::paintAxis(QPainter &p, int top, int bottom)
{
    const int labelGap = fontMetrics().horizontalAdvance(QStringLiteral("000 ms")) + 16;
    const double step = niceStepUs(static_cast<double>(m_spanUs) * labelGap / plotWidth());
    const int textY = top + fontMetrics().ascent();
    const int gridTop = top + fontMetrics().height();
    // Unlabelled lines between the labelled ones: 100 ms apart under 200 ms labels.
    const double leading = step / std::pow(10.0, std::floor(std::log10(step)));
    const double minor = step / (leading > 4 ? 5 : 2);
    p.setPen(QColor(0, 0, 0, 14));
    for (double t = minor; t <= static_cast<double>(m_spanUs); t += minor) {
        const int x = static_cast<int>(xOf(static_cast<std::int64_t>(t)));
        p.drawLine(x, gridTop + 2, x, bottom);
    }
    for (double t = 0; t <= static_cast<double>(m_spanUs) + 0.5; t += step) {
        const int x = static_cast<int>(xOf(static_cast<std::int64_t>(t)));
        p.setPen(QColor(0, 0, 0, 40));
        p.drawLine(x, gridTop, x, bottom);
        p.setPen(palette().color(QPalette::WindowText));
        const QString label = axisLabel(t, step);
        p.drawText(x - (t > 0 ? fontMetrics().horizontalAdvance(label) / 2 : 0), textY, label);
    }
}

void LabWaterfall::paintConnection(QPainter &p, const lab::ConnectionTiming &c, int y)
{
    const QRect label(kPad, y, labelWidth() - 2 * kPad, m_rowHeight);
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(label, Qt::AlignVCenter | Qt::AlignLeft, tr("conn %1 %2").arg(c.id).arg(qs(c.alpn)));
    const int barTop = y + 5;
    const int barHeight = m_rowHeight - 10;
    if (c.startUs >= 0 && c.connectedUs >= c.startUs) {
        const double x0 = xOf(c.startUs), x1 = xOf(c.connectedUs);
        p.fillRect(QRectF(x0, barTop, std::max(1.0, x1 - x0), barHeight), kTcpColor);
    }
    if (c.connectedUs >= 0 && c.tlsUs >= c.connectedUs) {
        const double x0 = xOf(c.connectedUs), x1 = xOf(c.tlsUs);
        p.fillRect(QRectF(x0, barTop, std::max(1.0, x1 - x0), barHeight), kTlsColor);
    }
}

void LabWaterfall::paintResource(QPainter &p, const lab::ResourceTiming &r, int y)
{
    const QColor color = initiatorColor(r.initiator);
    const QFontMetrics fm = fontMetrics();
    const QString prefix = QStringLiteral("c%1 ").arg(r.connection);
    const int prefixWidth = fm.horizontalAdvance(prefix);
    const QRect label(kPad, y, labelWidth() - 2 * kPad, m_rowHeight);
    p.setPen(palette().color(QPalette::PlaceholderText));
    p.drawText(label, Qt::AlignVCenter | Qt::AlignLeft, prefix);
    p.setPen(r.needed ? palette().color(QPalette::Text) : palette().color(QPalette::PlaceholderText));
    const QString path = qs(r.path) + (r.needed ? QString() : tr(" (unused)"));
    p.drawText(label.adjusted(prefixWidth, 0, 0, 0), Qt::AlignVCenter | Qt::AlignLeft,
               fm.elidedText(path, Qt::ElideLeft, label.width() - prefixWidth));

    const int mid = y + m_rowHeight / 2;
    const int barTop = y + 4;
    const int barHeight = m_rowHeight - 8;
    // Known but not yet asked for: the loader was queueing (HTTP/1.1 with
    // every connection busy) or waiting to parse what references it.
    if (r.discoveredUs >= 0 && r.requestUs > r.discoveredUs) {
        p.setPen(QPen(color.lighter(150), 1));
        p.drawLine(QPointF(xOf(r.discoveredUs), mid), QPointF(xOf(r.requestUs), mid));
    }
    if (r.requestUs < 0)
        return;
    const std::int64_t end = r.completeUs >= 0 ? r.completeUs : m_spanUs;
    const std::int64_t response = r.responseUs >= 0 ? std::min(r.responseUs, end) : end;
    QColor waiting = color;
    waiting.setAlpha(90);
    const double x0 = xOf(r.requestUs), x1 = xOf(response), x2 = xOf(end);
    p.fillRect(QRectF(x0, barTop, std::max(1.0, x1 - x0), barHeight), waiting);
    if (r.responseUs >= 0) {
        const QRectF body(x1, barTop, std::max(2.0, x2 - x1), barHeight);
        if (r.needed)
            p.fillRect(body, color);
        else
            p.fillRect(body, QBrush(color, Qt::BDiagPattern));
        if (!r.needed || r.completeUs < 0) {
            p.setPen(QPen(color, 1, r.completeUs < 0 ? Qt::DotLine : Qt::SolidLine));
            p.drawRect(body.adjusted(0, 0, -1, -1));
        }
    }
}

void LabWaterfall::paintEvent(QPaintEvent *)
{
    QPainter p(this);
    p.fillRect(rect(), palette().base());
    const QFontMetrics fm = fontMetrics();
    if (!m_hasLoad) {
        p.setPen(palette().color(QPalette::PlaceholderText));
        p.drawText(rect().adjusted(kPad, kPad, -kPad, -kPad), Qt::AlignCenter | Qt::TextWordWrap,
                   tr("Press Run to load the page in this mode."));
        return;
    }

    // Title and the numbers that matter most.
    QFont bold = font();
    bold.setBold(true);
    p.setFont(bold);
    p.setPen(m_highlighted ? QColor(0x15, 0x80, 0x3d) : palette().color(QPalette::WindowText));
    const QString title = m_highlighted ? tr("%1 — fastest").arg(m_title) : m_title;
    p.drawText(QRect(kPad, kPad, width() - 2 * kPad, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               QFontMetrics(bold).elidedText(title, Qt::ElideRight, width() - 2 * kPad));
    p.setFont(font());
    p.setPen(palette().color(QPalette::WindowText));
    const lab::LoadMetrics &m = m_load.metrics;
    const QString subtitle =
        tr("complete %1 · first byte %2 · %n connection(s)", nullptr, static_cast<int>(m.connections))
            .arg(usText(m.pageCompleteUs), usText(m.ttfbUs));
    p.drawText(QRect(kPad, kPad + fm.height(), width() - 2 * kPad, fm.height()), Qt::AlignLeft | Qt::AlignVCenter,
               fm.elidedText(subtitle, Qt::ElideRight, width() - 2 * kPad));

    const int axisTop = 2 * kPad + 2 * fm.height();
    const int top = headerHeight();
    const int bottom = top + rowCount() * m_rowHeight;
    paintAxis(p, axisTop, bottom);

    int row = 0;
    for (const lab::ConnectionTiming &c : m_load.connections) {
        const int y = top + row++ * m_rowHeight;
        if (row % 2 == 0)
            p.fillRect(QRect(0, y, width(), m_rowHeight), QColor(0, 0, 0, 10));
        paintConnection(p, c, y);
    }
    if (!m_load.connections.empty()) {
        p.setPen(palette().color(QPalette::Mid));
        p.drawLine(0, top + row * m_rowHeight, width(), top + row * m_rowHeight);
    }
    for (const lab::ResourceTiming &r : m_load.resources) {
        const int y = top + row++ * m_rowHeight;
        if (row % 2 == 0)
            p.fillRect(QRect(0, y, width(), m_rowHeight), QColor(0, 0, 0, 10));
        paintResource(p, r, y);
    }

    if (m.pageCompleteUs >= 0) {
        const int x = static_cast<int>(xOf(m.pageCompleteUs));
        p.setPen(QPen(kDoneColor, 1.5, Qt::DashLine));
        p.drawLine(x, axisTop + fm.height(), x, bottom);
    }
    p.setPen(palette().color(QPalette::Mid));
    p.drawLine(plotLeft() - 3, axisTop, plotLeft() - 3, bottom);
    p.drawRect(rect().adjusted(0, 0, -1, -1));
}

} // namespace h2scope::ui
