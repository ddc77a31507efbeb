#pragma once
// JSON Lines export of inspector events: one JSON object per event, every
// field, so a saved capture can be reopened with full fidelity.
//
// Common members: "t" (steady-clock ns), "conn" (connection id), "kind" — one
// of "connection-opened", "connection-closed", "frame", "stream-opened",
// "stream-closed", "http1-exchange", "notice" — then the event's own fields
// under their C++ names. Frames add readable companions that the reader
// ignores: "typeName", "flagNames", "errorName", settings' "name". Headers are
// [[name,value],...], settings [{"id","name","value"}], rawHeader lowercase hex.
// Bytes from the wire (header fields, paths, debug data, reasons) are JSON
// strings when they are valid UTF-8, else {"base64": "..."} in their place,
// so that every JSON reader gets them back exactly. Reading is nlohmann's
// (standard JSON: "\u00e9" is é), and takes both forms.

#include "event.h"
#include "result.h"

#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::inspect {

// One line, without the trailing newline. Any thread.
std::string toJsonLine(const Event &event);
// The same line appended to `out`.
void appendJsonLine(std::string &out, const Event &event);

// Reads a line written by toJsonLine (a trailing "\r" or "\n" is tolerated).
// Members missing from the object take their default values; unknown members
// are ignored. Fails with Errc::InvalidArgument naming the problem (malformed
// JSON, unknown "kind", a member of the wrong type or out of range).
// Round trip: fromJsonLine(toJsonLine(e)).value() == e for every event. Any thread.
Result<Event> fromJsonLine(std::string_view line);

// Reads a whole .jsonl file (blank lines skipped). Fails with Errc::NotFound /
// Errc::Io if the file cannot be read, or Errc::InvalidArgument with the line
// number of the first bad line. Any thread.
Result<std::vector<Event>> readJsonLinesFile(const std::string &path);

// Appends events to a file, one line each. Not thread-safe: use it from the
// consumer thread that drains the hub.
class JsonLinesWriter final {
public:
    // Opens (creating) `path`; appends when `append`, else truncates. Fails
    // with Errc::NotFound, Errc::PermissionDenied or Errc::Io and a message
    // naming the file and the system's reason.
    static Result<JsonLinesWriter> open(const std::string &path, bool append = true);

    JsonLinesWriter(JsonLinesWriter &&) noexcept = default;
    JsonLinesWriter &operator=(JsonLinesWriter &&) noexcept = default;
    ~JsonLinesWriter() = default;

    // Fail with Errc::Io when the write fails (disk full, ...).
    Result<void> write(const Event &event);
    Result<void> write(const std::vector<Event> &events);
    Result<void> flush();

    const std::string &path() const noexcept { return m_path; }
    std::uint64_t linesWritten() const noexcept { return m_lines; }

private:
    struct FileCloser {
        void operator()(std::FILE *f) const noexcept;
    };

    JsonLinesWriter(std::unique_ptr<std::FILE, FileCloser> file, std::string path);
    Result<void> write(std::span<const Event> events);

    std::unique_ptr<std::FILE, FileCloser> m_file;
    std::string m_path;
    std::uint64_t m_lines = 0;
    std::string m_batch; // write(events)'s lines, reused
};

} // namespace h2scope::inspect
