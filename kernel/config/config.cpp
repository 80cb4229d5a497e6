// KernelConfig loading: the declared keys, TOML reading, environment overrides, validation.
#include "config/config.hpp"

#include <cstdlib>
#include <functional>
#include <optional>
#include <sstream>
#include <variant>

#include <toml++/toml.h>

extern char** environ;

namespace wangban::kernel {
namespace {

namespace fs = std::filesystem;

enum class Type { string, integer, boolean, path, list, path_list };

using Value = std::variant<std::string, long long, bool, std::vector<std::string>>;

struct Key {
  const char* section;  // "" for top-level keys
  const char* name;
  Type type;
  long long min = 0, max = 0;  // integer bounds (inclusive) when max > min
  std::function<void(KernelConfig&, const Value&)> set;
  std::vector<std::string> choices = {};  // allowed strings, if any
};

const char* type_name(Type t) {
  switch (t) {
    case Type::string: return "a string";
    case Type::integer: return "an integer";
    case Type::boolean: return "true or false";
    case Type::path: return "a path (string)";
    case Type::list: return "a list of strings";
    case Type::path_list: return "a list of paths (strings)";
  }
  return "?";
}

template <class T>
const T& as(const Value& v) { return std::get<T>(v); }

const std::vector<Key>& keys() {
  static const std::vector<Key> k = [] {
    std::vector<Key> v;
    auto s_ = [&](const char* s, const char* n, auto f, std::vector<std::string> choices = {}) {
      v.push_back({s, n, Type::string, 0, 0, [f](KernelConfig& c, const Value& x) { f(c) = as<std::string>(x); }, std::move(choices)});
    };
    auto i_ = [&](const char* s, const char* n, long long lo, long long hi, auto f) {
      v.push_back({s, n, Type::integer, lo, hi, [f](KernelConfig& c, const Value& x) { f(c) = static_cast<std::remove_reference_t<decltype(f(c))>>(as<long long>(x)); }});
    };
    auto b_ = [&](const char* s, const char* n, auto f) {
      v.push_back({s, n, Type::boolean, 0, 0, [f](KernelConfig& c, const Value& x) { f(c) = as<bool>(x); }});
    };
    auto p_ = [&](const char* s, const char* n, auto f) {
      v.push_back({s, n, Type::path, 0, 0, [f](KernelConfig& c, const Value& x) { f(c) = fs::path(as<std::string>(x)); }});
    };
    auto l_ = [&](const char* s, const char* n, auto f) {
      v.push_back({s, n, Type::list, 0, 0, [f](KernelConfig& c, const Value& x) { f(c) = as<std::vector<std::string>>(x); }});
    };
    auto pl_ = [&](const char* s, const char* n, auto f) {
      v.push_back({s, n, Type::path_list, 0, 0, [f](KernelConfig& c, const Value& x) {
                     auto& out = f(c);
                     out.clear();
                     for (auto& p : as<std::vector<std::string>>(x)) out.emplace_back(p);
                   }});
    };
    p_("", "var_dir", [](KernelConfig& c) -> auto& { return c.var_dir; });
    p_("", "blob_dir", [](KernelConfig& c) -> auto& { return c.blob_dir; });
    p_("", "admin_token_file", [](KernelConfig& c) -> auto& { return c.admin_token_file; });
    s_("log", "level", [](KernelConfig& c) -> auto& { return c.log_level; }, {"trace", "debug", "info", "warn", "error"});
    s_("log", "format", [](KernelConfig& c) -> auto& { return c.log_format; }, {"text", "json"});
    s_("server", "host", [](KernelConfig& c) -> auto& { return c.server.host; });
    i_("server", "port", 0, 65535, [](KernelConfig& c) -> auto& { return c.server.port; });
    i_("server", "io_threads", 0, 256, [](KernelConfig& c) -> auto& { return c.server.io_threads; });
    i_("server", "worker_threads", 0, 1024, [](KernelConfig& c) -> auto& { return c.server.worker_threads; });
    i_("server", "body_limit", 1024, 1LL << 34, [](KernelConfig& c) -> auto& { return c.server.body_limit; });
    i_("server", "shutdown_grace_ms", 0, 600000, [](KernelConfig& c) -> auto& { return c.server.shutdown_grace_ms; });
    p_("server", "tls_certificate", [](KernelConfig& c) -> auto& { return c.server.tls_certificate; });
    p_("server", "tls_private_key", [](KernelConfig& c) -> auto& { return c.server.tls_private_key; });
    p_("server", "web_root", [](KernelConfig& c) -> auto& { return c.server.web_root; });
    s_("server", "public_url", [](KernelConfig& c) -> auto& { return c.server.public_url; });
    s_("database", "driver", [](KernelConfig& c) -> auto& { return c.database.driver; }, {"sqlite", "postgresql"});
    p_("database", "sqlite_path", [](KernelConfig& c) -> auto& { return c.database.sqlite_path; });
    s_("database", "host", [](KernelConfig& c) -> auto& { return c.database.host; });
    i_("database", "port", 1, 65535, [](KernelConfig& c) -> auto& { return c.database.port; });
    s_("database", "name", [](KernelConfig& c) -> auto& { return c.database.name; });
    s_("database", "user", [](KernelConfig& c) -> auto& { return c.database.user; });
    s_("database", "password", [](KernelConfig& c) -> auto& { return c.database.password; });
    i_("database", "pool_size", 1, 512, [](KernelConfig& c) -> auto& { return c.database.pool_size; });
    i_("database", "acquire_timeout_ms", 1, 600000, [](KernelConfig& c) -> auto& { return c.database.acquire_timeout_ms; });
    b_("database", "demo_data", [](KernelConfig& c) -> auto& { return c.database.demo_data; });
    p_("plugins", "directory", [](KernelConfig& c) -> auto& { return c.plugins.directory; });
    l_("plugins", "enabled", [](KernelConfig& c) -> auto& { return c.plugins.enabled; });
    l_("plugins", "required", [](KernelConfig& c) -> auto& { return c.plugins.required; });
    b_("events", "dispatch", [](KernelConfig& c) -> auto& { return c.events.dispatch; });
    i_("events", "poll_interval_ms", 10, 3600000, [](KernelConfig& c) -> auto& { return c.events.poll_interval_ms; });
    i_("events", "max_attempts", 1, 1000, [](KernelConfig& c) -> auto& { return c.events.max_attempts; });
    i_("events", "backoff_base_ms", 1, 3600000, [](KernelConfig& c) -> auto& { return c.events.backoff_base_ms; });
    i_("events", "backoff_max_ms", 1, 86400000, [](KernelConfig& c) -> auto& { return c.events.backoff_max_ms; });
    i_("identity", "session_idle_seconds", 1, 31536000, [](KernelConfig& c) -> auto& { return c.identity.session_idle_seconds; });
    i_("identity", "session_absolute_seconds", 1, 31536000, [](KernelConfig& c) -> auto& { return c.identity.session_absolute_seconds; });
    i_("identity", "lockout_threshold", 1, 1000, [](KernelConfig& c) -> auto& { return c.identity.lockout_threshold; });
    i_("identity", "lockout_base_seconds", 1, 86400, [](KernelConfig& c) -> auto& { return c.identity.lockout_base_seconds; });
    i_("identity", "lockout_max_seconds", 1, 604800, [](KernelConfig& c) -> auto& { return c.identity.lockout_max_seconds; });
    i_("identity", "password_min_length", 8, 128, [](KernelConfig& c) -> auto& { return c.identity.password_min_length; });
    i_("identity", "argon2_time_cost", 1, 100, [](KernelConfig& c) -> auto& { return c.identity.argon2_time_cost; });
    i_("identity", "argon2_memory_kib", 8, 4194304, [](KernelConfig& c) -> auto& { return c.identity.argon2_memory_kib; });
    i_("identity", "argon2_parallelism", 1, 64, [](KernelConfig& c) -> auto& { return c.identity.argon2_parallelism; });
    pl_("identity", "trust_anchors", [](KernelConfig& c) -> auto& { return c.identity.trust_anchors; });
    pl_("identity", "crl_files", [](KernelConfig& c) -> auto& { return c.identity.crl_files; });
    pl_("identity", "intermediate_certificates", [](KernelConfig& c) -> auto& { return c.identity.intermediate_certificates; });
    l_("identity", "crl_urls", [](KernelConfig& c) -> auto& { return c.identity.crl_urls; });
    i_("identity", "crl_refresh_seconds", 10, 604800, [](KernelConfig& c) -> auto& { return c.identity.crl_refresh_seconds; });
    s_("identity", "oidc_issuer", [](KernelConfig& c) -> auto& { return c.identity.oidc_issuer; });
    s_("identity", "oidc_client_id", [](KernelConfig& c) -> auto& { return c.identity.oidc_client_id; });
    s_("identity", "oidc_client_secret", [](KernelConfig& c) -> auto& { return c.identity.oidc_client_secret; });
    s_("identity", "oidc_redirect_uri", [](KernelConfig& c) -> auto& { return c.identity.oidc_redirect_uri; });
    s_("identity", "oidc_scopes", [](KernelConfig& c) -> auto& { return c.identity.oidc_scopes; });
    s_("identity", "oidc_id_number_claim", [](KernelConfig& c) -> auto& { return c.identity.oidc_id_number_claim; });
    s_("identity", "oidc_name_claim", [](KernelConfig& c) -> auto& { return c.identity.oidc_name_claim; });
    i_("identity", "nonce_seconds", 10, 3600, [](KernelConfig& c) -> auto& { return c.identity.nonce_seconds; });
    p_("trust", "master_key_file", [](KernelConfig& c) -> auto& { return c.trust.master_key_file; });
    p_("trust", "kernel_key_file", [](KernelConfig& c) -> auto& { return c.trust.kernel_key_file; });
    i_("trust", "tree_head_interval_seconds", 10, 86400, [](KernelConfig& c) -> auto& { return c.trust.tree_head_interval_seconds; });
    b_("trust", "development_ca", [](KernelConfig& c) -> auto& { return c.trust.development_ca; });
    p_("trust", "tsa_key_file", [](KernelConfig& c) -> auto& { return c.trust.tsa_key_file; });
    p_("trust", "tsa_certificate_file", [](KernelConfig& c) -> auto& { return c.trust.tsa_certificate_file; });
    s_("trust", "tsa_policy", [](KernelConfig& c) -> auto& { return c.trust.tsa_policy; });
    p_("trust", "seal_maker_certificate_file", [](KernelConfig& c) -> auto& { return c.trust.seal_maker_certificate_file; });
    i_("messaging", "retention_days", 1, 36500, [](KernelConfig& c) -> auto& { return c.messaging.retention_days; });
    s_("messaging", "smtp_url", [](KernelConfig& c) -> auto& { return c.messaging.smtp_url; });
    s_("messaging", "smtp_from", [](KernelConfig& c) -> auto& { return c.messaging.smtp_from; });
    s_("messaging", "smtp_username", [](KernelConfig& c) -> auto& { return c.messaging.smtp_username; });
    s_("messaging", "smtp_password", [](KernelConfig& c) -> auto& { return c.messaging.smtp_password; });
    s_("messaging", "sms_gateway_url", [](KernelConfig& c) -> auto& { return c.messaging.sms_gateway_url; });
    s_("messaging", "sms_gateway_token", [](KernelConfig& c) -> auto& { return c.messaging.sms_gateway_token; });
    s_("messaging", "sms_signature", [](KernelConfig& c) -> auto& { return c.messaging.sms_signature; });
    i_("messaging", "delivery_interval_ms", 50, 600000, [](KernelConfig& c) -> auto& { return c.messaging.delivery_interval_ms; });
    i_("messaging", "delivery_max_attempts", 1, 100, [](KernelConfig& c) -> auto& { return c.messaging.delivery_max_attempts; });
    i_("messaging", "delivery_retry_seconds", 1, 86400, [](KernelConfig& c) -> auto& { return c.messaging.delivery_retry_seconds; });
    i_("messaging", "delivery_timeout_seconds", 1, 600, [](KernelConfig& c) -> auto& { return c.messaging.delivery_timeout_seconds; });
    return v;
  }();
  return k;
}

std::string dotted(const Key& k) {
  return *k.section ? std::string(k.section) + "." + k.name : std::string(k.name);
}

[[noreturn]] void fail(const fs::path& file, const std::string& key, const std::string& what) {
  throw ConfigError(file.string() + ": " + key + ": " + what);
}

Value from_toml(const fs::path& file, const Key& k, const toml::node& node) {
  auto wrong = [&]() -> Value { fail(file, dotted(k), std::string("expected ") + type_name(k.type)); };
  switch (k.type) {
    case Type::string:
    case Type::path:
      if (auto s = node.value_exact<std::string>()) return *s;
      return wrong();
    case Type::integer:
      if (auto i = node.value_exact<int64_t>()) return static_cast<long long>(*i);
      return wrong();
    case Type::boolean:
      if (auto b = node.value_exact<bool>()) return *b;
      return wrong();
    case Type::list:
    case Type::path_list: {
      auto* arr = node.as_array();
      if (!arr) return wrong();
      std::vector<std::string> out;
      for (auto& e : *arr) {
        auto s = e.value_exact<std::string>();
        if (!s) return wrong();
        out.push_back(*s);
      }
      return out;
    }
  }
  return wrong();
}

Value from_env(const std::string& var, const Key& k, const std::string& text) {
  auto wrong = [&]() -> Value {
    fail("environment", var, std::string("expected ") + type_name(k.type) + ", got \"" + text + "\"");
  };
  switch (k.type) {
    case Type::string:
    case Type::path: return text;
    case Type::integer: {
      char* end = nullptr;
      errno = 0;
      long long v = std::strtoll(text.c_str(), &end, 10);
      if (text.empty() || *end || errno) return wrong();
      return v;
    }
    case Type::boolean:
      if (text == "true" || text == "1" || text == "yes") return true;
      if (text == "false" || text == "0" || text == "no") return false;
      return wrong();
    case Type::list:
    case Type::path_list: {
      std::vector<std::string> out;
      size_t start = 0;
      while (start <= text.size() && !text.empty()) {
        auto comma = text.find(',', start);
        auto item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        while (!item.empty() && item.front() == ' ') item.erase(0, 1);
        while (!item.empty() && item.back() == ' ') item.pop_back();
        if (!item.empty()) out.push_back(item);
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      return out;
    }
  }
  return wrong();
}

void check(const fs::path& file, const Key& k, const Value& v) {
  if (k.type == Type::integer && k.max > k.min) {
    auto i = std::get<long long>(v);
    if (i < k.min || i > k.max)
      fail(file, dotted(k), "expected an integer from " + std::to_string(k.min) + " to " +
                                std::to_string(k.max) + ", got " + std::to_string(i));
  }
  if (!k.choices.empty()) {
    const auto& s = std::get<std::string>(v);
    bool ok = false;
    std::string list;
    for (auto& c : k.choices) {
      ok = ok || c == s;
      list += (list.empty() ? "" : ", ") + c;
    }
    if (!ok) fail(file, dotted(k), "expected one of " + list + ", got \"" + s + "\"");
  }
}

nlohmann::json to_json(const toml::node& node) {
  if (auto* t = node.as_table()) {
    auto o = nlohmann::json::object();
    for (auto& [k, v] : *t) o[std::string(k.str())] = to_json(v);
    return o;
  }
  if (auto* a = node.as_array()) {
    auto arr = nlohmann::json::array();
    for (auto& e : *a) arr.push_back(to_json(e));
    return arr;
  }
  if (auto s = node.value_exact<std::string>()) return *s;
  if (auto i = node.value_exact<int64_t>()) return *i;
  if (auto d = node.value_exact<double>()) return *d;
  if (auto b = node.value_exact<bool>()) return *b;
  std::ostringstream os;  // dates and times as their TOML text
  if (auto d = node.value<toml::date>()) os << *d;
  else if (auto t = node.value<toml::time>()) os << *t;
  else if (auto dt = node.value<toml::date_time>()) os << *dt;
  return os.str();
}

}  // namespace

std::vector<std::string> KernelConfig::declared_keys() {
  std::vector<std::string> out;
  for (auto& k : keys()) out.push_back(dotted(k));
  return out;
}

KernelConfig KernelConfig::load(const fs::path& file, const std::map<std::string, std::string>& env) {
  toml::table root;
  try {
    root = toml::parse_file(file.string());
  } catch (const toml::parse_error& e) {
    const auto& where = e.source().begin;
    throw ConfigError(file.string() + ":" + std::to_string(where.line) + ":" + std::to_string(where.column) +
                      ": not valid TOML: " + std::string(e.description()));
  }

  KernelConfig c;
  c.file = fs::absolute(file).lexically_normal();
  const fs::path base = c.file.parent_path();

  // Reject unknown keys in the kernel's sections: a typo must not pass silently.
  auto known = [](std::string_view section, std::string_view name) {
    for (auto& k : keys())
      if (section == k.section && name == k.name) return true;
    return false;
  };
  for (auto& [key, node] : root) {
    std::string name(key.str());
    if (auto* table = node.as_table()) {
      if (name != "log" && name != "server" && name != "database" && name != "plugins" && name != "events" &&
          name != "identity" && name != "messaging" && name != "trust")
        fail(file, name, "unknown section (expected log, server, database, plugins, events, identity, messaging, trust)");
      for (auto& [sub, subnode] : *table) {
        std::string subname(sub.str());
        if (name == "plugins" && subnode.is_table()) {
          c.plugins.sections[subname] = to_json(subnode);
          continue;
        }
        if (!known(name, subname)) fail(file, name + "." + subname, "unknown key");
      }
    } else if (!known("", name)) {
      fail(file, name, "unknown key");
    }
  }

  // Defaults that depend on other keys are filled after reading.
  for (auto& k : keys()) {
    const toml::node* node = *k.section ? root.at_path(std::string(k.section) + "." + k.name).node()
                                        : root.get(k.name);
    std::string var = "WANGBAN_";
    for (char ch : *k.section ? std::string(k.section) + "_" + k.name : std::string(k.name))
      var += static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    std::optional<Value> value;
    fs::path origin = file;
    if (auto it = env.find(var); it != env.end()) {
      value = from_env(var, k, it->second);
      origin = "environment " + var;
    } else if (node) {
      value = from_toml(file, k, *node);
    }
    if (!value) continue;
    check(origin, k, *value);
    auto resolve = [&](const std::string& text) {
      fs::path p = text;
      return (p.is_absolute() ? p : (base / p)).lexically_normal().string();
    };
    if (k.type == Type::path && !std::get<std::string>(*value).empty()) value = resolve(std::get<std::string>(*value));
    if (k.type == Type::path_list)
      for (auto& item : std::get<std::vector<std::string>>(*value)) item = resolve(item);
    k.set(c, *value);
  }

  if (c.var_dir.empty()) c.var_dir = (base / "../var").lexically_normal();
  if (c.blob_dir.empty()) c.blob_dir = c.var_dir / "blobs";
  if (c.admin_token_file.empty()) c.admin_token_file = c.var_dir / "admin-token";
  if (c.trust.master_key_file.empty()) c.trust.master_key_file = c.var_dir / "master-key";
  if (c.trust.kernel_key_file.empty()) c.trust.kernel_key_file = c.var_dir / "keys" / "kernel-signing.pem";
  if (c.trust.tsa_key_file.empty()) c.trust.tsa_key_file = c.var_dir / "keys" / "tsa.pem";
  if (c.trust.tsa_certificate_file.empty()) c.trust.tsa_certificate_file = c.trust.tsa_key_file.string() + ".crt";
  if (c.trust.seal_maker_certificate_file.empty())
    c.trust.seal_maker_certificate_file = c.trust.kernel_key_file.string() + ".crt";
  if (c.database.sqlite_path.empty()) c.database.sqlite_path = c.var_dir / "wangban.db";
  if (c.plugins.directory.empty()) fail(file, "plugins.directory", "expected the folder of the plugin files");
  if (c.server.tls_certificate.empty() != c.server.tls_private_key.empty())
    fail(file, "server.tls_certificate", "expected both tls_certificate and tls_private_key, or neither");
  for (auto& r : c.plugins.required) {
    bool enabled = false;
    for (auto& e : c.plugins.enabled) enabled = enabled || e == r;
    if (!enabled) fail(file, "plugins.required", "\"" + r + "\" is required but not in plugins.enabled");
  }
  return c;
}

std::map<std::string, std::string> wangban_environment() {
  std::map<std::string, std::string> out;
  for (char** e = environ; e && *e; ++e) {
    std::string_view kv(*e);
    if (!kv.starts_with("WANGBAN_")) continue;
    auto eq = kv.find('=');
    if (eq == std::string_view::npos) continue;
    out.emplace(std::string(kv.substr(0, eq)), std::string(kv.substr(eq + 1)));
  }
  return out;
}

}  // namespace wangban::kernel
