// Argon2id password hashes and the password strength policy.
#include <doctest/doctest.h>

#include "identity/password.hpp"

using namespace wangban::kernel;

namespace {
// Small parameters keep the unit test fast; the platform's defaults are in config.
const Argon2Params kFast{1, 1024, 1};
}  // namespace

TEST_CASE("an Argon2id hash verifies its password and nothing else, and carries its parameters") {
  auto h = hash_password("Zheng-wu-2026", kFast);
  CHECK(h.rfind("$argon2id$v=19$m=1024,t=1,p=1$", 0) == 0);
  CHECK(verify_password(h, "Zheng-wu-2026"));
  CHECK_FALSE(verify_password(h, "zheng-wu-2026"));
  CHECK_FALSE(verify_password("not a hash", "Zheng-wu-2026"));
  CHECK(hash_password("Zheng-wu-2026", kFast) != h);  // a fresh salt each time
}

TEST_CASE("the password policy asks for length, three character classes and no username") {
  CHECK(password_weakness("Short1!", "clerk") == std::optional<std::string>("口令长度至少 10 个字符"));
  CHECK(password_weakness("alllowercaseletters", "clerk") ==
        std::optional<std::string>("口令须包含大写字母、小写字母、数字、符号中的至少三类"));
  CHECK(password_weakness("Clerk-2026-abc", "clerk") == std::optional<std::string>("口令不得包含用户名"));
  CHECK(password_weakness("Aaaaa-2026-xyz", "clerk") ==
        std::optional<std::string>("口令不得包含连续四个相同的字符"));
  CHECK_FALSE(password_weakness("Zheng-wu-2026", "clerk"));
}
