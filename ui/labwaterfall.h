#pragma once
// LabWaterfall: one lab mode's page load as a waterfall. The connections
// come first (TCP, then TLS), then one row per resource in discovery order:
// a thin line while the loader knew of the resource but had not asked yet,
// a pale bar while waiting for the response, a solid bar while the body
// arrived, coloured by what made the loader ask (navigation, html, css,
// early hints, push). A dashed line marks when the page was complete.
//
// The lab view sets the same time span on its four waterfalls, so bars line
// up across modes. Painted directly from a copy of the LoadResult; GUI
// thread only.

#include "lab/loadresult.h"

#include <QColor>
#include <QString>
#include <QWidget>

#include <cstdint>
#include <vector>

namespace h2scope::ui {

class LabWaterfall final : public QWidget {
    Q_OBJECT
    Q_DISABLE_COPY_MOVE(LabWaterfall)

public:
    explicit LabWaterfall(QWidget *parent = nullptr);

    // Shows `load` (a copy is kept). `title` heads the waterfall; a
    // highlighted waterfall gets a marked title (the lab view marks the
    // fastest mode).
    void setLoad(const QString &title, const lab::LoadResult &load);
    void clear();
    void setHighlighted(bool highlighted);
    // The time the plot spans, in microseconds since the load started; at
    // least 1 ms. Values the load reaches beyond it are clipped.
    void setTimeSpanUs(std::int64_t spanUs);
    std::int64_t timeSpanUs() const { return m_spanUs; }
    // The latest time this load reached (the span it needs alone).
    std::int64_t lastTimeUs() const;

    // What the rows say, for tests and accessibility: connection rows read
    // "connection 1 h2: TLS at 123 ms", resource rows
    // "c1 /css/site.css css 200 12.3 ms".
    int rowCount() const;
    int resourceRowCount() const { return static_cast<int>(m_load.resources.size()); }
    QString rowText(int row) const;
    QString title() const { return m_title; }

    // The colour of an initiator ("navigation", "html", "css",
    // "early-hints", "push"; grey for anything else), shared with the legend.
    static QColor initiatorColor(const std::string &initiator);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;
    bool event(QEvent *event) override;

private:
    int headerHeight() const;
    int labelWidth() const;
    int plotLeft() const { return labelWidth(); }
    int plotWidth() const;
    double xOf(std::int64_t us) const;
    int rowAt(int y) const;
    QString toolTipOf(int row) const;
    void paintAxis(QPainter &p, int top, int bottom);
    void paintConnection(QPainter &p, const lab::ConnectionTiming &c, int y);
    void paintResource(QPainter &p, const lab::ResourceTiming &r, int y);

    lab::LoadResult m_load;
    QString m_title;
    bool m_hasLoad = false;
    bool m_highlighted = false;
    std::int64_t m_spanUs = 1000;
    int m_rowHeight = 20;
};

} // namespace h2scope::ui
