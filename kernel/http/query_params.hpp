// Query parameters that must be non-negative integers, as the kernel's listing routes take them
// (?limit=, ?offset=, ?before=, ?seq=): a clear 400 naming the parameter otherwise.
#pragma once

#include <algorithm>
#include <string>

#include "wangban/http.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {

// `fallback` when absent or empty; at most `max`. Problem 400 (request.bad_parameter) otherwise.
inline long long query_integer(const Request& req, const char* name, long long fallback, long long max) {
  auto v = req.query(name);
  if (!v || v->empty()) return fallback;
  if (v->size() > 18 || v->find_first_not_of("0123456789") != std::string::npos)
    throw Problem::bad_request("request.bad_parameter", std::string("参数 ") + name + " 必须是非负整数");
  return std::min(std::stoll(*v), max);
}

}  // namespace wangban::kernel
