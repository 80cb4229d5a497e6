// KernelProcess: runs a real `wangban serve` with chosen plugins, for plugin and platform tests.
//
// Writes a configuration into a fresh temporary folder, starts the kernel as a
// child process on a free loopback port, and waits (with a deadline, no fixed
// sleeps) until it answers /healthz. The database follows the test
// environment: WANGBAN_TEST_DB=sqlite (default: a file in the folder) or
// postgresql (a fresh database created on the server named by
// WANGBAN_TEST_PG_HOST/PORT/USER/PASSWORD and dropped afterwards). The
// destructor stops the kernel with SIGTERM and removes the folder.
// Header-only; needs cpp-httplib and libpq. Not thread-safe: one test thread.
#pragma once

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <libpq-fe.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <random>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <httplib.h>

extern char** environ;

namespace wangban::testing {

namespace fs = std::filesystem;

inline std::string env_or(const char* name, std::string fallback) {
  const char* v = std::getenv(name);
  return v && *v ? std::string(v) : fallback;
}

// Polls `condition` until it holds or `timeout` passes; returns whether it held.
inline bool wait_until(const std::function<bool()>& condition, std::chrono::milliseconds timeout,
                       std::chrono::milliseconds step = std::chrono::milliseconds(20)) {
  auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(step);
  }
  return condition();
}

inline std::string random_suffix() {
  std::random_device rd;
  std::mt19937_64 gen(rd());
  std::ostringstream os;
  os << std::hex << gen();
  return os.str();
}

// A PostgreSQL database that exists for the lifetime of this object.
class ScratchPostgres {
 public:
  ScratchPostgres() : name_("wb_test_" + random_suffix()) { admin("CREATE DATABASE " + name_); }
  ~ScratchPostgres() {
    try {
      admin("DROP DATABASE IF EXISTS " + name_ + " WITH (FORCE)");
    } catch (...) {
    }
  }
  const std::string& name() const { return name_; }
  static std::string host() { return env_or("WANGBAN_TEST_PG_HOST", "127.0.0.1"); }
  static std::string port() { return env_or("WANGBAN_TEST_PG_PORT", "5432"); }
  static std::string user() { return env_or("WANGBAN_TEST_PG_USER", "wangban"); }
  static std::string password() { return env_or("WANGBAN_TEST_PG_PASSWORD", ""); }

 private:
  static void admin(const std::string& sql) {
    std::string conninfo = "host=" + host() + " port=" + port() + " user=" + user() + " dbname=postgres";
    if (!password().empty()) conninfo += " password=" + password();
    PGconn* conn = PQconnectdb(conninfo.c_str());
    if (PQstatus(conn) != CONNECTION_OK) {
      std::string err = PQerrorMessage(conn);
      PQfinish(conn);
      throw std::runtime_error("cannot reach the test PostgreSQL (" + conninfo + "): " + err);
    }
    PGresult* r = PQexec(conn, sql.c_str());
    bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
    std::string err = PQresultErrorMessage(r);
    PQclear(r);
    PQfinish(conn);
    if (!ok) throw std::runtime_error(sql + ": " + err);
  }
  std::string name_;
};

struct KernelOptions {
  fs::path wangban = env_or("WANGBAN_BIN", "wangban");         // the kernel executable
  fs::path plugin_dir = env_or("WANGBAN_PLUGIN_DIR", "plugins");  // folder of libwangban-plugin-*.so
  std::vector<std::string> enabled;                             // plugins to load
  std::vector<std::string> required;                            // plugins that must start
  bool demo_data = false;
  std::string extra_toml;                                       // appended to the config (e.g. [plugins.x] tables)
  std::map<std::string, std::string> env;                       // extra environment (WANGBAN_* overrides)
  fs::path web_root;                                            // serve a built web UI
  fs::path tls_certificate, tls_private_key;                    // both set: the kernel serves HTTPS
  std::chrono::milliseconds start_timeout{30000};
  bool expect_start = true;                                     // false: the kernel is expected to exit
};

class KernelProcess {
 public:
  explicit KernelProcess(KernelOptions options) : options_(std::move(options)) {
    dir_ = fs::temp_directory_path() / ("wangban-test-" + random_suffix());
    fs::create_directories(dir_);
    if (env_or("WANGBAN_TEST_DB", "sqlite") == "postgresql") postgres_ = std::make_unique<ScratchPostgres>();
    write_config();
    start();
  }

  ~KernelProcess() {
    terminate();
    std::error_code ec;
    if (!std::getenv("WANGBAN_TEST_KEEP")) fs::remove_all(dir_, ec);
  }

  KernelProcess(const KernelProcess&) = delete;
  KernelProcess& operator=(const KernelProcess&) = delete;

  // Starts (again) with the same folder and database; waits for /healthz.
  void start() {
    auto fixed = options_.env.find("WANGBAN_SERVER_PORT");
    port_ = fixed != options_.env.end() ? std::stoi(fixed->second) : free_port();
    std::vector<std::string> args = {options_.wangban.string(), "serve", "--config", config_path().string()};
    std::vector<std::string> envs;
    for (char** e = environ; e && *e; ++e) envs.emplace_back(*e);
    envs.push_back("WANGBAN_SERVER_PORT=" + std::to_string(port_));
    for (auto& [k, v] : options_.env)
      if (k != "WANGBAN_SERVER_PORT") envs.push_back(k + "=" + v);
    std::vector<char*> argv, envp;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    for (auto& e : envs) envp.push_back(e.data());
    envp.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    std::string log = log_path().string();
    posix_spawn_file_actions_addopen(&actions, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    int rc = posix_spawn(&pid_, argv[0], &actions, nullptr, argv.data(), envp.data());
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) throw std::runtime_error("cannot start " + options_.wangban.string() + ": " + std::strerror(rc));
    if (!options_.expect_start) return;
    bool up = wait_until(
        [&] {
          if (!running()) return true;
          if (tls()) {
            httplib::SSLClient c("127.0.0.1", port_);
            c.enable_server_certificate_verification(false);
            c.set_connection_timeout(std::chrono::milliseconds(200));
            auto r = c.Get("/healthz");
            return r && r->status == 200;
          }
          httplib::Client c("127.0.0.1", port_);
          c.set_connection_timeout(std::chrono::milliseconds(200));
          auto r = c.Get("/healthz");
          return r && r->status == 200;
        },
        options_.start_timeout);
    if (!up || !running()) throw std::runtime_error("the kernel did not start; its log:\n" + log_text());
    std::ifstream token(dir_ / "var" / "admin-token");
    std::getline(token, admin_token_);
  }

  // Sends SIGTERM and waits; returns the exit status (or -1 when not running).
  int terminate(std::chrono::milliseconds timeout = std::chrono::milliseconds(20000)) {
    if (pid_ <= 0) return exit_code_;
    ::kill(pid_, SIGTERM);
    return wait_exit(timeout);
  }

  // SIGKILL: the crash case.
  void kill9() {
    if (pid_ <= 0) return;
    ::kill(pid_, SIGKILL);
    wait_exit(std::chrono::milliseconds(10000));
  }

  // Waits for the process to exit by itself (e.g. a refused start) and returns its exit code.
  int wait_exit(std::chrono::milliseconds timeout) {
    if (pid_ <= 0) return exit_code_;
    int status = 0;
    bool done = wait_until([&] { return ::waitpid(pid_, &status, WNOHANG) == pid_; }, timeout);
    if (!done) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, &status, 0);
    }
    pid_ = -1;
    exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    return exit_code_;
  }

  bool running() {
    if (pid_ <= 0) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      return false;
    }
    return true;
  }

  // The options used by the next start() (e.g. to change the environment between restarts).
  KernelOptions& options() { return options_; }
  int port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& admin_token() const { return admin_token_; }
  const fs::path& dir() const { return dir_; }
  fs::path config_path() const { return dir_ / "platform.toml"; }
  fs::path log_path() const { return dir_ / "kernel.log"; }
  std::string log_text() const {
    std::ifstream in(log_path());
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
  }
  bool tls() const { return !options_.tls_certificate.empty(); }
  std::string url() const { return (tls() ? "https" : "http") + std::string("://127.0.0.1:") + std::to_string(port_); }
  // A free loopback port (to fix a kernel's port in advance with env WANGBAN_SERVER_PORT).
  static int pick_port() { return free_port(); }

  // A client for this kernel; with `admin`, the administrator bearer token is sent.
  httplib::Client client(bool admin = false) const {
    httplib::Client c("127.0.0.1", port_);
    c.set_connection_timeout(std::chrono::seconds(5));
    c.set_read_timeout(std::chrono::seconds(60));
    if (admin) c.set_bearer_token_auth(admin_token_);
    return c;
  }

 private:
  static int free_port() {
    int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
    socklen_t len = sizeof addr;
    ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
    ::close(fd);
    return ntohs(addr.sin_port);
  }

  static std::string quote(const std::string& s) {
    std::string out = "\"";
    for (char c : s) {
      if (c == '"' || c == '\\') out += '\\';
      out += c;
    }
    return out + "\"";
  }

  static std::string list(const std::vector<std::string>& v) {
    std::string out = "[";
    for (std::size_t i = 0; i != v.size(); ++i) out += (i ? ", " : "") + quote(v[i]);
    return out + "]";
  }

  void write_config() {
    std::ofstream out(config_path());
    out << "var_dir = " << quote((dir_ / "var").string()) << "\n\n";
    out << "[log]\nlevel = \"info\"\n\n";
    out << "[server]\nhost = \"127.0.0.1\"\nport = 0\nio_threads = 2\nshutdown_grace_ms = 10000\n";
    if (!options_.web_root.empty()) out << "web_root = " << quote(fs::absolute(options_.web_root).string()) << "\n";
    if (tls())
      out << "tls_certificate = " << quote(fs::absolute(options_.tls_certificate).string()) << "\ntls_private_key = "
          << quote(fs::absolute(options_.tls_private_key).string()) << "\n";
    out << "\n[database]\n";
    if (postgres_) {
      out << "driver = \"postgresql\"\nhost = " << quote(ScratchPostgres::host()) << "\nport = " << ScratchPostgres::port()
          << "\nname = " << quote(postgres_->name()) << "\nuser = " << quote(ScratchPostgres::user()) << "\n";
      if (!ScratchPostgres::password().empty()) out << "password = " << quote(ScratchPostgres::password()) << "\n";
    } else {
      out << "driver = \"sqlite\"\n";
    }
    out << "demo_data = " << (options_.demo_data ? "true" : "false") << "\n\n";
    out << "[events]\npoll_interval_ms = 50\nbackoff_base_ms = 50\nbackoff_max_ms = 1000\n\n";
    out << "[plugins]\ndirectory = " << quote(fs::absolute(options_.plugin_dir).string()) << "\nenabled = "
        << list(options_.enabled) << "\nrequired = " << list(options_.required) << "\n\n";
    out << options_.extra_toml << "\n";
  }

  KernelOptions options_;
  fs::path dir_;
  std::unique_ptr<ScratchPostgres> postgres_;
  pid_t pid_ = -1;
  int exit_code_ = -1;
  int port_ = 0;
  std::string admin_token_;
};

}  // namespace wangban::testing
