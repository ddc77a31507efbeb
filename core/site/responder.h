#pragma once
// How a session gets its answers without waiting on the file system.
//
// A session asks answer() for each request. When the handler can answer at
// once from memory (Handler::handleNow()), the answer comes back there and
// then. Otherwise the request goes to a FilePool, where Handler::handle()
// makes it (and, for a page, the answers of the assets to push with it);
// the pool then calls the session's wake, and the session's own thread
// collects what is ready with take(). Meanwhile the session goes on with
// its other streams. Without a pool every answer is made at once, on the
// session's thread (tests, the fuzzer, in-process tools).

#include "response.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

namespace h2scope::site {

class FilePool;

// A push and the site's answer to it: the request it stands for, made as if
// the client had asked (pushedRequest()), and the response.
struct PushCandidate {
    Request request;
    Response response;
};

// What a session can push with the answer to a request: at most `max`
// assets (0: none), none of those pushed or requested on the connection
// already. The session's own sets are looked at while answer() runs, and
// copied (into `skip`) only when the answer is made on the pool. The session
// checks again when it pushes; skipping only saves making answers that
// would be thrown away.
struct PushWish {
    std::size_t max = 0;
    const std::unordered_set<std::string> *pushed = nullptr;
    const std::unordered_set<std::string> *requested = nullptr;
    std::unordered_set<std::string> skip;

    bool skips(const std::string &path) const
    {
        return skip.contains(path) || (pushed && pushed->contains(path)) || (requested && requested->contains(path));
    }
};

// The request a push of `path` stands for (RFC 9113 §8.4: the promise
// carries a request the server could have received): GET, the parent's
// scheme and authority, and the parent's fields that shape the answer
// (accept, accept-encoding, accept-language, cache-control, user-agent).
Request pushedRequest(const Request &parent, std::string_view path);

// The site's answers to the assets `response` names for push (its
// pushPromises, in order): at most wish.max with a 2xx answer, skipping the
// parent's own path and what the wish skips. Answers that are not 2xx are kept too,
// so that the session can say why it did not push them. Empty unless the
// parent is a GET answered with 2xx.
std::vector<PushCandidate> planPushes(Handler &handler, const Request &parent, const Response &response,
                                      const PushWish &wish);

// Handler::handleNow(); a handler that throws gets a 500 that says so.
bool handleNowGuarded(Handler &handler, const Request &request, Response &out);

class Responder final {
public:
    struct Answer {
        std::uint64_t token = 0;
        Response response;
        std::vector<PushCandidate> pushes; // planPushes(), when the wish asked for any
    };

    // `pool` null: every answer is made at once. Otherwise `wake` must be
    // set; it is called, from a pool thread, each time an answer is ready.
    // Both outlive the responder.
    Responder(Handler &handler, FilePool *pool, std::function<void()> wake);
    // Answers still being made are thrown away when they are done.
    ~Responder();
    Responder(const Responder &) = delete;
    Responder &operator=(const Responder &) = delete;

    // The answer now, in `out` (a default Answer), and true; or false: it
    // is being made on the pool, and take() returns it, with `token`, after
    // a wake.
    bool answer(const Request &request, std::uint64_t token, PushWish &&wish, Answer &out);

    // The answers made on the pool since the last call, in the order they
    // were finished. The session's thread only.
    std::list<Answer> take();

    // The request or body behind `token` is no longer wanted (its stream was
    // reset): a job of its that has not started yet is skipped, and what
    // take() or takeReads() then returns for it is empty. A job already
    // running finishes. Call only while the token's answer or read is in
    // flight.
    void cancel(std::uint64_t token);

    // Answers and reads asked for that take() and takeReads() have not
    // returned yet.
    std::size_t inFlight() const noexcept { return m_inMaking + m_reading; }

    // Whether answers and reads are made on a pool (else: at once, here).
    bool usesPool() const noexcept { return m_pool != nullptr; }

    // The bytes of a body's pendingRead(), read on the pool (usesPool()
    // only); takeReads() returns them, with `token`, after a wake.
    struct Read {
        std::uint64_t token = 0;
        Result<std::string> bytes;
    };
    void readAhead(std::uint64_t token, FileRead read);
    std::list<Read> takeReads();

private:
    struct Mailbox;
    // The answer (or, when `made` is given, its pushes only) is made on the
    // pool. Returns false: not made yet.
    bool makeOnPool(const Request &request, std::uint64_t token, PushWish &&wish,
                    std::shared_ptr<Response> made = nullptr);
    // What the pool left in `from`, counted off `waiting`.
    template <class T> std::list<T> takeFrom(std::list<T> Mailbox::*from, std::size_t &waiting);

    Handler &m_handler;
    FilePool *m_pool;
    std::shared_ptr<Mailbox> m_mailbox;
    std::size_t m_inMaking = 0;
    std::size_t m_reading = 0;
};

} // namespace h2scope::site
