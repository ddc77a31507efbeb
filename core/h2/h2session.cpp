#include "h2/h2session.h"

#include "chandle.h"
#include "site/earlyhints.h"
#include "site/errorpage.h"
#include "site/preloadlink.h"
#include "site/responsefields.h"
#include "text.h"

#include <nghttp2/nghttp2.h>

#include <algorithm>
#include <charconv>
#include <cstring>
#include <memory>
#include <new>

namespace h2scope::h2 {

struct H2Session::Stream {
    std::int32_t id = 0;
    site::Request request;
    bool dispatched = false;
    // What the response head's fields point into until the stream closes
    // (submitResponse(): nghttp2 does not copy them).
    struct Head {
        char status[12]{};
        char date[32]{};
        std::shared_ptr<const site::PreparedHeaders> fixed;
        HeaderList fields;
    } head;
    bool waiting = false;         // its answer is being made on the file pool
    bool reading = false;         // its body's next bytes are being read there
    std::string readFailure;      // that read failed: reset the stream
    bool opened = false;          // its request has been taken (or its promise sent)
    bool headersTooLarge = false; // over SETTINGS_MAX_HEADER_LIST_SIZE: reset, never served
    int status = 0;
    std::optional<site::Body> body;
    std::shared_ptr<site::LiveBody> live; // streamed until closed (server-sent events)
    bool deferred = false;                // live stream waiting for data
    std::string note;
    // Server push: a promised stream knows its parent and its fate.
    bool pushed = false;
    std::int32_t parentId = 0;
    std::string promiseFailure; // PUSH_PROMISE not sent: nghttp2's reason
};

namespace {

std::string_view view(const std::uint8_t *p, std::size_t n)
{
    return {reinterpret_cast<const char *>(p), n};
}

// nghttp2 neither copies nor lowercases the field: its bytes must stay put
// until the frame is sent.
constexpr std::uint8_t kNoCopy = NGHTTP2_NV_FLAG_NO_COPY_NAME | NGHTTP2_NV_FLAG_NO_COPY_VALUE;

nghttp2_nv makeNv(std::string_view name, std::string_view value, std::uint8_t flags = NGHTTP2_NV_FLAG_NONE)
{
    return nghttp2_nv{reinterpret_cast<std::uint8_t *>(const_cast<char *>(name.data())),
                      reinterpret_cast<std::uint8_t *>(const_cast<char *>(value.data())), name.size(), value.size(),
                      flags};
}

} // namespace

// Static trampolines from nghttp2's C callbacks into the session. None of
// them throws; errors become nghttp2 error codes.
struct H2Session::Callbacks {
    static H2Session &self(void *user) { return *static_cast<H2Session *>(user); }

    static int onBeginHeaders(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2Session &s = self(user);
        s.m_blockBytes = 0; // every header block counts against the limit, trailers too
        s.m_inHeaders = nullptr;
        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST)
            return 0;
        auto stream = std::make_unique<Stream>();
        stream->id = frame->hd.stream_id;
        stream->request.protocol = site::Protocol::Http2;
        s.m_inHeaders = stream.get();
        s.m_streams[stream->id] = std::move(stream);
        ++s.m_streamCount;
        return 0;
    }

    static int onHeader(nghttp2_session *, const nghttp2_frame *frame, const std::uint8_t *name, std::size_t namelen,
                        const std::uint8_t *value, std::size_t valuelen, std::uint8_t, void *user)
    {
        H2Session &s = self(user);
        // nghttp2 does not enforce the SETTINGS_MAX_HEADER_LIST_SIZE we
        // advertise: a small block of repeated table references can decode
        // to megabytes. Count as RFC 9113 §6.5.2 does and stop storing past it.
        s.m_blockBytes += namelen + valuelen + 32;
        if (s.m_blockBytes > s.m_options.maxHeaderListSize) {
            if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST) {
                if (Stream *st = s.m_inHeaders; st && !st->headersTooLarge) {
                    st->headersTooLarge = true;
                    st->request.headers.clear();
                    st->request.headers.shrink_to_fit();
                }
                return 0;
            }
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // trailers: reset the stream
        }
        const std::string_view n = view(name, namelen);
        const std::string_view v = view(value, valuelen);
        if (frame->hd.type != NGHTTP2_HEADERS || frame->headers.cat != NGHTTP2_HCAT_REQUEST || !s.m_inHeaders)
            return 0; // trailers: nothing for a static site to do with them
        site::Request &r = s.m_inHeaders->request;
        if (n == ":method")
            r.method = v;
        else if (n == ":scheme")
            r.scheme = v;
        else if (n == ":authority")
            r.authority = v;
        else if (n == ":path")
            r.target = v;
        else if (n == ":protocol") { // only accepted by nghttp2 with SETTINGS_ENABLE_CONNECT_PROTOCOL sent
            r.upgrade = v;
            lowercaseInPlace(r.upgrade);
        } else if (!n.empty() && n[0] != ':')
            r.headers.push_back({std::string(n), std::string(v)});
        return 0;
    }

    static int onFrameRecv(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2Session &s = self(user);
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            s.m_goawayCode = static_cast<std::int32_t>(frame->goaway.error_code);
            s.m_goawayLastStream = frame->goaway.last_stream_id;
            s.m_closeReason = std::string("peer sent GOAWAY ") + inspect::errorCodeName(frame->goaway.error_code);
        }
        if (frame->hd.type == NGHTTP2_SETTINGS && (frame->hd.flags & NGHTTP2_FLAG_ACK) && !s.m_settingsUnacked.empty())
            s.m_settingsUnacked.pop_front();
        if (frame->hd.type == NGHTTP2_RST_STREAM) {
            // Streams the client opened and cancelled itself: the rapid-reset
            // pattern. Pushed streams it refuses are the server's doing.
            if ((frame->hd.stream_id & 1) && !s.m_resetLimiter.take(s.now()) && !s.m_rapidReset) {
                s.m_rapidReset = true;
                s.m_closeReason = "the client opened and reset streams faster than "
                                  + std::to_string(static_cast<int>(kResetBurst)) + " at once and then "
                                  + std::to_string(static_cast<int>(kResetPerSecond))
                                  + " a second (rapid reset, CVE-2023-44487)";
                nghttp2_session_terminate_session(s.m_session.get(), NGHTTP2_ENHANCE_YOUR_CALM);
            }
            return 0;
        }
        if (frame->hd.type != NGHTTP2_HEADERS && frame->hd.type != NGHTTP2_DATA)
            return 0;
        auto it = s.m_streams.find(frame->hd.stream_id);
        if (it == s.m_streams.end())
            return 0;
        Stream &st = *it->second;
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST && st.headersTooLarge
            && !st.dispatched) {
            st.dispatched = true; // never handled
            st.note = "refused: the request's header list is larger than the advertised SETTINGS_MAX_HEADER_LIST_SIZE ("
                      + std::to_string(s.m_options.maxHeaderListSize) + " bytes)";
            s.notice(st.id, "header-list-too-large", st.note);
            nghttp2_submit_rst_stream(s.m_session.get(), NGHTTP2_FLAG_NONE, st.id, NGHTTP2_REFUSED_STREAM);
            return 0;
        }
        if (frame->hd.type == NGHTTP2_HEADERS && frame->headers.cat == NGHTTP2_HCAT_REQUEST && !st.opened) {
            st.opened = true;
            if (s.m_recorder.on() && !s.m_clientRecorded) {
                s.m_clientRecorded = true;
                if (const std::string *ua = st.request.header("user-agent"))
                    s.m_recorder.log()->client(*ua);
            }
            // Remembered only for suppressing pushes, so only when the peer
            // accepts them (browsers do not): no per-request cost otherwise.
            if (nghttp2_session_get_remote_settings(s.m_session.get(), NGHTTP2_SETTINGS_ENABLE_PUSH) != 0)
                s.m_requestedPaths.insert(st.request.target);
            // A GET carries no body: answer as soon as the request is complete.
            // A CONNECT is answered at once: its DATA is the tunnel's.
            if (((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) || st.request.method == "CONNECT") && !st.dispatched)
                s.dispatch(st);
            return 0;
        }
        // A request with a body is answered when its last DATA frame is in.
        if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && !st.dispatched)
            s.dispatch(st);
        // The client ended its side of a WebSocket: so does the server.
        else if ((frame->hd.flags & NGHTTP2_FLAG_END_STREAM) && st.live && st.live->takesInput())
            st.live->close();
        return 0;
    }

    static int onInvalidFrameRecv(nghttp2_session *, const nghttp2_frame *, int libError, void *user)
    {
        self(user).m_recorder.judge(libError);
        return 0;
    }

    static int onDataChunkRecv(nghttp2_session *, std::uint8_t, std::int32_t streamId, const std::uint8_t *data,
                               std::size_t length, void *user)
    {
        // Request bodies are read and dropped (flow control is nghttp2's);
        // a WebSocket's frames go to its live body.
        H2Session &s = self(user);
        auto it = s.m_streams.find(streamId);
        if (it != s.m_streams.end() && it->second->live && it->second->live->takesInput()) {
            it->second->live->receive(view(data, length));
            s.m_liveInput = true;
        }
        return 0;
    }

    static int onFrameSend(nghttp2_session *, const nghttp2_frame *frame, void *user)
    {
        H2Session &s = self(user);
        if (frame->hd.type == NGHTTP2_GOAWAY) {
            s.m_goawayCode = static_cast<std::int32_t>(frame->goaway.error_code);
            s.m_goawayLastStream = frame->goaway.last_stream_id;
            if (s.m_closeReason.empty())
                s.m_closeReason = std::string("sent GOAWAY ") + inspect::errorCodeName(frame->goaway.error_code);
        }
        return 0;
    }

    static int onFrameNotSend(nghttp2_session *, const nghttp2_frame *frame, int libError, void *user)
    {
        H2Session &s = self(user);
        if (frame->hd.type == NGHTTP2_PUSH_PROMISE) {
            auto it = s.m_streams.find(frame->push_promise.promised_stream_id);
            if (it != s.m_streams.end())
                it->second->promiseFailure = nghttp2_strerror(libError);
        }
        if (inspect::CaptureLog *log = s.m_recorder.log())
            log->notSent(frame->hd.type, frame->hd.stream_id,
                         frame->hd.type == NGHTTP2_PUSH_PROMISE ? frame->push_promise.promised_stream_id : 0, libError);
        return 0;
    }

    static int onStreamClose(nghttp2_session *, std::int32_t streamId, std::uint32_t errorCode, void *user)
    {
        H2Session &s = self(user);
        auto it = s.m_streams.find(streamId);
        if (it == s.m_streams.end())
            return 0;
        Stream &st = *it->second;
        if (st.pushed) {
            --s.m_openPushes;
            if (!st.promiseFailure.empty())
                s.recordPushOutcome(st, "not-sent", st.promiseFailure);
            else if (errorCode == NGHTTP2_NO_ERROR)
                s.recordPushOutcome(st, "completed", {});
            else if (errorCode == NGHTTP2_CANCEL)
                s.recordPushOutcome(st, "cancelled", "the client reset the pushed stream with CANCEL");
            else if (errorCode == NGHTTP2_REFUSED_STREAM)
                s.recordPushOutcome(st, "refused", "the client reset the pushed stream with REFUSED_STREAM");
            else
                s.recordPushOutcome(st, "reset", std::string("stream reset with ") + inspect::errorCodeName(errorCode));
        }
        if (st.waiting || st.reading) // nobody wants what the pool would make or read for it
            s.m_responder.cancel(static_cast<std::uint64_t>(streamId));
        s.m_recorder.streamClosed(st.id, errorCode, std::move(st.note));
        if (s.m_inHeaders == &st)
            s.m_inHeaders = nullptr;
        s.m_streams.erase(it);
        return 0;
    }

    static int onError(nghttp2_session *, int libError, const char *msg, std::size_t len, void *user)
    {
        H2Session &s = self(user);
        if (s.m_recorder.on())
            s.notice(0, "protocol-error", std::string(msg, len) + " (" + nghttp2_strerror(libError) + ")");
        return 0;
    }

    static ssize_t readLive(nghttp2_session *, std::int32_t, std::uint8_t *buf, std::size_t length,
                            std::uint32_t *flags, nghttp2_data_source *source, void *)
    {
        auto *st = static_cast<Stream *>(source->ptr);
        bool ended = false;
        const std::size_t n = st->live->read(buf, length, ended);
        if (ended) {
            *flags |= NGHTTP2_DATA_FLAG_EOF;
            return static_cast<ssize_t>(n);
        }
        if (n == 0) {
            st->deferred = true; // resumeLive() picks it up again
            return NGHTTP2_ERR_DEFERRED;
        }
        return static_cast<ssize_t>(n);
    }

    // Bodies are not copied into nghttp2's buffer: the DATA frame is written
    // into the output by sendData() (NGHTTP2_DATA_FLAG_NO_COPY), so each byte
    // is copied once before TLS takes it.
    static ssize_t readBody(nghttp2_session *, std::int32_t, std::uint8_t *, std::size_t length, std::uint32_t *flags,
                            nghttp2_data_source *source, void *user)
    {
        H2Session &s = self(user);
        auto *st = static_cast<Stream *>(source->ptr);
        std::uint64_t ready = st->body->remaining();
        if (s.m_responder.usesPool()) {
            // File bytes are read on the pool; the stream waits for them
            // (NGHTTP2_ERR_DEFERRED) while the others go on.
            if (!st->readFailure.empty()) {
                st->note = st->readFailure;
                s.notice(st->id, "body-read-failed", st->readFailure);
                return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // RST_STREAM INTERNAL_ERROR
            }
            ready = st->body->readyBytes();
            if (ready == 0) {
                if (!st->reading)
                    if (std::optional<site::FileRead> read = st->body->pendingRead(kReadAhead)) {
                        st->reading = true;
                        s.m_responder.readAhead(static_cast<std::uint64_t>(st->id), std::move(*read));
                    }
                return NGHTTP2_ERR_DEFERRED;
            }
        }
        const auto n = static_cast<std::size_t>(std::min<std::uint64_t>(length, ready));
        *flags |= NGHTTP2_DATA_FLAG_NO_COPY;
        if (n == st->body->remaining())
            *flags |= NGHTTP2_DATA_FLAG_EOF;
        return static_cast<ssize_t>(n);
    }

    static int sendData(nghttp2_session *, nghttp2_frame *frame, const std::uint8_t *framehd, std::size_t length,
                        nghttp2_data_source *source, void *user)
    {
        H2Session &s = self(user);
        auto *st = static_cast<Stream *>(source->ptr);
        std::string &out = *s.m_sink;
        // nghttp2 goes on to the next DATA frame within the same mem_send
        // while this returns 0: past the budget, make it wait for the next
        // produce() (it calls again with the same frame).
        if (out.size() - s.m_sinkStart >= s.m_sinkBudget)
            return NGHTTP2_ERR_WOULDBLOCK;
        const std::size_t start = out.size();
        const std::size_t padlen = frame->data.padlen; // never set by us; honoured as RFC 9113 §6.1 says
        out.append(reinterpret_cast<const char *>(framehd), 9);
        if (padlen > 0)
            out.push_back(static_cast<char>(padlen - 1));
        if (Result<void> r = st->body->appendTo(out, length); !r) {
            out.resize(start); // nothing of the frame was sent: the stream is reset instead
            st->note = r.error().message;
            s.notice(st->id, "body-read-failed", r.error().message);
            return NGHTTP2_ERR_TEMPORAL_CALLBACK_FAILURE; // RST_STREAM INTERNAL_ERROR
        }
        if (padlen > 1)
            out.append(padlen - 1, '\0');
        s.m_recorder.sentData(reinterpret_cast<const std::uint8_t *>(out.data()) + start, out.size() - start,
                              padlen != 0);
        return 0;
    }
};

H2Session::H2Session(site::Handler &handler, inspect::CaptureLog *log, std::string scheme, H2Options options,
                     std::function<void()> wake, site::FilePool *files)
    : m_responder(handler, files, wake),
      m_recorder(log),
      m_scheme(std::move(scheme)),
      m_options(options),
      m_wake(std::move(wake))
{
    // nghttp2's constructors fail only for want of memory: as `new` would.
    const auto check = [](int rv) {
        if (rv != 0)
            throw std::bad_alloc();
    };
    nghttp2_session_callbacks *rawCallbacks = nullptr;
    check(nghttp2_session_callbacks_new(&rawCallbacks));
    const CHandle<nghttp2_session_callbacks, nghttp2_session_callbacks_del> callbacks(rawCallbacks);
    nghttp2_session_callbacks *cbs = callbacks.get();
    nghttp2_session_callbacks_set_on_begin_headers_callback(cbs, &Callbacks::onBeginHeaders);
    nghttp2_session_callbacks_set_on_header_callback(cbs, &Callbacks::onHeader);
    nghttp2_session_callbacks_set_on_frame_recv_callback(cbs, &Callbacks::onFrameRecv);
    nghttp2_session_callbacks_set_on_invalid_frame_recv_callback(cbs, &Callbacks::onInvalidFrameRecv);
    nghttp2_session_callbacks_set_on_data_chunk_recv_callback(cbs, &Callbacks::onDataChunkRecv);
    nghttp2_session_callbacks_set_on_frame_send_callback(cbs, &Callbacks::onFrameSend);
    nghttp2_session_callbacks_set_on_frame_not_send_callback(cbs, &Callbacks::onFrameNotSend);
    nghttp2_session_callbacks_set_on_stream_close_callback(cbs, &Callbacks::onStreamClose);
    nghttp2_session_callbacks_set_error_callback2(cbs, &Callbacks::onError);
    nghttp2_session_callbacks_set_send_data_callback(cbs, &Callbacks::sendData);

    nghttp2_option *rawOption = nullptr;
    check(nghttp2_option_new(&rawOption));
    const CHandle<nghttp2_option, nghttp2_option_del> option(rawOption);
    nghttp2_option *opt = option.get();
    // nghttp2's own defences, set explicitly so they are visible here:
    // rapid-reset (CVE-2023-44487), CONTINUATION floods, SETTINGS abuse.
    // The session's own rapid-reset check (ResetLimiter, which answers
    // ENHANCE_YOUR_CALM and says why) acts first; nghttp2's limiter, which
    // answers INTERNAL_ERROR, stays behind it as a backstop.
    nghttp2_option_set_stream_reset_rate_limit(opt, 2 * static_cast<std::uint64_t>(kResetBurst),
                                               2 * static_cast<std::uint64_t>(kResetPerSecond));
    nghttp2_option_set_max_continuations(opt, 8);
    nghttp2_option_set_max_settings(opt, 32);
    nghttp2_option_set_max_outbound_ack(opt, 1000);
    nghttp2_option_set_max_send_header_block_length(opt, 64u << 10);

    nghttp2_session *session = nullptr;
    check(nghttp2_session_server_new2(&session, cbs, this, opt));
    m_session.reset(session);

    const nghttp2_settings_entry iv[] = {
        {NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS, options.maxConcurrentStreams},
        {NGHTTP2_SETTINGS_INITIAL_WINDOW_SIZE, options.initialWindowSize},
        {NGHTTP2_SETTINGS_MAX_HEADER_LIST_SIZE, options.maxHeaderListSize},
        {NGHTTP2_SETTINGS_NO_RFC7540_PRIORITIES, 1},
        {NGHTTP2_SETTINGS_ENABLE_CONNECT_PROTOCOL, 1}, // last: sent only with options.extendedConnect
    };
    nghttp2_submit_settings(m_session.get(), NGHTTP2_FLAG_NONE, iv,
                            sizeof iv / sizeof iv[0] - (options.extendedConnect ? 0 : 1));
    // Counted from submission, as nghttp2 does: a client may ACK before it
    // has read our SETTINGS (they are in flight once submitted).
    m_settingsUnacked.push_back(now());
    nghttp2_session_set_local_window_size(m_session.get(), NGHTTP2_FLAG_NONE, 0,
                                          static_cast<std::int32_t>(options.connectionWindowSize));
}

void H2Session::SessionFree::operator()(nghttp2_session *session) const noexcept
{
    nghttp2_session_del(session);
}

H2Session::~H2Session() = default;

Result<void> H2Session::receive(const std::uint8_t *data, std::size_t length)
{
    if (m_fatal)
        return makeError(Errc::Protocol, m_closeReason);
    // The requests in these bytes arrived together: they see the folder in
    // one state, and each file they name is checked once, not once each.
    const site::FreshnessFor batch(m_freshness);
    std::string joined; // what was held, then these bytes
    if (!m_held.empty()) {
        joined.swap(m_held);
        joined.append(reinterpret_cast<const char *>(data), length);
        data = reinterpret_cast<const std::uint8_t *>(joined.data());
        length = joined.size();
    }
    // nghttp2 reads everything up to the next frame the guard must judge,
    // so that the guard's question (is that stream open?) is asked of the
    // state the frames before it left.
    while (length > 0) {
        const std::size_t free = m_guard.scan(data, length);
        if (Result<void> r = feed(data, free); !r)
            return r;
        data += free;
        length -= free;
        if (m_guard.pending()) {
            const std::int32_t pending = m_guard.pending()->streamId;
            enforce(m_guard.judge(nghttp2_session_find_stream(m_session.get(), pending) != nullptr));
        } else if (m_guard.holding()) {
            m_held.assign(reinterpret_cast<const char *>(data), length);
            break;
        }
    }
    if (m_liveInput) { // a WebSocket's answer (a Pong, a Close) goes out with this turn's output
        m_liveInput = false;
        resumeLive();
    }
    return {};
}

void H2Session::flushHeld()
{
    // The connection ends: what was held goes to the capture as it is.
    if (m_held.empty())
        return;
    const std::string held = std::move(m_held);
    m_held.clear();
    (void)feed(reinterpret_cast<const std::uint8_t *>(held.data()), held.size());
}

void H2Session::enforce(const GuardVerdict &verdict)
{
    switch (verdict.kind) {
    case GuardVerdict::Kind::None: return;
    case GuardVerdict::Kind::StreamError:
        m_recorder.holdGuardNotice(verdict.streamId, verdict.reason);
        nghttp2_submit_rst_stream(m_session.get(), NGHTTP2_FLAG_NONE, verdict.streamId, verdict.code);
        return;
    case GuardVerdict::Kind::ConnectionError:
        m_recorder.holdGuardNotice(0, verdict.reason);
        if (m_closeReason.empty())
            m_closeReason = verdict.reason;
        // nghttp2 ignores everything after this; the capture still records it.
        nghttp2_session_terminate_session(m_session.get(), verdict.code);
        return;
    }
}

Result<void> H2Session::feed(const std::uint8_t *data, std::size_t length)
{
    if (m_fatal)
        return makeError(Errc::Protocol, m_closeReason);
    while (length > 0) {
        // One frame at a time while recording, so that nghttp2's judgement of
        // a frame lands in its record (FrameRecorder::beginUnit()).
        std::size_t unit = length;
        bool whole = false;
        if (m_recorder.on())
            unit = m_recorder.beginUnit(data, length, whole);
        const ssize_t rv = nghttp2_session_mem_recv(m_session.get(), data, unit);
        if (rv < 0) {
            m_fatal = true;
            m_closeReason = std::string("fatal HTTP/2 error: ") + nghttp2_strerror(static_cast<int>(rv));
            if (m_recorder.on())
                m_recorder.failUnit(whole, static_cast<int>(rv));
            if (rv == NGHTTP2_ERR_BAD_CLIENT_MAGIC)
                m_closeReason = "the client did not send the HTTP/2 connection preface";
            else if (rv == NGHTTP2_ERR_FLOODED)
                m_closeReason = "the client flooded the connection (nghttp2's flood protection closed it)";
            // Say why in a GOAWAY when nghttp2 did not already.
            const bool abuse = rv == NGHTTP2_ERR_FLOODED || rv == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS;
            if (rv == NGHTTP2_ERR_TOO_MANY_CONTINUATIONS)
                m_closeReason = "the client sent too many CONTINUATION frames (a CONTINUATION flood)";
            nghttp2_session_terminate_session(m_session.get(),
                                              abuse ? NGHTTP2_ENHANCE_YOUR_CALM : NGHTTP2_PROTOCOL_ERROR);
            return makeError(Errc::Protocol, m_closeReason);
        }
        if (m_recorder.on())
            m_recorder.endUnit();
        data += unit;
        length -= unit;
    }
    return {};
}

void H2Session::dispatch(Stream &st)
{
    st.dispatched = true;
    if (st.request.scheme.empty())
        st.request.scheme = m_scheme;
    if (!m_hintedPaths.empty() && !st.pushed)
        st.request.earlyHinted = m_hintedPaths.erase(st.request.target) > 0;
    st.request.freshness = m_freshness;
    site::PushWish wish;
    if (!st.pushed && st.request.method == "GET" && m_options.maxPushesPerRequest > 0
        && nghttp2_session_get_remote_settings(m_session.get(), NGHTTP2_SETTINGS_ENABLE_PUSH) != 0) {
        wish.max = m_options.maxPushesPerRequest;
        wish.pushed = &m_pushedPaths;
        wish.requested = &m_requestedPaths;
    }
    site::Responder::Answer now;
    if (m_responder.answer(st.request, static_cast<std::uint64_t>(st.id), std::move(wish), now))
        answer(st, now);
    else
        st.waiting = true; // made on the file pool; takeAnswers() picks it up
}

void H2Session::takeAnswers()
{
    for (site::Responder::Answer &a : m_responder.take()) {
        auto it = m_streams.find(static_cast<std::int32_t>(a.token));
        // The client may have reset the stream meanwhile: nothing to answer.
        if (it != m_streams.end() && it->second->waiting) {
            it->second->waiting = false;
            answer(*it->second, a);
        }
    }
}

void H2Session::answer(Stream &st, site::Responder::Answer &answer)
{
    site::Response &response = answer.response;
    const bool ok2xx = response.status >= 200 && response.status < 300;
    if (ok2xx && !st.pushed && st.request.method == "GET") {
        if (m_options.earlyHints && site::wantsEarlyHints(st.request, response))
            sendEarlyHints(st, response);
        if (!response.pushPromises.empty())
            pushAssets(st, response, answer.pushes);
    }
    submitResponse(st, std::move(response));
}

void H2Session::sendEarlyHints(Stream &parent, const site::Response &response)
{
    static const std::string kStatus = ":status", k103 = "103", kLink = "link";
    const std::vector<std::string> values = site::earlyHintLinks(response);
    // The browser's preloads of these come next on this connection.
    if (m_hintedPaths.size() > kMaxHintedPaths)
        m_hintedPaths.clear();
    for (const site::PreloadLink &link : response.preloads)
        m_hintedPaths.insert(link.path);
    std::vector<nghttp2_nv> nva{makeNv(kStatus, k103)};
    for (const std::string &v : values)
        nva.push_back(makeNv(kLink, v));
    const int rv =
        nghttp2_submit_headers(m_session.get(), NGHTTP2_FLAG_NONE, parent.id, nullptr, nva.data(), nva.size(), nullptr);
    if (rv != 0 && m_recorder.on())
        notice(parent.id, "early-hints-failed", std::string("103 Early Hints not sent: ") + nghttp2_strerror(rv));
}

void H2Session::pushAssets(Stream &parent, const site::Response &response, std::vector<site::PushCandidate> &plan)
{
    if (nghttp2_session_get_remote_settings(m_session.get(), NGHTTP2_SETTINGS_ENABLE_PUSH) == 0) {
        if (m_recorder.on())
            notice(parent.id, "push-skipped",
                   "push skipped: the client disabled server push (SETTINGS_ENABLE_PUSH=0); "
                       + std::to_string(response.pushPromises.size()) + " asset(s) not pushed"
                       + (m_options.earlyHints && site::wantsEarlyHints(parent.request, response)
                              ? ", offered as 103 Early Hints instead"
                              : ""));
        return;
    }
    const std::uint32_t peerMax =
        nghttp2_session_get_remote_settings(m_session.get(), NGHTTP2_SETTINGS_MAX_CONCURRENT_STREAMS);
    std::size_t pushed = 0;
    for (site::PushCandidate &candidate : plan) {
        if (pushed >= m_options.maxPushesPerRequest || m_openPushes >= peerMax)
            break;
        site::Request &req = candidate.request;
        const std::string &path = req.target;
        // Never twice on one connection, never what the client already asked
        // for (the plan was made before the latest requests came in).
        if (m_pushedPaths.count(path) || m_requestedPaths.count(path))
            continue;
        // Only what the site answers with 2xx is worth a promise.
        if (candidate.response.status < 200 || candidate.response.status >= 300) {
            if (m_recorder.on())
                notice(parent.id, "push-skipped",
                       "not pushing " + path + ": the site answers it with "
                           + std::to_string(candidate.response.status));
            continue;
        }
        static const std::string kMethod = ":method", kGet = "GET", kScheme = ":scheme", kAuthority = ":authority",
                                 kPath = ":path";
        std::vector<nghttp2_nv> nva{makeNv(kMethod, kGet), makeNv(kScheme, req.scheme),
                                    makeNv(kAuthority, req.authority), makeNv(kPath, req.target)};
        for (const Header &h : req.headers)
            nva.push_back(makeNv(h.name, h.value));
        const std::int32_t id =
            nghttp2_submit_push_promise(m_session.get(), NGHTTP2_FLAG_NONE, parent.id, nva.data(), nva.size(), nullptr);
        if (id < 0) {
            if (m_recorder.on())
                notice(parent.id, "push-not-sent", "push of " + path + " not promised: " + nghttp2_strerror(id));
            break;
        }
        auto promised = std::make_unique<Stream>();
        promised->pushed = true;
        promised->parentId = parent.id;
        promised->request = std::move(req);
        promised->id = id;
        promised->opened = true;
        promised->dispatched = true;
        m_pushedPaths.insert(promised->request.target);
        ++m_openPushes;
        ++m_streamCount;
        ++pushed;
        Stream &st = *promised;
        m_streams[id] = std::move(promised);
        submitResponse(st, std::move(candidate.response));
        // The page itself goes first: its parser finds what else to fetch.
        // Pushed bodies fill the link once it is out (RFC 9218: urgency 3 is
        // the default, larger is later).
        nghttp2_extpri later{4, 0};
        nghttp2_session_change_extpri_stream_priority(m_session.get(), id, &later, 1);
    }
}

bool H2Session::submitResponse(Stream &st, site::Response &&response)
{
    st.status = response.status;
    st.note = std::move(response.note);
    if (inspect::CaptureLog *log = m_recorder.log(); log && response.decodedLength)
        log->decoded(st.id, response.decodedLength);
    st.body = std::move(response.body);
    st.live = std::move(response.live);

    // The fields go to nghttp2 as views it does not copy (the names are
    // lowercase already): the stream keeps what they point into until it
    // closes, after its HEADERS frame is out. The capture records the
    // encoded block as it is sent.
    const auto [statusEnd, ec] = std::to_chars(st.head.status, st.head.status + sizeof st.head.status, st.status);
    (void)ec;
    const std::string &date = site::httpDateAt(clock().unixSeconds());
    const std::size_t dateLength = std::min(date.size(), sizeof st.head.date);
    std::memcpy(st.head.date, date.data(), dateLength);
    thread_local std::vector<nghttp2_nv> nva;
    nva.clear();
    nva.push_back(makeNv(
        ":status", std::string_view(st.head.status, static_cast<std::size_t>(statusEnd - st.head.status)), kNoCopy));
    site::forEachResponseField(
        response, false, std::string_view(st.head.date, dateLength),
        [](std::string_view name, std::string_view value, bool lowercase) {
            // A name nothing checked gets lowercased by nghttp2, in a copy.
            if (!lowercase)
                lowercase = std::none_of(name.begin(), name.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
            nva.push_back(makeNv(name, value, lowercase ? kNoCopy : std::uint8_t(NGHTTP2_NV_FLAG_NO_COPY_VALUE)));
        });
    // Moving these keeps the bytes the views point at where they are.
    st.head.fixed = std::move(response.fixedHeaders);
    st.head.fields = std::move(response.headers);

    nghttp2_data_provider provider{};
    const bool head = st.request.method == "HEAD";
    const bool hasBody = !head && ((st.body && st.body->size() > 0) || st.live);
    if (hasBody) {
        provider.source.ptr = &st;
        provider.read_callback = st.live ? &Callbacks::readLive : &Callbacks::readBody;
        if (st.live) {
            st.live->setWaker(m_wake);
            if (m_shutdown)
                st.live->close();
        }
    }
    const int rv =
        nghttp2_submit_response(m_session.get(), st.id, nva.data(), nva.size(), hasBody ? &provider : nullptr);
    if (rv != 0) {
        st.note = std::string("response not submitted: ") + nghttp2_strerror(rv);
        nghttp2_submit_rst_stream(m_session.get(), NGHTTP2_FLAG_NONE, st.id, NGHTTP2_INTERNAL_ERROR);
        return false;
    }
    return true;
}

void H2Session::recordPushOutcome(const Stream &st, std::string_view outcome, std::string_view detail)
{
    m_recorder.pushOutcome(st.id, st.parentId, outcome, detail, st.request.target);
}

void H2Session::endCapture()
{
    if (!m_recorder.on())
        return;
    flushHeld(); // through feed(), into the capture
    m_recorder.end();
}

std::size_t H2Session::produce(std::string &out, std::size_t budget)
{
    const std::size_t start = out.size();
    // DATA frames written by sendData() may take the output past the budget.
    auto room = [&] { return out.size() - start >= budget ? 0 : budget - (out.size() - start); };
    m_sink = &out;
    m_sinkStart = start;
    m_sinkBudget = budget;
    if (m_pendingOffset < m_pending.size()) {
        const std::size_t n = std::min(room(), m_pending.size() - m_pendingOffset);
        out.append(m_pending, m_pendingOffset, n);
        m_pendingOffset += n;
        if (m_pendingOffset < m_pending.size())
            return out.size() - start;
        m_pending.clear();
        m_pendingOffset = 0;
    }
    while (room() > 0) {
        const std::uint8_t *chunk = nullptr;
        m_recorder.beginSend(); // streams closed in there are recorded after their last frame's bytes
        const ssize_t n = nghttp2_session_mem_send(m_session.get(), &chunk);
        m_recorder.endSend(chunk, n > 0 ? static_cast<std::size_t>(n) : 0);
        if (n < 0) {
            m_fatal = true;
            m_closeReason = std::string("HTTP/2 send failed: ") + nghttp2_strerror(static_cast<int>(n));
            break;
        }
        if (n == 0)
            break;
        const std::size_t take = std::min(room(), static_cast<std::size_t>(n));
        out.append(reinterpret_cast<const char *>(chunk), take);
        if (take < static_cast<std::size_t>(n)) {
            m_pending.assign(reinterpret_cast<const char *>(chunk) + take, static_cast<std::size_t>(n) - take);
            m_pendingOffset = 0;
            break;
        }
    }
    m_sink = nullptr;
    return out.size() - start;
}

bool H2Session::wantsClose() const
{
    if (m_pendingOffset < m_pending.size())
        return false;
    if (m_fatal)
        return !nghttp2_session_want_write(m_session.get());
    const bool idle = !nghttp2_session_want_read(m_session.get()) && !nghttp2_session_want_write(m_session.get());
    // A peer that closed its side still gets the answers and body bytes
    // being made on the file pool: nghttp2 knows nothing of them yet.
    if (m_peerClosed)
        return !nghttp2_session_want_write(m_session.get()) && m_responder.inFlight() == 0;
    return idle || (m_shutdown && m_streams.empty() && !nghttp2_session_want_write(m_session.get()));
}

void H2Session::resumeLive()
{
    takeAnswers();
    for (site::Responder::Read &read : m_responder.takeReads()) {
        const auto id = static_cast<std::int32_t>(read.token);
        auto it = m_streams.find(id);
        if (it == m_streams.end() || !it->second->reading)
            continue; // reset meanwhile
        Stream &st = *it->second;
        st.reading = false;
        if (read.bytes)
            st.body->supplyAhead(std::move(*read.bytes));
        else
            st.readFailure = read.bytes.error().message;
        nghttp2_session_resume_data(m_session.get(), id);
    }
    for (auto &[id, st] : m_streams) {
        if (st->live && st->deferred) {
            st->deferred = false;
            nghttp2_session_resume_data(m_session.get(), id);
        }
    }
}

void H2Session::shutdown()
{
    if (m_shutdown)
        return;
    m_shutdown = true;
    // Live streams never end by themselves: end them so the GOAWAY can finish.
    for (auto &[id, st] : m_streams)
        if (st->live)
            st->live->close();
    resumeLive();
    if (m_closeReason.empty())
        m_closeReason = "server shutdown";
    nghttp2_submit_goaway(m_session.get(), NGHTTP2_FLAG_NONE, nghttp2_session_get_last_proc_stream_id(m_session.get()),
                          NGHTTP2_NO_ERROR, nullptr, 0);
}

void H2Session::peerClosed()
{
    m_peerClosed = true;
    if (m_closeReason.empty())
        m_closeReason = "peer closed the connection";
    flushHeld();
    m_recorder.inputEnded(); // nothing more comes of a frame cut off here
}

std::optional<std::chrono::steady_clock::time_point> H2Session::settingsAckPendingSince() const
{
    if (m_fatal || m_settingsUnacked.empty())
        return std::nullopt;
    return m_settingsUnacked.front();
}

void H2Session::settingsAckTimedOut(const std::string &reason)
{
    if (m_fatal)
        return;
    m_fatal = true;
    m_closeReason = reason;
    nghttp2_session_terminate_session(m_session.get(), NGHTTP2_SETTINGS_TIMEOUT);
}

std::string H2Session::closeReason() const
{
    return m_closeReason.empty() ? std::string("closed") : m_closeReason;
}

} // namespace h2scope::h2
