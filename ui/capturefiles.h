#pragma once
// Capture files: save a capture store as JSON Lines and read it back, export
// HAR and the text frame log. Each function returns an empty string on
// success, else one sentence for the user naming the file and the problem.
// GUI thread (the store's owner).

#include "inspect/capturestore.h"

#include <QString>

namespace h2scope::ui {

// Every stored event, in capture order, one JSON object per line.
QString saveCaptureFile(const inspect::CaptureStore &store, const QString &path);
// Reads a file written by saveCaptureFile (or `h2scope --capture`) into `store`
// (cleared first).
QString loadCaptureFile(const QString &path, inspect::CaptureStore &store);
// HAR 1.2 of the capture; `wallClockOffsetNs` maps capture times to dates.
QString exportHarFile(const inspect::CaptureStore &store, const QString &path, qint64 wallClockOffsetNs);
// The nghttp-style text frame log of the capture.
QString exportFrameLogFile(const inspect::CaptureStore &store, const QString &path);

} // namespace h2scope::ui
