#include "framefilter.h"

#include "frametext.h"

#include <algorithm>

namespace h2scope::ui {

namespace {

bool statusMatches(const QString &pattern, int status)
{
    if (status <= 0)
        return false;
    if (pattern.size() == 3 && pattern.endsWith(QLatin1String("XX")))
        return pattern.at(0).digitValue() == status / 100;
    bool ok = false;
    const int exact = pattern.toInt(&ok);
    return ok && exact == status;
}

} // namespace

QStringList FrameFilter::vocabulary()
{
    QStringList v{QStringLiteral("stream:"),    QStringLiteral("dir:in"),           QStringLiteral("dir:out"),
                  QStringLiteral("pushed"),     QStringLiteral("hinted"),           QStringLiteral("status:2xx"),
                  QStringLiteral("status:3xx"), QStringLiteral("status:4xx"),       QStringLiteral("status:5xx"),
                  QStringLiteral("path:~"),     QStringLiteral("flags:END_STREAM"), QStringLiteral("flags:END_HEADERS"),
                  QStringLiteral("flags:ACK"),  QStringLiteral("flags:PADDED"),     QStringLiteral("flags:PRIORITY")};
    for (std::uint8_t t = 0; t <= 9; ++t)
        v << QStringLiteral("type:%1").arg(QLatin1String(inspect::frameTypeName(t)));
    return v;
}

FrameFilter FrameFilter::parse(const QString &text, bool forRequests)
{
    FrameFilter f;
    f.m_text = text;
    const QStringList words = text.split(u' ', Qt::SkipEmptyParts);
    for (QString word : words) {
        Clause c;
        if (word.startsWith(u'!')) {
            c.negate = true;
            word.remove(0, 1);
        }
        const qsizetype colon = word.indexOf(u':');
        const QString key = colon < 0 ? word.toLower() : word.left(colon).toLower();
        const QString value = colon < 0 ? QString() : word.mid(colon + 1);
        if (colon < 0 && key == QLatin1String("pushed")) {
            c.key = Key::Pushed;
        } else if (colon < 0 && key == QLatin1String("hinted")) {
            c.key = Key::Hinted;
        } else if (colon < 0) {
            c.key = Key::Text;
            c.values << word.toLower();
        } else if (value.isEmpty()) {
            f.m_error = QStringLiteral("\"%1\" needs a value after the colon").arg(word);
            break;
        } else if (key == QLatin1String("stream") || key == QLatin1String("conn")) {
            c.key = key == QLatin1String("stream") ? Key::Stream : Key::Connection;
            for (const QString &v : value.split(u'|', Qt::SkipEmptyParts)) {
                bool ok = false;
                const long long n = v.toLongLong(&ok);
                if (!ok || n < 0) {
                    f.m_error = QStringLiteral("%1: expects numbers, not \"%2\"").arg(key, v);
                    break;
                }
                c.numbers.push_back(n);
            }
        } else if (key == QLatin1String("type") || key == QLatin1String("flags")) {
            c.key = key == QLatin1String("type") ? Key::Type : Key::Flags;
            c.values = value.toUpper().split(u'|', Qt::SkipEmptyParts);
            if (c.key == Key::Type && !forRequests) {
                for (const QString &v : std::as_const(c.values)) {
                    bool known = false;
                    for (std::uint8_t t = 0; t <= 9; ++t)
                        known = known || v == QLatin1String(inspect::frameTypeName(t));
                    if (!known) {
                        f.m_error = QStringLiteral("unknown frame type \"%1\"").arg(v);
                        break;
                    }
                }
            }
        } else if (key == QLatin1String("dir")) {
            c.key = Key::Dir;
            c.values = value.toLower().split(u'|', Qt::SkipEmptyParts);
            for (const QString &v : std::as_const(c.values))
                if (v != QLatin1String("in") && v != QLatin1String("out"))
                    f.m_error = QStringLiteral("dir: is in or out, not \"%1\"").arg(v);
        } else if (key == QLatin1String("status")) {
            c.key = Key::Status;
            c.values = value.toUpper().split(u'|', Qt::SkipEmptyParts);
        } else if (key == QLatin1String("path")) {
            c.key = Key::Path;
            if (value.startsWith(u'~')) {
                c.regex = QRegularExpression(value.mid(1));
                if (!c.regex.isValid()) {
                    f.m_error = QStringLiteral("path: bad regular expression: %1").arg(c.regex.errorString());
                    break;
                }
            } else {
                c.values << value;
            }
        } else {
            f.m_error =
                QStringLiteral("unknown filter \"%1:\" (try stream:, type:, dir:, flags:, status:, path:, pushed)")
                    .arg(key);
        }
        if (!f.m_error.isEmpty())
            break;
        f.m_clauses.push_back(std::move(c));
    }
    if (!f.m_error.isEmpty())
        f.m_clauses.clear();
    return f;
}

bool FrameFilter::matches(const inspect::FrameEvent &frame, const inspect::StreamSummary *stream,
                          const inspect::StreamSummary *promised) const
{
    for (const Clause &c : m_clauses)
        if (matchClause(c, frame, stream, promised) == c.negate)
            return false;
    return true;
}

bool FrameFilter::matchesRequest(const inspect::StreamSummary &s, const QString &text, std::uint64_t connectionId) const
{
    for (const Clause &c : m_clauses) {
        bool hit = true;
        switch (c.key) {
        case Key::Stream:
            hit = std::find(c.numbers.begin(), c.numbers.end(), static_cast<long long>(s.id)) != c.numbers.end();
            break;
        case Key::Connection:
            hit =
                std::find(c.numbers.begin(), c.numbers.end(), static_cast<long long>(connectionId)) != c.numbers.end();
            break;
        case Key::Type: {
            const QString type = QString::fromStdString(s.contentType).toUpper();
            hit = std::any_of(c.values.begin(), c.values.end(), [&](const QString &v) { return type.contains(v); });
            break;
        }
        case Key::Dir:
        case Key::Flags: continue; // about frames: neither for nor against a request
        case Key::Pushed: hit = s.pushed; break;
        case Key::Hinted: hit = s.hintedBy != 0; break;
        case Key::Status:
            hit = std::any_of(c.values.begin(), c.values.end(),
                              [&](const QString &v) { return statusMatches(v, s.status); });
            break;
        case Key::Path: {
            const QString path = QString::fromStdString(s.path);
            hit = c.regex.pattern().isEmpty() ? (!c.values.isEmpty() && path.contains(c.values.front()))
                                              : c.regex.match(path).hasMatch();
            break;
        }
        case Key::Text: hit = text.contains(c.values.front()); break;
        }
        if (hit == c.negate)
            return false;
    }
    return true;
}

bool FrameFilter::frameOnlyClauses() const
{
    return std::any_of(m_clauses.begin(), m_clauses.end(),
                       [](const Clause &c) { return c.key == Key::Dir || c.key == Key::Flags; });
}

bool FrameFilter::matchClause(const Clause &c, const inspect::FrameEvent &f, const inspect::StreamSummary *stream,
                              const inspect::StreamSummary *promised) const
{
    switch (c.key) {
    case Key::Stream:
        for (long long n : c.numbers)
            if (n == f.streamId || (f.type == 0x5 && n == f.promisedStreamId))
                return true;
        return false;
    case Key::Type: {
        const QLatin1String name(inspect::frameTypeName(f.type));
        return c.values.contains(name);
    }
    case Key::Dir: return c.values.contains(directionText(f.dir));
    case Key::Flags: {
        const QStringList set = QString::fromStdString(inspect::frameFlagsText(f.type, f.flags)).split(u'|');
        for (const QString &v : c.values)
            if (set.contains(v))
                return true;
        return false;
    }
    case Key::Pushed: return f.type == 0x5 || (stream && stream->pushed);
    case Key::Hinted: return stream && stream->hintedBy != 0;
    case Key::Connection: return true; // the frame table shows one connection's frames
    case Key::Status:
        for (const QString &v : c.values)
            if (stream && statusMatches(v, stream->status))
                return true;
        return false;
    case Key::Path: {
        QStringList paths;
        if (stream)
            paths << QString::fromStdString(stream->path);
        if (promised)
            paths << QString::fromStdString(promised->path);
        if (const auto p = f.headers.find(":path"))
            paths << QString::fromUtf8(p->data(), static_cast<qsizetype>(p->size()));
        for (const QString &p : paths) {
            if (c.regex.pattern().isEmpty() ? (!c.values.isEmpty() && p.contains(c.values.front()))
                                            : c.regex.match(p).hasMatch())
                return true;
        }
        return false;
    }
    case Key::Text:
        return frameSummary(f).toLower().contains(c.values.front())
               || QLatin1String(inspect::frameTypeName(f.type)).toString().toLower().contains(c.values.front());
    }
    return false;
}

} // namespace h2scope::ui
