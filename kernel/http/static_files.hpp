// StaticFiles: serves the built web UI (web/dist) with caching headers and an SPA fallback.
//
// Files under assets/ carry content hashes in their names and are cached for a
// year; everything else (index.html) must be revalidated. A path that is not a
// file falls back to index.html so the client-side router can take it. Paths
// with "..", NUL or backslashes never reach the disk. Thread-safe.
#pragma once

#include <filesystem>
#include <optional>

#include "http/http_message.hpp"

namespace wangban::kernel {

class StaticFiles {
 public:
  explicit StaticFiles(std::filesystem::path root);
  // The response for a decoded request path, or nullopt when there is no UI at all.
  std::optional<HttpResponse> serve(const std::string& path, const std::optional<std::string>& if_none_match) const;
  static const char* content_type(const std::filesystem::path& file);

 private:
  std::filesystem::path root_;
};

}  // namespace wangban::kernel
