// Helpers for the integration tests: plugin folders assembled per test, JSON requests,
// reading a child process's memory map.
#pragma once

#include <fstream>
#include <string>
#include <vector>

#include <doctest/doctest.h>
#include <nlohmann/json.hpp>

#include <wangban/testing/kernel_process.hpp>

namespace wbtest {

using json = nlohmann::json;
namespace fs = std::filesystem;
using wangban::testing::KernelOptions;
using wangban::testing::KernelProcess;
using wangban::testing::wait_until;

inline fs::path bundled_dir() { return wangban::testing::env_or("WANGBAN_PLUGIN_DIR", "plugins"); }
inline fs::path test_plugin_dir() { return wangban::testing::env_or("WANGBAN_TEST_PLUGIN_DIR", "test-plugins"); }

// A folder holding links to the named plugin files (bundled or test plugins), so each
// test loads exactly what it enables. Removed with the object.
class PluginFolder {
 public:
  explicit PluginFolder(const std::vector<std::string>& names)
      : dir_(fs::temp_directory_path() / ("wangban-plugins-" + wangban::testing::random_suffix())) {
    fs::create_directories(dir_);
    for (auto& n : names) {
      std::string file = "libwangban-plugin-" + n + ".so";
      fs::path source = fs::exists(bundled_dir() / file) ? bundled_dir() / file : test_plugin_dir() / file;
      REQUIRE_MESSAGE(fs::exists(source), "no plugin file for " << n);
      fs::create_symlink(fs::absolute(source), dir_ / file);
    }
  }
  ~PluginFolder() {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
  const fs::path& path() const { return dir_; }

 private:
  fs::path dir_;
};

inline KernelOptions options(const PluginFolder& folder, std::vector<std::string> enabled) {
  KernelOptions o;
  o.plugin_dir = folder.path();
  o.enabled = std::move(enabled);
  return o;
}

// The demo accounts' password (database.demo_data).
inline constexpr const char* kDemoPassword = "Wangban-Demo-2026";

// A bearer token from a password login; "" when the login is refused.
inline std::string bearer_login(const KernelProcess& k, const std::string& user, const std::string& password = kDemoPassword) {
  auto r = k.client().Post("/api/auth/login", json{{"username", user}, {"password", password}, {"mode", "bearer"}}.dump(),
                           "application/json");
  REQUIRE(r);
  return r->status == 200 ? json::parse(r->body)["token"].get<std::string>() : "";
}

// A client sending `token` as its bearer.
inline httplib::Client client_as(const KernelProcess& k, const std::string& token) {
  auto c = k.client();
  c.set_bearer_token_auth(token);
  return c;
}

inline json body_of(const httplib::Result& r) {
  REQUIRE(r);
  return json::parse(r->body);
}

inline json plugin_status(KernelProcess& k, const std::string& name) {
  auto list = body_of(k.client(true).Get("/api/admin/plugins"));
  for (auto& p : list["plugins"])
    if (p["name"] == name) return p;
  FAIL("plugin " << name << " is not listed");
  return {};
}

inline bool maps_contain(pid_t pid, const std::string& needle) {
  std::ifstream maps("/proc/" + std::to_string(pid) + "/maps");
  std::string line;
  while (std::getline(maps, line))
    if (line.find(needle) != std::string::npos) return true;
  return false;
}

// Runs a shell command; returns its standard output (and error, if redirected) and exit status.
inline std::pair<std::string, int> run_command(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  REQUIRE(p);
  std::string out;
  char buf[4096];
  std::size_t n;
  while ((n = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  int status = pclose(p);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

// A certificate and key from the kernel's development CA (`wangban ca issue PROFILE`), written into
// `out`: the certificate file holds the leaf, then the issuing CA (PEM); the key is unencrypted PKCS#8.
struct IssuedCertificate {
  std::string certificate_file, key_file;
};
inline IssuedCertificate issue_development_certificate(const KernelProcess& k, const std::string& profile,
                                                       const std::string& name, const std::string& serial,
                                                       const fs::path& out) {
  auto [text, status] = run_command(KernelOptions{}.wangban.string() + " ca issue " + profile + " --name " + name +
                                    " --serial " + serial + " --out " + out.string() + " --config " +
                                    k.config_path().string() + " 2>&1");
  INFO(text);
  REQUIRE(status == 0);
  auto value = [&](const std::string& label) {
    auto at = text.find(label + " ");
    REQUIRE(at != std::string::npos);
    return text.substr(at + label.size() + 1, text.find('\n', at) - at - label.size() - 1);
  };
  return {value("certificate"), value("key")};
}

// The PEM certificates of a chain text, each as its own PEM block, in order.
inline std::vector<std::string> pem_certificates(const std::string& text) {
  std::vector<std::string> out;
  const std::string end = "-----END CERTIFICATE-----";
  for (std::size_t at = text.find("-----BEGIN CERTIFICATE-----"), stop;
       at != std::string::npos && (stop = text.find(end, at)) != std::string::npos;
       at = text.find("-----BEGIN CERTIFICATE-----", stop))
    out.push_back(text.substr(at, stop + end.size() - at) + "\n");
  return out;
}

inline int count_lines_with(const std::string& text, const std::string& needle) {
  int n = 0;
  std::size_t at = 0;
  while ((at = text.find(needle, at)) != std::string::npos) {
    ++n;
    at += needle.size();
  }
  return n;
}

}  // namespace wbtest
