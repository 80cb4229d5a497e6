// HttpRequest and HttpResponse: what the HTTP front hands to the router and gets back.
//
// Plain values with no Beast types, so only server.cpp compiles Beast. Header
// names are lowercase. `respond` may be called from any thread, exactly once.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace wangban::kernel {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct HttpRequest {
  std::string method;
  std::string target;  // path and query as sent
  HeaderList headers;  // lowercase names
  std::string body;
  std::string client_ip;
  bool tls = false;
  bool body_too_large = false;  // the body exceeded the limit and was not read

  std::optional<std::string> header(std::string_view lowercase_name) const {
    for (auto& [k, v] : headers)
      if (k == lowercase_name) return v;
    return std::nullopt;
  }
};

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool close = false;  // close the connection after sending
};

using Respond = std::function<void(HttpResponse)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must eventually call `respond` exactly once; may do so on another thread.
  virtual void handle(HttpRequest request, Respond respond) = 0;
};

}  // namespace wangban::kernel
