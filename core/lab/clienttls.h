#pragma once
// Client-side TLS in memory-BIO mode for the lab loader: ciphertext in,
// plaintext out and back, no socket. The context offers exactly one ALPN
// protocol ("h2" or "http/1.1"), so the mode under test is what the server
// negotiates. The certificate is not verified: the loader only ever talks
// to the h2scope server it started, whose certificate is self-signed.
// One object per connection, used from that connection's thread only.

#include "result.h"

#include <memory>
#include <string>
#include <string_view>

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace h2scope::lab {

class ClientTls final {
public:
    // A client SSL_CTX (TLS 1.2+, ALPN `alpn`, no session cache shared
    // between page loads). Fails with Errc::Tls carrying OpenSSL's reason.
    // Any thread; the context may be shared by a page load's connections.
    static Result<std::shared_ptr<SSL_CTX>> makeContext(const std::string &alpn);

    // Fails with Errc::Tls when OpenSSL cannot make the SSL object.
    static Result<std::unique_ptr<ClientTls>> create(std::shared_ptr<SSL_CTX> context, const std::string &sni);

    ~ClientTls();
    ClientTls(const ClientTls &) = delete;
    ClientTls &operator=(const ClientTls &) = delete;

    // Starts (or continues) the handshake; the ClientHello is then waiting
    // in takeCiphertext().
    Result<void> handshake();
    // Ciphertext from the server; appends the plaintext it yields. Fails with
    // Errc::Tls when the server's TLS is broken or the handshake fails.
    Result<void> receive(std::string_view ciphertext, std::string &plaintext);
    // Encrypts plaintext; only once handshakeDone().
    Result<void> send(std::string_view plaintext);
    // Moves pending ciphertext into `out` (appends).
    void takeCiphertext(std::string &out);

    bool handshakeDone() const { return m_done; }
    // Valid once handshakeDone().
    const std::string &alpn() const { return m_alpn; }
    const std::string &version() const { return m_version; }

private:
    ClientTls() = default;

    std::shared_ptr<SSL_CTX> m_context;
    SSL *m_ssl = nullptr;
    BIO *m_in = nullptr;
    BIO *m_out = nullptr;
    bool m_done = false;
    std::string m_alpn;
    std::string m_version;
};

} // namespace h2scope::lab
