#include "preparedfiles.h"

#include <algorithm>
#include <sys/stat.h>

namespace h2scope::site {

namespace {

// Still the file the entry was made from, in the same version, and still
// linked (a deleted or renamed-over file is looked up again, as resolve() does).
bool unchanged(const PreparedFiles::FileState &state)
{
    if (!state.present)
        return true;
    struct stat st {};
    return ::fstat(state.file->fd(), &st) == 0 && st.st_nlink > 0 && sameFileVersion(st, state.st);
}

bool sameFiles(const PreparedFiles::Capture &a, const PreparedFiles::Capture &b)
{
    const auto same = [](const PreparedFiles::FileState &x, const PreparedFiles::FileState &y) {
        return x.present == y.present && (!x.present || (x.file == y.file && sameFileVersion(x.st, y.st)));
    };
    if (!same(a.identity, b.identity) || a.injectedSource != b.injectedSource || a.realPath != b.realPath)
        return false;
    for (std::size_t i = 0; i < PreparedFiles::kSiblings; ++i)
        if (!same(a.siblings[i], b.siblings[i]))
            return false;
    return true;
}

} // namespace

bool PreparedFiles::Preloads::hold(std::int64_t nowNs, const std::shared_ptr<const void> &rulesNow,
                                   Freshness freshness) const
{
    if (nowNs >= freshUntilNs || rules != rulesNow)
        return false;
    if (freshness.trusts(checkedIn.load(std::memory_order_relaxed)))
        return true;
    struct stat st {};
    for (const std::weak_ptr<const FileHandle> &held : assets) {
        const std::shared_ptr<const FileHandle> asset = held.lock();
        if (!asset || ::fstat(asset->fd(), &st) != 0 || st.st_nlink == 0)
            return false;
    }
    checkedIn.store(freshness.id(), std::memory_order_relaxed);
    return true;
}

std::shared_ptr<const PreparedFiles::Preloads> PreparedFiles::Entry::preloads() const
{
    std::lock_guard lock(m_preloadsMutex);
    return m_preloads;
}

void PreparedFiles::Entry::setPreloads(std::shared_ptr<const Preloads> preloads) const
{
    std::lock_guard lock(m_preloadsMutex);
    m_preloads = std::move(preloads);
}

void PreparedFiles::Capture::lookedUp(const ResolvedPath &resolved)
{
    freshUntilNs = std::min(freshUntilNs, resolved.freshUntilNs);
}

std::shared_ptr<const PreparedFiles::Entry> PreparedFiles::find(std::string_view urlPath, std::int64_t now,
                                                                Freshness freshness) const
{
    std::shared_ptr<const Entry> entry;
    {
        const Shard &shard = shardFor(urlPath);
        std::lock_guard lock(shard.mutex);
        const auto it = shard.entries.find(urlPath);
        if (it == shard.entries.end())
            return nullptr;
        entry = it->second;
    }
    // Past the resolver's own cache lifetime: it would look the paths up
    // again (and find a sibling created meanwhile), so the general code must.
    if (now >= entry->files.freshUntilNs)
        return nullptr;
    if (!freshness.trusts(entry->checkedIn.load(std::memory_order_relaxed))) {
        if (!unchanged(entry->files.identity))
            return nullptr;
        for (const FileState &sibling : entry->files.siblings)
            if (!unchanged(sibling))
                return nullptr;
        entry->checkedIn.store(freshness.id(), std::memory_order_relaxed);
    }
    return entry;
}

void PreparedFiles::store(std::string_view urlPath, const Capture &capture, std::shared_ptr<const void> rules,
                          const HeaderList &headers, Freshness freshness)
{
    if (!capture.usable || capture.choice >= kChoices)
        return;
    std::shared_ptr<const PreparedHeaders> prepared = PreparedHeaders::make(headers);

    auto entry = std::make_shared<Entry>();
    entry->files = capture;
    entry->files.choice = 0;
    entry->files.preloads.reset(); // kept in the entry's own slot
    entry->setPreloads(capture.preloads);
    entry->rules = std::move(rules);
    // The general code just checked these files for this freshness.
    entry->checkedIn.store(freshness.id(), std::memory_order_relaxed);

    Shard &shard = shardFor(urlPath);
    std::lock_guard lock(shard.mutex);
    const auto it = shard.entries.find(urlPath);
    if (it != shard.entries.end()) {
        const Entry &old = *it->second;
        // The same files in the same versions: keep the other choices'
        // fields. The expiry is the new capture's: its lookups are the
        // resolver's latest word on these paths.
        if (old.rules == entry->rules && sameFiles(old.files, entry->files)) {
            entry->headers = old.headers;
            if (!capture.preloads) // a HEAD looks for none: the GET's still stand
                entry->setPreloads(old.preloads());
        }
    } else if (shard.entries.size() >= kMaxPerShard) {
        shard.entries.clear(); // crude but bounded, like the resolver's cache
    }
    entry->headers[capture.choice] = std::move(prepared);
    shard.entries.insert_or_assign(std::string(urlPath), std::move(entry));
}

} // namespace h2scope::site
