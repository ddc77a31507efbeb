#include "framelog.h"

#include <cstdarg>
#include <cstdio>
#include <string_view>
#include <type_traits>

namespace h2scope::inspect {

namespace {

// nghttp -v indents detail lines under the frame line by this much.
constexpr std::string_view indent = "          ";

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void appendf(std::string &out, const char *fmt, ...)
{
    char buf[512];
    va_list args;
    va_start(args, fmt);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, args);
    va_end(args);
    if (n > 0)
        out.append(buf, static_cast<std::size_t>(n) < sizeof buf ? static_cast<std::size_t>(n) : sizeof buf - 1);
}

// Peer-controlled text (header values, GOAWAY debug data) must not be able to
// forge log lines: control bytes are shown as \xNN.
void appendPrintable(std::string &out, std::string_view s)
{
    for (char ch : s) {
        const auto c = static_cast<unsigned char>(ch);
        if (c < 0x20 || c == 0x7f)
            appendf(out, "\\x%02x", c);
        else
            out += ch;
    }
}

std::string millisText(std::uint64_t ns)
{
    char buf[32];
    const double ms = static_cast<double>(ns) / 1e6;
    std::snprintf(buf, sizeof buf, ns >= 1000000 ? "%.1fms" : "%.3fms", ms);
    return buf;
}

void appendPrefix(std::string &out, const Event &e, std::uint64_t baseNs)
{
    const std::uint64_t rel = e.timeNs > baseNs ? e.timeNs - baseNs : 0;
    appendf(out, "[%3llu.%06llu] [conn %llu] ", static_cast<unsigned long long>(rel / 1000000000u),
            static_cast<unsigned long long>(rel % 1000000000u / 1000u),
            static_cast<unsigned long long>(e.connectionId));
}

void appendHeaders(std::string &out, const HeaderBlock &headers)
{
    for (const HeaderView h : headers) {
        out += indent;
        appendPrintable(out, h.name);
        out += ": ";
        appendPrintable(out, h.value);
        out += '\n';
    }
}

std::string errorText(std::uint32_t code)
{
    char buf[48];
    std::snprintf(buf, sizeof buf, "%s(0x%02x)", errorCodeName(code), code);
    return buf;
}

void formatFrame(std::string &out, const FrameEvent &f)
{
    const char *verb = f.dir == Direction::In ? "recv" : (f.notSent ? "unsent" : "send");
    const char *name = frameTypeName(f.type);
    out += verb;
    out += ' ';
    if (std::string_view(name) == "UNKNOWN")
        appendf(out, "UNKNOWN(0x%02x)", f.type);
    else
        out += name;
    appendf(out, " frame <length=%u, flags=0x%02x, stream_id=%d>\n", f.length, f.flags, f.streamId);

    const std::string flags = frameFlagsText(f.type, f.flags);
    if (!flags.empty()) {
        out += indent;
        out += "; ";
        for (char c : flags) {
            if (c == '|')
                out += " | ";
            else
                out += c;
        }
        out += '\n';
    }
    const bool padded = (f.flags & 0x08) && (f.type == 0x00 || f.type == 0x01 || f.type == 0x05);
    // As nghttp -v prints them: one line with the pad length and the priority fields.
    const auto priorityFields = [&f]() -> std::string {
        char buf[96];
        std::snprintf(buf, sizeof buf, "dep_stream_id=%d, weight=%u, exclusive=%d", f.priorityDependency,
                      static_cast<unsigned>(f.priorityWeight), f.priorityExclusive ? 1 : 0);
        return buf;
    };

    switch (f.type) {
    case 0x00: // DATA
        if (padded)
            appendf(out, "%.*s(padlen=%u)\n", int(indent.size()), indent.data(), f.padding);
        break;
    case 0x01: // HEADERS
        if (padded && f.priorityDependency >= 0)
            appendf(out, "%.*s(padlen=%u, %s)\n", int(indent.size()), indent.data(), f.padding,
                    priorityFields().c_str());
        else if (padded)
            appendf(out, "%.*s(padlen=%u)\n", int(indent.size()), indent.data(), f.padding);
        else if (f.priorityDependency >= 0)
            appendf(out, "%.*s(%s)\n", int(indent.size()), indent.data(), priorityFields().c_str());
        switch (f.hdCategory) {
        case 0: appendf(out, "%.*s; Open new stream\n", int(indent.size()), indent.data()); break;
        case 1: appendf(out, "%.*s; First response header\n", int(indent.size()), indent.data()); break;
        case 2: appendf(out, "%.*s; First push response header\n", int(indent.size()), indent.data()); break;
        default: break;
        }
        appendHeaders(out, f.headers);
        break;
    case 0x02: // PRIORITY
        if (f.priorityDependency >= 0)
            appendf(out, "%.*s(%s)\n", int(indent.size()), indent.data(), priorityFields().c_str());
        break;
    case 0x03: // RST_STREAM
        appendf(out, "%.*s(error_code=%s)\n", int(indent.size()), indent.data(), errorText(f.errorCode).c_str());
        break;
    case 0x04: // SETTINGS
        appendf(out, "%.*s(niv=%zu)\n", int(indent.size()), indent.data(), f.settings.size());
        for (const auto &[id, value] : f.settings) {
            const std::string_view sname = settingName(id);
            appendf(out, "%.*s[%s%s(0x%02x):%u]\n", int(indent.size()), indent.data(),
                    sname == "UNKNOWN" ? "" : "SETTINGS_", sname.data(), id, value);
        }
        break;
    case 0x05: // PUSH_PROMISE
        if (padded)
            appendf(out, "%.*s(padlen=%u, promised_stream_id=%d)\n", int(indent.size()), indent.data(), f.padding,
                    f.promisedStreamId);
        else
            appendf(out, "%.*s(promised_stream_id=%d)\n", int(indent.size()), indent.data(), f.promisedStreamId);
        appendHeaders(out, f.headers);
        break;
    case 0x06: // PING
        appendf(out, "%.*s(opaque_data=%016llx)\n", int(indent.size()), indent.data(),
                static_cast<unsigned long long>(f.opaque));
        break;
    case 0x07: // GOAWAY
        appendf(out, "%.*s(last_stream_id=%d, error_code=%s, opaque_data(%zu)=[", int(indent.size()), indent.data(),
                f.lastStreamId, errorText(f.errorCode).c_str(), f.debugData.size());
        appendPrintable(out, f.debugData);
        out += "])\n";
        break;
    case 0x08: // WINDOW_UPDATE
        appendf(out, "%.*s(window_size_increment=%u)\n", int(indent.size()), indent.data(), f.windowIncrement);
        break;
    default: break;
    }

    if (f.notSent) {
        out += indent;
        out += "(not sent: ";
        appendPrintable(out, f.notSentReason);
        out += ")\n";
    }
    if (f.invalid) {
        out += indent;
        out += "(invalid: ";
        appendPrintable(out, f.invalidReason);
        out += ")\n";
    }
    if (f.incomplete) {
        out += indent;
        out += "(cut off: the connection ended inside this frame)\n";
    }
}

void formatOpened(std::string &out, const ConnectionOpened &c)
{
    out += "connection opened ";
    appendPrintable(out, c.peer);
    if (c.tls) {
        out += ' ';
        out += c.tlsVersion.empty() ? "TLS" : c.tlsVersion;
        if (!c.cipher.empty())
            out += ' ' + c.cipher;
        out += " alpn=";
        out += c.alpn.empty() ? "none" : c.alpn;
        if (!c.sni.empty()) {
            out += " sni=";
            appendPrintable(out, c.sni);
        }
        out += " handshake=" + millisText(c.handshakeNs);
        if (!c.group.empty())
            out += " group=" + c.group;
        if (c.resumed)
            out += " resumed";
    } else {
        out += " cleartext";
    }
    if (!c.protocol.empty() && c.protocol != c.alpn)
        out += " protocol=" + c.protocol;
    if (!c.local.empty())
        out += " on " + c.local;
    out += '\n';
}

void formatClosed(std::string &out, const ConnectionClosed &c)
{
    out += "connection closed: ";
    appendPrintable(out, c.reason.empty() ? std::string_view("unknown reason") : std::string_view(c.reason));
    appendf(out, " (in=%llu B, out=%llu B, streams=%u", static_cast<unsigned long long>(c.bytesIn),
            static_cast<unsigned long long>(c.bytesOut), c.streams);
    if (c.goawayCode >= 0)
        appendf(out, ", goaway=%s, last_stream_id=%d", errorText(static_cast<std::uint32_t>(c.goawayCode)).c_str(),
                c.lastStreamId);
    out += ")\n";
}

std::string requestLine(const std::string &method, const std::string &path)
{
    std::string out;
    appendPrintable(out, method);
    out += ' ';
    appendPrintable(out, path);
    return out;
}

void formatStreamOpened(std::string &out, const StreamOpened &s)
{
    if (s.pushed)
        appendf(out, "stream %d promised by stream %d: ", s.streamId, s.parentStreamId);
    else
        appendf(out, "stream %d opened: ", s.streamId);
    out += requestLine(s.method, s.path);
    out += '\n';
}

void formatStreamClosed(std::string &out, const StreamClosed &s, const std::string *request)
{
    if (request)
        appendf(out, "stream %d %s -> ", s.streamId, request->c_str());
    else
        appendf(out, "stream %d closed -> ", s.streamId);
    if (s.status)
        appendf(out, "%d", s.status);
    else
        out += "no response";
    appendf(out, " (%llu B, %s)", static_cast<unsigned long long>(s.bodyBytes), millisText(s.durationNs).c_str());
    if (s.errorCode != 0)
        out += " reset=" + errorText(s.errorCode);
    if (!s.note.empty()) {
        out += " [";
        appendPrintable(out, s.note);
        out += ']';
    }
    out += '\n';
}

void formatExchange(std::string &out, const Http1Exchange &x)
{
    out += x.version.empty() ? "HTTP/1.1" : (x.version.rfind("HTTP/", 0) == 0 ? x.version : "HTTP/" + x.version);
    out += ' ' + requestLine(x.method, x.target) + " -> ";
    if (x.status)
        appendf(out, "%d", x.status);
    else
        out += "no response";
    appendf(out, " (%llu B, %s)", static_cast<unsigned long long>(x.bodyBytes), millisText(x.durationNs).c_str());
    if (!x.note.empty()) {
        out += " [";
        appendPrintable(out, x.note);
        out += ']';
    }
    out += '\n';
}

void formatNotice(std::string &out, const Notice &n)
{
    out += "notice ";
    appendPrintable(out, n.code);
    if (n.streamId)
        appendf(out, " (stream %d)", n.streamId);
    out += ": ";
    appendPrintable(out, n.text);
    out += '\n';
}

void formatPushOutcome(std::string &out, const PushOutcome &p)
{
    appendf(out, "push stream %d (promised on stream %d) ", p.promisedStreamId, p.parentStreamId);
    appendPrintable(out, p.path);
    out += ": ";
    appendPrintable(out, p.outcome);
    if (!p.detail.empty()) {
        out += " (";
        appendPrintable(out, p.detail);
        out += ')';
    }
    appendf(out, ", %llu B sent\n", static_cast<unsigned long long>(p.bodyBytes));
}

std::string format(const Event &event, std::uint64_t baseNs, const std::string *request)
{
    std::string out;
    appendPrefix(out, event, baseNs);
    std::visit(
        [&](const auto &d) {
            using T = std::decay_t<decltype(d)>;
            if constexpr (std::is_same_v<T, FrameEvent>)
                formatFrame(out, d);
            else if constexpr (std::is_same_v<T, ConnectionOpened>)
                formatOpened(out, d);
            else if constexpr (std::is_same_v<T, ConnectionClosed>)
                formatClosed(out, d);
            else if constexpr (std::is_same_v<T, StreamOpened>)
                formatStreamOpened(out, d);
            else if constexpr (std::is_same_v<T, StreamClosed>)
                formatStreamClosed(out, d, request);
            else if constexpr (std::is_same_v<T, Http1Exchange>)
                formatExchange(out, d);
            else if constexpr (std::is_same_v<T, PushOutcome>)
                formatPushOutcome(out, d);
            else
                formatNotice(out, d);
        },
        event.data);
    return out;
}

} // namespace

std::string formatEvent(const Event &event, std::uint64_t baseNs)
{
    return format(event, baseNs, nullptr);
}

std::string FrameLogFormatter::format(const Event &event)
{
    if (!m_haveBase) {
        m_baseNs = event.timeNs;
        m_haveBase = true;
    }
    if (const auto *opened = std::get_if<StreamOpened>(&event.data)) {
        m_requests[{event.connectionId, opened->streamId}] = requestLine(opened->method, opened->path);
    } else if (const auto *closed = std::get_if<StreamClosed>(&event.data)) {
        const auto it = m_requests.find({event.connectionId, closed->streamId});
        if (it != m_requests.end()) {
            std::string text = inspect::format(event, m_baseNs, &it->second);
            m_requests.erase(it);
            return text;
        }
    } else if (std::holds_alternative<ConnectionClosed>(event.data)) {
        // Streams that never reported closing must not pile up forever.
        m_requests.erase(m_requests.lower_bound({event.connectionId, INT32_MIN}),
                         m_requests.upper_bound({event.connectionId, INT32_MAX}));
    }
    return inspect::format(event, m_baseNs, nullptr);
}

} // namespace h2scope::inspect
