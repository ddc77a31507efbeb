#include "result.h"

namespace h2scope {

const char *errcName(Errc code) noexcept
{
    switch (code) {
    case Errc::InvalidArgument: return "invalid-argument";
    case Errc::NotFound: return "not-found";
    case Errc::PermissionDenied: return "permission-denied";
    case Errc::AddressInUse: return "address-in-use";
    case Errc::Io: return "io";
    case Errc::Tls: return "tls";
    case Errc::Protocol: return "protocol";
    case Errc::Refused: return "refused";
    case Errc::Unsupported: return "unsupported";
    case Errc::Internal: return "internal";
    }
    return "unknown";
}

} // namespace h2scope
