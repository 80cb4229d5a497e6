// Migrations: applied once in order, verified by checksum on every start; an edited
// applied migration is refused and the data stays as it was.
#include "support.hpp"

using namespace wbtest;

TEST_CASE("migrations apply once, and an applied migration that was changed is refused") {
  PluginFolder folder({"migrating"});
  KernelProcess k(options(folder, {"migrating"}));
  CHECK(body_of(k.client().Get("/api/migrating/rows"))["rows"] == 2);
  CHECK(k.terminate() == 0);

  k.start();  // the same files: verified, not applied again
  CHECK(plugin_status(k, "migrating")["state"] == "started");
  CHECK(body_of(k.client().Get("/api/migrating/rows"))["rows"] == 2);
  CHECK(k.terminate() == 0);

  // The same plugin with 002_seed.sql edited after it was applied.
  fs::remove(folder.path() / "libwangban-plugin-migrating.so");
  fs::create_symlink(fs::absolute(test_plugin_dir() / "changed" / "libwangban-plugin-migrating.so"),
                     folder.path() / "libwangban-plugin-migrating.so");
  k.start();
  auto s = plugin_status(k, "migrating");
  CHECK(s["state"] == "failed");
  CHECK(s["reason"].get<std::string>().find("migrating: migration 002_seed.sql was changed after it was applied") !=
        std::string::npos);
  auto gone = k.client().Get("/api/migrating/rows");
  REQUIRE(gone);
  CHECK(gone->status == 404);
}

TEST_CASE("`wangban migrate` applies the kernel's and the plugins' migrations and exits") {
  PluginFolder folder({"migrating"});
  KernelProcess k(options(folder, {"migrating"}));
  CHECK(k.terminate() == 0);
  std::string cmd = KernelOptions{}.wangban.string() + " migrate --config " + k.config_path().string() + " 2>&1";
  auto [out, status] = run_command(cmd);
  CHECK(status == 0);
  CHECK(out.find("migrations applied; 0 plugin(s) could not be migrated") != std::string::npos);
}
