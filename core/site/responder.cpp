#include "responder.h"

#include "errorpage.h"
#include "filepool.h"
#include "pathresolver.h"

#include <exception>
#include <list>
#include <mutex>
#include <new>
#include <utility>

namespace h2scope::site {

namespace {

// Request fields a pushed request copies from the request that caused it.
constexpr std::string_view kCopiedFields[] = {"accept", "accept-encoding", "accept-language", "cache-control",
                                              "user-agent"};

} // namespace

Request pushedRequest(const Request &parent, std::string_view path)
{
    Request req;
    req.method = "GET";
    req.scheme = parent.scheme;
    req.authority = parent.authority;
    req.target = std::string(path);
    req.protocol = parent.protocol;
    req.freshness = parent.freshness; // the page and its pushes see the folder in one state
    for (std::string_view name : kCopiedFields)
        for (const Header &h : parent.headers)
            if (h.name == name)
                req.headers.push_back(h);
    return req;
}

std::vector<PushCandidate> planPushes(Handler &handler, const Request &parent, const Response &response,
                                      const PushWish &wish)
{
    std::vector<PushCandidate> plan;
    if (wish.max == 0 || parent.method != "GET" || response.status < 200 || response.status >= 300)
        return plan;
    std::size_t pushable = 0;
    for (const std::string &path : response.pushPromises) {
        if (pushable >= wish.max)
            break;
        if (path == parent.target || wish.skips(path))
            continue;
        PushCandidate candidate{pushedRequest(parent, path), {}};
        // Built exactly as if the client had asked: validators, encoding, type.
        candidate.response = handleGuarded(handler, candidate.request);
        if (candidate.response.status >= 200 && candidate.response.status < 300)
            ++pushable;
        plan.push_back(std::move(candidate));
    }
    return plan;
}

bool handleNowGuarded(Handler &handler, const Request &request, Response &out)
{
    try {
        return handler.handleNow(request, out);
    } catch (const std::exception &e) {
        out = errorResponse(500, std::string("the site handler failed: ") + e.what());
        return true;
    }
}

// Where the pool leaves answers for the session. Shared with the jobs in
// flight, so that a session that ends before them leaves it behind safely.
//
// What a job delivers travels in a list node the session's thread made when
// it posted the job, already holding what to say should making the answer
// fail (a 500, or a read error): the job fills it in and splices it into
// the mailbox, which allocates nothing. So a pool thread that runs out of
// memory still delivers (a lost answer would keep the connection
// answering() for ever); should its wake fail then, the server's driver
// still picks the answer up at its next deadline check.
struct Responder::Mailbox {
    std::mutex mutex;
    std::list<Answer> ready;
    std::list<Read> reads;
    std::unordered_set<std::uint64_t> cancelled; // tokens whose jobs are not wanted
    bool closed = false;
    std::function<void()> wake;

    bool isClosed()
    {
        std::lock_guard lock(mutex);
        return closed;
    }

    // Whether the job for `token` has nobody to deliver to. Still true
    // when asked again: a job looks before each step.
    bool unwanted(std::uint64_t token)
    {
        std::lock_guard lock(mutex);
        return closed || (!cancelled.empty() && cancelled.contains(token));
    }

    template <class T> void deliver(std::list<T> Mailbox::*to, std::list<T> &item)
    {
        {
            std::lock_guard lock(mutex);
            if (closed)
                return;
            (this->*to).splice((this->*to).end(), item);
        }
        // The wake only posts to the connection's thread (and finds the
        // connection gone, if it is); calling it after the session closed
        // the mailbox is harmless.
        wake();
    }
};

Responder::Responder(Handler &handler, FilePool *pool, std::function<void()> wake)
    : m_handler(handler), m_pool(pool), m_mailbox(std::make_shared<Mailbox>())
{
    m_mailbox->wake = std::move(wake);
    if (!m_mailbox->wake)
        m_pool = nullptr; // nobody would come for the answers
}

Responder::~Responder()
{
    std::lock_guard lock(m_mailbox->mutex);
    m_mailbox->closed = true;
    m_mailbox->ready.clear();
    m_mailbox->reads.clear();
}

bool Responder::answer(const Request &request, std::uint64_t token, PushWish &&wish, Answer &out)
{
    out.token = token;
    if (!m_pool) {
        out.response = handleGuarded(m_handler, request);
    } else if (!handleNowGuarded(m_handler, request, out.response)) {
        return makeOnPool(request, token, std::move(wish));
    } else if (!out.response.pushPromises.empty() && wish.max > 0) {
        // The pushes' answers may need the file system: they are made on the
        // pool, and the page's answer waits there with them. (Browsers take
        // no pushes: their pages go out at once.)
        return makeOnPool(request, token, std::move(wish), std::make_shared<Response>(std::move(out.response)));
    }
    if (!out.response.pushPromises.empty())
        out.pushes = planPushes(m_handler, request, out.response, wish);
    return true;
}

bool Responder::makeOnPool(const Request &request, std::uint64_t token, PushWish &&wish, std::shared_ptr<Response> made)
{
    // The session's sets change while the pool works: it takes a copy.
    for (const std::unordered_set<std::string> *paths : {wish.pushed, wish.requested})
        if (paths && wish.max > 0)
            wish.skip.insert(paths->begin(), paths->end());
    wish.pushed = wish.requested = nullptr;
    std::list<Answer> slot(1);
    slot.front().token = token;
    slot.front().response = errorResponse(500, "the site handler failed");
    m_pool->post(m_mailbox.get(), [mailbox = m_mailbox, &handler = m_handler, request = request, token,
                                   wish = std::move(wish), made = std::move(made), slot = std::move(slot)]() mutable {
        if (mailbox->isClosed())
            return;                    // the connection ended while this waited its turn
        Answer &answer = slot.front(); // the 500 until the answer is made
        try {
            if (mailbox->unwanted(token)) {
                // A stream reset while this waited its turn: nothing to
                // make, but the empty answer still goes back, so that the
                // count of answers in flight stays right.
                answer.response = Response();
            } else {
                // The page and its pushes see the folder in one state, and a
                // file looked up for both is fstat()ed once (freshness.h);
                // the batch the request came in with is long gone.
                request.freshness = Freshness::open();
                Response response = made ? std::move(*made) : handleGuarded(handler, request);
                std::vector<PushCandidate> pushes;
                if (!mailbox->unwanted(token))
                    pushes = planPushes(handler, request, response, wish);
                answer.response = std::move(response);
                answer.pushes = std::move(pushes);
            }
        } catch (...) { // out of memory, or a handler that throws what is not an exception
        }
        mailbox->deliver(&Mailbox::ready, slot);
    });
    ++m_inMaking;
    return false;
}

void Responder::readAhead(std::uint64_t token, FileRead read)
{
    std::list<Read> slot;
    slot.push_back(Read{token, makeError(Errc::Io, "reading the file failed: out of memory")});
    m_pool->post(m_mailbox.get(),
                 [mailbox = m_mailbox, token, read = std::move(read), slot = std::move(slot)]() mutable {
                     if (mailbox->isClosed())
                         return;
                     Result<std::string> &bytes = slot.front().bytes; // the error until the bytes are read
                     try {
                         if (mailbox->unwanted(token))
                             bytes = makeError(Errc::Io, "not read: the stream was reset");
                         else
                             bytes = Body::readRange(read);
                     } catch (const std::bad_alloc &) {
                     }
                     mailbox->deliver(&Mailbox::reads, slot);
                 });
    ++m_reading;
}

void Responder::cancel(std::uint64_t token)
{
    if (!m_pool)
        return;
    std::lock_guard lock(m_mailbox->mutex);
    m_mailbox->cancelled.insert(token);
}

template <class T> std::list<T> Responder::takeFrom(std::list<T> Mailbox::*from, std::size_t &waiting)
{
    std::list<T> out;
    if (waiting == 0)
        return out;
    {
        std::lock_guard lock(m_mailbox->mutex);
        out.swap((*m_mailbox).*from);
        // A cancelled token is done with once its job's result is back.
        if (!m_mailbox->cancelled.empty())
            for (const T &item : out)
                m_mailbox->cancelled.erase(item.token);
    }
    waiting -= out.size();
    return out;
}

std::list<Responder::Read> Responder::takeReads()
{
    return takeFrom(&Mailbox::reads, m_reading);
}

std::list<Responder::Answer> Responder::take()
{
    return takeFrom(&Mailbox::ready, m_inMaking);
}

} // namespace h2scope::site
