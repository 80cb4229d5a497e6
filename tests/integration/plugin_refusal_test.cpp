// The plugin host refuses what it must, says why once, and keeps the platform running.
#include <filesystem>
#include <fstream>

#include "support.hpp"

using namespace wbtest;

TEST_CASE("plugins built for another API or toolchain, non-plugins and truncated files are refused") {
  PluginFolder folder({"greeting", "abi-mismatch", "tag-mismatch", "not-a-plugin"});
  {  // a truncated copy of a real plugin
    std::ifstream in(bundled_dir() / "libwangban-plugin-greeting.so", std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream out(folder.path() / "libwangban-plugin-truncated.so", std::ios::binary);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size() / 3));
  }
  KernelProcess k(options(folder, {"greeting", "abi-mismatch", "tag-mismatch", "not-a-plugin", "truncated"}));

  CHECK(plugin_status(k, "greeting")["state"] == "started");
  auto abi = plugin_status(k, "abi-mismatch");
  CHECK(abi["state"] == "refused");
  CHECK(abi["reason"].get<std::string>().find("plugin API 99.0, this kernel provides 1.") != std::string::npos);
  auto tag = plugin_status(k, "tag-mismatch");
  CHECK(tag["state"] == "refused");
  CHECK(tag["reason"].get<std::string>().find("found \"g++ 1.0 other-abi\"") != std::string::npos);
  CHECK(plugin_status(k, "not-a-plugin")["reason"].get<std::string>().find("is not a Wangban plugin") != std::string::npos);
  auto truncated = plugin_status(k, "truncated");
  CHECK(truncated["state"] == "refused");
  CHECK(truncated["reason"].get<std::string>().find("is truncated or damaged") != std::string::npos);

  auto hello = k.client().Get("/api/greeting/hello");
  REQUIRE(hello);
  CHECK(hello->status == 200);
  // One clear log line per refusal.
  auto log = k.log_text();
  CHECK(count_lines_with(log, "plugin abi-mismatch refused") == 1);
  CHECK(count_lines_with(log, "plugin truncated refused") == 1);
}

TEST_CASE("a missing requirement and a version outside the range are refused, a satisfied one starts") {
  PluginFolder folder({"greeting", "needs-missing", "needs-newer", "needs-greeting"});
  KernelProcess k(options(folder, {"needs-greeting", "needs-missing", "needs-newer", "greeting"}));
  auto missing = plugin_status(k, "needs-missing");
  CHECK(missing["state"] == "refused");
  CHECK(missing["reason"] == "requires nonexistent >=1.0, which is not enabled");
  auto newer = plugin_status(k, "needs-newer");
  CHECK(newer["state"] == "refused");
  CHECK(newer["reason"] == "requires greeting >=2.0 <3, but version 1.0.0 is enabled");
  CHECK(plugin_status(k, "needs-greeting")["state"] == "started");
  // Dependency order: greeting starts before the plugin that needs it, though listed after it.
  auto log = k.log_text();
  CHECK(log.find("plugin greeting 1.0.0 started") < log.find("plugin needs-greeting 1.0.0 started"));
}

TEST_CASE("a dependency cycle refuses every plugin on it and names the cycle") {
  PluginFolder folder({"greeting", "cycle-a", "cycle-b"});
  KernelProcess k(options(folder, {"cycle-a", "cycle-b", "greeting"}));
  for (auto name : {"cycle-a", "cycle-b"}) {
    auto s = plugin_status(k, name);
    CHECK(s["state"] == "refused");
    CHECK(s["reason"].get<std::string>().find("dependency cycle: cycle-a -> cycle-b -> cycle-a") != std::string::npos);
  }
  CHECK(plugin_status(k, "greeting")["state"] == "started");
}

TEST_CASE("a required plugin that is refused stops start-up with its reason") {
  PluginFolder folder({"greeting", "needs-missing"});
  auto o = options(folder, {"greeting", "needs-missing"});
  o.required = {"needs-missing"};
  o.expect_start = false;
  KernelProcess k(o);
  CHECK(k.wait_exit(std::chrono::seconds(30)) == 3);
  CHECK(k.log_text().find("required plugin needs-missing is refused: requires nonexistent") != std::string::npos);
}

TEST_CASE("a plugin whose start throws is isolated: its routes are gone and the others serve") {
  PluginFolder folder({"greeting", "throws"});
  KernelProcess k(options(folder, {"greeting", "throws"}));
  auto s = plugin_status(k, "throws");
  CHECK(s["state"] == "failed");
  CHECK(s["reason"] == "start failed: boom: start failed on purpose");
  CHECK(s["routes"] == 0);
  auto never = k.client().Get("/api/throws/never");
  REQUIRE(never);
  CHECK(never->status == 404);
  auto hello = k.client().Get("/api/greeting/hello");
  REQUIRE(hello);
  CHECK(hello->status == 200);
}

TEST_CASE("`wangban plugins list` shows name, version, state and the reason of a refusal") {
  PluginFolder folder({"greeting", "needs-missing"});
  KernelProcess k(options(folder, {"greeting", "needs-missing"}));
  std::string cmd = KernelOptions{}.wangban.string() + " plugins list --config " + k.config_path().string() + " 2>/dev/null";
  auto [out, status] = run_command(cmd);
  CHECK(status == 0);
  CHECK(out.find("greeting         1.0.0      loaded") != std::string::npos);
  CHECK(out.find("needs-missing    1.0.0      refused   requires nonexistent >=1.0, which is not enabled") != std::string::npos);
}

TEST_CASE("a plugin's config section is checked against its schema before it starts") {
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.extra_toml = "[plugins.greeting]\nsalutation = 5\n";
  KernelProcess k(o);
  auto s = plugin_status(k, "greeting");
  CHECK(s["state"] == "failed");
  auto reason = s["reason"].get<std::string>();
  CHECK(reason.find("platform.toml: plugins.greeting.salutation:") != std::string::npos);
  auto hello = k.client().Get("/api/greeting/hello");
  REQUIRE(hello);
  CHECK(hello->status == 404);
}
