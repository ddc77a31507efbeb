#include "jsonlines.h"

#include "jsonvalue.h"
#include "jsonwriter.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <type_traits>
#include <utility>

namespace h2scope::inspect {

namespace {

// ---- writing ----

void writeHeaders(JsonWriter &w, std::string_view key, const HeaderBlock &headers)
{
    w.key(key).beginArray();
    for (const HeaderView h : headers)
        w.beginArray().str(h.name).str(h.value).endArray();
    w.endArray();
}

std::string toHex(const std::array<std::uint8_t, 9> &bytes)
{
    static const char digits[] = "0123456789abcdef";
    std::string out;
    for (std::uint8_t b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0xf];
    }
    return out;
}

void writeFields(JsonWriter &w, const ConnectionOpened &d)
{
    w.key("kind").str("connection-opened");
    w.key("peer").str(d.peer).key("local").str(d.local).key("tls").boolean(d.tls);
    w.key("tlsVersion").str(d.tlsVersion).key("cipher").str(d.cipher).key("alpn").str(d.alpn);
    w.key("sni").str(d.sni).key("group").str(d.group).key("resumed").boolean(d.resumed);
    w.key("handshakeNs").unum(d.handshakeNs).key("protocol").str(d.protocol);
}

void writeFields(JsonWriter &w, const ConnectionClosed &d)
{
    w.key("kind").str("connection-closed");
    w.key("reason").str(d.reason).key("goawayCode").num(d.goawayCode);
    if (d.goawayCode >= 0)
        w.key("goawayName").str(errorCodeName(static_cast<std::uint32_t>(d.goawayCode)));
    w.key("lastStreamId").num(d.lastStreamId).key("bytesIn").unum(d.bytesIn).key("bytesOut").unum(d.bytesOut);
    w.key("streams").unum(d.streams);
}

void writeFields(JsonWriter &w, const FrameEvent &d)
{
    w.key("kind").str("frame");
    w.key("dir").str(d.dir == Direction::In ? "in" : "out");
    w.key("type").unum(d.type).key("typeName").str(frameTypeName(d.type));
    w.key("flags").unum(d.flags).key("flagNames").beginArray();
    const std::string names = frameFlagsText(d.type, d.flags);
    for (std::size_t from = 0; from < names.size();) {
        const std::size_t bar = std::min(names.find('|', from), names.size());
        w.str(std::string_view(names).substr(from, bar - from));
        from = bar + 1;
    }
    w.endArray();
    w.key("streamId").num(d.streamId).key("length").unum(d.length).key("padding").unum(d.padding);
    w.key("rawHeader").str(toHex(d.rawHeader));
    writeHeaders(w, "headers", d.headers);
    w.key("headerBlockDecodedSize").unum(d.headerBlockDecodedSize);
    w.key("settings").beginArray();
    for (const auto &[id, value] : d.settings)
        w.beginObject().key("id").unum(id).key("name").str(settingName(id)).key("value").unum(value).endObject();
    w.endArray();
    w.key("windowIncrement").unum(d.windowIncrement);
    w.key("errorCode").unum(d.errorCode).key("errorName").str(errorCodeName(d.errorCode));
    w.key("promisedStreamId").num(d.promisedStreamId).key("lastStreamId").num(d.lastStreamId);
    w.key("opaque").unum(d.opaque).key("debugData").str(d.debugData).key("hdCategory").num(d.hdCategory);
    w.key("notSent").boolean(d.notSent).key("notSentReason").str(d.notSentReason);
    w.key("invalid").boolean(d.invalid).key("invalidReason").str(d.invalidReason);
    w.key("incomplete").boolean(d.incomplete);
    w.key("connLocalWindow").num(d.connLocalWindow).key("connRemoteWindow").num(d.connRemoteWindow);
    w.key("streamLocalWindow").num(d.streamLocalWindow).key("streamRemoteWindow").num(d.streamRemoteWindow);
}

void writeFields(JsonWriter &w, const StreamOpened &d)
{
    w.key("kind").str("stream-opened");
    w.key("streamId").num(d.streamId).key("method").str(d.method).key("scheme").str(d.scheme);
    w.key("authority").str(d.authority).key("path").str(d.path);
    writeHeaders(w, "headers", d.headers);
    w.key("pushed").boolean(d.pushed).key("parentStreamId").num(d.parentStreamId);
}

void writeFields(JsonWriter &w, const StreamClosed &d)
{
    w.key("kind").str("stream-closed");
    w.key("streamId").num(d.streamId).key("status").num(d.status);
    writeHeaders(w, "responseHeaders", d.responseHeaders);
    w.key("bodyBytes").unum(d.bodyBytes).key("durationNs").unum(d.durationNs);
    w.key("errorCode").unum(d.errorCode).key("errorName").str(errorCodeName(d.errorCode));
    w.key("note").str(d.note);
}

void writeFields(JsonWriter &w, const Http1Exchange &d)
{
    w.key("kind").str("http1-exchange");
    w.key("method").str(d.method).key("target").str(d.target).key("version").str(d.version);
    writeHeaders(w, "requestHeaders", d.requestHeaders);
    w.key("status").num(d.status);
    writeHeaders(w, "responseHeaders", d.responseHeaders);
    w.key("bodyBytes").unum(d.bodyBytes).key("durationNs").unum(d.durationNs).key("startNs").unum(d.startNs);
    w.key("sequence").unum(d.sequence).key("note").str(d.note);
}

void writeFields(JsonWriter &w, const Notice &d)
{
    w.key("kind").str("notice");
    w.key("code").str(d.code).key("text").str(d.text).key("streamId").num(d.streamId);
}

void writeFields(JsonWriter &w, const PushOutcome &d)
{
    w.key("kind").str("push-outcome");
    w.key("promisedStreamId").num(d.promisedStreamId).key("parentStreamId").num(d.parentStreamId);
    w.key("path").str(d.path).key("outcome").str(d.outcome).key("detail").str(d.detail);
    w.key("resetAtNs").unum(d.resetAtNs).key("bodyBytes").unum(d.bodyBytes);
}

// ---- reading ----

// Reads members of one object into fields; remembers the first problem.
class FieldReader {
public:
    explicit FieldReader(const JsonValue &object) : m_obj(object) {}

    template <typename T>
    void integer(const char *key, T &out)
    {
        const JsonValue *v = m_obj.member(key);
        if (!v)
            return;
        if constexpr (std::is_signed_v<T>) {
            const auto n = v->asSigned();
            if (n && std::in_range<T>(*n))
                out = static_cast<T>(*n);
            else
                problem(key, "an integer in range");
        } else {
            const auto n = v->asUnsigned();
            if (n && std::in_range<T>(*n))
                out = static_cast<T>(*n);
            else
                problem(key, "a non-negative integer in range");
        }
    }

    void string(const char *key, std::string &out)
    {
        if (const JsonValue *v = m_obj.member(key)) {
            if (v->kind == JsonValue::Kind::String)
                out = v->text;
            else
                problem(key, "a string");
        }
    }

    void boolean(const char *key, bool &out)
    {
        if (const JsonValue *v = m_obj.member(key)) {
            if (v->kind == JsonValue::Kind::Bool)
                out = v->boolean;
            else
                problem(key, "true or false");
        }
    }

    void headers(const char *key, HeaderBlock &out)
    {
        const JsonValue *v = m_obj.member(key);
        if (!v)
            return;
        if (v->kind != JsonValue::Kind::Array)
            return problem(key, "an array of [name, value] pairs");
        HeaderBlock::Builder fields;
        for (const JsonValue &pair : v->items) {
            if (pair.kind != JsonValue::Kind::Array || pair.items.size() != 2
                || pair.items[0].kind != JsonValue::Kind::String || pair.items[1].kind != JsonValue::Kind::String)
                return problem(key, "an array of [name, value] pairs");
            fields.add(pair.items[0].text, pair.items[1].text);
        }
        out = fields.build();
    }

    void settings(const char *key, std::vector<std::pair<std::uint16_t, std::uint32_t>> &out)
    {
        const JsonValue *v = m_obj.member(key);
        if (!v)
            return;
        if (v->kind != JsonValue::Kind::Array)
            return problem(key, "an array of {id, value} objects");
        out.clear();
        for (const JsonValue &item : v->items) {
            FieldReader r(item);
            std::uint16_t id = 0;
            std::uint32_t value = 0;
            r.integer("id", id);
            r.integer("value", value);
            if (item.kind != JsonValue::Kind::Object || !r.error().empty())
                return problem(key, "an array of {id, value} objects");
            out.emplace_back(id, value);
        }
    }

    void rawHeader(const char *key, std::array<std::uint8_t, 9> &out)
    {
        const JsonValue *v = m_obj.member(key);
        if (!v)
            return;
        const auto nibble = [](char c) -> int {
            if (c >= '0' && c <= '9')
                return c - '0';
            if (c >= 'a' && c <= 'f')
                return c - 'a' + 10;
            if (c >= 'A' && c <= 'F')
                return c - 'A' + 10;
            return -1;
        };
        if (v->kind != JsonValue::Kind::String || v->text.size() != 18)
            return problem(key, "18 hex digits");
        for (std::size_t i = 0; i < 9; ++i) {
            const int hi = nibble(v->text[2 * i]);
            const int lo = nibble(v->text[2 * i + 1]);
            if (hi < 0 || lo < 0)
                return problem(key, "18 hex digits");
            out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
        }
    }

    void problem(const char *key, const char *expected)
    {
        if (m_error.empty())
            m_error = std::string("member \"") + key + "\" must be " + expected;
    }

    const std::string &error() const { return m_error; }

private:
    const JsonValue &m_obj;
    std::string m_error;
};

void readFields(FieldReader &r, ConnectionOpened &d)
{
    r.string("peer", d.peer);
    r.string("local", d.local);
    r.boolean("tls", d.tls);
    r.string("tlsVersion", d.tlsVersion);
    r.string("cipher", d.cipher);
    r.string("alpn", d.alpn);
    r.string("sni", d.sni);
    r.string("group", d.group);
    r.boolean("resumed", d.resumed);
    r.integer("handshakeNs", d.handshakeNs);
    r.string("protocol", d.protocol);
}

void readFields(FieldReader &r, ConnectionClosed &d)
{
    r.string("reason", d.reason);
    r.integer("goawayCode", d.goawayCode);
    r.integer("lastStreamId", d.lastStreamId);
    r.integer("bytesIn", d.bytesIn);
    r.integer("bytesOut", d.bytesOut);
    r.integer("streams", d.streams);
}

void readFields(FieldReader &r, FrameEvent &d, const JsonValue &object)
{
    if (const JsonValue *dir = object.member("dir")) {
        if (dir->kind == JsonValue::Kind::String && (dir->text == "in" || dir->text == "out"))
            d.dir = dir->text == "in" ? Direction::In : Direction::Out;
        else
            r.problem("dir", "\"in\" or \"out\"");
    }
    r.integer("type", d.type);
    r.integer("flags", d.flags);
    r.integer("streamId", d.streamId);
    r.integer("length", d.length);
    r.integer("padding", d.padding);
    r.rawHeader("rawHeader", d.rawHeader);
    r.headers("headers", d.headers);
    r.integer("headerBlockDecodedSize", d.headerBlockDecodedSize);
    r.settings("settings", d.settings);
    r.integer("windowIncrement", d.windowIncrement);
    r.integer("errorCode", d.errorCode);
    r.integer("promisedStreamId", d.promisedStreamId);
    r.integer("lastStreamId", d.lastStreamId);
    r.integer("opaque", d.opaque);
    r.string("debugData", d.debugData);
    r.integer("hdCategory", d.hdCategory);
    r.boolean("notSent", d.notSent);
    r.string("notSentReason", d.notSentReason);
    r.boolean("invalid", d.invalid);
    r.string("invalidReason", d.invalidReason);
    r.boolean("incomplete", d.incomplete);
    r.integer("connLocalWindow", d.connLocalWindow);
    r.integer("connRemoteWindow", d.connRemoteWindow);
    r.integer("streamLocalWindow", d.streamLocalWindow);
    r.integer("streamRemoteWindow", d.streamRemoteWindow);
}

void readFields(FieldReader &r, StreamOpened &d)
{
    r.integer("streamId", d.streamId);
    r.string("method", d.method);
    r.string("scheme", d.scheme);
    r.string("authority", d.authority);
    r.string("path", d.path);
    r.headers("headers", d.headers);
    r.boolean("pushed", d.pushed);
    r.integer("parentStreamId", d.parentStreamId);
}

void readFields(FieldReader &r, StreamClosed &d)
{
    r.integer("streamId", d.streamId);
    r.integer("status", d.status);
    r.headers("responseHeaders", d.responseHeaders);
    r.integer("bodyBytes", d.bodyBytes);
    r.integer("durationNs", d.durationNs);
    r.integer("errorCode", d.errorCode);
    r.string("note", d.note);
}

void readFields(FieldReader &r, Http1Exchange &d)
{
    r.string("method", d.method);
    r.string("target", d.target);
    r.string("version", d.version);
    r.headers("requestHeaders", d.requestHeaders);
    r.integer("status", d.status);
    r.headers("responseHeaders", d.responseHeaders);
    r.integer("bodyBytes", d.bodyBytes);
    r.integer("durationNs", d.durationNs);
    r.integer("startNs", d.startNs);
    r.integer("sequence", d.sequence);
    r.string("note", d.note);
}

void readFields(FieldReader &r, Notice &d)
{
    r.string("code", d.code);
    r.string("text", d.text);
    r.integer("streamId", d.streamId);
}

void readFields(FieldReader &r, PushOutcome &d)
{
    r.integer("promisedStreamId", d.promisedStreamId);
    r.integer("parentStreamId", d.parentStreamId);
    r.string("path", d.path);
    r.string("outcome", d.outcome);
    r.string("detail", d.detail);
    r.integer("resetAtNs", d.resetAtNs);
    r.integer("bodyBytes", d.bodyBytes);
}

Error badLine(const std::string &what)
{
    return makeError(Errc::InvalidArgument, "not an h2scope event line: " + what);
}

} // namespace

void appendJsonLine(std::string &out, const Event &event)
{
    JsonWriter w(out);
    w.beginObject();
    w.key("t").unum(event.timeNs).key("conn").unum(event.connectionId);
    std::visit([&w](const auto &d) { writeFields(w, d); }, event.data);
    w.endObject();
}

std::string toJsonLine(const Event &event)
{
    std::string out;
    out.reserve(256);
    appendJsonLine(out, event);
    return out;
}

Result<Event> fromJsonLine(std::string_view line)
{
    while (!line.empty() && (line.back() == '\n' || line.back() == '\r'))
        line.remove_suffix(1);
    Result<JsonValue> parsed = parseJson(line);
    if (!parsed)
        return badLine(parsed.error().message);
    const JsonValue &obj = *parsed;
    if (obj.kind != JsonValue::Kind::Object)
        return badLine("the line is not a JSON object");

    const JsonValue *kind = obj.member("kind");
    if (!kind || kind->kind != JsonValue::Kind::String)
        return badLine("member \"kind\" is missing");
    if (!obj.member("t") || !obj.member("conn"))
        return badLine("member \"t\" or \"conn\" is missing");

    Event event;
    FieldReader r(obj);
    r.integer("t", event.timeNs);
    r.integer("conn", event.connectionId);

    const auto readAs = [&](auto value) {
        if constexpr (std::is_same_v<decltype(value), FrameEvent>)
            readFields(r, value, obj);
        else
            readFields(r, value);
        event.data = std::move(value);
    };
    const std::string &k = kind->text;
    if (k == "connection-opened")
        readAs(ConnectionOpened{});
    else if (k == "connection-closed")
        readAs(ConnectionClosed{});
    else if (k == "frame")
        readAs(FrameEvent{});
    else if (k == "stream-opened")
        readAs(StreamOpened{});
    else if (k == "stream-closed")
        readAs(StreamClosed{});
    else if (k == "http1-exchange")
        readAs(Http1Exchange{});
    else if (k == "notice")
        readAs(Notice{});
    else if (k == "push-outcome")
        readAs(PushOutcome{});
    else
        return badLine("unknown kind \"" + k + "\"");

    if (!r.error().empty())
        return badLine(r.error());
    return event;
}

Result<std::vector<Event>> readJsonLinesFile(const std::string &path)
{
    std::ifstream in(path, std::ios::binary);
    if (!in)
        return makeError(Errc::NotFound, "cannot open capture file " + path + ": check the path and permissions");
    std::vector<Event> events;
    std::string line;
    std::size_t lineNo = 0;
    while (std::getline(in, line)) {
        ++lineNo;
        if (line.find_first_not_of(" \t\r") == std::string::npos)
            continue;
        Result<Event> e = fromJsonLine(line);
        if (!e)
            return makeError(Errc::InvalidArgument,
                             path + " line " + std::to_string(lineNo) + ": " + e.error().message);
        events.push_back(std::move(e).value());
    }
    if (in.bad())
        return makeError(Errc::Io, "reading " + path + " failed part-way");
    return events;
}

// ---- JsonLinesWriter ----

void JsonLinesWriter::FileCloser::operator()(std::FILE *f) const noexcept
{
    if (f)
        std::fclose(f);
}

JsonLinesWriter::JsonLinesWriter(std::unique_ptr<std::FILE, FileCloser> file, std::string path)
    : m_file(std::move(file)), m_path(std::move(path))
{
}

Result<JsonLinesWriter> JsonLinesWriter::open(const std::string &path, bool append)
{
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), append ? "ab" : "wb"));
    if (!file) {
        const int err = errno;
        const Errc code = err == ENOENT ? Errc::NotFound : (err == EACCES || err == EPERM) ? Errc::PermissionDenied : Errc::Io;
        return makeError(code, "cannot open " + path + " for writing: " + (err ? std::strerror(err) : "unknown error")
                                   + "; choose a writable location");
    }
    return JsonLinesWriter(std::move(file), path);
}

Result<void> JsonLinesWriter::write(const Event &event)
{
    return write(std::span<const Event>(&event, 1));
}

Result<void> JsonLinesWriter::write(const std::vector<Event> &events)
{
    return write(std::span<const Event>(events));
}

Result<void> JsonLinesWriter::write(std::span<const Event> events)
{
    // The lines in one buffer, handed to the file at once.
    m_batch.clear();
    for (const Event &e : events) {
        appendJsonLine(m_batch, e);
        m_batch += '\n';
    }
    const bool written = std::fwrite(m_batch.data(), 1, m_batch.size(), m_file.get()) == m_batch.size();
    const int err = errno;
    // A burst's buffer is not kept for ever.
    if (m_batch.capacity() > (4u << 20))
        std::string().swap(m_batch);
    if (!written)
        return makeError(Errc::Io, "writing to " + m_path + " failed: " + std::strerror(err));
    m_lines += events.size();
    return {};
}

Result<void> JsonLinesWriter::flush()
{
    if (std::fflush(m_file.get()) != 0)
        return makeError(Errc::Io, "writing to " + m_path + " failed: " + std::strerror(errno));
    return {};
}

} // namespace h2scope::inspect
