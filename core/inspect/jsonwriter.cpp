#include "jsonwriter.h"

#include "base64.h"

#include <charconv>
#include <cstdio>
#include <optional>

namespace h2scope::inspect {

namespace {

void appendEscapedByte(std::string &out, unsigned char byte)
{
    static const char hex[] = "0123456789abcdef";
    out += "\\u00";
    out += hex[byte >> 4];
    out += hex[byte & 0xf];
}

// Length of the valid UTF-8 sequence starting at s[i], or 0 if the bytes
// there are not one (overlong forms, surrogates and > U+10FFFF included).
std::size_t validUtf8Length(std::string_view s, std::size_t i)
{
    const auto at = [&s](std::size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char b0 = at(i);
    std::size_t len = 0;
    std::uint32_t cp = 0;
    if (b0 >= 0xc2 && b0 <= 0xdf) {
        len = 2;
        cp = b0 & 0x1f;
    } else if (b0 >= 0xe0 && b0 <= 0xef) {
        len = 3;
        cp = b0 & 0x0f;
    } else if (b0 >= 0xf0 && b0 <= 0xf4) {
        len = 4;
        cp = b0 & 0x07;
    } else {
        return 0;
    }
    if (i + len > s.size())
        return 0;
    for (std::size_t k = 1; k < len; ++k) {
        const unsigned char b = at(i + k);
        if ((b & 0xc0) != 0x80)
            return 0;
        cp = (cp << 6) | (b & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        return 0;
    return len;
}

} // namespace

bool appendJsonString(std::string &out, std::string_view s)
{
    bool valid = true;
    // Bytes that stand for themselves in a JSON string go out a run at a
    // time; names and most values are one run.
    const auto plain = [](unsigned char c) { return c >= 0x20 && c < 0x80 && c != '"' && c != '\\'; };
    out += '"';
    std::size_t i = 0;
    while (i < s.size()) {
        std::size_t end = i;
        while (end < s.size() && plain(static_cast<unsigned char>(s[end])))
            ++end;
        out.append(s.data() + i, end - i);
        if (end == s.size())
            break;
        i = end;
        const auto c = static_cast<unsigned char>(s[i]);
        if (c < 0x80) {
            switch (c) {
            case '"': out += "\\\""; break;
            case '\\': out += "\\\\"; break;
            case '\n': out += "\\n"; break;
            case '\r': out += "\\r"; break;
            case '\t': out += "\\t"; break;
            case '\b': out += "\\b"; break;
            case '\f': out += "\\f"; break;
            default: appendEscapedByte(out, c); // the other control characters
            }
            ++i;
        } else if (const std::size_t len = validUtf8Length(s, i)) {
            out.append(s.substr(i, len));
            i += len;
        } else {
            out += "\xef\xbf\xbd"; // U+FFFD: every JSON reader reads the same text
            valid = false;
            ++i;
        }
    }
    out += '"';
    return valid;
}

void JsonWriter::separate()
{
    if (m_afterKey) {
        m_afterKey = false;
        return;
    }
    if (!m_first.empty()) {
        if (!m_first.back())
            m_out += ',';
        m_first.back() = false;
    }
}

JsonWriter &JsonWriter::beginObject()
{
    separate();
    m_out += '{';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endObject()
{
    m_out += '}';
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::beginArray()
{
    separate();
    m_out += '[';
    m_first.push_back(true);
    return *this;
}

JsonWriter &JsonWriter::endArray()
{
    m_out += ']';
    m_first.pop_back();
    return *this;
}

JsonWriter &JsonWriter::key(std::string_view name)
{
    separate();
    appendJsonString(m_out, name);
    m_out += ':';
    m_afterKey = true;
    return *this;
}

JsonWriter &JsonWriter::str(std::string_view s)
{
    separate();
    appendJsonString(m_out, s);
    return *this;
}

JsonWriter &JsonWriter::bytes(std::string_view s)
{
    separate();
    // One pass in the usual case: written as a string, taken back if it was
    // not UTF-8.
    const std::size_t start = m_out.size();
    if (appendJsonString(m_out, s))
        return *this;
    m_out.resize(start);
    m_out += "{\"base64\":\"";
    m_out += base64Encode(s);
    m_out += "\"}";
    return *this;
}

JsonWriter &JsonWriter::num(std::int64_t n)
{
    separate();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, n);
    m_out.append(buf, res.ptr);
    return *this;
}

JsonWriter &JsonWriter::unum(std::uint64_t n)
{
    separate();
    char buf[24];
    const auto res = std::to_chars(buf, buf + sizeof buf, n);
    m_out.append(buf, res.ptr);
    return *this;
}

JsonWriter &JsonWriter::boolean(bool b)
{
    separate();
    m_out += b ? "true" : "false";
    return *this;
}

JsonWriter &JsonWriter::null()
{
    separate();
    m_out += "null";
    return *this;
}

JsonWriter &JsonWriter::raw(std::string_view json)
{
    separate();
    m_out += json;
    return *this;
}

JsonWriter &JsonWriter::millis(std::int64_t micros)
{
    separate();
    if (micros < 0) {
        m_out += '-';
        micros = -micros;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%lld.%03lld", static_cast<long long>(micros / 1000),
                  static_cast<long long>(micros % 1000));
    m_out += buf;
    return *this;
}

} // namespace h2scope::inspect
