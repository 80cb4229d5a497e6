// Identifiers of natural and legal persons, checked by their check characters.
//
// Citizen ID numbers (公民身份号码, GB 11643-1999): 18 characters, ISO 7064
// MOD 11-2 check character, a real birth date not in the future; a legacy
// 15-digit number is converted. Unified social credit codes (统一社会信用代码,
// GB 32100-2015): 18 characters of the 31-character set, weighted MOD 31
// check, and the embedded organisation code's own GB 11714 check. The address
// code is only checked for shape: no division table is shipped yet. Part of the
// plugin API (since 1.4) so plugins check the same way as the kernel. Pure
// functions; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace wangban {

struct CitizenId {
  std::string number;     // normalised: 18 characters, upper-case X
  std::string birth_date; // YYYY-MM-DD
  bool male = false;      // odd sequence number
};

// The check character of the first 17 characters of a citizen ID number ('0'-'9' or 'X').
char citizen_id_check(std::string_view first17);
// Parses and validates; returns nullopt and sets `why` (Chinese, for people) when invalid.
// `today` is YYYYMMDD, for the not-in-the-future check.
std::optional<CitizenId> parse_citizen_id(std::string_view text, std::string_view today, std::string* why = nullptr);

// The check character of the first 17 characters of a unified social credit code.
char credit_code_check(std::string_view first17);
// The check character of an 8-character organisation code body (GB 11714).
char organisation_code_check(std::string_view first8);
// Normalised (upper-case) code when valid; otherwise nullopt and `why`.
std::optional<std::string> parse_credit_code(std::string_view text, std::string* why = nullptr);

}  // namespace wangban
