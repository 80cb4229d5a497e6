// Tests of the greeting plugin against a real kernel (the SDK's harness starts it).
#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <wangban/testing/kernel_process.hpp>

using nlohmann::json;
using wangban::testing::KernelOptions;
using wangban::testing::KernelProcess;
using wangban::testing::wait_until;

namespace {

KernelOptions greeting_only() {
  KernelOptions o;
  o.enabled = {"greeting"};
  o.required = {"greeting"};
  o.demo_data = true;
  o.extra_toml = "[plugins.greeting]\nsalutation = \"您好\"\n";
  return o;
}

}  // namespace

TEST_CASE("the greeting plugin answers with the configured salutation") {
  KernelProcess kernel(greeting_only());
  auto r = kernel.client().Get("/api/greeting/hello?name=%E5%BC%A0%E4%B8%89");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["message"] == "您好，张三");
}

TEST_CASE("storing a greeting needs the token, publishes an event and the handler counts it once") {
  KernelProcess kernel(greeting_only());
  auto anonymous = kernel.client().Post("/api/greeting/greetings", R"({"name":"王五"})", "application/json");
  REQUIRE(anonymous);
  CHECK(anonymous->status == 401);

  auto created = kernel.client(true).Post("/api/greeting/greetings", R"({"name":"王五"})", "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  auto id = json::parse(created->body)["id"].get<long long>();

  auto read = kernel.client().Get("/api/greeting/greetings/" + std::to_string(id));
  REQUIRE(read);
  CHECK(json::parse(read->body)["name"] == "王五");

  auto seen = [&] {
    auto s = kernel.client().Get("/api/greeting/stats");
    return s && json::parse(s->body)["seen"] == 1;
  };
  CHECK(wait_until(seen, std::chrono::seconds(10)));
}

TEST_CASE("demo data is loaded and a missing greeting is a 404 problem") {
  KernelProcess kernel(greeting_only());
  auto first = kernel.client().Get("/api/greeting/greetings/1");
  REQUIRE(first);
  CHECK(json::parse(first->body)["name"] == "张三");
  auto missing = kernel.client().Get("/api/greeting/greetings/999");
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Content-Type") == "application/problem+json");
  CHECK(json::parse(missing->body)["code"] == "greeting.not_found");
}
