// Passwords of staff accounts: Argon2id hashing and the strength policy.
//
// Hashes are Argon2id in the PHC string format ($argon2id$v=19$m=..,t=..,p=..$salt$hash),
// so the parameters travel with each hash and can be raised later. The policy follows
// GB/T 22239-2019 level 3 (口令复杂度): at least `min_length` characters (default 10)
// from at least three of four classes (upper, lower, digit, symbol), not containing
// the username, no character repeated four times in a row. Thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace wangban::kernel {

struct Argon2Params {
  std::uint32_t time_cost = 1;         // iterations
  std::uint32_t memory_kib = 47104;    // 46 MiB (OWASP password storage guidance)
  std::uint32_t parallelism = 1;       // lanes
};

std::string hash_password(std::string_view password, const Argon2Params& params);
// True when `password` matches the encoded hash; false for a mismatch or a malformed hash.
bool verify_password(std::string_view encoded, std::string_view password);

// Why the password is too weak (Chinese, for people), or nullopt when it is acceptable.
std::optional<std::string> password_weakness(std::string_view password, std::string_view username,
                                             std::size_t min_length = 10);

}  // namespace wangban::kernel
