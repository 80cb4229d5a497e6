// HttpRequest and HttpResponse: what the HTTP front hands to the router and gets back.
//
// Plain values with no Beast types, so only server.cpp compiles Beast. Header
// names are lowercase. `respond` may be called from any thread, exactly once.
#pragma once

#include <functional>
#include <memory>
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

// The open end of a streaming response: bytes written here reach the client as they come.
class StreamSink {
 public:
  virtual ~StreamSink() = default;
  // Queues bytes for the client; false once the connection has gone (then drop the sink). Thread-safe.
  virtual bool write(std::string bytes) = 0;
  virtual bool closed() const = 0;
};

// Called once the status and headers of a streaming response are sent.
using StreamStart = std::function<void(std::shared_ptr<StreamSink>)>;

struct HttpResponse {
  int status = 200;
  HeaderList headers;
  std::string body;
  bool close = false;  // close the connection after sending
  // Set: a response that stays open (Server-Sent Events). The headers go out without a length,
  // `body` is ignored, and the connection lives until the client leaves or the server stops.
  StreamStart stream;
};

using Respond = std::function<void(HttpResponse)>;

class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Must eventually call `respond` exactly once; may do so on another thread.
  virtual void handle(HttpRequest request, Respond respond) = 0;
};

}  // namespace wangban::kernel
