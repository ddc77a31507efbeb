#pragma once
// The project's one fallible-result type. No exception crosses a module
// boundary: functions that can fail return Result<T> with an Error that says
// what happened and what to do about it, in words a user can act on.

#include <string>
#include <type_traits>
#include <utility>
#include <variant>

namespace h2scope {

enum class Errc {
    InvalidArgument,  // the caller passed something unusable (bad option, bad value)
    NotFound,         // a file, folder or resource does not exist
    PermissionDenied, // the OS refused access
    AddressInUse,     // a listening port is taken
    Io,               // read/write/socket failure
    Tls,              // OpenSSL reported an error
    Protocol,         // the peer broke the protocol
    Refused,          // a request was refused on purpose (path safety, limits)
    Unsupported,      // not possible on this platform/build
    Internal,         // a bug in h2scope
};

const char *errcName(Errc code) noexcept;

struct Error {
    Errc code = Errc::Internal;
    std::string message; // one line: what happened, and what to do

    Error() = default;
    Error(Errc c, std::string m) : code(c), message(std::move(m)) {}
};

template <typename T> class [[nodiscard]] Result {
public:
    Result(T value) : m_v(std::in_place_index<0>, std::move(value)) {}
    Result(Error error) : m_v(std::in_place_index<1>, std::move(error)) {}

    bool ok() const noexcept { return m_v.index() == 0; }
    explicit operator bool() const noexcept { return ok(); }

    T &value() & { return std::get<0>(m_v); }
    const T &value() const & { return std::get<0>(m_v); }
    T &&value() && { return std::get<0>(std::move(m_v)); }
    T &operator*() & { return value(); }
    const T &operator*() const & { return value(); }
    T *operator->() { return &value(); }
    const T *operator->() const { return &value(); }

    const Error &error() const { return std::get<1>(m_v); }

private:
    std::variant<T, Error> m_v;
};

template <> class [[nodiscard]] Result<void> {
public:
    Result() = default;
    Result(Error error) : m_error(std::move(error)), m_ok(false) {}

    bool ok() const noexcept { return m_ok; }
    explicit operator bool() const noexcept { return m_ok; }
    const Error &error() const { return m_error; }

private:
    Error m_error;
    bool m_ok = true;
};

inline Error makeError(Errc code, std::string message)
{
    return Error(code, std::move(message));
}

} // namespace h2scope
