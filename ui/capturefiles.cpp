#include "capturefiles.h"

#include "inspect/framelog.h"
#include "inspect/har.h"
#include "inspect/jsonlines.h"

#include <QSaveFile>

namespace h2scope::ui {

namespace {

QString writeAtomically(const QString &path, const std::string &text)
{
    // QSaveFile: an interrupted export never leaves half a file behind.
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return QObject::tr("Cannot write %1: %2.").arg(path, file.errorString());
    if (file.write(text.data(), static_cast<qint64>(text.size())) < 0 || !file.commit())
        return QObject::tr("Cannot write %1: %2.").arg(path, file.errorString());
    return {};
}

} // namespace

QString saveCaptureFile(const inspect::CaptureStore &store, const QString &path)
{
    std::string text;
    for (std::uint64_t seq = store.firstSeq(); seq < store.nextSeq(); ++seq) {
        if (const inspect::Event *e = store.eventBySeq(seq)) {
            text += inspect::toJsonLine(*e);
            text += '\n';
        }
    }
    return writeAtomically(path, text);
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
    return writeAtomically(path, inspect::toHar(store, options));
}

QString exportFrameLogFile(const inspect::CaptureStore &store, const QString &path)
{
    inspect::FrameLogFormatter formatter;
    std::string text;
    for (std::uint64_t seq = store.firstSeq(); seq < store.nextSeq(); ++seq)
        if (const inspect::Event *e = store.eventBySeq(seq))
            text += formatter.format(*e);
    return writeAtomically(path, text);
}

} // namespace h2scope::ui
