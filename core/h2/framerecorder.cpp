#include "h2/framerecorder.h"

namespace h2scope::h2 {

FrameRecorder::FrameRecorder(inspect::CaptureLog *log) noexcept : m_log(log)
{
    m_inTap.setKeepPayload(log != nullptr);
    m_outTap.setKeepPayload(log != nullptr);
}

void FrameRecorder::recordInbound(const std::uint8_t *header9, std::span<const std::uint8_t> payload, bool incomplete)
{
    m_inJudgement = m_log->frame(false, header9, payload, incomplete, m_pendingJudgement);
    m_pendingJudgement = 0;
    if (m_guardNotice) { // about this frame: it follows it in the log, as on the wire
        m_log->notice(m_guardNotice->first, "protocol-error", m_guardNotice->second);
        m_guardNotice.reset();
    }
}

void FrameRecorder::holdGuardNotice(std::int32_t streamId, const std::string &text)
{
    if (m_log)
        m_guardNotice.emplace(streamId, text);
}

void FrameRecorder::recordPartialInbound()
{
    // The connection ends inside a frame (a frame larger than allowed, a
    // peer that stopped mid-frame): what arrived of it is still recorded.
    if (std::optional<TapFrame> partial = m_inTap.partial()) {
        recordInbound(partial->raw.data(), m_inTap.payload(), true);
        m_inJudgement = nullptr;
        m_inTap.abandon();
    }
}

void FrameRecorder::inputEnded()
{
    if (m_log)
        recordPartialInbound();
}

std::size_t FrameRecorder::beginUnit(const std::uint8_t *data, std::size_t length, bool &whole)
{
    // nghttp2 reads up to the end of one frame at a time, so that its
    // judgement of a frame lands in that frame's record: the record is
    // written first and made visible only after nghttp2 has read it.
    m_log->hold();
    m_inJudgement = nullptr;
    const std::size_t frame = length >= 9 ? 9 + inspect::frameLength(data) : 0;
    if (m_inTap.atFrameStart() && frame > 0 && frame <= length) {
        // A whole frame at a boundary (nearly every one): recorded from the
        // bytes as they are; the tap takes frames cut across reads.
        whole = true;
        recordInbound(data, {data + 9, inspect::keptPayload(data)}, false);
        return frame;
    }
    std::optional<TapFrame> done;
    const std::size_t unit = m_inTap.scan(data, length, done);
    whole = done.has_value();
    if (whole)
        recordInbound(done->raw.data(), m_inTap.payload(), false);
    return unit;
}

void FrameRecorder::judge(int libError) noexcept
{
    // nghttp2 may judge a frame by its header alone, before its record.
    if (m_inJudgement)
        inspect::CaptureLog::judge(m_inJudgement, libError);
    else
        m_pendingJudgement = libError;
}

void FrameRecorder::endUnit()
{
    m_inJudgement = nullptr;
    m_log->release();
}

void FrameRecorder::failUnit(bool whole, int libError)
{
    if (whole) {
        inspect::CaptureLog::judge(m_inJudgement, libError);
    } else {
        m_pendingJudgement = libError;
        recordPartialInbound();
    }
    endUnit();
}

void FrameRecorder::endSend(const std::uint8_t *chunk, std::size_t length)
{
    m_inSend = false;
    if (!m_log)
        return;
    if (length > 0)
        tapOutbound(chunk, length);
    flushDeferred();
}

void FrameRecorder::sentData(const std::uint8_t *frame, std::size_t length, bool padded)
{
    if (!m_log)
        return;
    if (!padded && m_outTap.atFrameStart())
        m_log->frame(true, frame, {}); // the payload need not be walked
    else
        tapOutbound(frame, length);
}

void FrameRecorder::tapOutbound(const std::uint8_t *data, std::size_t length)
{
    std::size_t off = 0;
    while (off < length) {
        // Whole frames from a boundary go to the log straight from the bytes;
        // the tap takes what is cut across calls.
        if (m_outTap.atFrameStart()) {
            off += m_log->sentFrames(data + off, length - off);
            if (off == length)
                break;
        }
        std::optional<TapFrame> done;
        off += m_outTap.scan(data + off, length - off, done);
        if (done)
            m_log->frame(true, done->raw.data(), m_outTap.payload());
    }
}

void FrameRecorder::notice(std::int32_t streamId, std::string_view code, std::string_view text)
{
    if (m_log)
        m_log->notice(streamId, code, text);
}

FrameRecorder::DeferredDetails &FrameRecorder::deferDetails(std::int32_t streamId, std::uint32_t errorCode)
{
    m_deferred.push_back(DeferredClose{streamId, errorCode, static_cast<std::uint32_t>(m_deferredDetails.size())});
    return m_deferredDetails.emplace_back();
}

void FrameRecorder::pushOutcome(std::int32_t streamId, std::int32_t parentId, std::string_view outcome,
                                std::string_view detail, const std::string &path)
{
    if (!m_log)
        return;
    // Inside mem_send() the frame that ended the stream has not been tapped
    // yet: the record waits for it. Elsewhere it is written at once.
    if (!m_inSend) {
        m_log->pushOutcome(streamId, parentId, outcome, detail, path);
        return;
    }
    DeferredDetails &d = deferDetails(streamId, 0);
    d.push = true;
    d.parentId = parentId;
    d.outcome = outcome;
    d.detail = detail;
    d.path = path;
}

void FrameRecorder::streamClosed(std::int32_t streamId, std::uint32_t errorCode, std::string &&note)
{
    if (!m_log)
        return;
    if (!m_inSend)
        m_log->streamClosed(streamId, errorCode, note);
    else if (errorCode == 0 && note.empty())
        m_deferred.push_back(DeferredClose{streamId, 0, kNoDetails});
    else
        deferDetails(streamId, errorCode).note = std::move(note);
}

void FrameRecorder::flushDeferred()
{
    if (m_deferred.empty())
        return;
    for (const DeferredClose &d : m_deferred) {
        if (d.details == kNoDetails) {
            m_log->streamClosed(d.streamId, 0, {});
            continue;
        }
        const DeferredDetails &x = m_deferredDetails[d.details];
        if (x.push)
            m_log->pushOutcome(d.streamId, x.parentId, x.outcome, x.detail, x.path);
        else
            m_log->streamClosed(d.streamId, d.errorCode, x.note);
    }
    m_deferred.clear();
    m_deferredDetails.clear();
}

void FrameRecorder::end()
{
    if (!m_log)
        return;
    recordPartialInbound();
    if (std::optional<TapFrame> partial = m_outTap.partial()) {
        m_log->frame(true, partial->raw.data(), m_outTap.payload(), true);
        m_outTap.abandon();
    }
    flushDeferred();
    m_log = nullptr; // the connection's log is closed: nothing more goes in
}

} // namespace h2scope::h2
