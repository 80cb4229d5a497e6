// ISO 8601 UTC text for std::time_t ("2026-11-27T01:02:03Z") and back, as the trust services
// store and report their times. Header-only; thread-safe.
#pragma once

#include <cstdio>
#include <ctime>
#include <string>
#include <string_view>

namespace wangban::kernel {

inline std::string iso_utc(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

// Reads "YYYY-MM-DDTHH:MM:SS" followed by an optional fraction and "Z"; -1 when malformed.
inline std::time_t parse_iso_utc(std::string_view text) {
  std::tm tm{};
  int consumed = 0;
  std::string s(text);
  if (std::sscanf(s.c_str(), "%4d-%2d-%2dT%2d:%2d:%2d%n", &tm.tm_year, &tm.tm_mon, &tm.tm_mday, &tm.tm_hour, &tm.tm_min,
                  &tm.tm_sec, &consumed) != 6 || consumed != 19)
    return -1;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  return timegm(&tm);
}

}  // namespace wangban::kernel
