// http_fetch: one HTTP(S) GET with libcurl, for the kernel's own small downloads (CRLs).
#pragma once

#include <string>

namespace wangban::kernel {

// libcurl's global initialisation, once per process (before any easy handle).
void ensure_curl();

// The body of a 2xx answer; throws std::runtime_error naming the URL and the reason otherwise.
// Follows no redirects to other schemes; at most `max_bytes`.
std::string http_get(const std::string& url, int timeout_seconds, std::size_t max_bytes = 32u << 20);

}  // namespace wangban::kernel
