// The outbox: an event committed with its state change survives a kill -9 before
// dispatch and is handled exactly once after the restart; failed handlers are retried.
#include "support.hpp"

using namespace wbtest;

TEST_CASE("kill -9 between commit and dispatch: after restart the event is handled exactly once") {
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.env["WANGBAN_EVENTS_DISPATCH"] = "false";  // commit, but nothing dispatches the event yet
  KernelProcess k(o);
  auto created = k.client(true).Post("/api/greeting/greetings", R"({"name":"赵六"})", "application/json");
  REQUIRE(created);
  REQUIRE(created->status == 201);
  CHECK(body_of(k.client().Get("/api/greeting/stats"))["seen"] == 0);
  k.kill9();

  // Restart with the dispatcher: the committed event is delivered.
  k.options().env.erase("WANGBAN_EVENTS_DISPATCH");
  k.start();
  auto seen = [&] { return body_of(k.client().Get("/api/greeting/stats"))["seen"].get<int>(); };
  REQUIRE(wait_until([&] { return seen() == 1; }, std::chrono::seconds(15)));
  k.kill9();

  // Another crash and restart: the delivery was recorded with the handler's work, so it is not repeated.
  k.start();
  auto second = k.client(true).Post("/api/greeting/greetings", R"({"name":"钱七"})", "application/json");
  REQUIRE(second);
  REQUIRE(second->status == 201);
  REQUIRE(wait_until([&] { return seen() >= 2; }, std::chrono::seconds(15)));
  CHECK(seen() == 2);  // the second event, and not the first one again
}
