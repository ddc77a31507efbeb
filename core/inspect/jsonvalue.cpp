#include "jsonvalue.h"

#include <charconv>

namespace h2scope::inspect {

namespace {

constexpr int maxDepth = 64;

class Parser {
public:
    explicit Parser(std::string_view text) : m_s(text) {}

    Result<JsonValue> parseDocument()
    {
        JsonValue v;
        if (!parseValue(v, 0))
            return failure();
        skipSpace();
        if (m_pos != m_s.size()) {
            fail("unexpected text after the JSON value");
            return failure();
        }
        return v;
    }

private:
    Error failure() const
    {
        return makeError(Errc::InvalidArgument,
                         "malformed JSON at byte " + std::to_string(m_errorPos) + ": " + m_error);
    }

    bool fail(const char *what)
    {
        if (m_error.empty()) {
            m_error = what;
            m_errorPos = m_pos;
        }
        return false;
    }

    void skipSpace()
    {
        while (m_pos < m_s.size() && (m_s[m_pos] == ' ' || m_s[m_pos] == '\t' || m_s[m_pos] == '\n' || m_s[m_pos] == '\r'))
            ++m_pos;
    }

    bool literal(std::string_view word)
    {
        if (m_s.substr(m_pos, word.size()) != word)
            return fail("unknown literal");
        m_pos += word.size();
        return true;
    }

    bool parseValue(JsonValue &v, int depth)
    {
        if (depth > maxDepth)
            return fail("nesting too deep");
        skipSpace();
        if (m_pos >= m_s.size())
            return fail("unexpected end of input");
        switch (m_s[m_pos]) {
        case '{': return parseObject(v, depth);
        case '[': return parseArray(v, depth);
        case '"':
            v.kind = JsonValue::Kind::String;
            return parseString(v.text);
        case 't':
            v.kind = JsonValue::Kind::Bool;
            v.boolean = true;
            return literal("true");
        case 'f':
            v.kind = JsonValue::Kind::Bool;
            v.boolean = false;
            return literal("false");
        case 'n':
            v.kind = JsonValue::Kind::Null;
            return literal("null");
        default: return parseNumber(v);
        }
    }

    bool parseObject(JsonValue &v, int depth)
    {
        v.kind = JsonValue::Kind::Object;
        ++m_pos; // '{'
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == '}') {
            ++m_pos;
            return true;
        }
        for (;;) {
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != '"')
                return fail("expected a member name");
            std::string name;
            if (!parseString(name))
                return false;
            skipSpace();
            if (m_pos >= m_s.size() || m_s[m_pos] != ':')
                return fail("expected ':'");
            ++m_pos;
            JsonValue member;
            if (!parseValue(member, depth + 1))
                return false;
            v.members.emplace_back(std::move(name), std::move(member));
            skipSpace();
            if (m_pos < m_s.size() && m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_s.size() && m_s[m_pos] == '}') {
                ++m_pos;
                return true;
            }
            return fail("expected ',' or '}'");
        }
    }

    bool parseArray(JsonValue &v, int depth)
    {
        v.kind = JsonValue::Kind::Array;
        ++m_pos; // '['
        skipSpace();
        if (m_pos < m_s.size() && m_s[m_pos] == ']') {
            ++m_pos;
            return true;
        }
        for (;;) {
            JsonValue item;
            if (!parseValue(item, depth + 1))
                return false;
            v.items.push_back(std::move(item));
            skipSpace();
            if (m_pos < m_s.size() && m_s[m_pos] == ',') {
                ++m_pos;
                continue;
            }
            if (m_pos < m_s.size() && m_s[m_pos] == ']') {
                ++m_pos;
                return true;
            }
            return fail("expected ',' or ']'");
        }
    }

    bool hex4(std::uint32_t &out)
    {
        if (m_pos + 4 > m_s.size())
            return fail("truncated \\u escape");
        out = 0;
        for (int k = 0; k < 4; ++k) {
            const char c = m_s[m_pos++];
            out <<= 4;
            if (c >= '0' && c <= '9')
                out |= static_cast<std::uint32_t>(c - '0');
            else if (c >= 'a' && c <= 'f')
                out |= static_cast<std::uint32_t>(c - 'a' + 10);
            else if (c >= 'A' && c <= 'F')
                out |= static_cast<std::uint32_t>(c - 'A' + 10);
            else
                return fail("bad hex digit in \\u escape");
        }
        return true;
    }

    static void appendUtf8(std::string &out, std::uint32_t cp)
    {
        if (cp < 0x800) {
            out += static_cast<char>(0xc0 | (cp >> 6));
        } else if (cp < 0x10000) {
            out += static_cast<char>(0xe0 | (cp >> 12));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        } else {
            out += static_cast<char>(0xf0 | (cp >> 18));
            out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
            out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        }
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }

    bool parseString(std::string &out)
    {
        ++m_pos; // opening quote
        while (m_pos < m_s.size()) {
            const char c = m_s[m_pos++];
            if (c == '"')
                return true;
            if (static_cast<unsigned char>(c) < 0x20)
                return fail("control character inside a string");
            if (c != '\\') {
                out += c;
                continue;
            }
            if (m_pos >= m_s.size())
                break;
            const char e = m_s[m_pos++];
            switch (e) {
            case '"': out += '"'; break;
            case '\\': out += '\\'; break;
            case '/': out += '/'; break;
            case 'b': out += '\b'; break;
            case 'f': out += '\f'; break;
            case 'n': out += '\n'; break;
            case 'r': out += '\r'; break;
            case 't': out += '\t'; break;
            case 'u': {
                std::uint32_t cp = 0;
                if (!hex4(cp))
                    return false;
                if (cp < 0x100) {
                    // Our writer's escape for a single raw byte (see header).
                    out += static_cast<char>(cp);
                    break;
                }
                if (cp >= 0xd800 && cp <= 0xdbff) {
                    std::uint32_t low = 0;
                    if (m_s.substr(m_pos, 2) != "\\u")
                        return fail("unpaired surrogate");
                    m_pos += 2;
                    if (!hex4(low))
                        return false;
                    if (low < 0xdc00 || low > 0xdfff)
                        return fail("unpaired surrogate");
                    cp = 0x10000 + ((cp - 0xd800) << 10) + (low - 0xdc00);
                } else if (cp >= 0xdc00 && cp <= 0xdfff) {
                    return fail("unpaired surrogate");
                }
                appendUtf8(out, cp);
                break;
            }
            default: return fail("unknown escape");
            }
        }
        return fail("unterminated string");
    }

    bool parseNumber(JsonValue &v)
    {
        const std::size_t start = m_pos;
        const auto digits = [this] {
            const std::size_t from = m_pos;
            while (m_pos < m_s.size() && m_s[m_pos] >= '0' && m_s[m_pos] <= '9')
                ++m_pos;
            return m_pos > from;
        };
        if (m_pos < m_s.size() && m_s[m_pos] == '-')
            ++m_pos;
        if (m_pos < m_s.size() && m_s[m_pos] == '0')
            ++m_pos;
        else if (!digits())
            return fail("unexpected character");
        if (m_pos < m_s.size() && m_s[m_pos] == '.') {
            ++m_pos;
            if (!digits())
                return fail("digits expected after '.'");
        }
        if (m_pos < m_s.size() && (m_s[m_pos] == 'e' || m_s[m_pos] == 'E')) {
            ++m_pos;
            if (m_pos < m_s.size() && (m_s[m_pos] == '+' || m_s[m_pos] == '-'))
                ++m_pos;
            if (!digits())
                return fail("digits expected in exponent");
        }
        v.kind = JsonValue::Kind::Number;
        v.text.assign(m_s.substr(start, m_pos - start));
        return true;
    }

    std::string_view m_s;
    std::size_t m_pos = 0;
    std::string m_error;
    std::size_t m_errorPos = 0;
};

template <typename T>
std::optional<T> toInteger(const JsonValue &v)
{
    if (v.kind != JsonValue::Kind::Number)
        return std::nullopt;
    T out{};
    const char *begin = v.text.data();
    const char *end = begin + v.text.size();
    const auto res = std::from_chars(begin, end, out);
    if (res.ec != std::errc() || res.ptr != end)
        return std::nullopt;
    return out;
}

} // namespace

const JsonValue *JsonValue::member(std::string_view name) const
{
    for (const auto &m : members)
        if (m.first == name)
            return &m.second;
    return nullptr;
}

std::optional<std::uint64_t> JsonValue::asUnsigned() const
{
    return toInteger<std::uint64_t>(*this);
}

std::optional<std::int64_t> JsonValue::asSigned() const
{
    return toInteger<std::int64_t>(*this);
}

Result<JsonValue> parseJson(std::string_view text)
{
    return Parser(text).parseDocument();
}

} // namespace h2scope::inspect
