#include "lab/clienttls.h"

#include "tls/tlscontext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

namespace h2scope::lab {

Result<std::shared_ptr<SSL_CTX>> ClientTls::makeContext(const std::string &alpn)
{
    SSL_CTX *ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx)
        return makeError(Errc::Tls, "cannot create a TLS client context: " + tls::lastOpensslError());
    std::shared_ptr<SSL_CTX> owned(ctx, &SSL_CTX_free);
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    std::string wire;
    wire += static_cast<char>(alpn.size());
    wire += alpn;
    if (SSL_CTX_set_alpn_protos(ctx, reinterpret_cast<const unsigned char *>(wire.data()),
                                static_cast<unsigned>(wire.size()))
        != 0)
        return makeError(Errc::Tls, "cannot set ALPN " + alpn + ": " + tls::lastOpensslError());
    return owned;
}

Result<std::unique_ptr<ClientTls>> ClientTls::create(std::shared_ptr<SSL_CTX> context, const std::string &sni)
{
    std::unique_ptr<ClientTls> t(new ClientTls());
    t->m_context = std::move(context);
    t->m_ssl = SSL_new(t->m_context.get());
    if (!t->m_ssl)
        return makeError(Errc::Tls, "cannot create a TLS client: " + tls::lastOpensslError());
    t->m_in = BIO_new(BIO_s_mem());
    t->m_out = BIO_new(BIO_s_mem());
    if (!t->m_in || !t->m_out) {
        BIO_free(t->m_in);
        BIO_free(t->m_out);
        t->m_in = t->m_out = nullptr;
        return makeError(Errc::Tls, "cannot create TLS memory buffers");
    }
    BIO_set_mem_eof_return(t->m_in, -1);
    SSL_set_bio(t->m_ssl, t->m_in, t->m_out);
    SSL_set_connect_state(t->m_ssl);
    if (!sni.empty())
        SSL_set_tlsext_host_name(t->m_ssl, sni.c_str());
    return t;
}

ClientTls::~ClientTls()
{
    if (m_ssl)
        SSL_free(m_ssl); // frees both BIOs
}

Result<void> ClientTls::handshake()
{
    if (m_done)
        return {};
    const int rv = SSL_do_handshake(m_ssl);
    if (rv == 1) {
        m_done = true;
        const unsigned char *proto = nullptr;
        unsigned len = 0;
        SSL_get0_alpn_selected(m_ssl, &proto, &len);
        m_alpn.assign(reinterpret_cast<const char *>(proto), len);
        m_version = SSL_get_version(m_ssl);
        return {};
    }
    const int err = SSL_get_error(m_ssl, rv);
    if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
        return {};
    return makeError(Errc::Tls, "TLS handshake with the server failed: " + tls::lastOpensslError());
}

Result<void> ClientTls::receive(std::string_view ciphertext, std::string &plaintext)
{
    if (!ciphertext.empty() && BIO_write(m_in, ciphertext.data(), int(ciphertext.size())) != int(ciphertext.size()))
        return makeError(Errc::Tls, "cannot buffer TLS input");
    if (!m_done) {
        Result<void> r = handshake();
        if (!r || !m_done)
            return r;
    }
    char buf[16384];
    for (int guard = 0; guard < 100'000; ++guard) {
        const int n = SSL_read(m_ssl, buf, sizeof buf);
        if (n > 0) {
            plaintext.append(buf, std::size_t(n));
            continue;
        }
        const int err = SSL_get_error(m_ssl, n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE || err == SSL_ERROR_ZERO_RETURN)
            return {};
        return makeError(Errc::Tls, "TLS error from the server: " + tls::lastOpensslError());
    }
    return {};
}

Result<void> ClientTls::send(std::string_view plaintext)
{
    if (!m_done)
        return makeError(Errc::Internal, "TLS data before the handshake finished");
    if (plaintext.empty())
        return {};
    const int n = SSL_write(m_ssl, plaintext.data(), int(plaintext.size()));
    if (n != int(plaintext.size()))
        return makeError(Errc::Tls, "cannot encrypt: " + tls::lastOpensslError());
    return {};
}

void ClientTls::takeCiphertext(std::string &out)
{
    char buf[16384];
    for (int guard = 0; guard < 100'000; ++guard) {
        const int n = BIO_read(m_out, buf, sizeof buf);
        if (n <= 0)
            break;
        out.append(buf, std::size_t(n));
    }
}

} // namespace h2scope::lab
