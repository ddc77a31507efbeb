#pragma once
// JsonWriter: appends compact JSON to a std::string, for the exporters.
// Commas are placed for you; keys and strings are escaped so the output is
// valid JSON for any input bytes (see appendJsonString). The writer trusts its
// caller to nest begin/end correctly. Any thread; no shared state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::inspect {

// Appends `s` as a quoted JSON string. Valid UTF-8 passes through unchanged;
// quotes, backslashes and control characters are escaped; every byte that is
// not part of a valid UTF-8 sequence becomes U+FFFD, so that every JSON
// reader reads the same text. For bytes that must survive as they are, see
// JsonWriter::bytes(). Returns whether `s` was valid UTF-8 throughout (no
// overlong forms, surrogates or code points above U+10FFFF).
bool appendJsonString(std::string &out, std::string_view s);

class JsonWriter {
public:
    explicit JsonWriter(std::string &out) : m_out(out) {}

    JsonWriter &beginObject();
    JsonWriter &endObject();
    JsonWriter &beginArray();
    JsonWriter &endArray();
    // Inside an object: the next value belongs to this key.
    JsonWriter &key(std::string_view name);

    JsonWriter &str(std::string_view s);
    // Bytes from the wire (header fields, paths, debug data): a string when
    // they are valid UTF-8, else {"base64": "..."}, so that any JSON reader
    // gets them back exactly.
    JsonWriter &bytes(std::string_view s);
    JsonWriter &num(std::int64_t n);
    JsonWriter &unum(std::uint64_t n);
    JsonWriter &boolean(bool b);
    JsonWriter &null();
    // Milliseconds from microseconds with exactly three decimals ("12.345"),
    // so sums of printed values stay exact in decimal.
    JsonWriter &millis(std::int64_t micros);
    // A value that is already JSON text (e.g. built by another JsonWriter).
    JsonWriter &raw(std::string_view json);

private:
    void separate();

    std::string &m_out;
    std::vector<bool> m_first; // one per open container: no comma needed yet
    bool m_afterKey = false;
};

} // namespace h2scope::inspect
