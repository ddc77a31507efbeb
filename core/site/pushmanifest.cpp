#include "pushmanifest.h"

#include "jsonread.h"

#include <algorithm>
#include <optional>
#include <regex>

namespace h2scope::site {

namespace {

// Longer paths are not matched against regex keys: libstdc++'s std::regex
// recurses per character and could exhaust an I/O thread's stack.
constexpr std::size_t kMaxRegexSubject = 2048;

// libstdc++'s default executor backtracks: a pattern such as "(a*)*b" takes
// exponential time on a short path, on an I/O thread. Its breadth-first
// executor (a library extension, selected by this flag; back-references are
// then rejected as invalid) runs in polynomial time whatever the pattern.
#if defined(__GLIBCXX__)
constexpr auto kPolynomial = std::regex_constants::__polynomial;
#else
constexpr auto kPolynomial = std::regex::syntax_option_type{};
#endif

bool hasRegexSyntax(std::string_view key)
{
    // '.' is left out: "/index.html" is meant literally, and as a regex it
    // would match itself anyway.
    return key.find_first_of("^$*+?()[]{}|\\") != std::string_view::npos;
}

// Json (jsonread.h) keeps the manifest's order.

std::optional<double> parseWeight(const Json &value)
{
    if (!value.is_number())
        return std::nullopt;
    return value.get<double>();
}

struct WeightedAsset {
    PreloadLink link;
    double weight = 0;
};

} // namespace

struct PushManifest::Page {
    std::string key;
    std::optional<std::regex> pattern; // unset: `key` is matched literally
    std::vector<WeightedAsset> assets;
};

PushManifest::PushManifest() = default;
PushManifest::~PushManifest() = default;
PushManifest::PushManifest(PushManifest &&) noexcept = default;
PushManifest &PushManifest::operator=(PushManifest &&) noexcept = default;

std::size_t PushManifest::pageCount() const
{
    return m_pages.size();
}

Result<PushManifest> PushManifest::parse(std::string_view text)
{
    if (text.size() > kMaxTextBytes)
        return makeError(Errc::InvalidArgument, "push_manifest.json is larger than 1 MiB; shorten it");
    const Result<Json> parsed = parseJsonText(text);
    if (!parsed)
        return makeError(Errc::InvalidArgument, "push_manifest.json is not valid JSON: " + parsed.error().message);
    const Json &json = *parsed;
    if (!json.is_object())
        return makeError(Errc::InvalidArgument,
                         "push_manifest.json must be an object mapping page paths to their assets");

    PushManifest manifest;
    for (const auto &[key, assets] : json.items()) {
        if (!assets.is_object()) {
            manifest.m_warnings.push_back("page \"" + key + "\": expected an object of assets; skipped");
            continue;
        }
        auto page = std::make_unique<Page>();
        page->key = key;
        if (hasRegexSyntax(key)) {
            try {
                page->pattern.emplace(key, std::regex::ECMAScript | std::regex::optimize | kPolynomial);
            } catch (const std::regex_error &error) {
                manifest.m_warnings.push_back("page \"" + key + "\": invalid regular expression (" + error.what()
                                              + "); skipped");
                continue;
            }
        }
        for (const auto &[assetPath, info] : assets.items()) {
            const std::string where = "page \"" + key + "\", asset \"" + assetPath + "\": ";
            if (!info.is_object()) {
                manifest.m_warnings.push_back(where + "expected {\"type\": ..., \"weight\": ...}; skipped");
                continue;
            }
            auto resolved = resolveSameOriginPath(assetPath, "/");
            if (!resolved) {
                manifest.m_warnings.push_back(where + "not a same-origin path; skipped");
                continue;
            }
            WeightedAsset asset;
            asset.link.path = std::move(*resolved);
            if (const auto type = info.find("type"); type != info.end()) {
                if (!type->is_string() || !isKnownPreloadDestination(type->get_ref<const std::string &>())) {
                    manifest.m_warnings.push_back(where + "unknown type; pushed without one");
                } else {
                    asset.link.as = type->get<std::string>();
                    asset.link.crossorigin = asset.link.as == "font";
                }
            }
            if (const auto weight = info.find("weight"); weight != info.end()) {
                if (const auto w = parseWeight(*weight))
                    asset.weight = *w;
                else
                    manifest.m_warnings.push_back(where + "weight is not a number; taken as 0");
            }
            page->assets.push_back(std::move(asset));
        }
        manifest.m_pages.push_back(std::move(page));
    }
    return manifest;
}

std::vector<PreloadLink> PushManifest::assetsFor(std::string_view urlPath) const
{
    std::vector<WeightedAsset> matched;
    for (const auto &page : m_pages) {
        bool matches = false;
        if (!page->pattern) {
            matches = page->key == urlPath;
        } else if (urlPath.size() <= kMaxRegexSubject) {
            try {
                matches = std::regex_match(urlPath.begin(), urlPath.end(), *page->pattern);
            } catch (const std::regex_error &) {
                matches = false; // complexity or stack limit hit: treat as no match
            }
        }
        if (matches)
            matched.insert(matched.end(), page->assets.begin(), page->assets.end());
    }
    std::stable_sort(matched.begin(), matched.end(),
                     [](const WeightedAsset &a, const WeightedAsset &b) { return a.weight > b.weight; });
    std::vector<PreloadLink> out;
    for (WeightedAsset &asset : matched) {
        const bool seen =
            std::any_of(out.begin(), out.end(), [&](const PreloadLink &l) { return l.path == asset.link.path; });
        if (!seen)
            out.push_back(std::move(asset.link));
    }
    return out;
}

} // namespace h2scope::site
