#include "jsonlines.h"

#include "base64.h"
#include "jsonread.h"
#include "jsonwriter.h"
#include "text.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <type_traits>
#include <utility>

namespace h2scope::inspect {

namespace {

// ---- writing ----

void writeHeaders(JsonWriter &w, std::string_view key, const HeaderBlock &headers)
{
    w.key(key).beginArray();
    for (const HeaderView h : headers)
        w.beginArray().bytes(h.name).bytes(h.value).endArray();
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
    w.key("peer").bytes(d.peer).key("local").bytes(d.local).key("tls").boolean(d.tls);
    w.key("tlsVersion").bytes(d.tlsVersion).key("cipher").bytes(d.cipher).key("alpn").bytes(d.alpn);
    w.key("sni").bytes(d.sni).key("group").bytes(d.group).key("resumed").boolean(d.resumed);
    w.key("handshakeNs").unum(d.handshakeNs).key("protocol").bytes(d.protocol);
}

void writeFields(JsonWriter &w, const ConnectionClosed &d)
{
    w.key("kind").str("connection-closed");
    w.key("reason").bytes(d.reason).key("goawayCode").num(d.goawayCode);
    if (d.goawayCode >= 0)
        w.key("goawayName").str(errorCodeName(static_cast<std::uint32_t>(d.goawayCode)));
    w.key("lastStreamId").num(d.lastStreamId).key("bytesIn").unum(d.bytesIn).key("bytesOut").unum(d.bytesOut);
    w.key("streams").unum(d.streams);
}

void writeFields(JsonWriter &w, const FrameEvent &d)
{
    w.key("kind").str("frame");
    w.key("dir").bytes(d.dir == Direction::In ? "in" : "out");
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
    w.key("opaque").unum(d.opaque).key("debugData").bytes(d.debugData).key("hdCategory").num(d.hdCategory);
    w.key("priorityDependency").num(d.priorityDependency).key("priorityWeight").unum(d.priorityWeight);
    w.key("priorityExclusive").boolean(d.priorityExclusive);
    w.key("notSent").boolean(d.notSent).key("notSentReason").bytes(d.notSentReason);
    w.key("invalid").boolean(d.invalid).key("invalidReason").bytes(d.invalidReason);
    w.key("incomplete").boolean(d.incomplete);
    w.key("connLocalWindow").num(d.connLocalWindow).key("connRemoteWindow").num(d.connRemoteWindow);
    w.key("streamLocalWindow").num(d.streamLocalWindow).key("streamRemoteWindow").num(d.streamRemoteWindow);
}

void writeFields(JsonWriter &w, const StreamOpened &d)
{
    w.key("kind").str("stream-opened");
    w.key("streamId").num(d.streamId).key("method").bytes(d.method).key("scheme").bytes(d.scheme);
    w.key("authority").bytes(d.authority).key("path").bytes(d.path);
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
    w.key("note").bytes(d.note);
    if (d.decodedBytes)
        w.key("decodedBytes").unum(d.decodedBytes);
}

void writeFields(JsonWriter &w, const Http1Exchange &d)
{
    w.key("kind").str("http1-exchange");
    w.key("method").bytes(d.method).key("target").bytes(d.target).key("version").bytes(d.version);
    writeHeaders(w, "requestHeaders", d.requestHeaders);
    w.key("status").num(d.status);
    writeHeaders(w, "responseHeaders", d.responseHeaders);
    w.key("bodyBytes").unum(d.bodyBytes).key("durationNs").unum(d.durationNs).key("startNs").unum(d.startNs);
    w.key("sequence").unum(d.sequence).key("note").bytes(d.note);
    if (d.decodedBytes)
        w.key("decodedBytes").unum(d.decodedBytes);
}

void writeFields(JsonWriter &w, const Notice &d)
{
    w.key("kind").str("notice");
    w.key("code").bytes(d.code).key("text").bytes(d.text).key("streamId").num(d.streamId);
}

void writeFields(JsonWriter &w, const PushOutcome &d)
{
    w.key("kind").str("push-outcome");
    w.key("promisedStreamId").num(d.promisedStreamId).key("parentStreamId").num(d.parentStreamId);
    w.key("path").bytes(d.path).key("outcome").bytes(d.outcome).key("detail").bytes(d.detail);
    w.key("resetAtNs").unum(d.resetAtNs).key("bodyBytes").unum(d.bodyBytes);
}

// ---- reading ----

// Reads members of one object into fields; remembers the first problem.
class FieldReader {
public:
    explicit FieldReader(const Json &object) : m_obj(object) {}

    const Json *member(const char *key) const
    {
        const auto it = m_obj.find(key);
        return it == m_obj.end() ? nullptr : &*it;
    }

    template <typename T> void integer(const char *key, T &out)
    {
        const Json *v = member(key);
        if (!v)
            return;
        if constexpr (std::is_signed_v<T>) {
            const bool fits = v->is_number_integer()
                              && (v->is_number_unsigned() ? std::in_range<T>(v->get<std::uint64_t>())
                                                          : std::in_range<T>(v->get<std::int64_t>()));
            if (fits)
                out = v->is_number_unsigned() ? static_cast<T>(v->get<std::uint64_t>())
                                              : static_cast<T>(v->get<std::int64_t>());
            else
                problem(key, "an integer in range");
        } else {
            if (v->is_number_unsigned() && std::in_range<T>(v->get<std::uint64_t>()))
                out = static_cast<T>(v->get<std::uint64_t>());
            else
                problem(key, "a non-negative integer in range");
        }
    }

    // A string, or bytes that are not UTF-8 as {"base64": "..."}
    // (JsonWriter::bytes()).
    static std::optional<std::string> text(const Json &v)
    {
        if (v.is_string())
            return v.get<std::string>();
        if (v.is_object() && v.size() == 1 && v.contains("base64") && v["base64"].is_string())
            return base64Decode(v["base64"].get_ref<const std::string &>());
        return std::nullopt;
    }

    void string(const char *key, std::string &out)
    {
        if (const Json *v = member(key)) {
            if (auto t = text(*v))
                out = std::move(*t);
            else
                problem(key, "a string");
        }
    }

    void boolean(const char *key, bool &out)
    {
        if (const Json *v = member(key)) {
            if (v->is_boolean())
                out = v->get<bool>();
            else
                problem(key, "true or false");
        }
    }

    void headers(const char *key, HeaderBlock &out)
    {
        const Json *v = member(key);
        if (!v)
            return;
        if (!v->is_array())
            return problem(key, "an array of [name, value] pairs");
        HeaderBlock::Builder fields;
        for (const Json &pair : *v) {
            std::optional<std::string> name, value;
            if (pair.is_array() && pair.size() == 2) {
                name = text(pair[0]);
                value = text(pair[1]);
            }
            if (!name || !value)
                return problem(key, "an array of [name, value] pairs");
            fields.add(*name, *value);
        }
        out = fields.build();
    }

    void settings(const char *key, std::vector<std::pair<std::uint16_t, std::uint32_t>> &out)
    {
        const Json *v = member(key);
        if (!v)
            return;
        if (!v->is_array())
            return problem(key, "an array of {id, value} objects");
        out.clear();
        for (const Json &item : *v) {
            if (!item.is_object())
                return problem(key, "an array of {id, value} objects");
            FieldReader r(item);
            std::uint16_t id = 0;
            std::uint32_t value = 0;
            r.integer("id", id);
            r.integer("value", value);
            if (!r.error().empty())
                return problem(key, "an array of {id, value} objects");
            out.emplace_back(id, value);
        }
    }

    void rawHeader(const char *key, std::array<std::uint8_t, 9> &out)
    {
        const Json *v = member(key);
        if (!v)
            return;
        const auto nibble = [](char c) { return hexDigitValue(c); };
        if (!v->is_string() || v->get_ref<const std::string &>().size() != 18)
            return problem(key, "18 hex digits");
        const std::string &hex = v->get_ref<const std::string &>();
        for (std::size_t i = 0; i < 9; ++i) {
            const int hi = nibble(hex[2 * i]);
            const int lo = nibble(hex[2 * i + 1]);
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
    const Json &m_obj;
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

void readFields(FieldReader &r, FrameEvent &d)
{
    if (const Json *dir = r.member("dir")) {
        if (dir->is_string() && (*dir == "in" || *dir == "out"))
            d.dir = *dir == "in" ? Direction::In : Direction::Out;
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
    r.integer("priorityDependency", d.priorityDependency);
    r.integer("priorityWeight", d.priorityWeight);
    r.boolean("priorityExclusive", d.priorityExclusive);
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
    r.integer("decodedBytes", d.decodedBytes);
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
    r.integer("decodedBytes", d.decodedBytes);
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
    Result<Json> parsed = parseJsonText(line);
    if (!parsed)
        return badLine(parsed.error().message);
    const Json &obj = *parsed;
    if (!obj.is_object())
        return badLine("the line is not a JSON object");

    const auto kindIt = obj.find("kind");
    if (kindIt == obj.end() || !kindIt->is_string())
        return badLine("member \"kind\" is missing");
    if (!obj.contains("t") || !obj.contains("conn"))
        return badLine("member \"t\" or \"conn\" is missing");

    Event event;
    FieldReader r(obj);
    r.integer("t", event.timeNs);
    r.integer("conn", event.connectionId);

    const auto readAs = [&](auto value) {
        readFields(r, value);
        event.data = std::move(value);
    };
    const std::string &k = kindIt->get_ref<const std::string &>();
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
{}

Result<JsonLinesWriter> JsonLinesWriter::open(const std::string &path, bool append)
{
    errno = 0;
    std::unique_ptr<std::FILE, FileCloser> file(std::fopen(path.c_str(), append ? "ab" : "wb"));
    if (!file) {
        const int err = errno;
        const Errc code = err == ENOENT                     ? Errc::NotFound
                          : (err == EACCES || err == EPERM) ? Errc::PermissionDenied
                                                            : Errc::Io;
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
