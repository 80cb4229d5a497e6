// Reloading one plugin at run time: drain, unload (really unmapped), load the new file,
// start — while another plugin serves a steady load with no failed request.
#include <atomic>
#include <thread>

#include "support.hpp"

using namespace wbtest;

TEST_CASE("reloading a plugin under load: zero failures elsewhere, in-flight requests finish, old code unmapped") {
  PluginFolder folder({"greeting", "probe"});
  KernelProcess k(options(folder, {"greeting", "probe"}));
  fs::path v1 = fs::canonical(folder.path() / "libwangban-plugin-probe.so");
  fs::path v2 = fs::canonical(test_plugin_dir() / "v2" / "libwangban-plugin-probe.so");
  REQUIRE(maps_contain(k.pid(), v1.string()));
  CHECK(body_of(k.client().Get("/api/probe/ping"))["version"] == "1.0.0");

  // A request in flight in the plugin being reloaded must finish on the old code.
  std::optional<httplib::Result> slow;
  std::thread in_flight([&] { slow = k.client().Get("/api/probe/slow?ms=700"); });
  REQUIRE(wait_until([&] { return body_of(k.client().Get("/api/probe/active"))["active"] == 1; }, std::chrono::seconds(10)));

  // Load on another plugin during the whole reload.
  std::atomic<bool> stop{false};
  std::atomic<int> ok{0}, failed{0};
  std::vector<std::thread> load;
  for (int i = 0; i < 4; ++i)
    load.emplace_back([&] {
      auto c = k.client();
      c.set_keep_alive(true);
      while (!stop) {
        auto r = c.Get("/api/greeting/hello");
        (r && r->status == 200 ? ok : failed)++;
      }
    });

  auto reloaded = k.client(true).Post("/api/admin/plugins/probe/reload", json{{"file", v2.string()}}.dump(), "application/json");
  REQUIRE(wait_until([&] { return ok.load() > 200; }, std::chrono::seconds(20)));
  stop = true;
  for (auto& t : load) t.join();
  in_flight.join();

  REQUIRE(reloaded);
  CHECK(reloaded->status == 200);
  CHECK(json::parse(reloaded->body)["version"] == "2.0.0");
  CHECK(json::parse(reloaded->body)["state"] == "started");
  CHECK(failed.load() == 0);
  CHECK(ok.load() > 200);
  REQUIRE(slow);
  REQUIRE(*slow);
  CHECK((*slow)->status == 200);
  CHECK(json::parse((*slow)->body)["version"] == "1.0.0");
  CHECK(body_of(k.client().Get("/api/probe/ping"))["version"] == "2.0.0");
  CHECK_FALSE(maps_contain(k.pid(), v1.string()));
  CHECK(maps_contain(k.pid(), v2.string()));
}

TEST_CASE("a reload to a refused file is rejected and the running version keeps serving") {
  PluginFolder folder({"greeting", "probe"});
  KernelProcess k(options(folder, {"greeting", "probe"}));
  fs::path wrong = fs::absolute(test_plugin_dir() / "libwangban-plugin-abi-mismatch.so");
  auto r = k.client(true).Post("/api/admin/plugins/probe/reload", json{{"file", wrong.string()}}.dump(), "application/json");
  REQUIRE(r);
  CHECK(r->status == 409);
  CHECK(json::parse(r->body)["code"] == "plugin.reload_refused");
  CHECK(json::parse(r->body)["detail"].get<std::string>().find("plugin API 99.0") != std::string::npos);
  CHECK(body_of(k.client().Get("/api/probe/ping"))["version"] == "1.0.0");
  auto unknown = k.client(true).Post("/api/admin/plugins/nope/reload", "{}", "application/json");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);
}
