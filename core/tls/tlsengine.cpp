#include "tls/tlsengine.h"

#include "tls/tlscontext.h"

#include "copybytes.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <cstdint>
#include <new>
#include <string>

namespace h2scope::tls {

namespace {

// What a failed handshake means for the user, when OpenSSL's reason says
// more than its words do: the client's alert rejecting our certificate, or
// plain HTTP sent to the TLS port.
std::string handshakeHint(unsigned long error)
{
    if (ERR_GET_LIB(error) != ERR_LIB_SSL)
        return {};
    switch (ERR_GET_REASON(error)) {
    case SSL_R_TLSV1_ALERT_UNKNOWN_CA:
    case SSL_R_SSLV3_ALERT_CERTIFICATE_UNKNOWN:
    case SSL_R_SSLV3_ALERT_BAD_CERTIFICATE:
        return " (the client does not trust the server's certificate: `h2scope-certs trust` adds the local CA to "
               "this machine's trust stores; `h2scope-certs status` shows which stores have it, and how to point "
               "tools with their own store, such as Node, at the CA file)";
    case SSL_R_SSLV3_ALERT_CERTIFICATE_EXPIRED:
        return " (the client says the certificate has expired: h2scope issues a new one when it starts; with "
               "--cert, renew that certificate)";
    case SSL_R_HTTP_REQUEST:
        return " (the client sent plain HTTP to the TLS port: use an https:// address, or start h2scope with "
               "--no-tls)";
    default: return {};
    }
}

// SSL_get_error() needs an empty error queue before each TLS call. The queue
// is almost always empty already, and ERR_peek_error() finds that out for a
// fraction of what ERR_clear_error() costs (it resets every slot).
void clearErrors()
{
    if (ERR_peek_error() != 0)
        ERR_clear_error();
}

} // namespace

// A write-only BIO that appends to the std::string its Sink points at.
int TlsEngine::sinkWrite(BIO *bio, const char *data, int length)
{
    auto *sink = static_cast<Sink *>(BIO_get_data(bio));
    if (!sink || !sink->out || length < 0)
        return -1;
    sink->lastWrite = data;
    try {
        appendBytes(*sink->out, data, static_cast<std::size_t>(length));
    } catch (const std::bad_alloc &) {
        return -1;
    }
    return length;
}

namespace {

long sinkCtrl(BIO *bio, int cmd, long, void *)
{
    const auto *sink = static_cast<const TlsEngine::Sink *>(BIO_get_data(bio));
    switch (cmd) {
    case BIO_CTRL_FLUSH: return 1;
    case BIO_CTRL_PENDING:
    case BIO_CTRL_WPENDING: return sink && sink->out ? static_cast<long>(sink->out->size()) : 0;
    default: return 0;
    }
}

int sinkCreate(BIO *bio)
{
    BIO_set_init(bio, 1);
    return 1;
}

const BIO_METHOD *sinkMethod()
{
    static BIO_METHOD *const method = [] {
        BIO_METHOD *m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "h2scope ciphertext sink");
        BIO_meth_set_write(m, &TlsEngine::sinkWrite);
        BIO_meth_set_ctrl(m, sinkCtrl);
        BIO_meth_set_create(m, sinkCreate);
        return m;
    }();
    return method;
}

} // namespace

TlsEngine::TlsEngine(std::shared_ptr<TlsContext> context) : m_context(std::move(context))
{
    m_ssl.reset(SSL_new(m_context->native()));
    m_in = BIO_new(BIO_s_mem());
    m_out = BIO_new(sinkMethod());
    m_sink.out = &m_ciphertext;
    BIO_set_data(m_out, &m_sink);
    // An empty memory BIO means "no data yet", not end of file.
    BIO_set_mem_eof_return(m_in, -1);
    SSL_set_bio(m_ssl.get(), m_in, m_out);
    SSL_set_accept_state(m_ssl.get());
}

void TlsEngine::SslFree::operator()(SSL *ssl) const noexcept
{
    SSL_free(ssl);
}

TlsEngine::~TlsEngine() = default;

Result<void> TlsEngine::receive(const std::uint8_t *data, std::size_t length, std::string &plaintext)
{
    if (length > 0 && BIO_write(m_in, data, static_cast<int>(length)) != static_cast<int>(length))
        return makeError(Errc::Tls, "buffering TLS input failed");

    if (!m_handshakeDone) {
        clearErrors();
        const int rc = SSL_do_handshake(m_ssl.get());
        if (rc != 1) {
            const int err = SSL_get_error(m_ssl.get(), rc);
            if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
                return {};
            const std::string hint = handshakeHint(ERR_peek_last_error());
            return makeError(Errc::Tls, "TLS handshake failed: " + lastOpensslError() + hint);
        }
        m_handshakeDone = true;
        fillInfo();
    }

    char buf[16384];
    for (;;) {
        clearErrors();
        const int n = SSL_read(m_ssl.get(), buf, sizeof buf);
        if (n > 0) {
            plaintext.append(buf, static_cast<std::size_t>(n));
            // Nothing buffered, nothing more to decrypt: another SSL_read()
            // would only say so (SSL_ERROR_WANT_READ), at a cost.
            if (BIO_ctrl_pending(m_in) == 0 && !SSL_has_pending(m_ssl.get()))
                return {};
            continue;
        }
        const int err = SSL_get_error(m_ssl.get(), n);
        if (err == SSL_ERROR_WANT_READ || err == SSL_ERROR_WANT_WRITE)
            return {};
        if (err == SSL_ERROR_ZERO_RETURN) {
            m_peerClosed = true;
            return {};
        }
        return makeError(Errc::Tls, "TLS error: " + lastOpensslError());
    }
}

Result<void> TlsEngine::send(const std::uint8_t *data, std::size_t length, std::string *out)
{
    if (out) {
        takeCiphertext(*out);
        m_sink.out = out;
    }
    std::size_t done = 0;
    while (done < length) {
        clearErrors();
        const int n = SSL_write(m_ssl.get(), data + done, static_cast<int>(length - done));
        if (n <= 0) {
            m_sink.out = &m_ciphertext;
            return makeError(Errc::Tls, "TLS write failed: " + lastOpensslError());
        }
        done += static_cast<std::size_t>(n);
    }
    m_sink.out = &m_ciphertext;
    return {};
}

std::size_t TlsEngine::plaintextPad(const void *at) const noexcept
{
    if (!m_sink.lastWrite || !m_handshakeDone)
        return 0;
    // Where the last record's payload began in OpenSSL's buffer: after the
    // 5-byte record header, and for TLS 1.2's GCM and CCM suites after the
    // 8-byte explicit nonce too.
    const auto payload = reinterpret_cast<std::uintptr_t>(m_sink.lastWrite) + m_payloadOffset;
    return (payload - reinterpret_cast<std::uintptr_t>(at)) & 63u;
}

std::size_t TlsEngine::takeCiphertext(std::string &out)
{
    const std::size_t n = m_ciphertext.size();
    if (n == 0)
        return 0;
    if (out.empty()) {
        out.swap(m_ciphertext); // the caller's spent buffer comes back for the next records
    } else {
        appendBytes(out, m_ciphertext.data(), m_ciphertext.size());
    }
    m_ciphertext.clear();
    return n;
}

bool TlsEngine::hasCiphertext() const
{
    return !m_ciphertext.empty();
}

void TlsEngine::close()
{
    if (m_handshakeDone) {
        clearErrors();
        SSL_shutdown(m_ssl.get());
    }
}

void TlsEngine::fillInfo()
{
    m_info.version = SSL_get_version(m_ssl.get());
    if (const SSL_CIPHER *c = SSL_get_current_cipher(m_ssl.get())) {
        m_info.cipher = SSL_CIPHER_get_name(c);
        const bool explicitNonce =
            SSL_version(m_ssl.get()) < TLS1_3_VERSION
            && (m_info.cipher.find("GCM") != std::string::npos || m_info.cipher.find("CCM") != std::string::npos);
        m_payloadOffset = explicitNonce ? 13 : 5;
    }
    const unsigned char *alpn = nullptr;
    unsigned int alpnLen = 0;
    SSL_get0_alpn_selected(m_ssl.get(), &alpn, &alpnLen);
    if (alpn)
        m_info.alpn.assign(reinterpret_cast<const char *>(alpn), alpnLen);
    if (const char *sni = SSL_get_servername(m_ssl.get(), TLSEXT_NAMETYPE_host_name))
        m_info.sni = sni;
    const int nid = SSL_get_negotiated_group(m_ssl.get());
    if (nid != NID_undef) {
        const char *name = SSL_group_to_name(m_ssl.get(), nid);
        m_info.group = name ? name : OBJ_nid2sn(nid);
    }
    m_info.resumed = SSL_session_reused(m_ssl.get()) == 1;
}

} // namespace h2scope::tls
