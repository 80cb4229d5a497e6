// KernelConfig: every key documented, defaults, environment overrides, and errors that
// name the file, the key and what was expected.
#include <filesystem>
#include <fstream>
#include <set>

#include <doctest/doctest.h>

#include "config/config.hpp"

using wangban::kernel::ConfigError;
using wangban::kernel::KernelConfig;
namespace fs = std::filesystem;

namespace {

struct TempConfig {
  fs::path dir = fs::temp_directory_path() / ("wangban-config-test-" + std::to_string(::getpid()) + "-" +
                                              std::to_string(reinterpret_cast<std::uintptr_t>(this)));
  fs::path file = dir / "platform.toml";
  explicit TempConfig(const std::string& text) {
    fs::create_directories(dir);
    std::ofstream(file) << text;
  }
  ~TempConfig() { fs::remove_all(dir); }
};

const char* kMinimal = "[plugins]\ndirectory = \"plugins\"\n";

}  // namespace

TEST_CASE("every key the kernel reads is documented in config/platform.toml") {
  std::ifstream in(WANGBAN_SOURCE_DIR "/config/platform.toml");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE_FALSE(text.empty());
  for (auto& key : KernelConfig::declared_keys()) {
    auto dot = key.find('.');
    std::string section = dot == std::string::npos ? "" : key.substr(0, dot);
    std::string name = dot == std::string::npos ? key : key.substr(dot + 1);
    auto at = section.empty() ? 0 : text.find("[" + section + "]");
    INFO(key);
    REQUIRE(at != std::string::npos);
    // Documented as a setting, or as a commented default derived from another key.
    CHECK((text.find("\n" + name + " = ", at) != std::string::npos || text.find("\n# " + name + " = ", at) != std::string::npos));
  }
  // And the shipped file loads.
  CHECK_NOTHROW(KernelConfig::load(WANGBAN_SOURCE_DIR "/config/platform.toml", {}));
}

TEST_CASE("relative paths resolve against the config file's folder and defaults fill the rest") {
  TempConfig t(std::string(kMinimal) + "[identity]\ntrust_anchors = [\"pki/root.pem\", \"/etc/ca.pem\"]\n");
  auto c = KernelConfig::load(t.file, {});
  CHECK(c.identity.trust_anchors == std::vector<fs::path>{t.dir / "pki/root.pem", "/etc/ca.pem"});
  CHECK(c.plugins.directory == t.dir / "plugins");
  CHECK(c.var_dir == (t.dir / "../var").lexically_normal());
  CHECK(c.database.sqlite_path == c.var_dir / "wangban.db");
  CHECK(c.server.port == 8080);
  CHECK(c.database.driver == "sqlite");
}

TEST_CASE("WANGBAN_<SECTION>_<KEY> overrides the file, lists are comma-separated") {
  TempConfig t(std::string(kMinimal) + "enabled = [\"a\"]\n[server]\nport = 9000\n");
  auto c = KernelConfig::load(t.file, {{"WANGBAN_SERVER_PORT", "9100"}, {"WANGBAN_PLUGINS_ENABLED", "x, y"},
                                       {"WANGBAN_EVENTS_DISPATCH", "false"}});
  CHECK(c.server.port == 9100);
  CHECK(c.plugins.enabled == std::vector<std::string>{"x", "y"});
  CHECK_FALSE(c.events.dispatch);
}

TEST_CASE("a wrong type names the file, the key and the expected type") {
  TempConfig t(std::string(kMinimal) + "[server]\nport = \"eighty\"\n");
  CHECK_THROWS_WITH_AS(KernelConfig::load(t.file, {}), (t.file.string() + ": server.port: expected an integer").c_str(),
                       ConfigError);
}

TEST_CASE("out-of-range numbers, unknown choices, unknown keys and bad TOML are refused clearly") {
  {
    TempConfig t(std::string(kMinimal) + "[server]\nport = 70000\n");
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {}),
                      (t.file.string() + ": server.port: expected an integer from 0 to 65535, got 70000").c_str());
  }
  {
    TempConfig t(std::string(kMinimal) + "[database]\ndriver = \"mysql\"\n");
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {}),
                      (t.file.string() + ": database.driver: expected one of sqlite, postgresql, got \"mysql\"").c_str());
  }
  {
    TempConfig t(std::string(kMinimal) + "[server]\nprot = 80\n");
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {}), (t.file.string() + ": server.prot: unknown key").c_str());
  }
  {
    TempConfig t("[server\nport = 1\n");
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {}), doctest::Contains((t.file.string() + ":1:").c_str()));
  }
  {
    TempConfig t(kMinimal);
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {{"WANGBAN_SERVER_PORT", "x"}}),
                      "environment: WANGBAN_SERVER_PORT: expected an integer, got \"x\"");
  }
  {
    TempConfig t(std::string(kMinimal) + "required = [\"items\"]\n");
    CHECK_THROWS_WITH(KernelConfig::load(t.file, {}),
                      (t.file.string() + ": plugins.required: \"items\" is required but not in plugins.enabled").c_str());
  }
}

TEST_CASE("a plugin's own section is passed through as JSON") {
  TempConfig t(std::string(kMinimal) + "[plugins.greeting]\nsalutation = \"您好\"\nlimits = [1, 2]\n");
  auto c = KernelConfig::load(t.file, {});
  CHECK(c.plugins.sections.at("greeting")["salutation"] == "您好");
  CHECK(c.plugins.sections.at("greeting")["limits"][1] == 2);
}
