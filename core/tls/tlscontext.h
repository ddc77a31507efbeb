#pragma once
// The server's TLS configuration (one SSL_CTX shared by every connection):
// TLS 1.2 and 1.3, X25519 then P-256, AES-128-GCM and ChaCha20-Poly1305
// first, ALPN h2 then http/1.1, session resumption, optional key log.

#include "result.h"

#include <functional>
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace h2scope::tls {

struct TlsOptions {
    // Either PEM text or files; PEM text wins when both are given.
    std::string certPem;
    std::string keyPem;
    std::string certFile;
    std::string keyFile;
    // NSS key log (what SSLKEYLOGFILE names) so Wireshark can decrypt; empty = off.
    std::string keylogFile;
    // Told once, with a sentence for people, when a key-log line cannot be
    // written (a full disk): the connections from then on may not decrypt.
    // Called on the I/O thread whose handshake wrote the line, so it must be
    // thread-safe; serving goes on and later lines are still tried.
    std::function<void(const std::string &)> keylogFailed;
    // Offer http/1.1 through ALPN (h2 is always offered first).
    bool offerHttp1 = true;
};

class KeyLog;

class TlsContext final {
public:
    // Builds the context. Fails with Errc::NotFound / PermissionDenied when a
    // file cannot be read, Errc::Tls when OpenSSL rejects the certificate or
    // key (or they do not match), Errc::Io when the key log cannot be opened.
    // Thread: any; the result may be shared by all I/O threads.
    static Result<std::shared_ptr<TlsContext>> create(const TlsOptions &options);

    ~TlsContext();
    TlsContext(const TlsContext &) = delete;
    TlsContext &operator=(const TlsContext &) = delete;

    SSL_CTX *native() const noexcept { return m_ctx.get(); }
    bool keylogEnabled() const noexcept { return m_keylog != nullptr; }

private:
    TlsContext() = default;

    struct CtxFree {
        void operator()(SSL_CTX *ctx) const noexcept;
    };
    std::unique_ptr<SSL_CTX, CtxFree> m_ctx;
    std::unique_ptr<KeyLog> m_keylog;
    bool m_offerHttp1 = true;

    friend struct TlsContextAccess;
};

// OpenSSL's reason for the last failure, clearing its error queue.
std::string lastOpensslError();

} // namespace h2scope::tls
