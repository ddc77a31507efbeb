#include "site/jsimports.h"

#include "site/httptokens.h"

#include <algorithm>
#include <cstdint>

namespace h2scope::site {

namespace {

enum class Kind : std::uint8_t { Name, String, Template, Number, Regex, Punct };

struct Token {
    Kind kind = Kind::Punct;
    std::string_view text;        // names and punctuators
    std::string value;            // strings, decoded
    bool closesCondition = false; // a ')' closing `if (`, `while (`, `for (`, `with (`: a regex may follow
};

bool isNameStart(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == '$' || c >= 0x80;
}

bool isNamePart(unsigned char c)
{
    return isNameStart(c) || (c >= '0' && c <= '9');
}

bool isDigit(unsigned char c)
{
    return c >= '0' && c <= '9';
}

void appendUtf8(std::string &out, std::uint32_t cp)
{
    if (cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
        cp = 0xfffd;
    if (cp < 0x80) {
        out += static_cast<char>(cp);
    } else if (cp < 0x800) {
        out += static_cast<char>(0xc0 | (cp >> 6));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else if (cp < 0x10000) {
        out += static_cast<char>(0xe0 | (cp >> 12));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    } else {
        out += static_cast<char>(0xf0 | (cp >> 18));
        out += static_cast<char>(0x80 | ((cp >> 12) & 0x3f));
        out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
        out += static_cast<char>(0x80 | (cp & 0x3f));
    }
}

// Names after which a '/' starts a regular expression, not a division.
bool precedesExpression(std::string_view name)
{
    static constexpr std::string_view kWords[] = {"return", "typeof", "instanceof", "in",     "of",     "new",
                                                  "delete", "void",   "throw",      "case",   "do",     "else",
                                                  "yield",  "await",  "extends",    "export", "default"};
    return std::find(std::begin(kWords), std::end(kWords), name) != std::end(kWords);
}

class Lexer {
public:
    explicit Lexer(std::string_view s) : m_s(s) {}

    std::vector<Token> run()
    {
        std::vector<Token> out;
        // What each open '{' belongs to: a block or object (false), or a
        // template's ${ (true).
        std::vector<bool> braces;
        // What each open '(' follows: a statement keyword (if, while, for, with) or not.
        std::vector<bool> parens;
        while (m_i < m_s.size()) {
            const unsigned char c = static_cast<unsigned char>(m_s[m_i]);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v') {
                ++m_i;
            } else if (c == '/' && next(1) == '/') {
                skipUntil("\n");
            } else if (c == '/' && next(1) == '*') {
                m_i += 2;
                skipUntil("*/");
            } else if (c == '\'' || c == '"') {
                Token t{Kind::String, {}, {}};
                if (!readString(static_cast<char>(c), t.value))
                    return out; // unterminated: nothing after it can be trusted
                out.push_back(std::move(t));
            } else if (c == '`') {
                ++m_i;
                if (readTemplate())
                    braces.push_back(true);
                out.push_back(Token{Kind::Template, {}, {}});
            } else if (c == '}' && !braces.empty() && braces.back()) {
                braces.pop_back();
                ++m_i;
                if (readTemplate()) // the template goes on after its ${ … }
                    braces.push_back(true);
                out.push_back(Token{Kind::Template, {}, {}});
            } else if (isNameStart(c)) {
                const std::size_t start = m_i;
                while (m_i < m_s.size() && isNamePart(static_cast<unsigned char>(m_s[m_i])))
                    ++m_i;
                out.push_back(Token{Kind::Name, m_s.substr(start, m_i - start), {}});
            } else if (isDigit(c) || (c == '.' && isDigit(static_cast<unsigned char>(next(1))))) {
                while (m_i < m_s.size() && (isNamePart(static_cast<unsigned char>(m_s[m_i])) || m_s[m_i] == '.'))
                    ++m_i;
                out.push_back(Token{Kind::Number, {}, {}});
            } else if (c == '/' && regexAllowed(out)) {
                readRegex();
                out.push_back(Token{Kind::Regex, {}, {}});
            } else {
                std::size_t n = 1;
                if ((c == '+' || c == '-') && next(1) == static_cast<char>(c))
                    n = 2; // ++ and --: a '/' after them divides
                bool closesCondition = false;
                if (c == '{') {
                    braces.push_back(false);
                } else if (c == '}' && !braces.empty()) {
                    braces.pop_back();
                } else if (c == '(') {
                    const bool keyword = !out.empty() && out.back().kind == Kind::Name
                                         && (out.back().text == "if" || out.back().text == "while"
                                             || out.back().text == "for" || out.back().text == "with");
                    parens.push_back(keyword);
                } else if (c == ')' && !parens.empty()) {
                    closesCondition = parens.back();
                    parens.pop_back();
                }
                out.push_back(Token{Kind::Punct, m_s.substr(m_i, n), {}, closesCondition});
                m_i += n;
            }
        }
        return out;
    }

private:
    char next(std::size_t ahead) const { return m_i + ahead < m_s.size() ? m_s[m_i + ahead] : '\0'; }

    void skipUntil(std::string_view end)
    {
        const std::size_t at = m_s.find(end, m_i);
        m_i = at == std::string_view::npos ? m_s.size() : at + end.size();
    }

    static bool regexAllowed(const std::vector<Token> &out)
    {
        if (out.empty())
            return true;
        const Token &last = out.back();
        switch (last.kind) {
        case Kind::Name: return precedesExpression(last.text);
        case Kind::Punct:
            if (last.text == ")")
                return last.closesCondition; // `if (x) /re/.test(y)`
            return last.text != "]" && last.text != "}" && last.text != "++" && last.text != "--";
        default: return false;
        }
    }

    // From the opening quote; false if the line or the source ends first.
    bool readString(char quote, std::string &value)
    {
        ++m_i;
        while (m_i < m_s.size()) {
            const char c = m_s[m_i++];
            if (c == quote)
                return true;
            if (c == '\n' || c == '\r')
                return false;
            if (c != '\\') {
                value += c;
                continue;
            }
            if (m_i >= m_s.size())
                return false;
            const char e = m_s[m_i++];
            switch (e) {
            case 'n': value += '\n'; break;
            case 't': value += '\t'; break;
            case 'r': value += '\r'; break;
            case 'b': value += '\b'; break;
            case 'f': value += '\f'; break;
            case 'v': value += '\v'; break;
            case '0': value += '\0'; break;
            case '\r':
                if (m_i < m_s.size() && m_s[m_i] == '\n')
                    ++m_i;
                break; // a line continuation
            case '\n': break;
            case 'x': {
                const int hi = m_i < m_s.size() ? hexDigitValue(m_s[m_i]) : -1;
                const int lo = m_i + 1 < m_s.size() ? hexDigitValue(m_s[m_i + 1]) : -1;
                if (hi < 0 || lo < 0)
                    return false;
                appendUtf8(value, static_cast<std::uint32_t>(hi * 16 + lo));
                m_i += 2;
                break;
            }
            case 'u': {
                std::uint32_t cp = 0;
                if (m_i < m_s.size() && m_s[m_i] == '{') {
                    const std::size_t close = m_s.find('}', m_i);
                    if (close == std::string_view::npos || close - m_i > 7)
                        return false;
                    for (std::size_t k = m_i + 1; k < close; ++k) {
                        const int h = hexDigitValue(m_s[k]);
                        if (h < 0)
                            return false;
                        cp = cp * 16 + static_cast<std::uint32_t>(h);
                    }
                    m_i = close + 1;
                } else {
                    for (int k = 0; k < 4; ++k) {
                        const int h = m_i < m_s.size() ? hexDigitValue(m_s[m_i]) : -1;
                        if (h < 0)
                            return false;
                        cp = cp * 16 + static_cast<std::uint32_t>(h);
                        ++m_i;
                    }
                }
                appendUtf8(value, cp);
                break;
            }
            default: value += e; break;
            }
        }
        return false;
    }

    // Inside a template's text: to its closing '`' (false) or to a '${' (true).
    bool readTemplate()
    {
        while (m_i < m_s.size()) {
            const char c = m_s[m_i++];
            if (c == '\\') {
                ++m_i;
            } else if (c == '`') {
                return false;
            } else if (c == '$' && m_i < m_s.size() && m_s[m_i] == '{') {
                ++m_i;
                return true;
            }
        }
        return false;
    }

    void readRegex()
    {
        ++m_i;
        bool inClass = false;
        while (m_i < m_s.size()) {
            const char c = m_s[m_i++];
            if (c == '\\') {
                ++m_i;
            } else if (c == '\n' || c == '\r') {
                return; // not a regex after all; carry on from the next line
            } else if (inClass) {
                inClass = c != ']';
            } else if (c == '[') {
                inClass = true;
            } else if (c == '/') {
                break;
            }
        }
        while (m_i < m_s.size() && isNamePart(static_cast<unsigned char>(m_s[m_i])))
            ++m_i; // flags
    }

    std::string_view m_s;
    std::size_t m_i = 0;
};

bool isPunct(const std::vector<Token> &t, std::size_t i, std::string_view p)
{
    return i < t.size() && t[i].kind == Kind::Punct && t[i].text == p;
}

bool isName(const std::vector<Token> &t, std::size_t i, std::string_view n)
{
    return i < t.size() && t[i].kind == Kind::Name && t[i].text == n;
}

bool isString(const std::vector<Token> &t, std::size_t i)
{
    return i < t.size() && t[i].kind == Kind::String;
}

} // namespace

std::vector<ImportSpecifier> scanImports(std::string_view source, std::size_t maxImports)
{
    const std::vector<Token> t = Lexer(source).run();
    std::vector<ImportSpecifier> out;
    // How far a clause (`import {a, b} from`) may run before its `from`.
    constexpr std::size_t kMaxClause = 512;
    for (std::size_t i = 0; i < t.size() && out.size() < maxImports; ++i) {
        const bool import = isName(t, i, "import"), exportKw = isName(t, i, "export");
        if ((!import && !exportKw) || (i > 0 && isPunct(t, i - 1, ".")))
            continue; // obj.import(…), obj.export
        if (import && isPunct(t, i + 1, "(")) {
            if (isString(t, i + 2) && (isPunct(t, i + 3, ")") || isPunct(t, i + 3, ",")))
                out.push_back({t[i + 2].value, true});
            continue;
        }
        if (import && isPunct(t, i + 1, "."))
            continue; // import.meta
        if (import && isString(t, i + 1)) {
            out.push_back({t[i + 1].value, false});
            continue;
        }
        std::size_t j = i + 1;
        if (exportKw) {
            // Only `export * [as x] from` and `export {…} from` name another module.
            if (isPunct(t, j, "*")) {
                ++j;
                if (isName(t, j, "as"))
                    j += 2;
            } else if (isPunct(t, j, "{")) {
                while (j < t.size() && j - i < kMaxClause && !isPunct(t, j, "}"))
                    ++j;
                ++j;
            } else {
                continue;
            }
            if (isName(t, j, "from") && isString(t, j + 1))
                out.push_back({t[j + 1].value, false});
            continue;
        }
        // import <clause> from '…'
        for (; j < t.size() && j - i < kMaxClause; ++j) {
            if (isPunct(t, j, ";") || isName(t, j, "import") || isName(t, j, "export"))
                break;
            if (isName(t, j, "from") && isString(t, j + 1)) {
                out.push_back({t[j + 1].value, false});
                break;
            }
        }
    }
    return out;
}

} // namespace h2scope::site
