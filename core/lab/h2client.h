#pragma once
// An HTTP/2 client session for the lab loader: nghttp2 in memory mode,
// browser-like settings (6 MiB stream window, 15 MiB connection window),
// server push enabled or disabled with SETTINGS_ENABLE_PUSH. Promised
// streams are accepted; 1xx responses are reported as informational.
// Single-threaded: one per connection.

#include "lab/clientprotocol.h"

#include <map>
#include <string>

typedef struct nghttp2_session nghttp2_session;

namespace h2scope::lab {

class H2Client final : public ClientProtocol {
public:
    // `authority` is sent as :authority (e.g. "127.0.0.1:8443").
    H2Client(ResponseSink &sink, std::string authority, bool enablePush);
    ~H2Client() override;
    H2Client(const H2Client &) = delete;
    H2Client &operator=(const H2Client &) = delete;

    // Whether the session could be created (false only when out of memory).
    bool valid() const { return m_session != nullptr; }

    Result<void> receive(std::string_view data) override;
    void produce(std::string &out) override;
    bool canSubmit() const override;
    std::int32_t submitGet(const std::string &path, const HeaderList &headers) override;
    std::uint32_t requestsSent() const override { return m_requests; }

    struct Callbacks; // nghttp2 trampolines

private:
    struct Block {
        int status = 0;
        HeaderList headers;
    };

    ResponseSink &m_sink;
    std::string m_authority;
    nghttp2_session *m_session = nullptr;
    std::map<std::int32_t, Block> m_blocks;         // header block being received, by stream
    std::map<std::int32_t, std::string> m_promised; // promised stream -> :path
    std::uint32_t m_requests = 0;
    bool m_goaway = false;
};

} // namespace h2scope::lab
