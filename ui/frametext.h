#pragma once
// Words for frames and numbers, shared by the models, the waterfall and the
// details pane: one place decides how a frame reads.

#include "inspect/event.h"

#include <QAbstractItemModel>
#include <QColor>
#include <QString>

#include <cstdint>

namespace h2scope::ui {

// "HEADERS :status 200 text/css 153573 B", "WINDOW_UPDATE +65535",
// "RST_STREAM CANCEL", "PUSH_PROMISE → 2 /style.css", "SETTINGS ACK", ...
// Frames nghttp2 did not send or rejected say so first.
QString frameSummary(const inspect::FrameEvent &frame);

// Bytes of the header block as sent: payload minus padding and the
// priority/pad-length/promised-id fields. CONTINUATIONs are added by the caller.
std::uint32_t headerBlockFragmentSize(const inspect::FrameEvent &frame);

// "in" / "out"
QString directionText(inspect::Direction dir);
// "1.2 KiB", "3.4 MiB"
QString bytesText(std::uint64_t bytes);
// "850 µs", "12.3 ms", "4.56 s"
QString durationText(std::uint64_t ns);
// The smallest round step (1, 2 or 5 × 10^n) of at least `minimum`, for axis grids.
double roundStep(double minimum);
// The colour of a frame type in every view.
QColor frameTypeColor(std::uint8_t type);
// The 9-byte frame header in hex, "00 00 1e | 04 | 00 | 00 00 00 00".
QString hexHeader(const inspect::FrameEvent &frame);
// A table row's cells, tab-separated (copy row).
QString tableRowText(const QAbstractItemModel &model, int row);
// "completed" -> "push completed", "not-sent" -> "not sent", ...
QString pushOutcomeText(const std::string &outcome);

} // namespace h2scope::ui
