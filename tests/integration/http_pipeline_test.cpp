// The request pipeline: every kind of bad input gets a clear problem+json answer with a
// stable code, a failing handler does not take the server down, and every response
// carries the request id and the security headers.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "support.hpp"

using namespace wbtest;

namespace {

struct ProbeKernel {
  PluginFolder folder{{"greeting", "probe"}};
  KernelProcess k{[this] {
    auto o = options(folder, {"greeting", "probe"});
    o.env["WANGBAN_SERVER_BODY_LIMIT"] = "2048";
    return o;
  }()};
};

void check_problem(const httplib::Result& r, int status, const std::string& code) {
  REQUIRE(r);
  CHECK(r->status == status);
  CHECK(r->get_header_value("Content-Type") == "application/problem+json");
  auto doc = json::parse(r->body);
  CHECK(doc["status"] == status);
  CHECK(doc["code"] == code);
  CHECK_FALSE(doc["detail"].get<std::string>().empty());
  CHECK(doc["request_id"] == r->get_header_value("X-Request-Id"));
}

}  // namespace

TEST_CASE("malformed JSON is a 400 that names the position") {
  ProbeKernel p;
  auto r = p.k.client().Post("/api/probe/echo", R"({"n": 1,,})", "application/json");
  check_problem(r, 400, "request.malformed_json");
  CHECK(json::parse(r->body)["position"] == 9);
}

TEST_CASE("a body over the limit is 413, a wrong content type 415, a schema violation 400 with the pointer") {
  ProbeKernel p;
  check_problem(p.k.client().Post("/api/probe/echo", std::string(4096, ' ') + "{}", "application/json"), 413,
                "request.too_large");
  check_problem(p.k.client().Post("/api/probe/echo", "n=1", "application/x-www-form-urlencoded"), 415,
                "request.unsupported_media_type");
  auto bad = p.k.client().Post("/api/probe/echo", R"({"n": -1})", "application/json");
  check_problem(bad, 400, "request.schema_violation");
  CHECK(json::parse(bad->body)["errors"][0]["pointer"] == "/n");
  auto good = p.k.client().Post("/api/probe/echo", R"({"n": 7})", "application/json");
  REQUIRE(good);
  CHECK(good->status == 200);
  CHECK(json::parse(good->body)["n"] == 7);
}

TEST_CASE("a client that expects 100-continue gets it before sending the body, and no 100 for a body over the limit") {
  ProbeKernel p;
  // Raw HTTP/1.1 over a socket: the headers first, then wait for the interim answer.
  auto exchange = [&](const std::string& body, bool send_body) {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(fd >= 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(static_cast<std::uint16_t>(p.k.port()));
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
    std::string head = "POST /api/probe/echo HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " + std::to_string(body.size()) + "\r\nConnection: close\r\n\r\n";
    REQUIRE(::send(fd, head.data(), head.size(), 0) == static_cast<ssize_t>(head.size()));
    auto read_some = [&] {
      pollfd pfd{fd, POLLIN, 0};
      std::string got;
      if (::poll(&pfd, 1, 5000) <= 0) return got;
      char buf[4096];
      ssize_t n = ::recv(fd, buf, sizeof buf, 0);
      if (n > 0) got.assign(buf, static_cast<std::size_t>(n));
      return got;
    };
    std::string first = read_some();
    std::string rest;
    if (send_body) {
      ::send(fd, body.data(), body.size(), 0);
      for (std::string more; !(more = read_some()).empty();) rest += more;
    }
    ::close(fd);
    return std::make_pair(first, rest);
  };
  auto [interim, final_answer] = exchange(R"({"n": 5})", true);
  CHECK(interim.rfind("HTTP/1.1 100 Continue\r\n", 0) == 0);
  CHECK((interim + final_answer).find("HTTP/1.1 200 OK") != std::string::npos);
  auto [refused, nothing] = exchange(std::string(4096, ' '), false);
  CHECK(refused.rfind("HTTP/1.1 413", 0) == 0);
}

TEST_CASE("unknown routes are 404 and a wrong method is 405, both as problems") {
  ProbeKernel p;
  check_problem(p.k.client().Get("/api/nothing/here"), 404, "request.no_route");
  auto wrong = p.k.client().Delete("/api/probe/ping");
  check_problem(wrong, 405, "request.method_not_allowed");
  CHECK(wrong->get_header_value("Allow") == "GET");
}

TEST_CASE("a throwing handler is a 500 with the request id, logged, and the server keeps serving") {
  ProbeKernel p;
  httplib::Headers h = {{"X-Request-Id", "test-req-42"}};
  auto r = p.k.client().Get("/api/probe/throw", h);
  check_problem(r, 500, "internal.handler_failed");
  CHECK(r->get_header_value("X-Request-Id") == "test-req-42");
  CHECK(json::parse(r->body)["detail"].get<std::string>().find("test-req-42") != std::string::npos);
  CHECK(p.k.log_text().find("request test-req-42 threw") != std::string::npos);
  check_problem(p.k.client().Get("/api/probe/problem"), 409, "probe.conflict");
  auto again = p.k.client().Get("/api/probe/ping");
  REQUIRE(again);
  CHECK(again->status == 200);
}

TEST_CASE("every response carries the security headers and a request id") {
  ProbeKernel p;
  for (auto path : {"/api/probe/ping", "/api/none", "/healthz"}) {
    auto r = p.k.client().Get(path);
    REQUIRE(r);
    CHECK(r->get_header_value("X-Content-Type-Options") == "nosniff");
    CHECK(r->get_header_value("Content-Security-Policy").find("frame-ancestors 'none'") != std::string::npos);
    CHECK(r->get_header_value("Referrer-Policy") == "strict-origin-when-cross-origin");
    CHECK_FALSE(r->get_header_value("X-Request-Id").empty());
  }
}

TEST_CASE("the admin API is closed to anonymous callers and to a wrong token") {
  ProbeKernel p;
  check_problem(p.k.client().Get("/api/admin/plugins"), 401, "auth.required");
  auto c = p.k.client();
  c.set_bearer_token_auth("not-the-token");
  check_problem(c.Get("/api/admin/plugins"), 401, "auth.invalid_token");
  check_problem(p.k.client().Post("/api/admin/plugins/probe/reload", "{}", "application/json"), 401, "auth.required");
  auto ok = p.k.client(true).Get("/api/admin/plugins");
  REQUIRE(ok);
  CHECK(ok->status == 200);
}

TEST_CASE("the OpenAPI document lists every route with its permission and schemas") {
  ProbeKernel p;
  auto doc = body_of(p.k.client().Get("/api/openapi.json"));
  CHECK(doc["openapi"] == "3.1.0");
  auto echo = doc["paths"]["/api/probe/echo"]["post"];
  CHECK(echo["x-permission"] == "public");
  CHECK(echo["requestBody"]["content"]["application/json"]["schema"]["required"][0] == "n");
  CHECK(doc["paths"]["/api/greeting/greetings"]["post"]["x-permission"] == "greeting.write");
  CHECK(doc["paths"]["/api/greeting/greetings/{id}"]["get"]["parameters"][0]["name"] == "id");
  CHECK(doc["paths"]["/api/admin/plugins/{name}/reload"]["post"]["x-permission"] == "admin.plugins.reload");
  CHECK(doc["components"]["schemas"].contains("Problem"));
}

TEST_CASE("health, readiness and metrics report the platform's state") {
  ProbeKernel p;
  CHECK(body_of(p.k.client().Get("/healthz"))["status"] == "ok");
  auto ready = body_of(p.k.client().Get("/readyz"));
  CHECK(ready["status"] == "ready");
  CHECK(ready["checks"]["database"] == "ok");
  REQUIRE(p.k.client().Get("/api/probe/ping"));
  auto metrics = p.k.client().Get("/metrics");
  REQUIRE(metrics);
  CHECK(metrics->body.find("wangban_http_requests_total{method=\"GET\",route=\"/api/probe/ping\",status=\"2xx\"} 1") !=
        std::string::npos);
  CHECK(metrics->body.find("wangban_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/probe/ping\",le=\"+Inf\"} 1") !=
        std::string::npos);
  CHECK(metrics->body.find("wangban_plugin_state{plugin=\"probe\",state=\"started\"} 1") != std::string::npos);
  CHECK(metrics->body.find("wangban_outbox_backlog ") != std::string::npos);
}

TEST_CASE("the blob store keeps content under its SM3 digest, and the scheduler runs plugin timers") {
  ProbeKernel p;
  auto put = p.k.client(true).Post("/api/probe/blobs", R"({"text":"abc"})", "application/json");
  REQUIRE(put);
  CHECK(put->status == 201);
  // GB/T 32905 test vector: SM3("abc").
  CHECK(json::parse(put->body)["sm3"] == "66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  auto get = p.k.client().Get("/api/probe/blobs/66c7f0f462eeedd9d1f2d46bdc10e4e24167c4875cf2f7a2297da02b8f4ba8e0");
  REQUIRE(get);
  CHECK(get->body == "abc");
  check_problem(p.k.client().Get("/api/probe/blobs/" + std::string(64, 'a')), 404, "blob.not_found");
  check_problem(p.k.client().Get("/api/probe/blobs/zz"), 400, "blob.bad_digest");
  CHECK(wait_until([&] { return body_of(p.k.client().Get("/api/probe/ticks"))["ticks"].get<int>() >= 3; },
                   std::chrono::seconds(10)));
}

TEST_CASE("SIGTERM lets a request in flight finish, then the kernel exits cleanly") {
  ProbeKernel p;
  std::optional<httplib::Result> slow;
  std::thread t([&] { slow = p.k.client().Get("/api/probe/slow?ms=800"); });
  REQUIRE(wait_until([&] { return body_of(p.k.client().Get("/api/probe/active"))["active"] == 1; },
                     std::chrono::seconds(10)));
  CHECK(p.k.terminate() == 0);
  t.join();
  REQUIRE(slow);
  REQUIRE(*slow);
  CHECK((*slow)->status == 200);
  CHECK(p.k.log_text().find("plugin probe stopped") != std::string::npos);
}

TEST_CASE("a second kernel on a port already in use refuses to start and says why") {
  PluginFolder folder({"greeting"});
  KernelProcess k(options(folder, {"greeting"}));
  // Its own state folder, so the port is the only thing the two share.
  auto [out, status] = run_command("WANGBAN_SERVER_PORT=" + std::to_string(k.port()) + " WANGBAN_VAR_DIR=" +
                                   (k.dir() / "var2").string() + " " + KernelOptions{}.wangban.string() +
                                   " serve --config " + k.config_path().string() + " 2>&1");
  CHECK(status == 3);
  CHECK(out.find("cannot listen on 127.0.0.1:" + std::to_string(k.port()) + ": Address already in use") !=
        std::string::npos);
  auto still = k.client().Get("/healthz");
  REQUIRE(still);
  CHECK(still->status == 200);
}
