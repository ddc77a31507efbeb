#pragma once
// TLS in memory-BIO mode: ciphertext in, plaintext out and back, no socket.
// Outgoing records go through a sink BIO straight into a string the engine
// owns, which takeCiphertext() hands over (swapped when the caller's buffer
// is empty): no memory BIO to copy them out of.
// One engine per connection, used from that connection's thread only.

#include "result.h"

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

typedef struct ssl_st SSL;
typedef struct bio_st BIO;

namespace h2scope::tls {

class TlsContext;

struct HandshakeInfo {
    std::string version; // "TLSv1.3"
    std::string cipher;  // "TLS_AES_128_GCM_SHA256"
    std::string alpn;    // "h2", "http/1.1" or ""
    std::string sni;     // requested server name or ""
    std::string group;   // key exchange group, e.g. "X25519"
    bool resumed = false;
};

class TlsEngine final {
public:
    explicit TlsEngine(std::shared_ptr<TlsContext> context);
    ~TlsEngine();
    TlsEngine(const TlsEngine &) = delete;
    TlsEngine &operator=(const TlsEngine &) = delete;
    TlsEngine(TlsEngine &&) = delete; // the sink BIO points at m_ciphertext
    TlsEngine &operator=(TlsEngine &&) = delete;

    // Takes ciphertext from the peer and appends whatever plaintext it
    // yields to `plaintext` (driving the handshake first). Fails with
    // Errc::Tls (and OpenSSL's reason) when the peer's TLS is broken; any
    // alert to send is then waiting in takeCiphertext().
    Result<void> receive(const std::uint8_t *data, std::size_t length, std::string &plaintext);

    // Encrypts plaintext for the peer. Only valid once handshakeDone().
    // The records wait for takeCiphertext(), or with `out` are appended to it
    // directly (after any ciphertext already waiting), saving a copy.
    Result<void> send(const std::uint8_t *data, std::size_t length, std::string *out = nullptr);

    // How many bytes to leave in front of plaintext that is to be written
    // at `at`, so that OpenSSL's copy of it into its record buffer is not
    // slow (copybytes.h): the same offset modulo 64 as the payload of the
    // last record written. 0..63; 0 before any record.
    std::size_t plaintextPad(const void *at) const noexcept;

    // Moves pending ciphertext (handshake messages, records) into `out`.
    std::size_t takeCiphertext(std::string &out);
    bool hasCiphertext() const;

    // Sends close_notify.
    void close();

    bool handshakeDone() const noexcept { return m_handshakeDone; }
    // Valid once handshakeDone().
    const HandshakeInfo &info() const noexcept { return m_info; }
    bool peerSentCloseNotify() const noexcept { return m_peerClosed; }

    // Where the sink BIO writes records, and where OpenSSL's last write
    // into it began (its record buffer).
    struct Sink {
        std::string *out = nullptr;
        const char *lastWrite = nullptr;
    };
    static int sinkWrite(BIO *bio, const char *data, int length);

private:
    void fillInfo();

    std::shared_ptr<TlsContext> m_context;
    struct SslFree {
        void operator()(SSL *ssl) const noexcept;
    };
    std::unique_ptr<SSL, SslFree> m_ssl; // owns both BIOs
    BIO *m_in = nullptr;                 // ciphertext from the peer (owned by m_ssl)
    BIO *m_out = nullptr;                // ciphertext to the peer (owned by m_ssl), written into m_ciphertext
    std::string m_ciphertext;
    Sink m_sink;                     // writes into m_ciphertext, or send()'s `out`
    std::size_t m_payloadOffset = 5; // from a record's start to its payload
    bool m_handshakeDone = false;
    bool m_peerClosed = false;
    HandshakeInfo m_info;
};

} // namespace h2scope::tls
