#pragma once
// FrameFilter: the typed filter of the Frames table.
//
//   stream:5            stream id (stream:1|3 for several)
//   type:DATA|HEADERS   frame type names, case-insensitive
//   dir:in / dir:out    direction
//   flags:END_STREAM    any of the named flags set
//   pushed              frames of promised streams, and PUSH_PROMISE frames
//   hinted              frames of requests for a path an earlier 103 listed
//   status:4xx          the stream's response status (200, 4xx, 2xx|304)
//   path:~regex         the stream's path (or the promised one) matches; path:text = contains
//   anything else       the frame's summary contains it (case-insensitive)
// Clauses are ANDed; "|" ORs values inside one clause; a leading "!" negates.
//
// The Requests view reads the same language of a request (matchesRequest),
// and one clause more: conn:4 (conn:4|7) keeps the requests of those
// connections (the frame table always shows one connection's frames):
// stream, pushed, status and path as above; type:css|javascript matches the
// response's content type; free text matches the request's own text (its
// method, path, status, type and client); dir: and flags: are about frames
// and leave requests alone (frameOnlyClauses() says whether there are any).

#include "inspect/connectionindex.h"

#include <QRegularExpression>
#include <QString>
#include <QStringList>

#include <vector>

namespace h2scope::ui {

class FrameFilter final {
public:
    FrameFilter() = default;

    // A filter for `text`. On a syntax error the filter is empty (matches
    // everything) and error() says what is wrong, for the user.
    // `forRequests`: the Requests view's reading, where type: names content
    // types (any word), not frame types.
    static FrameFilter parse(const QString &text, bool forRequests = false);

    bool isEmpty() const noexcept { return m_clauses.empty(); }
    const QString &error() const noexcept { return m_error; }
    const QString &text() const noexcept { return m_text; }

    // `stream` is the index's summary of the frame's stream, or null (stream 0, unknown).
    // For PUSH_PROMISE, `promised` is the summary of the promised stream, or null.
    bool matches(const inspect::FrameEvent &frame, const inspect::StreamSummary *stream,
                 const inspect::StreamSummary *promised = nullptr) const;

    // A request: `text` is what free-text clauses search (lower case).
    bool matchesRequest(const inspect::StreamSummary &stream, const QString &text,
                        std::uint64_t connectionId = 0) const;
    bool frameOnlyClauses() const;

    // Tokens offered by the completer.
    static QStringList vocabulary();

private:
    enum class Key { Stream, Connection, Type, Dir, Flags, Pushed, Hinted, Status, Path, Text };
    struct Clause {
        Key key = Key::Text;
        bool negate = false;
        QStringList values; // upper-cased for Type/Flags, lower-cased for Text
        std::vector<long long> numbers;
        QRegularExpression regex; // Path with "~"
    };

    bool matchClause(const Clause &c, const inspect::FrameEvent &f, const inspect::StreamSummary *stream,
                     const inspect::StreamSummary *promised) const;

    std::vector<Clause> m_clauses;
    QString m_error;
    QString m_text;
};

} // namespace h2scope::ui
