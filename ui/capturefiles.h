#pragma once
// Capture files: save a capture store as JSON Lines and read it back, export
// HAR and the text frame log. Each function returns an empty string on
// success, else one sentence for the user naming the file and the problem.
// GUI thread (the store's owner).

#include "inspect/capturestore.h"

#include <QString>

#include <string>

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

// Writes `bytes` as the whole file at `path`; empty on success, else the
// reason ("No space left on device"). A regular file (or a new one) is
// replaced atomically, so an interrupted write never leaves half a file; a
// device, pipe or terminal that is there (/dev/stdout, a FIFO) is written in
// place, never replaced by a regular file. A symbolic link's target is written.
QString writeWholeFile(const QString &path, const std::string &bytes);
// Why writeWholeFile(path) would fail before anything is written (no such
// folder, no permission, a folder at that path); empty when it can write.
QString unwritableReason(const QString &path);

} // namespace h2scope::ui
