// Small text helpers: comma-separated lists as stored in the database, and counting
// characters (code points) of UTF-8 text, whose limits are in characters.
#pragma once

#include <string>
#include <vector>

namespace wangban::kernel {

inline std::vector<std::string> split_list(const std::string& s, char separator = ',') {
  std::vector<std::string> out;
  std::size_t at = 0;
  while (at < s.size()) {
    auto end = s.find(separator, at);
    if (end == std::string::npos) end = s.size();
    if (end > at) out.push_back(s.substr(at, end - at));
    at = end + 1;
  }
  return out;
}

inline std::string join_list(const std::vector<std::string>& items, char separator = ',') {
  std::string out;
  for (auto& item : items) {
    if (!out.empty()) out += separator;
    out += item;
  }
  return out;
}

inline std::size_t utf8_characters(const std::string& s) {
  std::size_t n = 0;
  for (unsigned char c : s) n += (c & 0xC0) != 0x80;
  return n;
}

}  // namespace wangban::kernel
