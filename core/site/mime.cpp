#include "mime.h"

#include "text.h"

#include <algorithm>
#include <array>
#include <utility>

namespace h2scope::site {

namespace {

struct MimeEntry {
    std::string_view extension; // lowercase, without the dot
    std::string_view type;
};

// Sorted by extension so lookups can use binary search.
constexpr std::array kMimeTable = std::to_array<MimeEntry>({
    {"7z", "application/x-7z-compressed"},
    {"aac", "audio/aac"},
    {"apng", "image/apng"},
    {"avif", "image/avif"},
    {"bmp", "image/bmp"},
    {"br", "application/x-brotli"},
    {"cjs", "text/javascript"},
    {"css", "text/css"},
    {"csv", "text/csv"},
    {"eot", "application/vnd.ms-fontobject"},
    {"flac", "audio/flac"},
    {"gif", "image/gif"},
    {"glb", "model/gltf-binary"},
    {"gltf", "model/gltf+json"},
    {"gz", "application/gzip"},
    {"heic", "image/heic"},
    {"heif", "image/heif"},
    {"htm", "text/html"},
    {"html", "text/html"},
    {"ico", "image/x-icon"},
    {"ics", "text/calendar"},
    {"jpeg", "image/jpeg"},
    {"jpg", "image/jpeg"},
    {"js", "text/javascript"},
    {"json", "application/json"},
    {"jsonld", "application/ld+json"},
    {"jxl", "image/jxl"},
    {"m4a", "audio/mp4"},
    {"map", "application/json"},
    {"md", "text/markdown"},
    {"mjs", "text/javascript"},
    {"mov", "video/quicktime"},
    {"mp3", "audio/mpeg"},
    {"mp4", "video/mp4"},
    {"oga", "audio/ogg"},
    {"ogg", "audio/ogg"},
    {"ogv", "video/ogg"},
    {"opus", "audio/ogg"},
    {"otf", "font/otf"},
    {"pdf", "application/pdf"},
    {"png", "image/png"},
    {"rss", "application/rss+xml"},
    {"svg", "image/svg+xml"},
    {"tar", "application/x-tar"},
    {"tif", "image/tiff"},
    {"tiff", "image/tiff"},
    {"toml", "application/toml"},
    {"ts", "video/mp2t"},
    {"ttf", "font/ttf"},
    {"txt", "text/plain"},
    {"vtt", "text/vtt"},
    {"wasm", "application/wasm"},
    {"wav", "audio/wav"},
    {"weba", "audio/webm"},
    {"webm", "video/webm"},
    {"webmanifest", "application/manifest+json"},
    {"webp", "image/webp"},
    {"woff", "font/woff"},
    {"woff2", "font/woff2"},
    {"xhtml", "application/xhtml+xml"},
    {"xml", "application/xml"},
    {"yaml", "application/yaml"},
    {"yml", "application/yaml"},
    {"zip", "application/zip"},
});

constexpr bool tableIsSorted()
{
    for (std::size_t i = 1; i < kMimeTable.size(); ++i)
        if (!(kMimeTable[i - 1].extension < kMimeTable[i].extension))
            return false;
    return true;
}
static_assert(tableIsSorted(), "kMimeTable must stay sorted by extension");

constexpr std::string_view kOctetStream = "application/octet-stream";

} // namespace

std::string_view mimeTypeFor(std::string_view path)
{
    const auto slash = path.find_last_of('/');
    const std::string_view name = slash == std::string_view::npos ? path : path.substr(slash + 1);
    const auto dot = name.find_last_of('.');
    // No dot, or only a leading one (".bashrc"): no extension.
    if (dot == std::string_view::npos || dot == 0 || dot + 1 == name.size())
        return kOctetStream;
    const std::string_view ext = name.substr(dot + 1);
    if (ext.size() > 16)
        return kOctetStream;
    const std::string lower = lowercase(ext);
    const auto it = std::lower_bound(kMimeTable.begin(), kMimeTable.end(), lower,
                                     [](const MimeEntry &e, const std::string &key) { return e.extension < key; });
    if (it == kMimeTable.end() || it->extension != lower)
        return kOctetStream;
    return it->type;
}

bool isTextMimeType(std::string_view mimeType)
{
    if (mimeType.starts_with("text/"))
        return true;
    return mimeType == "application/json" || mimeType == "application/manifest+json"
           || mimeType == "application/ld+json" || mimeType == "model/gltf+json" || mimeType == "image/svg+xml"
           || mimeType == "application/xml" || mimeType == "application/xhtml+xml" || mimeType == "application/rss+xml"
           || mimeType == "application/yaml";
}

std::string contentTypeFor(std::string_view path)
{
    const std::string_view type = mimeTypeFor(path);
    std::string value(type);
    if (isTextMimeType(type))
        value += "; charset=utf-8";
    return value;
}

} // namespace h2scope::site
