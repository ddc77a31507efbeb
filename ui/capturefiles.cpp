#include "capturefiles.h"

#include "inspect/framelog.h"
#include "inspect/har.h"
#include "inspect/jsonlines.h"

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

QString saveCaptureFile(const inspect::CaptureStore &store, const QString &path)
{
    std::string text;
    for (std::uint64_t seq = store.firstSeq(); seq < store.nextSeq(); ++seq) {
        if (const inspect::Event *e = store.eventBySeq(seq)) {
            text += inspect::toJsonLine(*e);
            text += '\n';
        }
    }
    return writeExport(path, text);
}

QString loadCaptureFile(const QString &path, inspect::CaptureStore &store)
{
    Result<std::vector<inspect::Event>> events = inspect::readJsonLinesFile(path.toStdString());
    if (!events)
        return QString::fromStdString(events.error().message);
    store.clear();
    store.add(std::move(*events));
    return {};
}

QString exportHarFile(const inspect::CaptureStore &store, const QString &path, qint64 wallClockOffsetNs)
{
    inspect::HarOptions options;
    options.wallClockOffsetNs = wallClockOffsetNs;
    return writeExport(path, inspect::toHar(store, options));
}

QString exportFrameLogFile(const inspect::CaptureStore &store, const QString &path)
{
    inspect::FrameLogFormatter formatter;
    std::string text;
    for (std::uint64_t seq = store.firstSeq(); seq < store.nextSeq(); ++seq)
        if (const inspect::Event *e = store.eventBySeq(seq))
            text += formatter.format(*e);
    return writeExport(path, text);
}

} // namespace h2scope::ui
