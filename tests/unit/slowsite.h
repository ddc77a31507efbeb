#pragma once
// A site on a slow file system, for tests that nothing waits on it but the
// request that needs it: handle() of a path under `prefix` waits until the
// test opens the gate (at most 10 s, so that a server that does wait fails
// its test rather than hanging it); handleNow() never answers those paths,
// as a site that has not read them yet cannot. Other paths are the wrapped
// site's.

#include "site/response.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace h2scope::testing {

class SlowSite final : public site::Handler {
public:
    SlowSite(site::Handler &inner, std::string prefix) : m_inner(inner), m_prefix(std::move(prefix)) {}

    site::Response handle(const site::Request &request) override
    {
        if (request.target.starts_with(m_prefix)) {
            std::unique_lock lock(m_mutex);
            ++m_waiting;
            m_changed.notify_all();
            m_changed.wait_for(lock, std::chrono::seconds(10), [this] { return m_open; });
            --m_waiting;
        }
        site::Response response = m_inner.handle(request);
        {
            std::lock_guard lock(m_mutex);
            ++m_handled;
            m_changed.notify_all();
        }
        return response; // `this` is not touched again: a test may end once handled() says so
    }

    bool handleNow(const site::Request &request, site::Response &out) override
    {
        return !request.target.starts_with(m_prefix) && m_inner.handleNow(request, out);
    }

    // Lets every slow request through, now and from now on.
    void open()
    {
        std::lock_guard lock(m_mutex);
        m_open = true;
        m_changed.notify_all();
    }

    // Until handle() has made `count` answers (false after `timeout`).
    bool waitUntilHandled(int count, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000))
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return m_handled >= count; });
    }

    // Until `count` slow requests wait at the gate (false after `timeout`).
    bool waitUntilWaiting(int count, std::chrono::milliseconds timeout = std::chrono::milliseconds(5000))
    {
        std::unique_lock lock(m_mutex);
        return m_changed.wait_for(lock, timeout, [&] { return m_waiting >= count; });
    }

private:
    site::Handler &m_inner;
    std::string m_prefix;
    std::mutex m_mutex;
    std::condition_variable m_changed;
    int m_waiting = 0;
    int m_handled = 0;
    bool m_open = false;
};

// The paths whose answers the wrapped site made with handle() (on the file
// pool, in a pooled connection), in the order made. handleNow() is passed
// through uncounted.
class CountingSite final : public site::Handler {
public:
    explicit CountingSite(site::Handler &inner) : m_inner(inner) {}

    site::Response handle(const site::Request &request) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_made.push_back(request.target);
            m_threads.push_back(std::this_thread::get_id());
            m_asked.push_back({request.target, request.freshness, true});
        }
        return m_inner.handle(request);
    }

    bool handleNow(const site::Request &request, site::Response &out) override
    {
        {
            std::lock_guard lock(m_mutex);
            m_asked.push_back({request.target, request.freshness, false});
        }
        return m_inner.handleNow(request, out);
    }

    // Every request asked of the site (handleNow() and handle() alike), in
    // order, with the Freshness it came with.
    struct Asked {
        std::string target;
        site::Freshness freshness;
        bool made = false; // handle(); else handleNow()
    };
    std::vector<Asked> asked()
    {
        std::lock_guard lock(m_mutex);
        return m_asked;
    }

    std::vector<std::string> made()
    {
        std::lock_guard lock(m_mutex);
        return m_made;
    }

    // Whether any of those answers was made on `thread`.
    bool madeOn(std::thread::id thread)
    {
        std::lock_guard lock(m_mutex);
        return std::find(m_threads.begin(), m_threads.end(), thread) != m_threads.end();
    }

private:
    site::Handler &m_inner;
    std::mutex m_mutex;
    std::vector<std::string> m_made;
    std::vector<std::thread::id> m_threads;
    std::vector<Asked> m_asked;
};

} // namespace h2scope::testing
