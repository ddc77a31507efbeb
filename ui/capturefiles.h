#pragma once
// Capture files: save a capture store in its raw form and read it back
// (inspect/capturefile.h); export JSON Lines, HAR, pcapng and the text frame
// log. Each function returns an empty string on success, else one sentence
// for the user naming the file and the problem.
// GUI thread (the store's owner).

#include "inspect/capturestore.h"
#include "inspect/har.h"

#include <QString>

#include <string>

namespace h2scope::ui {

// Every stored connection's capture log (.h2cap): reopens with every detail.
QString saveCaptureFile(const inspect::CaptureStore &store, const QString &path);
// Reads a file written by saveCaptureFile into `store` (cleared first).
QString loadCaptureFile(const QString &path, inspect::CaptureStore &store);
// Every event, dissected, one JSON object per line: connection after
// connection, each in its capture order (the frame log export likewise).
QString exportJsonLinesFile(const inspect::CaptureStore &store, const QString &path);
// The plaintext HTTP/2 of every connection as pcapng, for Wireshark.
QString exportPcapngFile(const inspect::CaptureStore &store, const QString &path);
// HAR 1.2 of the capture; `wallClockOffsetNs` maps capture times to dates.
// `selection`: only those connections and requests (its wall-clock offset
// is replaced by `wallClockOffsetNs`).
QString exportHarFile(const inspect::CaptureStore &store, const QString &path, qint64 wallClockOffsetNs,
                      inspect::HarOptions selection = {});
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
