// HTTP as a plugin sees it: a request, a response and the declaration of a route.
//
// Routes are declared through Context::routes() during start(); the kernel owns
// the server, parses and validates the request (content type, size, JSON
// syntax, the route's request schema, the caller's permission) before the
// handler runs, and calls handlers on its worker pool, so a handler may block
// on the database (unless the route is declared non-blocking, see Route). A handler answers with a Response or throws wangban::Problem.
// Requests are read-only and live for the duration of the handler call.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wangban/principal.hpp"

namespace wangban {

class Request {
 public:
  virtual ~Request();
  virtual std::string_view method() const = 0;
  // The path without the query string, e.g. "/api/items/42".
  virtual std::string_view path() const = 0;
  // A "{name}" segment of the route's path, or throws Problem 500 if the route has none.
  virtual const std::string& param(std::string_view name) const = 0;
  // A query-string parameter, percent-decoded.
  virtual std::optional<std::string> query(std::string_view name) const = 0;
  // A request header (case-insensitive name).
  virtual std::optional<std::string> header(std::string_view name) const = 0;
  virtual const std::string& body() const = 0;
  // The parsed JSON body; null when the request had none. Already validated
  // against the route's request schema.
  virtual const nlohmann::json& json() const = 0;
  // The id of this request, echoed in X-Request-Id and in every problem document.
  virtual const std::string& request_id() const = 0;
  virtual const std::string& client_ip() const = 0;
  // Who is calling (anonymous when no valid session or token came with the request).
  virtual const Principal& principal() const = 0;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;

  // A JSON response; the value is serialised at once.
  static Response json(const nlohmann::json& value, int status = 200);
  static Response text(std::string body, std::string content_type = "text/plain; charset=utf-8",
                       int status = 200);
  static Response no_content();
};

using Handler = std::function<Response(const Request&)>;

// Who may call a route. kPublic: anyone; kAuthenticated: anyone logged in;
// any other value names a permission ("approval.case.accept") that the caller
// must hold through a role (the administrator token holds every permission).
inline constexpr std::string_view kPublic = "public";
inline constexpr std::string_view kAuthenticated = "authenticated";

struct Route {
  std::string method;           // "GET", "POST", "PUT", "PATCH", "DELETE"
  std::string path;             // under the plugin's prefix: "/cases/{id}" -> /api/<plugin>/cases/{id}
  std::string permission;       // kPublic or a permission name
  std::string summary;          // one line for the OpenAPI document
  std::string request_schema;   // JSON Schema draft-07 text of the body; empty: no body accepted
  std::string response_schema;  // JSON Schema draft-07 text of the 2xx body; empty: unspecified
  Handler handler;
  // true (default): the handler may block (database, files, crypto, upstream calls) and runs on
  // the worker pool. false: it neither blocks nor takes long (answers from memory), and runs on
  // the event loop, saving two thread hand-offs per request. A false route that blocks stalls
  // every connection of its loop: when in doubt, leave it true.
  bool blocking = true;
};

// Route registration for one plugin. Registering the same method and path twice throws.
class Routes {
 public:
  virtual ~Routes();
  virtual void add(Route route) = 0;
};

}  // namespace wangban
