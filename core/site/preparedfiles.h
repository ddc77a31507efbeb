#pragma once
// Prepared answers for the request a page load makes most: GET or HEAD of a
// file, without Range or conditional headers. StaticSite answers the first
// such request for a file the general way and records here what that answer
// was made of (the files looked up, their versions, the header fields in
// their final order); later requests reuse the fields while the files are
// unchanged, instead of rebuilding validators, content type, `_headers`
// extras and three path lookups every time.
//
// "Unchanged" is decided exactly where PathResolver::resolve() would decide
// it, so edits show up as promptly as through the general code: the open
// descriptors of the file and of its precompressed siblings are fstat()ed
// once per Freshness (freshness.h; every time for a default one) and must show the same
// version with links left; an entry expires when the earliest of the lookups
// it was made from would have been looked up again (ResolvedPath::
// freshUntilNs), which is when a sibling created meanwhile is found.

#include "body.h"
#include "pathresolver.h"
#include "preloadlink.h"
#include "response.h"

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <sys/stat.h>
#include <unordered_map>
#include <vector>

namespace h2scope::site {

class PreparedFiles final {
public:
    // Representations of one URL path: the file itself, or one of its
    // precompressed siblings (StaticSite's variants, in their order).
    static constexpr std::size_t kSiblings = 2;
    static constexpr std::size_t kChoices = 1 + kSiblings;

    // One file as a lookup found it: its descriptor and what fstat() said.
    struct FileState {
        bool present = false;
        std::shared_ptr<const FileHandle> file;
        struct stat st {};
    };

    // A page's preloads as the push policy found them (the same page bytes,
    // since the entry holds its version), the load of the rule files they
    // were found under, and the assets' lookups they rest on (PreloadBasis,
    // pushpolicy.h). The assets' descriptors are not held here: while the
    // resolver's cache (or an asset's own prepared entry) still holds one,
    // it is fstat()ed, once per Freshness like the entry's own files;
    // once none does, the lookup has been made again or dropped, and the
    // preloads no longer hold. A default Preloads never holds (a GET whose
    // preloads cannot be reused).
    struct Preloads {
        std::vector<PreloadLink> links;
        std::shared_ptr<const void> rules; // PushPolicy::rulesVersion() they were found under
        std::vector<std::weak_ptr<const FileHandle>> assets;
        std::int64_t freshUntilNs = 0;
        mutable std::atomic<std::uint64_t> checkedIn{0};

        // Whether the links still hold at `nowNs` (PathResolver::nowNs())
        // under the rules `rules`, for a request of `freshness`.
        bool hold(std::int64_t nowNs, const std::shared_ptr<const void> &rules, Freshness freshness) const;
    };

    // What the general code used for one 200 answer, recorded as it ran.
    struct Capture {
        bool usable = false; // false: made of something a prepared answer cannot reproduce
        FileState identity;
        std::array<FileState, kSiblings> siblings; // present only when the lookup found a file
        std::size_t choice = 0;                    // 0: the file; 1 + i: siblings[i]
        std::int64_t freshUntilNs = std::numeric_limits<std::int64_t>::max();
        std::string realPath; // of the identity file, for the push policy
        bool isHtml = false;
        // Live reload: the page as injected, and the file snapshot it was
        // made from (FileHandle::snapshot(); the same pointer means the same
        // bytes). Null for files served as they are.
        std::shared_ptr<const std::string> injectedSource;
        std::shared_ptr<const std::string> injectedBody;
        // The preloads of the GET answer the capture was made for (a default
        // Preloads when they cannot be reused); null for a HEAD.
        std::shared_ptr<const Preloads> preloads;

        // Folds a lookup's expiry in.
        void lookedUp(const ResolvedPath &resolved);
    };

    struct Entry {
        Capture files;                     // `choice` unused: each choice has its headers below
        std::shared_ptr<const void> rules; // PushPolicy::rulesVersion() the headers were made with
        std::array<std::shared_ptr<const PreparedHeaders>, kChoices> headers;
        mutable std::atomic<std::uint64_t> checkedIn{0}; // Freshness::id() of the last fstat()s

        // The page's preloads as last found for a GET (null: not known).
        std::shared_ptr<const Preloads> preloads() const;
        void setPreloads(std::shared_ptr<const Preloads> preloads) const;

    private:
        mutable std::mutex m_preloadsMutex;
        mutable std::shared_ptr<const Preloads> m_preloads;
    };

    // The entry for the normalized URL path `urlPath` when it still describes
    // the files on disk (see above), else null. `nowNs` is
    // PathResolver::nowNs(); `freshness` the request's. Any thread.
    std::shared_ptr<const Entry> find(std::string_view urlPath, std::int64_t nowNs, Freshness freshness) const;

    // Records the answer made from `capture` (unless it is not usable):
    // `headers`, the response's fields in order, for capture.choice, made
    // under the rules `rules`, for a request of `freshness` (whose lookups
    // just checked the files). Any thread.
    void store(std::string_view urlPath, const Capture &capture, std::shared_ptr<const void> rules,
               const HeaderList &headers, Freshness freshness);

private:
    static constexpr std::size_t kShards = 16;
    static constexpr std::size_t kMaxPerShard = 1024;
    struct PathHash {
        using is_transparent = void;
        std::size_t operator()(std::string_view path) const noexcept { return std::hash<std::string_view>{}(path); }
    };
    struct Shard {
        mutable std::mutex mutex;
        std::unordered_map<std::string, std::shared_ptr<const Entry>, PathHash, std::equal_to<>> entries;
    };
    Shard &shardFor(std::string_view path) const { return m_shards[std::hash<std::string_view>{}(path) % kShards]; }

    mutable std::array<Shard, kShards> m_shards;
};

} // namespace h2scope::site
