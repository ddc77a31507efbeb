#pragma once
// RFC 4648 base64 with padding, by OpenSSL's coder: for capture files, JSON
// exports and the WebSocket handshake. Decoding fails on anything else.

#include <optional>
#include <string>
#include <string_view>

namespace h2scope {

std::string base64Encode(std::string_view bytes);
std::optional<std::string> base64Decode(std::string_view text);

} // namespace h2scope
