// Router: matching, permission and body checks, dispatch to handlers, problem rendering, metrics.
#include "http/router.hpp"

#include <chrono>

#include <spdlog/spdlog.h>

#include <wangban/json_schema.hpp>
#include "identity/identity_service.hpp"
#include "http/route_metrics.hpp"
#include "http/static_files.hpp"
#include "plugins/plugin_gate.hpp"
#include "util/digest.hpp"
#include "util/worker_pool.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

struct Segment {
  std::string text;
  bool param = false;
};

std::vector<std::string> split_path(std::string_view path) {
  std::vector<std::string> out;
  std::size_t i = 0;
  while (i < path.size()) {
    if (path[i] == '/') {
      ++i;
      continue;
    }
    auto j = path.find('/', i);
    out.emplace_back(path.substr(i, j == std::string_view::npos ? std::string_view::npos : j - i));
    if (j == std::string_view::npos) break;
    i = j;
  }
  return out;
}

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Percent-decodes; returns nullopt on a broken escape or a NUL byte.
std::optional<std::string> percent_decode(std::string_view s, bool plus_is_space) {
  std::string out;
  out.reserve(s.size());
  for (std::size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '%') {
      if (i + 2 >= s.size()) return std::nullopt;
      int hi = hex_value(s[i + 1]), lo = hex_value(s[i + 2]);
      if (hi < 0 || lo < 0) return std::nullopt;
      c = static_cast<char>(hi * 16 + lo);
      i += 2;
    } else if (c == '+' && plus_is_space) {
      c = ' ';
    }
    if (c == '\0') return std::nullopt;
    out += c;
  }
  return out;
}

bool valid_request_id(std::string_view s) {
  if (s.empty() || s.size() > 64) return false;
  for (char c : s)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  return true;
}

bool is_json_content_type(const std::optional<std::string>& ct) {
  if (!ct) return false;
  std::string v = ct->substr(0, ct->find(';'));
  while (!v.empty() && v.back() == ' ') v.pop_back();
  for (auto& c : v) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return v == "application/json" || (v.starts_with("application/") && v.ends_with("+json"));
}

// The request as a handler sees it.
class RequestView final : public Request {
 public:
  RequestView(const HttpRequest& r, std::string path, std::string query, std::string request_id,
              std::vector<std::pair<std::string, std::string>> params, nlohmann::json body, const Principal& who)
      : r_(r), path_(std::move(path)), query_(std::move(query)), id_(std::move(request_id)),
        params_(std::move(params)), json_(std::move(body)), who_(who) {}

  std::string_view method() const override { return r_.method; }
  std::string_view path() const override { return path_; }
  const std::string& param(std::string_view name) const override {
    for (auto& [k, v] : params_)
      if (k == name) return v;
    throw Problem::internal("route.no_such_param", "the route has no path parameter " + std::string(name));
  }
  std::optional<std::string> query(std::string_view name) const override {
    std::string_view q = query_;
    while (!q.empty()) {
      auto amp = q.find('&');
      auto pair = q.substr(0, amp);
      auto eq = pair.find('=');
      auto key = percent_decode(pair.substr(0, eq), true);
      if (key && *key == name)
        return eq == std::string_view::npos ? std::string() : percent_decode(pair.substr(eq + 1), true).value_or("");
      if (amp == std::string_view::npos) break;
      q.remove_prefix(amp + 1);
    }
    return std::nullopt;
  }
  std::optional<std::string> header(std::string_view name) const override {
    std::string lower(name);
    for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return r_.header(lower);
  }
  const std::string& body() const override { return r_.body; }
  const nlohmann::json& json() const override { return json_; }
  const std::string& request_id() const override { return id_; }
  const std::string& client_ip() const override { return r_.client_ip; }
  const Principal& principal() const override { return who_; }

 private:
  const HttpRequest& r_;
  std::string path_, query_, id_;
  std::vector<std::pair<std::string, std::string>> params_;
  nlohmann::json json_;
  const Principal& who_;
};

std::uint64_t micros_since(std::chrono::steady_clock::time_point t) {
  return static_cast<std::uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - t).count());
}

bool carries_credentials(const HttpRequest& r) {
  if (r.header("authorization")) return true;
  auto c = r.header("cookie");
  return c && c->find(IdentityService::kSessionCookie) != std::string::npos;
}

bool changes_state(std::string_view method) { return method != "GET" && method != "HEAD" && method != "OPTIONS"; }

}  // namespace

struct Router::Entry {
  RouteInfo info;
  std::vector<Segment> segments;
  std::shared_ptr<PluginGate> gate;
  std::shared_ptr<RouteMetrics> metrics;
  // Plugin code; emptied by remove_owner() before the plugin is unloaded.
  Handler handler;
  StreamOpener stream;  // set for a streaming route (the kernel's)
};

struct Router::Table {
  std::vector<std::shared_ptr<Entry>> entries;
};

Router::Router(WorkerPool& workers, std::shared_ptr<spdlog::logger> log, std::size_t body_limit)
    : workers_(workers), log_(std::move(log)), body_limit_(body_limit) {
  table_.store(std::make_shared<const Table>());
  static_metrics_ = metrics_for("GET\t(static)");
  unmatched_metrics_ = metrics_for("ANY\t(unmatched)");
}

Router::~Router() = default;

std::shared_ptr<RouteMetrics> Router::metrics_for(const std::string& key) {
  std::lock_guard lock(metrics_mutex_);
  auto& m = metrics_[key];
  if (!m) m = std::make_shared<RouteMetrics>();
  return m;
}

void Router::add_stream(const std::string& owner, Route route, StreamOpener open) {
  route.handler = [](const Request&) -> Response { throw std::logic_error("a streaming route has no plain handler"); };
  add_entry(owner, nullptr, std::move(route), std::move(open));
}

void Router::add(const std::string& owner, std::shared_ptr<PluginGate> gate, Route route) {
  add_entry(owner, std::move(gate), std::move(route), {});
}

void Router::add_kernel_raw(std::string method, std::string path, std::string permission, std::string summary,
                            std::string media_type, Handler handler) {
  add_entry("kernel", nullptr,
            Route{std::move(method), std::move(path), std::move(permission), std::move(summary), "", "", std::move(handler)},
            {}, std::move(media_type));
}

void Router::add_entry(const std::string& owner, std::shared_ptr<PluginGate> gate, Route route, StreamOpener stream,
                       std::string raw_body_type) {
  static const char* methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE"};
  bool method_ok = false;
  for (auto m : methods) method_ok = method_ok || route.method == m;
  if (!method_ok) throw std::invalid_argument("route " + route.path + ": unsupported method " + route.method);
  if (route.path.empty() || route.path.front() != '/') throw std::invalid_argument("route path must start with '/': " + route.path);
  if (!route.handler) throw std::invalid_argument("route " + route.method + " " + route.path + " has no handler");
  if (route.permission.empty())
    throw std::invalid_argument("route " + route.method + " " + route.path + " declares no permission (use \"public\" for open routes)");
  auto e = std::make_shared<Entry>();
  e->info.owner = owner;
  e->info.method = route.method;
  e->info.path = route.path;
  e->info.permission = route.permission;
  e->info.summary = route.summary;
  try {
    if (!route.request_schema.empty()) e->info.request_schema = JsonSchema::compile(route.request_schema);
    if (!route.response_schema.empty()) e->info.response_schema = JsonSchema::compile(route.response_schema);
  } catch (const std::invalid_argument& err) {
    throw std::invalid_argument("route " + route.method + " " + route.path + ": " + err.what());
  }
  for (auto& s : split_path(route.path)) {
    bool param = s.size() > 2 && s.front() == '{' && s.back() == '}';
    e->segments.push_back({param ? s.substr(1, s.size() - 2) : s, param});
  }
  e->gate = std::move(gate);
  e->info.blocking = route.blocking;
  e->handler = std::move(route.handler);
  e->info.stream = static_cast<bool>(stream);
  e->info.raw_body_type = std::move(raw_body_type);
  e->stream = std::move(stream);
  e->metrics = metrics_for(route.method + "\t" + route.path);

  std::lock_guard lock(write_mutex_);
  auto current = table_.load();
  for (auto& other : current->entries) {
    if (other->info.method != e->info.method || other->segments.size() != e->segments.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i != e->segments.size() && same; ++i)
      same = other->segments[i].param == e->segments[i].param &&
             (e->segments[i].param || other->segments[i].text == e->segments[i].text);
    if (same)
      throw std::invalid_argument("route " + route.method + " " + route.path + " is already registered by " +
                                  other->info.owner + " as " + other->info.path);
  }
  auto next = std::make_shared<Table>(*current);
  next->entries.push_back(std::move(e));
  table_.store(std::move(next));
}

void Router::remove_owner(const std::string& owner) {
  std::lock_guard lock(write_mutex_);
  auto current = table_.load();
  auto next = std::make_shared<Table>();
  for (auto& e : current->entries) {
    if (e->info.owner == owner) e->handler = nullptr;  // destroy plugin code while the library is loaded
    else next->entries.push_back(e);
  }
  table_.store(std::move(next));
}

int Router::route_count(const std::string& owner) const {
  int n = 0;
  for (auto& e : table_.load()->entries) n += e->info.owner == owner;
  return n;
}

std::vector<RouteInfo> Router::routes() const {
  std::vector<RouteInfo> out;
  for (auto& e : table_.load()->entries) out.push_back(e->info);
  return out;
}

void add_security_headers(HeaderList& h, bool tls) {
  h.emplace_back("content-security-policy",
                 "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; "
                 "connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'");
  h.emplace_back("x-content-type-options", "nosniff");
  h.emplace_back("x-frame-options", "DENY");
  h.emplace_back("referrer-policy", "strict-origin-when-cross-origin");
  h.emplace_back("cross-origin-opener-policy", "same-origin");
  if (tls) h.emplace_back("strict-transport-security", "max-age=31536000; includeSubDomains");
}

HttpResponse Router::problem_response(const Problem& p, const std::string& request_id, const std::string& instance) {
  json doc = json::object();
  if (!p.extra_json().empty()) {
    try {
      auto extra = json::parse(p.extra_json());
      if (extra.is_object()) doc = std::move(extra);
    } catch (const json::exception&) {
    }
  }
  doc["type"] = "https://wangban.invalid/problems/" + p.code();
  doc["title"] = status_title(p.status());
  doc["status"] = p.status();
  doc["code"] = p.code();
  doc["detail"] = p.detail();
  doc["instance"] = instance;
  doc["request_id"] = request_id;
  HttpResponse r;
  r.status = p.status();
  r.body = doc.dump(-1, ' ', false, json::error_handler_t::replace);
  r.headers.emplace_back("content-type", "application/problem+json");
  return r;
}

void Router::finish(HttpResponse& r, const std::string& request_id) const {
  r.headers.emplace_back("x-request-id", request_id);
  add_security_headers(r.headers, tls_);
}

void Router::handle(HttpRequest request, Respond respond) {
  auto started = std::chrono::steady_clock::now();
  std::string request_id;
  if (auto incoming = request.header("x-request-id"); incoming && valid_request_id(*incoming)) request_id = *incoming;
  else request_id = random_hex(8);

  auto answer = [&](HttpResponse r, RouteMetrics& m) {
    finish(r, request_id);
    m.record(r.status, micros_since(started));
    respond(std::move(r));
  };
  auto fail = [&](const Problem& p, RouteMetrics& m, const std::string& instance) {
    answer(problem_response(p, request_id, instance), m);
  };

  std::string_view target = request.target;
  auto qmark = target.find('?');
  std::string query(qmark == std::string_view::npos ? std::string_view{} : target.substr(qmark + 1));
  auto decoded = percent_decode(target.substr(0, qmark), false);
  if (!decoded || decoded->empty() || decoded->front() != '/')
    return fail(Problem::bad_request("request.bad_path", "请求路径无效 (the request path is not valid)"), *unmatched_metrics_, "");
  std::string path = std::move(*decoded);

  if (request.body_too_large)
    return fail(Problem(413, "request.too_large",
                        "请求内容超过上限 " + std::to_string(body_limit_) + " 字节 (the body exceeds the limit of " +
                            std::to_string(body_limit_) + " bytes)"),
                *unmatched_metrics_, path);

  // Match a route.
  auto table = table_.load();
  auto parts = split_path(path);
  std::shared_ptr<Entry> match;
  std::vector<std::pair<std::string, std::string>> params;
  std::string allowed;
  std::string method = request.method == "HEAD" ? "GET" : request.method;
  for (auto& e : table->entries) {
    if (e->segments.size() != parts.size()) continue;
    bool ok = true;
    for (std::size_t i = 0; i != parts.size() && ok; ++i) ok = e->segments[i].param || e->segments[i].text == parts[i];
    if (!ok) continue;
    if (e->info.method != method) {
      allowed += (allowed.empty() ? "" : ", ") + e->info.method;
      continue;
    }
    match = e;
    for (std::size_t i = 0; i != parts.size(); ++i)
      if (e->segments[i].param) params.emplace_back(e->segments[i].text, parts[i]);
    break;
  }

  if (!match) {
    if (!allowed.empty()) {
      auto r = problem_response(Problem(405, "request.method_not_allowed",
                                        "此地址不支持 " + request.method + " 方法 (allowed: " + allowed + ")"),
                                request_id, path);
      r.headers.emplace_back("allow", allowed);
      return answer(std::move(r), *unmatched_metrics_);
    }
    bool api = path == "/api" || path.starts_with("/api/") || path == "/healthz" || path == "/readyz" || path == "/metrics";
    if (!api && static_ && (request.method == "GET" || request.method == "HEAD")) {
      if (auto r = static_->serve(path, request.header("if-none-match"))) return answer(std::move(*r), *static_metrics_);
    }
    return fail(Problem::not_found("request.no_route", "没有这个地址 (no route for " + request.method + " " + path + ")"),
                *unmatched_metrics_, path);
  }

  // Resolving the caller may read the database: only non-blocking routes without credentials run inline.
  bool inline_call = !match->info.blocking && match->info.permission == kPublic && !carries_credentials(request);
  if (inline_call) return run(match, std::move(request), std::move(path), std::move(request_id),
                                     std::move(params), std::move(respond), started);
  workers_.post([this, match, request = std::move(request), path = std::move(path), request_id, params = std::move(params),
                 respond = std::move(respond), started]() mutable {
    run(match, std::move(request), std::move(path), std::move(request_id), std::move(params), std::move(respond), started);
  });
}

void Router::run(const std::shared_ptr<Entry>& entry, HttpRequest request, std::string path, std::string request_id,
                 std::vector<std::pair<std::string, std::string>> params, Respond respond,
                 std::chrono::steady_clock::time_point started) {
  HttpResponse out;
  auto query_at = request.target.find('?');
  std::string query = query_at == std::string::npos ? std::string() : request.target.substr(query_at + 1);
  Caller caller;
  try {
    // Who calls, and may they?
    if (resolve_ && (entry->info.permission != kPublic || carries_credentials(request))) caller = resolve_(request);
    const auto& who = caller.principal;
    const auto& perm = entry->info.permission;
    if (perm != kPublic) {
      if (!who.authenticated()) {
        if (caller.rejected == "auth.session_expired")
          throw Problem::unauthorized("auth.session_expired", "登录已过期，请重新登录 (the session has expired)");
        if (!caller.rejected.empty())
          throw Problem::unauthorized("auth.invalid_token", "登录凭据无效，请重新登录 (the session or token is not valid)");
        throw Problem::unauthorized("auth.required", "请先登录 (log in, or send Authorization: Bearer <token>)");
      }
      if (perm != kAuthenticated && !who.has(perm)) {
        log_->warn("denied {} {} to {} ({}): needs {}", request.method, path,
                   who.account_id.empty() ? who.display_name : who.account_id, request.client_ip, perm);
        throw Problem(403, "auth.forbidden", "没有权限执行此操作 (requires permission " + perm + ")",
                      json{{"permission", perm}}.dump());
      }
    }
    if (caller.via_cookie && changes_state(request.method) &&
        !constant_time_equal(request.header("x-csrf-token").value_or(""), caller.csrf_token))
      throw Problem(403, "auth.csrf", "请求缺少有效的 CSRF 令牌，请刷新页面后重试 (send the session's X-CSRF-Token)");

    // The body: JSON when present, validated against the route's schema.
    json body;
    bool has_body = !request.body.empty();
    if (!entry->info.raw_body_type.empty()) {
      auto type = request.header("content-type").value_or("");
      if (!has_body || type.substr(0, type.find(';')) != entry->info.raw_body_type)
        throw Problem(415, "request.unsupported_media_type",
                      "请求内容类型必须是 " + entry->info.raw_body_type + " (send Content-Type: " + entry->info.raw_body_type + ")");
      has_body = false;  // the handler reads the bytes
    }
    if (entry->info.request_schema && !has_body)
      throw Problem::bad_request("request.body_missing", "请求缺少 JSON 内容 (this route expects a JSON body)");
    if (has_body) {
      if (!is_json_content_type(request.header("content-type")))
        throw Problem(415, "request.unsupported_media_type",
                      "请求内容类型必须是 application/json (send Content-Type: application/json)");
      try {
        body = json::parse(request.body);
      } catch (const json::parse_error& e) {
        throw Problem(400, "request.malformed_json",
                      "JSON 格式错误，位置 " + std::to_string(e.byte) + " (malformed JSON at byte " +
                          std::to_string(e.byte) + ")",
                      json{{"position", e.byte}}.dump());
      }
      if (entry->info.request_schema) {
        auto errors = entry->info.request_schema->validate(body);
        if (!errors.empty()) {
          json list = json::array();
          std::string first = errors.front().pointer.empty() ? "/" : errors.front().pointer;
          for (auto& err : errors) list.push_back({{"pointer", err.pointer.empty() ? "/" : err.pointer}, {"message", err.message}});
          throw Problem(400, "request.schema_violation",
                        "请求内容不符合要求：" + first + " " + errors.front().message,
                        json{{"errors", list}}.dump());
        }
      }
    }
    std::optional<GatePass> pass;
    if (entry->gate) pass.emplace(*entry->gate);
    if (pass && !*pass)
      throw Problem(503, "plugin.unavailable", "插件 " + entry->info.owner + " 正在重新加载，请稍后重试 (the plugin is reloading)",
                    json{{"plugin", entry->info.owner}}.dump());
    RequestView view(request, path, std::move(query), request_id, std::move(params), std::move(body), who);
    if (entry->stream) {
      out.stream = entry->stream(view);
      out.headers = {{"content-type", "text/event-stream; charset=utf-8"}, {"cache-control", "no-store"},
                     {"x-accel-buffering", "no"}};  // nginx passes events on at once
    } else {
      Response r = entry->handler(view);
      out.status = r.status;
      out.body = std::move(r.body);
      if (!r.content_type.empty()) out.headers.emplace_back("content-type", std::move(r.content_type));
      for (auto& [k, v] : r.headers) {
        std::string lower = k;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        out.headers.emplace_back(std::move(lower), std::move(v));
      }
    }
  } catch (const Problem& p) {
    if (p.status() >= 500)
      log_->error("{} {} [{}] request {}: {} {}", request.method, entry->info.path, entry->info.owner, request_id, p.code(), p.detail());
    out = problem_response(p, request_id, path);
  } catch (const std::exception& e) {
    log_->error("{} {} [{}] request {} threw {}: {}", request.method, entry->info.path, entry->info.owner, request_id,
                typeid(e).name(), e.what());
    out = problem_response(Problem::internal("internal.handler_failed",
                                             "服务器内部错误，请联系管理员并提供请求编号 " + request_id +
                                                 " (the handler failed; quote the request id)"),
                           request_id, path);
  } catch (...) {
    log_->error("{} {} [{}] request {} threw a non-standard exception", request.method, entry->info.path, entry->info.owner,
                request_id);
    out = problem_response(Problem::internal("internal.handler_failed", "服务器内部错误，请求编号 " + request_id), request_id, path);
  }
  if (audit_ && (changes_state(request.method) || out.status == 403)) {
    std::string route = entry->info.method + " " + entry->info.path;
    // Only what the record needs: not the request (its body may be megabytes).
    auto record = [audit = audit_, who = caller.principal, ip = request.client_ip, request_id, route,
                   owner = entry->info.owner, path, status = out.status, log = log_]() {
      try {
        audit(who, ip, request_id, route, owner, path, status);
      } catch (const std::exception& e) {
        log->error("cannot write the audit record of request {}: {}", request_id, e.what());
      }
    };
    if (entry->info.blocking) record();
    else workers_.post(std::move(record));  // never write the database on the event loop
  }
  finish(out, request_id);
  entry->metrics->record(out.status, micros_since(started));
  respond(std::move(out));
}

std::string Router::render_metrics() const {
  std::string out =
      "# HELP wangban_http_requests_total HTTP requests by route and status class.\n"
      "# TYPE wangban_http_requests_total counter\n"
      "# HELP wangban_http_request_duration_seconds Time from request read to response ready.\n"
      "# TYPE wangban_http_request_duration_seconds histogram\n";
  std::lock_guard lock(metrics_mutex_);
  for (auto& [key, m] : metrics_) {
    auto tab = key.find('\t');
    std::string route = key.substr(tab + 1);
    std::string escaped;
    for (char c : route) {
      if (c == '"' || c == '\\') escaped += '\\';
      escaped += c;
    }
    m->render(out, "method=\"" + key.substr(0, tab) + "\",route=\"" + escaped + "\"");
  }
  return out;
}

}  // namespace wangban::kernel
