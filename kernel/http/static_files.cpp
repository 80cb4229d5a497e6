// StaticFiles: file lookup, content types, ETags and cache control.
#include "http/static_files.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>

namespace wangban::kernel {
namespace fs = std::filesystem;

StaticFiles::StaticFiles(fs::path root) : root_(std::move(root)) {}

const char* StaticFiles::content_type(const fs::path& file) {
  auto ext = file.extension().string();
  if (ext == ".html") return "text/html; charset=utf-8";
  if (ext == ".js" || ext == ".mjs") return "text/javascript; charset=utf-8";
  if (ext == ".css") return "text/css; charset=utf-8";
  if (ext == ".json" || ext == ".map") return "application/json";
  if (ext == ".svg") return "image/svg+xml";
  if (ext == ".png") return "image/png";
  if (ext == ".jpg" || ext == ".jpeg") return "image/jpeg";
  if (ext == ".ico") return "image/x-icon";
  if (ext == ".woff2") return "font/woff2";
  if (ext == ".woff") return "font/woff";
  if (ext == ".txt") return "text/plain; charset=utf-8";
  if (ext == ".webmanifest") return "application/manifest+json";
  return "application/octet-stream";
}

std::optional<HttpResponse> StaticFiles::serve(const std::string& path,
                                               const std::optional<std::string>& if_none_match) const {
  if (root_.empty() || !fs::is_regular_file(root_ / "index.html")) return std::nullopt;
  fs::path file = root_ / "index.html";
  bool safe = path.find("..") == std::string::npos && path.find('\0') == std::string::npos &&
              path.find('\\') == std::string::npos;
  if (safe && path.size() > 1) {
    fs::path candidate = (root_ / path.substr(1)).lexically_normal();
    std::error_code ec;
    if (fs::is_regular_file(candidate, ec)) file = candidate;
  }
  bool immutable = file.parent_path().filename() == "assets";
  std::error_code ec;
  auto size = fs::file_size(file, ec);
  auto mtime = static_cast<unsigned long long>(fs::last_write_time(file, ec).time_since_epoch().count());
  char tag[64];
  std::snprintf(tag, sizeof tag, "\"%llx-%llx\"", static_cast<unsigned long long>(size), mtime);
  std::string etag = tag;
  HttpResponse r;
  r.headers.emplace_back("etag", etag);
  r.headers.emplace_back("cache-control", immutable ? "public, max-age=31536000, immutable" : "no-cache");
  if (if_none_match && *if_none_match == etag) {
    r.status = 304;
    return r;
  }
  std::ifstream in(file, std::ios::binary);
  std::ostringstream body;
  body << in.rdbuf();
  r.body = body.str();
  r.headers.emplace_back("content-type", content_type(file));
  return r;
}

}  // namespace wangban::kernel
