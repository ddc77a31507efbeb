#pragma once
// A memory-BIO TLS client that talks to a net::Connection in memory: for
// tests of the TLS layer and of what the server answers over TLS.

#include "net/connection.h"

#include <openssl/ssl.h>

#include <cstdint>
#include <string>
#include <vector>

namespace h2scope::testing {

// A memory-BIO TLS client that talks to a net::Connection.
class MemoryTlsClient {
public:
    // `verify`: check the server's certificate against an empty trust
    // store, as a client that does not trust it would.
    MemoryTlsClient(const std::vector<std::string> &alpn, const char *sni, bool verify = false)
    {
        m_ctx = SSL_CTX_new(TLS_client_method());
        SSL_CTX_set_verify(m_ctx, verify ? SSL_VERIFY_PEER : SSL_VERIFY_NONE, nullptr);
        m_ssl = SSL_new(m_ctx);
        m_in = BIO_new(BIO_s_mem());
        m_out = BIO_new(BIO_s_mem());
        SSL_set_bio(m_ssl, m_in, m_out);
        SSL_set_connect_state(m_ssl);
        if (!alpn.empty()) {
            std::string wire;
            for (const std::string &p : alpn)
                wire += char(p.size()) + p;
            SSL_set_alpn_protos(m_ssl, reinterpret_cast<const unsigned char *>(wire.data()),
                                static_cast<unsigned>(wire.size()));
        }
        if (sni)
            SSL_set_tlsext_host_name(m_ssl, sni);
    }
    ~MemoryTlsClient()
    {
        SSL_free(m_ssl);
        SSL_CTX_free(m_ctx);
    }

    // Runs the handshake against `conn`; true when it completed.
    bool handshake(net::Connection &conn)
    {
        for (int i = 0; i < 20; ++i) {
            const int rc = SSL_do_handshake(m_ssl);
            flushTo(conn);
            if (rc == 1)
                return true;
            std::string back;
            conn.produce(back, 1 << 20);
            if (!back.empty())
                BIO_write(m_in, back.data(), static_cast<int>(back.size()));
        }
        return false;
    }

    // Encrypts plaintext for the connection without reading the answer
    // (one TLS record per call, for up to 16 KiB).
    void send(net::Connection &conn, const std::string &plain)
    {
        SSL_write(m_ssl, plain.data(), static_cast<int>(plain.size()));
        flushTo(conn);
    }

    // Takes what the connection produced (ciphertext) and appends the
    // plaintext it carries to `plain`; returns the ciphertext's size.
    std::size_t receive(net::Connection &conn, std::string &plain)
    {
        std::string back;
        conn.produce(back, 1 << 20);
        if (!back.empty())
            BIO_write(m_in, back.data(), static_cast<int>(back.size()));
        char buf[16384];
        int n;
        while ((n = SSL_read(m_ssl, buf, sizeof buf)) > 0)
            plain.append(buf, static_cast<std::size_t>(n));
        return back.size();
    }

    // Sends plaintext and returns the plaintext answer (one round trip).
    std::string exchange(net::Connection &conn, const std::string &plain)
    {
        SSL_write(m_ssl, plain.data(), static_cast<int>(plain.size()));
        flushTo(conn);
        std::string back;
        conn.produce(back, 1 << 20);
        BIO_write(m_in, back.data(), static_cast<int>(back.size()));
        std::string out;
        char buf[4096];
        int n;
        while ((n = SSL_read(m_ssl, buf, sizeof buf)) > 0)
            out.append(buf, static_cast<std::size_t>(n));
        return out;
    }

    // The server ended the TLS session with close_notify (seen by SSL_read).
    bool closeNotifyReceived() const { return (SSL_get_shutdown(m_ssl) & SSL_RECEIVED_SHUTDOWN) != 0; }

    std::string alpn() const
    {
        const unsigned char *p = nullptr;
        unsigned int len = 0;
        SSL_get0_alpn_selected(m_ssl, &p, &len);
        return p ? std::string(reinterpret_cast<const char *>(p), len) : std::string();
    }

private:
    void flushTo(net::Connection &conn)
    {
        char buf[16384];
        int n;
        while ((n = BIO_read(m_out, buf, sizeof buf)) > 0)
            conn.receive(reinterpret_cast<const std::uint8_t *>(buf), static_cast<std::size_t>(n));
    }

    SSL_CTX *m_ctx = nullptr;
    SSL *m_ssl = nullptr;
    BIO *m_in = nullptr;
    BIO *m_out = nullptr;
};

} // namespace h2scope::testing
