// Contracts between plugins through the running kernel: prober finds probe's contract on each
// request; reloading probe waits for a request that still holds the contract, then the new
// version answers and the old library is gone.
#include <future>

#include "support.hpp"

using namespace wbtest;

TEST_CASE("a plugin uses another's contract, and a reload of the provider waits for it to let go") {
  PluginFolder folder{{"probe", "prober"}};
  KernelProcess k(options(folder, {"probe", "prober"}));
  auto first = body_of(k.client().Get("/api/prober/probe-version"));
  CHECK(first["version"] == "1.0.0");
  CHECK(first["answers"] == 1);

  fs::path v1 = fs::canonical(folder.path() / "libwangban-plugin-probe.so");
  fs::path v2 = fs::canonical(test_plugin_dir() / "v2" / "libwangban-plugin-probe.so");
  // A request holding the contract for a while, and a reload of the provider meanwhile.
  // (No doctest assertion in the other threads: they hand back what they got, checked here.)
  auto held = std::async(std::launch::async, [&] {
    auto r = k.client().Get("/api/prober/probe-version?hold_ms=1500");
    return r ? std::pair{r->status, r->body} : std::pair{-1, httplib::to_string(r.error())};
  });
  REQUIRE(wait_until([&] { return body_of(k.client().Get("/api/prober/holding"))["holding"] == 1; }, std::chrono::seconds(5)));
  auto reload = std::async(std::launch::async, [&] {
    auto r = k.client(true).Post("/api/admin/plugins/probe/reload", json{{"file", v2.string()}}.dump(), "application/json");
    return r ? std::pair{r->status, r->body} : std::pair{-1, httplib::to_string(r.error())};
  });
  auto [held_status, held_body] = held.get();
  INFO("held request: " << held_status << " " << held_body);
  REQUIRE(held_status == 200);
  CHECK(json::parse(held_body)["version"] == "1.0.0");  // answered by the old code, which was not unloaded under it
  auto [reload_status, reload_body] = reload.get();
  INFO("reload: " << reload_body);
  CHECK(reload_status == 200);
  auto after = body_of(k.client().Get("/api/prober/probe-version"));
  CHECK(after["version"] == "2.0.0");
  CHECK(after["answers"] == 1);  // a new implementation from the new library
  CHECK_FALSE(maps_contain(k.pid(), v1.string()));
}
