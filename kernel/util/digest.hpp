// Digests, random tokens and encodings over OpenSSL: SHA-256 and SM3 in hex, UUIDs,
// constant-time compare, Base64.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wangban::kernel {

std::string sha256_hex(std::string_view data);
// The raw digest of `data` with an OpenSSL digest by name ("SM3", "SHA256", ...); throws when unknown.
std::string digest_bytes(const char* algorithm, std::string_view data);
std::string sm3_hex(std::string_view data);
// Lowercase hex of `bytes` random bytes from the OpenSSL CSPRNG.
std::string random_hex(std::size_t bytes);
// A random (version 4) UUID.
std::string uuid_v4();
// Compares without leaking where the first difference is.
bool constant_time_equal(std::string_view a, std::string_view b);
std::string to_hex(const unsigned char* data, std::size_t size);
// Standard Base64 with padding, no line breaks.
std::string base64_encode(std::string_view bytes);
// Decodes standard Base64 (padding required, whitespace not allowed); nullopt when malformed.
std::optional<std::string> base64_decode(std::string_view text);

}  // namespace wangban::kernel
