#pragma once
// C library objects (OpenSSL, nghttp2) owned by a unique_ptr whose deleter is
// the library's own free function: CHandle<SSL, SSL_free>.

#include <memory>

namespace h2scope {

template <auto Free> struct CDeleter {
    template <typename T> void operator()(T *p) const noexcept { Free(p); }
};

template <typename T, auto Free> using CHandle = std::unique_ptr<T, CDeleter<Free>>;

} // namespace h2scope
