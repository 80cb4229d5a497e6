// wangban: the kernel's command line — serve, migrate, plugins list, version.
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <iostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "config/config.hpp"
#include "wangban/api_version.hpp"
#include "kernel.hpp"
#include "audit/audit_log.hpp"
#include "trust/development_ca.hpp"
#include "trust/signing_key.hpp"
#include "plugins/plugin_host.hpp"
#include "util/logging.hpp"

namespace {

using namespace wangban::kernel;

constexpr const char* kUsage =
    "usage: wangban <command> [--config FILE]\n"
    "  serve           run the platform until SIGINT/SIGTERM\n"
    "  migrate         apply the kernel's and the enabled plugins' migrations, then exit\n"
    "  plugins list    show every enabled plugin: name, version, state, why refused [--json]\n"
    "  audit verify    recompute the whole audit log; name the first entry altered, removed or reordered\n"
    "  ca issue PROFILE --name NAME [--serial ID] [--org ORG] [--unit UNIT] [--days N] --out DIR\n"
    "                  (trust.development_ca only) a new SM2 key and certificate for tests and demos;\n"
    "                  PROFILE: person (--serial citizen ID), legal (--serial credit code), staff, seal\n"
    "  ca revoke SERIAL  put a development certificate on the development CA's CRL (read at start)\n"
    "  version         print the version\n"
    "The config file defaults to $WANGBAN_CONFIG, else config/platform.toml.\n"
    "Any key can be overridden by WANGBAN_<SECTION>_<KEY> in the environment.\n";

int serve(const KernelConfig& config) {
  // Signals are taken by this thread only: block them before any other thread exists.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  Kernel kernel(config);
  kernel.open();
  kernel.start();
  std::printf("wangban %s listening on %s://%s:%u\n", version(), config.server.tls_certificate.empty() ? "http" : "https",
              config.server.host.c_str(), kernel.port());
  std::fflush(stdout);
  int sig = 0;
  sigwait(&signals, &sig);
  spdlog::info("received {}, shutting down", sig == SIGINT ? "SIGINT" : "SIGTERM");
  kernel.stop();
  return 0;
}

int migrate(const KernelConfig& config) {
  Kernel kernel(config);
  kernel.open(true);
  int failed = 0;
  for (auto& p : kernel.plugins().list()) failed += p.state == PluginState::failed || p.state == PluginState::refused;
  std::printf("migrations applied; %d plugin(s) could not be migrated\n", failed);
  return failed ? 1 : 0;
}

int verify_audit(const KernelConfig& config) {
  Kernel kernel(config);
  kernel.open(false);
  // Signed tree heads are checked with the public key only (no master key needed here).
  std::optional<SigningKey> key;
  auto public_file = SigningKey::public_file_of(config.trust.kernel_key_file);
  if (std::filesystem::exists(public_file)) key = SigningKey::public_only(public_file);
  auto v = kernel.audit_log().verify(key ? &*key : nullptr);
  if (v.ok) {
    std::printf("audit log verified: %llu entries, every leaf, stored node and signed tree head recomputed%s\n",
                static_cast<unsigned long long>(v.entries), key ? " (signatures checked)" : "");
    return 0;
  }
  std::printf("AUDIT LOG DAMAGED at entry %lld: %s\n", static_cast<long long>(*v.first_bad), v.problem.c_str());
  return 1;
}

// `wangban ca issue|revoke …` against the development CA in var/ca.
int development_ca_command(const KernelConfig& config, const std::vector<std::string>& words) {
  if (!config.trust.development_ca) {
    std::fprintf(stderr, "wangban: the development CA is off (trust.development_ca = false)\n");
    return 2;
  }
  auto ca = DevelopmentCa::open_or_create(config.var_dir / "ca", config.trust.master_key_file);
  if (words.size() == 3 && words[1] == "revoke") {
    if (!ca->revoke(words[2])) {
      std::fprintf(stderr, "wangban: no certificate %s was issued here\n", words[2].c_str());
      return 1;
    }
    std::printf("revoked %s; the kernel reads the CRL at its next start\n", words[2].c_str());
    return 0;
  }
  std::map<std::string, std::string> opt;
  for (std::size_t i = 3; i + 1 < words.size(); i += 2) opt[words[i]] = words[i + 1];
  static const std::map<std::string, DevelopmentCa::Profile> profiles = {
      {"person", DevelopmentCa::Profile::person}, {"legal", DevelopmentCa::Profile::legal},
      {"staff", DevelopmentCa::Profile::staff}, {"seal", DevelopmentCa::Profile::seal}};
  if (words.size() < 3 || words[1] != "issue" || !profiles.count(words[2]) || !opt.count("--name") || !opt.count("--out")) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  auto [key_pem, public_pem] = DevelopmentCa::new_sm2_key();
  std::string cert;
  try {
    cert = ca->issue(profiles.at(words[2]), {opt["--name"], opt["--org"], opt["--unit"], opt["--serial"]}, public_pem,
                     opt.count("--days") ? std::stoi(opt["--days"]) : 365);
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "wangban: %s\n", e.what());
    return 2;
  }
  std::filesystem::path out = opt["--out"];
  std::filesystem::create_directories(out);
  std::string base = words[2] + "-" + DevelopmentCa::serial_of(cert).substr(0, 8);
  auto key_file = out / (base + ".key.pem"), cert_file = out / (base + ".pem");
  {
    std::ofstream k(key_file, std::ios::trunc);
    k << key_pem;
  }
  std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write);
  std::ofstream(cert_file, std::ios::trunc) << cert << ca->issuing_pem();
  std::printf("serial %s\ncertificate %s\nkey %s\n", DevelopmentCa::serial_of(cert).c_str(), cert_file.c_str(),
              key_file.c_str());
  return 0;
}

int list_plugins(const KernelConfig& config, bool as_json) {
  Kernel kernel(config);
  kernel.open(false);
  auto list = kernel.plugins().list();
  if (as_json) {
    nlohmann::json out = nlohmann::json::array();
    for (auto& p : list) out.push_back(p.to_json());
    std::cout << out.dump(2) << "\n";
    return 0;
  }
  std::printf("%-16s %-10s %-9s %s\n", "NAME", "VERSION", "STATE", "REASON");
  for (auto& p : list)
    std::printf("%-16s %-10s %-9s %s\n", p.name.c_str(), p.version.empty() ? "-" : p.version.c_str(),
                to_string(p.state), p.reason.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  std::string config_file;
  if (const char* env = std::getenv("WANGBAN_CONFIG")) config_file = env;
  bool as_json = false;
  std::vector<std::string> words;
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) config_file = args[++i];
    else if (args[i].starts_with("--config=")) config_file = args[i].substr(9);
    else if (args[i] == "--json") as_json = true;
    else if (args[i] == "-h" || args[i] == "--help") words = {"help"};
    else words.push_back(args[i]);
  }
  if (config_file.empty()) config_file = "config/platform.toml";
  if (words.empty() || words[0] == "help") {
    std::fputs(kUsage, words.empty() ? stderr : stdout);
    return words.empty() ? 2 : 0;
  }
  if (words[0] == "version") {
    std::printf("wangban %s (plugin API %u.%u)\n", version(), wangban::kApiMajor, wangban::kApiMinor);
    return 0;
  }
  KernelConfig config;
  try {
    config = KernelConfig::load(config_file, wangban_environment());
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wangban: configuration error: %s\n", e.what());
    return 2;
  }
  setup_logging(config.log_level, config.log_format);
  try {
    if (words[0] == "serve") return serve(config);
    if (words[0] == "migrate") return migrate(config);
    if (words[0] == "plugins" && words.size() > 1 && words[1] == "list") return list_plugins(config, as_json);
    if (words[0] == "audit" && words.size() > 1 && words[1] == "verify") return verify_audit(config);
    if (words[0] == "ca") return development_ca_command(config, words);
  } catch (const StartupError& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 3;
  } catch (const std::exception& e) {
    spdlog::critical("cannot start: {}", e.what());
    return 3;
  }
  std::fputs(kUsage, stderr);
  return 2;
}
