#pragma once
// The Polymer push manifest, `push_manifest.json` at the root of a site:
//
//   {
//     "/":           {"/css/app.css": {"type": "style", "weight": 1},
//                     "src/app.js":   {"type": "script", "weight": 2}},
//     "/shop/.*":    {"/css/shop.css": {"type": "style"}}
//   }
//
// Each key is a page path pattern: a plain path matches exactly; one holding
// regular-expression characters is an ECMAScript regex matched against the
// whole decoded URL path (anchored, as the Polymer tools do). Asset paths are
// relative to the site root (Polymer writes them without a leading '/'), not
// to the page. `type` gives the preload destination (`as`): style, script,
// font, image, document, fetch (and the other fetch destinations).

#include "preloadlink.h"
#include "result.h"

#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace h2scope::site {

class PushManifest final {
public:
    static constexpr std::size_t kMaxTextBytes = 1024 * 1024;

    PushManifest();
    ~PushManifest();
    PushManifest(PushManifest &&) noexcept;
    PushManifest &operator=(PushManifest &&) noexcept;
    PushManifest(const PushManifest &) = delete;
    PushManifest &operator=(const PushManifest &) = delete;

    // Parses the manifest. Entries that cannot be used (an invalid regex, an
    // asset that is not an object, an unknown type, a cross-origin asset)
    // are skipped and described in warnings(). Fails with
    // Errc::InvalidArgument when the text is not JSON (the message gives the
    // byte offset), is not an object of objects, or is larger than
    // kMaxTextBytes. Any thread.
    static Result<PushManifest> parse(std::string_view text);

    // The assets of every page entry matching the decoded URL path
    // `urlPath`, highest weight first (entries without a weight count as 0;
    // ties keep file order), duplicates removed. Paths are resolved against
    // the root; whether the files exist is not checked here. Any thread.
    std::vector<PreloadLink> assetsFor(std::string_view urlPath) const;

    const std::vector<std::string> &warnings() const { return m_warnings; }
    std::size_t pageCount() const;

private:
    struct Page;
    std::vector<std::unique_ptr<Page>> m_pages;
    std::vector<std::string> m_warnings;
};

} // namespace h2scope::site
