#pragma once
// The lab loader's HTTP/2: the project's client session (net/h2clientsession.h)
// with browser-like settings (6 MiB stream window, 15 MiB connection window,
// 1,000 concurrent streams), server push enabled or disabled with
// SETTINGS_ENABLE_PUSH. Promised streams are accepted; 1xx responses are
// reported as informational, trailers not at all. Single-threaded: one per
// connection.

#include "lab/clientprotocol.h"
#include "net/h2clientsession.h"

#include <string>

namespace h2scope::lab {

class H2Client final : public ClientProtocol, private net::H2ClientListener {
public:
    // `authority` is sent as :authority (e.g. "127.0.0.1:8443").
    H2Client(ResponseSink &sink, std::string authority, bool enablePush);
    H2Client(const H2Client &) = delete;
    H2Client &operator=(const H2Client &) = delete;

    // Whether the session could be created (false only when out of memory).
    bool valid() const { return m_h2.valid(); }

    Result<void> receive(std::string_view data) override;
    void produce(std::string &out) override;
    bool canSubmit() const override;
    std::int32_t submitGet(const std::string &path, const HeaderList &headers) override;
    std::uint32_t requestsSent() const override { return m_requests; }

private:
    void onHead(std::int32_t stream, int status, HeaderList &&fields) override;
    void onPushPromise(std::int32_t parent, std::int32_t promised, HeaderList &&fields) override;
    void onData(std::int32_t stream, std::string_view data) override;
    void onStreamClose(std::int32_t stream, std::uint32_t errorCode) override;

    ResponseSink &m_sink;
    std::string m_authority;
    net::H2ClientSession m_h2;
    std::uint32_t m_requests = 0;
};

} // namespace h2scope::lab
