#include "capturefiles.h"

#include "inspect/capturefile.h"
#include "inspect/framelog.h"
#include "inspect/har.h"
#include "inspect/jsonlines.h"
#include "inspect/pcapng.h"

#include <QFile>
#include <QFileInfo>
#include <QSaveFile>

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace h2scope::ui {

namespace {

// writeWholeFile(), or the sentence the window shows when it fails.
QString writeExport(const QString &path, const std::string &text)
{
    const QString why = writeWholeFile(path, text);
    return why.isEmpty() ? QString() : QObject::tr("Cannot write %1: %2.").arg(path, why);
}

} // namespace

QString writeWholeFile(const QString &path, const std::string &bytes)
{
    const QFileInfo info(path); // follows symbolic links
    if (info.isDir())
        return QObject::tr("it is a folder");
    const auto writeAll = [&bytes](QFileDevice &file) {
        return file.write(bytes.data(), static_cast<qint64>(bytes.size())) == static_cast<qint64>(bytes.size());
    };
    if (info.exists() && !info.isFile()) {
        // Replacing a device or a pipe would put a regular file in its place.
        QFile file(path);
        if (!file.open(QIODevice::WriteOnly) || !writeAll(file) || !file.flush())
            return file.errorString();
        file.close();
        return file.error() == QFileDevice::NoError ? QString() : file.errorString();
    }
    QSaveFile file(path);
    // A file that may be written in a folder that may not (no room for the
    // temporary copy): written in place rather than not at all.
    file.setDirectWriteFallback(true);
    if (!file.open(QIODevice::WriteOnly) || !writeAll(file) || !file.commit())
        return file.errorString();
    return {};
}

QString unwritableReason(const QString &path)
{
    const QFileInfo info(path);
    if (info.isDir())
        return QObject::tr("it is a folder");
    const QByteArray probe = QFile::encodeName(info.exists() ? info.absoluteFilePath() : info.absolutePath());
    if (::access(probe.constData(), info.exists() ? W_OK : W_OK | X_OK) != 0)
        return QString::fromLocal8Bit(std::strerror(errno));
    return {};
}

namespace {

// Every stored connection's events, connection after connection in the order
// they were accepted, each in its own order: each connection is dissected
// afresh as it is written, so an export never holds the whole capture's
// events at once, and leaves the views' dissections as they were.
// A connection the memory budget truncated starts with a notice that says so.
template <typename Write> void forEachEvent(const inspect::CaptureStore &store, Write write)
{
    for (std::uint64_t id : store.connectionIds()) {
        if (const inspect::ConnectionInfo *c = store.connection(id); c && c->evictedFrames > 0) {
            inspect::Notice truncated;
            truncated.code = "capture-truncated";
            truncated.text = "frames 1-" + std::to_string(c->evictedFrames)
                             + " of this connection were evicted from the capture (memory budget)";
            write(inspect::Event{c->openedNs, id, std::move(truncated)});
        }
        store.forEachEvent(id, write);
    }
}

} // namespace

QString saveCaptureFile(const inspect::CaptureStore &store, const QString &path)
{
    return writeExport(path, inspect::serializeCapture(store));
}

QString loadCaptureFile(const QString &path, inspect::CaptureStore &store)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return QObject::tr("cannot open %1: %2").arg(path, file.errorString());
    const QByteArray bytes = file.readAll();
    const std::string_view view(bytes.constData(), static_cast<std::size_t>(bytes.size()));
    if (!inspect::looksLikeCapture(view)) {
        if (bytes.startsWith("{"))
            return QObject::tr("%1 is a JSON Lines export, which cannot be reopened; open a capture saved with "
                               "File ▸ Save capture (.h2cap)")
                .arg(path);
        return QObject::tr("%1 is not an h2scope capture").arg(path);
    }
    if (Result<void> parsed = inspect::parseCapture(view, store); !parsed)
        return QObject::tr("%1: %2").arg(path, QString::fromStdString(parsed.error().message));
    return {};
}

QString exportJsonLinesFile(const inspect::CaptureStore &store, const QString &path)
{
    std::string text;
    forEachEvent(store, [&text](const inspect::Event &e) {
        inspect::appendJsonLine(text, e);
        text += '\n';
    });
    return writeExport(path, text);
}

QString exportPcapngFile(const inspect::CaptureStore &store, const QString &path)
{
    return writeExport(path, inspect::toPcapng(store));
}

QString exportHarFile(const inspect::CaptureStore &store, const QString &path, qint64 wallClockOffsetNs,
                      inspect::HarOptions selection)
{
    selection.wallClockOffsetNs = wallClockOffsetNs;
    return writeExport(path, inspect::toHar(store, selection));
}

QString exportFrameLogFile(const inspect::CaptureStore &store, const QString &path)
{
    inspect::FrameLogFormatter formatter;
    std::string text;
    forEachEvent(store, [&](const inspect::Event &e) { text += formatter.format(e); });
    return writeExport(path, text);
}

} // namespace h2scope::ui
