#include "tls/tlscontext.h"

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <unistd.h>

namespace h2scope::tls {

std::string lastOpensslError()
{
    std::string out;
    while (unsigned long e = ERR_get_error()) {
        char buf[256];
        ERR_error_string_n(e, buf, sizeof buf);
        if (!out.empty())
            out += "; ";
        out += buf;
    }
    return out.empty() ? std::string("unknown TLS error") : out;
}

// Appends NSS key log lines; shared by every connection, so serialized.
class KeyLog final {
public:
    KeyLog(int fd, std::string path, std::function<void(const std::string &)> failed)
        : m_fd(fd), m_path(std::move(path)), m_failed(std::move(failed))
    {}
    ~KeyLog() { ::close(m_fd); }
    void write(const char *line)
    {
        std::string l(line);
        l += '\n';
        std::lock_guard lock(m_mutex);
        // A failed write only loses a key-log line, never the connection; the
        // first one is said (a full disk), the next lines are still tried.
        for (std::size_t done = 0; done < l.size();) {
            const ssize_t n = ::write(m_fd, l.data() + done, l.size() - done);
            if (n > 0) {
                done += static_cast<std::size_t>(n);
                continue;
            }
            if (n < 0 && errno == EINTR)
                continue;
            const int err = n < 0 ? errno : EIO;
            if (!m_said && m_failed)
                m_failed("writing the key log " + m_path + " failed: " + std::strerror(err)
                         + "; connections from now on may not decrypt with it (serving goes on)");
            m_said = true;
            return;
        }
    }

private:
    std::mutex m_mutex;
    int m_fd;
    std::string m_path;
    std::function<void(const std::string &)> m_failed;
    bool m_said = false;
};

namespace {

constexpr unsigned char kAlpnH2[] = "h2";
constexpr unsigned char kAlpnHttp11[] = "http/1.1";
int g_exIndex = -1;

int selectAlpn(SSL *, const unsigned char **out, unsigned char *outlen, const unsigned char *in, unsigned int inlen,
               void *arg)
{
    const bool offerHttp1 = *static_cast<bool *>(arg);
    // Server preference: h2 whenever the client offers it, then http/1.1.
    for (const unsigned char *want : {kAlpnH2, kAlpnHttp11}) {
        if (want == kAlpnHttp11 && !offerHttp1)
            break;
        const std::size_t wantLen = std::strlen(reinterpret_cast<const char *>(want));
        for (unsigned int i = 0; i < inlen;) {
            const unsigned int len = in[i];
            if (i + 1 + len > inlen)
                break;
            if (len == wantLen && std::memcmp(in + i + 1, want, len) == 0) {
                *out = in + i + 1;
                *outlen = static_cast<unsigned char>(len);
                return SSL_TLSEXT_ERR_OK;
            }
            i += 1 + len;
        }
    }
    // No common protocol: carry on without ALPN (served as HTTP/1.1).
    return SSL_TLSEXT_ERR_NOACK;
}

void keylogCallback(const SSL *ssl, const char *line)
{
    SSL_CTX *ctx = SSL_get_SSL_CTX(ssl);
    if (auto *log = static_cast<KeyLog *>(SSL_CTX_get_ex_data(ctx, g_exIndex)))
        log->write(line);
}

// OpenSSL refuses a key that does not belong to the certificate already
// loaded; say that in words rather than as "key values mismatch".
Error keyError(const std::string &what)
{
    const unsigned long e = ERR_peek_last_error();
    if (ERR_GET_LIB(e) == ERR_LIB_X509 && ERR_GET_REASON(e) == X509_R_KEY_VALUES_MISMATCH) {
        ERR_clear_error();
        return makeError(Errc::Tls, "the private key does not match the certificate: pass the key that was made "
                                    "with this certificate");
    }
    return makeError(Errc::Tls, what + lastOpensslError());
}

// Whether the file holds one DER (binary) certificate, or key, instead of PEM.
bool isDer(const std::string &path, bool key)
{
    BIO *bio = BIO_new_file(path.c_str(), "rb");
    if (!bio)
        return false;
    bool der = false;
    if (key) {
        if (EVP_PKEY *k = d2i_PrivateKey_bio(bio, nullptr)) {
            der = true;
            EVP_PKEY_free(k);
        }
    } else if (X509 *c = d2i_X509_bio(bio, nullptr)) {
        der = true;
        X509_free(c);
    }
    BIO_free(bio);
    ERR_clear_error();
    return der;
}

Result<void> useFiles(SSL_CTX *ctx, const TlsOptions &o)
{
    for (const std::string *f : {&o.certFile, &o.keyFile}) {
        if (::access(f->c_str(), R_OK) != 0) {
            const int err = errno;
            return makeError(err == ENOENT ? Errc::NotFound : Errc::PermissionDenied,
                             "cannot read " + *f + ": " + std::strerror(err)
                                 + " (pass a readable PEM file with --cert/--key, or omit both)");
        }
    }
    if (SSL_CTX_use_certificate_chain_file(ctx, o.certFile.c_str()) != 1) {
        if (isDer(o.certFile, false))
            return makeError(Errc::Tls, "certificate " + o.certFile
                                            + " is in DER (binary) form; h2scope reads PEM: convert it with "
                                              "`openssl x509 -inform der -in "
                                            + o.certFile + " -out cert.pem` and pass cert.pem with --cert");
        return makeError(Errc::Tls,
                         "certificate " + o.certFile + " is not a usable PEM certificate: " + lastOpensslError());
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, o.keyFile.c_str(), SSL_FILETYPE_PEM) != 1) {
        if (isDer(o.keyFile, true)) {
            ERR_clear_error();
            return makeError(Errc::Tls, "key " + o.keyFile
                                            + " is in DER (binary) form; h2scope reads PEM: convert it with "
                                              "`openssl pkey -inform der -in "
                                            + o.keyFile + " -out key.pem` and pass key.pem with --key");
        }
        return keyError("key " + o.keyFile + " is not a usable PEM private key: ");
    }
    return {};
}

Result<void> usePem(SSL_CTX *ctx, const TlsOptions &o)
{
    BIO *cb = BIO_new_mem_buf(o.certPem.data(), static_cast<int>(o.certPem.size()));
    X509 *cert = PEM_read_bio_X509(cb, nullptr, nullptr, nullptr);
    BIO_free(cb);
    if (!cert || SSL_CTX_use_certificate(ctx, cert) != 1) {
        X509_free(cert);
        return makeError(Errc::Tls, "the certificate is not usable: " + lastOpensslError());
    }
    X509_free(cert);
    BIO *kb = BIO_new_mem_buf(o.keyPem.data(), static_cast<int>(o.keyPem.size()));
    EVP_PKEY *key = PEM_read_bio_PrivateKey(kb, nullptr, nullptr, nullptr);
    BIO_free(kb);
    if (!key || SSL_CTX_use_PrivateKey(ctx, key) != 1) {
        EVP_PKEY_free(key);
        return keyError("the private key is not usable: ");
    }
    EVP_PKEY_free(key);
    return {};
}

} // namespace

void TlsContext::CtxFree::operator()(SSL_CTX *ctx) const noexcept
{
    SSL_CTX_free(ctx);
}

TlsContext::~TlsContext() = default;

Result<std::shared_ptr<TlsContext>> TlsContext::create(const TlsOptions &options)
{
    static std::once_flag once;
    std::call_once(once, [] { g_exIndex = SSL_CTX_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr); });

    std::shared_ptr<TlsContext> self(new TlsContext);
    self->m_offerHttp1 = options.offerHttp1;
    SSL_CTX *ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx)
        return makeError(Errc::Tls, "creating the TLS context failed: " + lastOpensslError());
    self->m_ctx.reset(ctx);

    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
    SSL_CTX_set_options(ctx, SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION);
    SSL_CTX_set_mode(ctx, SSL_MODE_RELEASE_BUFFERS);
    if (SSL_CTX_set1_groups_list(ctx, "X25519:P-256") != 1
        || SSL_CTX_set_ciphersuites(ctx, "TLS_AES_128_GCM_SHA256:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_256_GCM_SHA384")
               != 1
        || SSL_CTX_set_cipher_list(ctx, "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
                                        "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
                                        "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384")
               != 1)
        return makeError(Errc::Tls, "configuring TLS groups and ciphers failed: " + lastOpensslError());

    // Resumption: a server-side session cache plus stateless tickets.
    static const unsigned char sidCtx[] = "h2scope";
    SSL_CTX_set_session_id_context(ctx, sidCtx, sizeof sidCtx - 1);
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_SERVER);
    SSL_CTX_sess_set_cache_size(ctx, 4096);

    Result<void> loaded = !options.certPem.empty() ? usePem(ctx, options) : useFiles(ctx, options);
    if (!loaded)
        return loaded.error();
    if (SSL_CTX_check_private_key(ctx) != 1)
        return makeError(Errc::Tls, "the private key does not match the certificate: " + lastOpensslError());

    SSL_CTX_set_alpn_select_cb(ctx, selectAlpn, &self->m_offerHttp1);

    if (!options.keylogFile.empty()) {
        const int fd = ::open(options.keylogFile.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
        if (fd < 0)
            return makeError(Errc::Io, "cannot open the key log " + options.keylogFile + ": " + std::strerror(errno));
        self->m_keylog = std::make_unique<KeyLog>(fd, options.keylogFile, options.keylogFailed);
        SSL_CTX_set_ex_data(ctx, g_exIndex, self->m_keylog.get());
        SSL_CTX_set_keylog_callback(ctx, keylogCallback);
    }
    return self;
}

} // namespace h2scope::tls
