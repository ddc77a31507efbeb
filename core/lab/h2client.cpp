#include "lab/h2client.h"

namespace h2scope::lab {

namespace {

// What Chromium announces: large windows, push as configured.
net::H2ClientSettings browserSettings(bool enablePush)
{
    net::H2ClientSettings s;
    s.enablePush = enablePush;
    s.maxConcurrentStreams = 1000;
    s.initialWindowSize = 6u << 20;
    s.connectionWindowSize = 15 << 20;
    return s;
}

} // namespace

H2Client::H2Client(ResponseSink &sink, std::string authority, bool enablePush)
    : m_sink(sink), m_authority(std::move(authority)), m_h2(*this, browserSettings(enablePush))
{}

void H2Client::onHead(std::int32_t stream, int status, HeaderList &&fields)
{
    if (status == 0)
        return; // trailers
    if (status < 200)
        m_sink.onInformational(stream, status, fields);
    else
        m_sink.onResponseHeaders(stream, status, fields);
}

void H2Client::onPushPromise(std::int32_t parent, std::int32_t promised, HeaderList &&fields)
{
    const std::string *path = findHeader(fields, ":path");
    m_sink.onPushPromise(parent, promised, path ? *path : std::string());
}

void H2Client::onData(std::int32_t stream, std::string_view data)
{
    m_sink.onBody(stream, data);
}

void H2Client::onStreamClose(std::int32_t stream, std::uint32_t errorCode)
{
    m_sink.onStreamEnd(stream, errorCode == 0);
}

Result<void> H2Client::receive(std::string_view data)
{
    return m_h2.receive(reinterpret_cast<const std::uint8_t *>(data.data()), data.size());
}

void H2Client::produce(std::string &out)
{
    m_h2.produce(out);
}

bool H2Client::canSubmit() const
{
    return m_h2.valid() && !m_h2.goawayReceived();
}

std::int32_t H2Client::submitGet(const std::string &path, const HeaderList &headers)
{
    if (!canSubmit())
        return -1;
    const std::int32_t id = m_h2.submit("GET", "https", m_authority, path, headers);
    if (id < 0)
        return -1;
    ++m_requests;
    return id;
}

} // namespace h2scope::lab
