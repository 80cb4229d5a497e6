// Argon2id via libargon2, and the password strength policy.
#include "identity/password.hpp"

#include <algorithm>
#include <cctype>
#include <stdexcept>
#include <vector>

#include <argon2.h>
#include <openssl/rand.h>

namespace wangban::kernel {

std::string hash_password(std::string_view password, const Argon2Params& p) {
  unsigned char salt[16];
  if (RAND_bytes(salt, sizeof salt) != 1) throw std::runtime_error("the random generator failed");
  constexpr std::size_t kHashLength = 32;
  std::size_t length = argon2_encodedlen(p.time_cost, p.memory_kib, p.parallelism, sizeof salt, kHashLength, Argon2_id);
  std::vector<char> encoded(length);
  int rc = argon2id_hash_encoded(p.time_cost, p.memory_kib, p.parallelism, password.data(), password.size(), salt,
                                 sizeof salt, kHashLength, encoded.data(), encoded.size());
  if (rc != ARGON2_OK) throw std::runtime_error(std::string("argon2id failed: ") + argon2_error_message(rc));
  return std::string(encoded.data());
}

bool verify_password(std::string_view encoded, std::string_view password) {
  std::string e(encoded);
  return argon2id_verify(e.c_str(), password.data(), password.size()) == ARGON2_OK;
}

std::optional<std::string> password_weakness(std::string_view password, std::string_view username,
                                             std::size_t min_length) {
  // Count characters, not bytes: a CJK character is one character.
  std::size_t chars = 0;
  for (unsigned char c : password) chars += (c & 0xC0) != 0x80;
  if (chars < min_length) return "口令长度至少 " + std::to_string(min_length) + " 个字符";
  bool upper = false, lower = false, digit = false, symbol = false;
  for (unsigned char c : password) {
    if (std::isupper(c)) upper = true;
    else if (std::islower(c)) lower = true;
    else if (std::isdigit(c)) digit = true;
    else symbol = true;
  }
  if (upper + lower + digit + symbol < 3) return std::string("口令须包含大写字母、小写字母、数字、符号中的至少三类");
  if (!username.empty()) {
    std::string p(password), u(username);
    std::transform(p.begin(), p.end(), p.begin(), [](unsigned char c) { return std::tolower(c); });
    std::transform(u.begin(), u.end(), u.begin(), [](unsigned char c) { return std::tolower(c); });
    if (p.find(u) != std::string::npos) return std::string("口令不得包含用户名");
  }
  for (std::size_t i = 3; i < password.size(); ++i)
    if (password[i] == password[i - 1] && password[i] == password[i - 2] && password[i] == password[i - 3])
      return std::string("口令不得包含连续四个相同的字符");
  return std::nullopt;
}

}  // namespace wangban::kernel
