// Router: the kernel's request pipeline between the HTTP front and the handlers.
//
// For each request: request id, route match (404/405), the caller (session
// cookie or bearer token) and the route's permission (401/403, CSRF token for
// cookie-authenticated changes), body checks (413 too large, 415 not JSON, 400 malformed JSON with its
// position, 400 schema violations listed), then the handler on the worker
// pool (or inline for the kernel's cheap routes) inside the owning plugin's
// gate (503 while it reloads). Problems and exceptions become
// application/problem+json with a stable code and the request id; every
// response carries the security headers and X-Request-Id. Everything else is
// the web UI with an SPA fallback. The route table is swapped atomically, so
// registering and removing routes never blocks requests. Thread-safe.
#pragma once

#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "http/http_message.hpp"
#include "wangban/http.hpp"
#include "wangban/problem.hpp"

namespace spdlog {
class logger;
}

namespace wangban {
class JsonSchema;
}

namespace wangban::kernel {

class PluginGate;
class RouteMetrics;
class StaticFiles;
class WorkerPool;

struct Caller;

// Resolves who sent a request (session cookie, bearer token, or nobody). May block:
// the router calls it on the worker pool.
using ResolveCaller = std::function<Caller(const HttpRequest&)>;

// Records a request in the audit log: every state-changing request and every denial.
// Arguments: who made it, the client IP, the request id, the route ("POST /api/x/{id}"),
// the route's owner, the request path, the status answered. May block: called on the
// worker pool.
using AuditRequest = std::function<void(const Principal&, const std::string& client_ip, const std::string& request_id,
                                        const std::string& route, const std::string& owner, const std::string& path,
                                        int status)>;

struct RouteInfo {
  std::string owner;  // plugin name or "kernel"
  std::string method, path, permission, summary;
  std::shared_ptr<const JsonSchema> request_schema;   // may be null
  std::shared_ptr<const JsonSchema> response_schema;  // may be null
  bool blocking = true;
  bool stream = false;  // answers with Server-Sent Events
  std::string raw_body_type;  // a kernel route taking a non-JSON body of this media type (else JSON)
};

class Router final : public HttpHandler {
 public:
  Router(WorkerPool& workers, std::shared_ptr<spdlog::logger> log, std::size_t body_limit);
  ~Router() override;

  void set_resolver(ResolveCaller resolve) { resolve_ = std::move(resolve); }
  void set_audit(AuditRequest audit) { audit_ = std::move(audit); }
  void set_static_files(std::shared_ptr<StaticFiles> files) { static_ = std::move(files); }
  void set_tls(bool tls) { tls_ = tls; }

  // Adds a route. `owner` is the plugin name ("kernel" for the kernel's own),
  // `gate` the plugin's gate (null for the kernel). A route with blocking =
  // false runs on the event loop, any other on the worker pool.
  // Throws std::invalid_argument for a bad path, a bad schema or a duplicate.
  void add(const std::string& owner, std::shared_ptr<PluginGate> gate, Route route);
  // One of the kernel's own routes (owner "kernel", no gate, runs on the worker pool).
  void add_kernel(std::string method, std::string path, std::string permission, std::string summary,
                  std::string request_schema, Handler handler) {
    add("kernel", nullptr,
        Route{std::move(method), std::move(path), std::move(permission), std::move(summary), std::move(request_schema), "",
              std::move(handler)});
  }
  // A kernel route whose body is not JSON but bytes of `media_type` (e.g. application/timestamp-query),
  // read with Request::body(); other checks as for any route.
  void add_kernel_raw(std::string method, std::string path, std::string permission, std::string summary,
                      std::string media_type, Handler handler);
  // A kernel route whose answer is a stream (Server-Sent Events): after the same checks as any
  // route, `open` is called on the worker pool and returns what starts the stream.
  using StreamOpener = std::function<StreamStart(const Request&)>;
  void add_stream(const std::string& owner, Route route, StreamOpener open);
  // Removes an owner's routes and destroys their handlers; call after the gate is drained.
  void remove_owner(const std::string& owner);
  int route_count(const std::string& owner) const;
  std::vector<RouteInfo> routes() const;

  void handle(HttpRequest request, Respond respond) override;

  // Prometheus series of every route seen so far.
  std::string render_metrics() const;

  // Turns a problem into a response (used by the server front and the kernel routes too).
  static HttpResponse problem_response(const Problem& p, const std::string& request_id, const std::string& instance);

 private:
  struct Entry;
  struct Table;
  void add_entry(const std::string& owner, std::shared_ptr<PluginGate> gate, Route route, StreamOpener stream,
                 std::string raw_body_type = {});
  void run(const std::shared_ptr<Entry>& entry, HttpRequest request, std::string path, std::string request_id,
           std::vector<std::pair<std::string, std::string>> params, Respond respond,
           std::chrono::steady_clock::time_point started);
  void finish(HttpResponse& r, const std::string& request_id) const;
  std::shared_ptr<RouteMetrics> metrics_for(const std::string& key);

  WorkerPool& workers_;
  std::shared_ptr<spdlog::logger> log_;
  std::size_t body_limit_;
  ResolveCaller resolve_;
  AuditRequest audit_;
  std::shared_ptr<StaticFiles> static_;
  bool tls_ = false;
  std::atomic<std::shared_ptr<const Table>> table_;
  mutable std::mutex write_mutex_;  // serialises table updates
  mutable std::mutex metrics_mutex_;
  std::map<std::string, std::shared_ptr<RouteMetrics>> metrics_;
  std::shared_ptr<RouteMetrics> static_metrics_, unmatched_metrics_;
};

// Adds the headers every response carries (CSP, nosniff, frame-ancestors, referrer; HSTS under TLS).
void add_security_headers(HeaderList& headers, bool tls);

}  // namespace wangban::kernel
