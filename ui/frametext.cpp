#include "frametext.h"

#include <cmath>

#include <QLocale>

#include <optional>
#include <string_view>

namespace h2scope::ui {

namespace {

QString qs(std::string_view s)
{
    return QString::fromUtf8(s.data(), static_cast<qsizetype>(s.size()));
}

std::optional<std::string_view> header(const inspect::FrameEvent &f, std::string_view name)
{
    return f.headers.find(name);
}

} // namespace

QString directionText(inspect::Direction dir)
{
    return dir == inspect::Direction::In ? QStringLiteral("in") : QStringLiteral("out");
}

QString bytesText(std::uint64_t bytes)
{
    if (bytes < 1024)
        return QStringLiteral("%1 B").arg(bytes);
    if (bytes < 1024 * 1024)
        return QStringLiteral("%1 KiB").arg(static_cast<double>(bytes) / 1024.0, 0, 'f', 1);
    if (bytes < 1024ull * 1024 * 1024)
        return QStringLiteral("%1 MiB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0), 0, 'f', 1);
    return QStringLiteral("%1 GiB").arg(static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0), 0, 'f', 2);
}

QString durationText(std::uint64_t ns)
{
    if (ns < 1000000)
        return QStringLiteral("%1 µs").arg(ns / 1000);
    if (ns < 1000000000)
        return QStringLiteral("%1 ms").arg(static_cast<double>(ns) / 1e6, 0, 'f', 1);
    return QStringLiteral("%1 s").arg(static_cast<double>(ns) / 1e9, 0, 'f', 2);
}

QColor frameTypeColor(std::uint8_t type)
{
    switch (type) {
    case 0x0: return QColor(0x3b, 0x82, 0xf6); // DATA blue
    case 0x1: return QColor(0x16, 0xa3, 0x4a); // HEADERS green
    case 0x2: return QColor(0x94, 0xa3, 0xb8); // PRIORITY grey
    case 0x3: return QColor(0xdc, 0x26, 0x26); // RST_STREAM red
    case 0x4: return QColor(0x93, 0x33, 0xea); // SETTINGS purple
    case 0x5: return QColor(0xea, 0x58, 0x0c); // PUSH_PROMISE orange
    case 0x6: return QColor(0x0d, 0x94, 0x88); // PING teal
    case 0x7: return QColor(0x99, 0x1b, 0x1b); // GOAWAY dark red
    case 0x8: return QColor(0xca, 0x8a, 0x04); // WINDOW_UPDATE amber
    case 0x9: return QColor(0x22, 0xc5, 0x5e); // CONTINUATION light green
    default: return QColor(0x64, 0x74, 0x8b);
    }
}

QString pushOutcomeText(const std::string &outcome)
{
    if (outcome.empty())
        return QStringLiteral("in flight");
    if (outcome == "not-sent")
        return QStringLiteral("not sent");
    return qs(outcome);
}

std::uint32_t headerBlockFragmentSize(const inspect::FrameEvent &f)
{
    std::uint32_t overhead = f.padding;
    if (f.flags & 0x8) // PADDED: the pad length byte
        overhead += 1;
    if (f.type == 0x1 && (f.flags & 0x20)) // HEADERS with PRIORITY
        overhead += 5;
    if (f.type == 0x5) // PUSH_PROMISE: promised stream id
        overhead += 4;
    return f.length > overhead ? f.length - overhead : 0;
}

QString frameSummary(const inspect::FrameEvent &f)
{
    QString s;
    if (f.notSent)
        s = QStringLiteral("[not sent: %1] ").arg(qs(f.notSentReason));
    else if (f.invalid)
        s = QStringLiteral("[invalid: %1] ").arg(qs(f.invalidReason));
    switch (f.type) {
    case 0x0:
        s += QStringLiteral("%1 B").arg(f.length);
        if (f.flags & 0x1)
            s += QStringLiteral(" END_STREAM");
        break;
    case 0x1:
        if (const auto status = header(f, ":status")) {
            s += QStringLiteral(":status %1").arg(qs(*status));
            if (const auto ct = header(f, "content-type")) // the type, without "; charset=…"
                s += u' ' + qs(ct->substr(0, ct->find(';')));
            if (const auto cl = header(f, "content-length"))
                s += QStringLiteral(" %1 B").arg(qs(*cl));
            if (*status == "103") {
                int links = 0;
                for (const HeaderView h : f.headers)
                    links += h.name == "link" ? 1 : 0;
                s += QStringLiteral(" Early Hints, %1 link(s)").arg(links);
            }
        } else if (const auto method = header(f, ":method")) {
            const auto path = header(f, ":path");
            s += qs(*method) + u' ' + (path ? qs(*path) : QString());
        } else {
            s += QStringLiteral("%1 header field(s)").arg(f.headers.size());
        }
        break;
    case 0x2:
        s += QStringLiteral("PRIORITY");
        if (f.priorityDependency >= 0)
            s += QStringLiteral(" depends on %1%2 weight %3")
                     .arg(f.priorityDependency)
                     .arg(f.priorityExclusive ? QStringLiteral(" exclusive") : QString())
                     .arg(f.priorityWeight);
        break;
    case 0x3: s += QStringLiteral("RST_STREAM %1").arg(QLatin1String(inspect::errorCodeName(f.errorCode))); break;
    case 0x4:
        if (f.flags & 0x1) {
            s += QStringLiteral("SETTINGS ACK");
        } else {
            s += QStringLiteral("SETTINGS");
            for (const auto &[id, value] : f.settings)
                s += QStringLiteral(" %1=%2").arg(QLatin1String(inspect::settingName(id))).arg(value);
        }
        break;
    case 0x5: {
        const auto path = header(f, ":path");
        s += QStringLiteral("PUSH_PROMISE → %1 %2").arg(f.promisedStreamId).arg(path ? qs(*path) : QString());
        break;
    }
    case 0x6:
        s += QStringLiteral("PING%1 0x%2")
                 .arg((f.flags & 0x1) ? QStringLiteral(" ACK") : QString())
                 .arg(f.opaque, 16, 16, QLatin1Char('0'));
        break;
    case 0x7:
        s += QStringLiteral("GOAWAY %1 last_stream=%2")
                 .arg(QLatin1String(inspect::errorCodeName(f.errorCode)))
                 .arg(f.lastStreamId);
        if (!f.debugData.empty())
            s += QStringLiteral(" \"%1\"").arg(qs(f.debugData).left(80));
        break;
    case 0x8: s += QStringLiteral("WINDOW_UPDATE +%1").arg(f.windowIncrement); break;
    case 0x9: s += QStringLiteral("CONTINUATION %1 B").arg(f.length); break;
    default: s += QStringLiteral("unknown frame type 0x%1").arg(f.type, 2, 16, QLatin1Char('0')); break;
    }
    return s;
}

double roundStep(double minimum)
{
    double step = std::pow(10.0, std::floor(std::log10(std::max(1.0, minimum))));
    for (double m : {1.0, 2.0, 5.0})
        if (step * m >= minimum)
            return step * m;
    return step * 10;
}

QString hexHeader(const inspect::FrameEvent &f)
{
    QString hex;
    for (std::size_t i = 0; i < f.rawHeader.size(); ++i) {
        if (i == 3 || i == 4 || i == 5)
            hex += QStringLiteral(" | ");
        else if (i)
            hex += u' ';
        hex += QStringLiteral("%1").arg(f.rawHeader[i], 2, 16, QLatin1Char('0'));
    }
    return hex;
}

QString tableRowText(const QAbstractItemModel &model, int row)
{
    QStringList cells;
    for (int c = 0; c < model.columnCount(); ++c)
        cells << model.data(model.index(row, c)).toString();
    return cells.join(u'\t');
}

} // namespace h2scope::ui
