// The browser test: a real kernel serving the built web UI, and Debian's Chromium driven by
// playwright-core (tests/browser/plugins.test.mjs) through the admin console's plugin page.
#include "../integration/support.hpp"

using namespace wbtest;

TEST_CASE("the admin console lists the plugins with their states and reloads one in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting", "probe", "needs-missing"});
  auto o = options(folder, {"greeting", "probe", "needs-missing"});
  o.web_root = WANGBAN_WEB_DIST;
  KernelProcess k(o);

  std::string shot = (k.dir() / "plugins.png").string();
  std::string cmd = "WANGBAN_URL=" + k.url() + " WANGBAN_ADMIN_TOKEN=" + k.admin_token() +
                    " EXPECT_PLUGINS=probe=started,greeting=started,needs-missing=refused SCREENSHOT=" + shot +
                    " node " WANGBAN_BROWSER_SCRIPT " 2>&1";
  auto [out, status] = run_command(cmd);
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  // The reload went through the kernel: the log shows it.
  CHECK(k.log_text().find("reloading plugin probe") != std::string::npos);
}

TEST_CASE("the admin console's identity pages: org tree, staff, roles, password login and sessions in a real browser") {
  REQUIRE_MESSAGE(fs::exists(fs::path(WANGBAN_WEB_DIST) / "index.html"), "build the web UI first (scripts/test does)");
  PluginFolder folder({"greeting"});
  auto o = options(folder, {"greeting"});
  o.web_root = WANGBAN_WEB_DIST;
  o.env = {{"WANGBAN_IDENTITY_ARGON2_MEMORY_KIB", "1024"}, {"WANGBAN_IDENTITY_ARGON2_TIME_COST", "1"}};
  KernelProcess k(o);
  std::string shot = (k.dir() / "console").string();
  auto [out, status] = run_command("WANGBAN_URL=" + k.url() + " WANGBAN_ADMIN_TOKEN=" + k.admin_token() + " SCREENSHOT=" +
                                   shot + " node " WANGBAN_CONSOLE_SCRIPT " 2>&1");
  INFO(out);
  CHECK(status == 0);
  CHECK(out.find(" 0 failed") != std::string::npos);
  CHECK(k.log_text().find("staff clerk1 logged in") != std::string::npos);
}
