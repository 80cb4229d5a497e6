// PluginHost: discovery, dependency resolution, migration, lifecycle and reload of plugins.
#include "plugins/plugin_host.hpp"

#include <algorithm>
#include <functional>
#include <map>
#include <set>

#include <spdlog/spdlog.h>

#include "db/migrator.hpp"
#include <wangban/json_schema.hpp>
#include "http/router.hpp"
#include "plugins/plugin_gate.hpp"
#include "plugins/plugin_library.hpp"
#include "util/digest.hpp"
#include "util/logging.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace fs = std::filesystem;
using json = nlohmann::json;

const char* to_string(PluginState s) {
  switch (s) {
    case PluginState::loaded: return "loaded";
    case PluginState::started: return "started";
    case PluginState::refused: return "refused";
    case PluginState::failed: return "failed";
    case PluginState::stopped: return "stopped";
    case PluginState::reloading: return "reloading";
  }
  return "?";
}

json PluginStatus::to_json() const {
  json requires_list = json::array();
  try {
    for (auto& r : parse_requirements(requires_text)) requires_list.push_back({{"name", r.name}, {"range", r.range.text()}});
  } catch (const std::invalid_argument&) {
  }
  return {{"name", name},       {"version", version.empty() ? json(nullptr) : json(version)},
          {"state", kernel::to_string(state)}, {"required", required},
          {"reason", reason.empty() ? json(nullptr) : json(reason)},
          {"file", file.string()}, {"summary", summary}, {"api", api.empty() ? json(nullptr) : json(api)},
          {"requires", requires_list}, {"routes", routes}};
}

struct PluginHost::Slot {
  PluginStatus status;
  std::shared_ptr<PluginLibrary> library;  // destroyed last
  std::shared_ptr<PluginGate> gate;
  std::unique_ptr<PluginContext> context;
  std::unique_ptr<Plugin> plugin;          // destroyed first
};

namespace {

// What people see of a plugin, from its manifest.
void describe(PluginStatus& status, const Manifest& m) {
  status.version = m.version_text;
  status.summary = m.summary;
  status.requires_text = m.requires_text;
  status.api = std::to_string(m.api_major) + "." + std::to_string(m.api_minor);
}

bool reserved_name(const std::string& n) { return n == "admin" || n == "kernel" || n == "auth"; }

// Fills "default" values of the schema's top-level properties into the section.
void apply_defaults(const json& schema, json& section) {
  if (!schema.is_object() || !schema.contains("properties") || !schema["properties"].is_object()) return;
  for (auto& [key, prop] : schema["properties"].items())
    if (!section.contains(key) && prop.is_object() && prop.contains("default")) section[key] = prop["default"];
}

}  // namespace

PluginHost::PluginHost(const KernelConfig& config, KernelServices services, Migrator& migrator,
                       std::shared_ptr<spdlog::logger> log)
    : config_(config), services_(services), migrator_(migrator), log_(std::move(log)) {}

PluginHost::~PluginHost() { stop(std::chrono::milliseconds(2000)); }

PluginHost::Slot* PluginHost::find(const std::string& name) {
  for (auto& s : slots_)
    if (s->status.name == name) return s.get();
  return nullptr;
}

void PluginHost::refuse(Slot& slot, PluginState state, const std::string& reason) {
  slot.status.state = state;
  slot.status.reason = reason;
  log_->error("plugin {} {}: {}", slot.status.name, to_string(state), reason);
}

void PluginHost::publish_status() {
  std::vector<PluginStatus> copy;
  for (auto& s : slots_) copy.push_back(s->status);
  std::lock_guard lock(status_mutex_);
  snapshot_ = std::move(copy);
}

void PluginHost::discover() {
  std::lock_guard lock(mutex_);
  std::vector<std::unique_ptr<Slot>> found;
  std::set<std::string> seen;
  for (auto& name : config_.plugins.enabled) {
    if (!seen.insert(name).second) continue;
    auto slot = std::make_unique<Slot>();
    slot->status.name = name;
    slot->status.required =
        std::find(config_.plugins.required.begin(), config_.plugins.required.end(), name) != config_.plugins.required.end();
    slot->status.file = config_.plugins.directory / ("libwangban-plugin-" + name + ".so");
    try {
      if (reserved_name(name)) throw PluginRefused("the name " + name + " is reserved for the kernel");
      slot->library = PluginLibrary::open(slot->status.file);
      const auto& m = slot->library->manifest();
      describe(slot->status, m);
      if (m.name != name)
        throw PluginRefused("file " + slot->status.file.string() + " holds plugin \"" + m.name + "\", not \"" + name + "\"");
    } catch (const PluginRefused& e) {
      slot->library.reset();
      refuse(*slot, PluginState::refused, e.what());
    }
    found.push_back(std::move(slot));
  }

  // Requirements, then dependency order (depth-first; a cycle refuses its members).
  std::map<std::string, Slot*> by_name;
  for (auto& s : found) by_name[s->status.name] = s.get();
  bool changed = true;
  while (changed) {  // refusals propagate to dependents
    changed = false;
    for (auto& s : found) {
      if (s->status.state != PluginState::loaded) continue;
      for (auto& req : s->library->manifest().requirements) {
        auto it = by_name.find(req.name);
        std::string why;
        if (it == by_name.end()) why = "requires " + req.name + " " + req.range.text() + ", which is not enabled";
        else if (it->second->status.state == PluginState::refused)
          why = "requires " + req.name + ", which was refused";
        else if (!req.range.contains(it->second->library->manifest().version))
          why = "requires " + req.name + " " + req.range.text() + ", but version " + it->second->status.version + " is enabled";
        if (!why.empty()) {
          refuse(*s, PluginState::refused, why);
          changed = true;
          break;
        }
      }
    }
  }
  std::vector<std::unique_ptr<Slot>> ordered;
  std::map<std::string, int> mark;  // 1: on the current path, 2: placed
  std::vector<std::string> path;
  std::function<bool(Slot&)> visit = [&](Slot& s) -> bool {
    auto& m = mark[s.status.name];
    if (m == 2) return true;
    if (m == 1) {
      auto start = std::find(path.begin(), path.end(), s.status.name);
      std::string cycle;
      for (auto it = start; it != path.end(); ++it) cycle += *it + " -> ";
      cycle += s.status.name;
      for (auto it = start; it != path.end(); ++it)
        if (by_name[*it]->status.state == PluginState::loaded)
          refuse(*by_name[*it], PluginState::refused, "dependency cycle: " + cycle);
      return false;
    }
    m = 1;
    path.push_back(s.status.name);
    bool ok = true;
    if (s.status.state == PluginState::loaded)
      for (auto& req : s.library->manifest().requirements)
        if (auto it = by_name.find(req.name); it != by_name.end()) ok = visit(*it->second) && ok;
    path.pop_back();
    m = 2;
    if (!ok && s.status.state == PluginState::loaded)
      refuse(s, PluginState::refused, "depends on a plugin in a dependency cycle");
    for (auto& f : found)
      if (f.get() == &s) ordered.push_back(std::move(f));
    return ok && s.status.state == PluginState::loaded;
  };
  for (auto& s : found)
    if (s) visit(*s);
  for (auto& s : ordered)
    if (s->status.state == PluginState::refused) s->library.reset();
  slots_ = std::move(ordered);
  publish_status();
}

void PluginHost::apply_migrations(const Manifest& m) {
  int applied = migrator_.apply(m.name, m.migrations).applied;
  if (config_.database.demo_data) applied += migrator_.apply(m.name + "#demo", m.demo_migrations).applied;
  if (applied) log_->info("plugin {}: {} migration(s) applied", m.name, applied);
}

void PluginHost::migrate() {
  std::lock_guard lock(mutex_);
  for (auto& s : slots_) {
    if (s->status.state != PluginState::loaded) continue;
    const auto& m = s->library->manifest();
    try {
      apply_migrations(m);
    } catch (const std::exception& e) {
      refuse(*s, PluginState::failed, e.what());
      s->library.reset();
    }
  }
  publish_status();
}

json PluginHost::plugin_config(const Manifest& m) {
  json section = json::object();
  if (auto it = config_.plugins.sections.find(m.name); it != config_.plugins.sections.end()) section = it->second;
  if (m.config_schema.empty()) return section;
  auto schema = JsonSchema::compile(m.config_schema);
  apply_defaults(schema->document(), section);
  auto errors = schema->validate(section);
  if (!errors.empty())
    throw std::invalid_argument(config_.file.string() + ": plugins." + m.name + (errors[0].pointer.empty() ? "" : ".") +
                                errors[0].pointer.substr(errors[0].pointer.empty() ? 0 : 1) + ": " + errors[0].message);
  return section;
}

void PluginHost::start_slot(Slot& s) {
  const auto& m = s.library->manifest();
  for (auto& req : m.requirements) {
    auto* dep = find(req.name);
    if (!dep || dep->status.state != PluginState::started) {
      refuse(s, PluginState::refused, "requires " + req.name + ", which is not running");
      s.library.reset();
      return;
    }
  }
  try {
    s.gate = std::make_shared<PluginGate>();
    s.context = std::make_unique<PluginContext>(services_, m.name, plugin_config(m), s.gate, named_logger(m.name));
    s.plugin = s.library->create();
    s.plugin->start(*s.context);
    s.status.state = PluginState::started;
    s.status.reason.clear();
    s.status.routes = services_.router.route_count(m.name);
    log_->info("plugin {} {} started ({} routes)", m.name, m.version_text, s.status.routes);
  } catch (const Problem& e) {
    std::string why = "start failed: " + e.code() + ": " + e.detail();
    teardown(s);
    refuse(s, PluginState::failed, why);
  } catch (const std::exception& e) {
    std::string why = std::string("start failed: ") + e.what();  // copied before the library goes
    teardown(s);
    refuse(s, PluginState::failed, why);
  } catch (...) {
    teardown(s);
    refuse(s, PluginState::failed, "start failed with a non-standard exception");
  }
  publish_status();
}

void PluginHost::start() {
  std::lock_guard lock(mutex_);
  for (auto& s : slots_)
    if (s->status.state == PluginState::loaded) start_slot(*s);
  publish_status();
  for (auto& s : slots_)
    if (s->status.required && s->status.state != PluginState::started)
      throw StartupError("required plugin " + s->status.name + " is " + to_string(s->status.state) + ": " + s->status.reason);
}

void PluginHost::teardown(Slot& s) {
  if (s.context) s.context->teardown();
  s.plugin.reset();
  s.context.reset();
  s.library.reset();
  s.status.routes = 0;
}

void PluginHost::stop(std::chrono::milliseconds grace) {
  std::lock_guard lock(mutex_);
  for (auto it = slots_.rbegin(); it != slots_.rend(); ++it) {
    auto& s = **it;
    if (s.status.state != PluginState::started) continue;
    if (!s.gate->close_and_drain(grace)) log_->warn("plugin {}: calls still running after {} ms", s.status.name, grace.count());
    try {
      s.plugin->stop();
    } catch (const std::exception& e) {
      log_->error("plugin {}: stop failed: {}", s.status.name, e.what());
    } catch (...) {
      log_->error("plugin {}: stop failed", s.status.name);
    }
    teardown(s);
    s.status.state = PluginState::stopped;
    log_->info("plugin {} stopped", s.status.name);
  }
  publish_status();
}

PluginStatus PluginHost::reload(const std::string& name, std::optional<fs::path> file, std::chrono::milliseconds grace) {
  std::lock_guard lock(mutex_);
  Slot* s = find(name);
  if (!s) throw Problem::not_found("plugin.not_found", "没有启用名为 " + name + " 的插件 (no enabled plugin " + name + ")");
  fs::path target = file.value_or(s->status.file);

  // Check the new file before touching the running plugin: through a private copy, because
  // opening the same path again would only return the library that is already loaded.
  {
    fs::path probe_dir = config_.var_dir / "tmp";
    fs::create_directories(probe_dir);
    fs::path probe = probe_dir / ("probe-" + random_hex(6) + ".so");
    std::error_code ec;
    fs::copy_file(target, probe, ec);
    if (ec) throw Problem::conflict("plugin.file_missing", "无法读取插件文件 " + target.string() + ": " + ec.message());
    std::string why;
    try {
      auto lib = PluginLibrary::open(probe);
      const auto& m = lib->manifest();
      if (m.name != name) why = "the file holds plugin \"" + m.name + "\", not \"" + name + "\"";
      for (auto& req : m.requirements) {
        auto* dep = find(req.name);
        if (why.empty() && (!dep || dep->status.state != PluginState::started))
          why = "requires " + req.name + ", which is not running";
        else if (why.empty() && !req.range.contains(SemVer::parse(dep->status.version)))
          why = "requires " + req.name + " " + req.range.text() + ", but " + dep->status.version + " is running";
      }
      for (auto& other : slots_) {
        if (!why.empty() || other->status.state != PluginState::started || other.get() == s) continue;
        for (auto& req : parse_requirements(other->status.requires_text))
          if (req.name == name && !req.range.contains(m.version))
            why = other->status.name + " requires " + name + " " + req.range.text() + ", the new file is " + m.version_text;
      }
    } catch (const PluginRefused& e) {
      why = e.what();
    }
    fs::remove(probe, ec);
    if (!why.empty()) {
      log_->warn("reload of {} refused, the running version keeps serving: {}", name, why);
      throw Problem::conflict("plugin.reload_refused", "新版本插件被拒绝，原版本继续运行：" + why);
    }
  }

  log_->info("reloading plugin {} from {}", name, target.string());
  PluginState before = s->status.state;
  s->status.state = PluginState::reloading;
  publish_status();
  if (before == PluginState::started) {
    // Unloading under a running call would crash: wait for it, complaining every grace period.
    while (!s->gate->close_and_drain(grace))
      log_->warn("plugin {}: calls still running after {} ms, still waiting to unload", name, grace.count());
    try {
      s->plugin->stop();
    } catch (const std::exception& e) {
      log_->error("plugin {}: stop failed: {}", name, e.what());
    }
  }
  fs::path old_file = s->status.file;
  teardown(*s);
  if (is_mapped(old_file)) log_->error("plugin {}: {} is still mapped after unloading", name, old_file.string());
  s->status.file = target;
  s->status.reason.clear();
  try {
    s->library = PluginLibrary::open(target);
    const auto& m = s->library->manifest();
    describe(s->status, m);
    apply_migrations(m);
  } catch (const std::exception& e) {
    s->library.reset();
    refuse(*s, PluginState::failed, e.what());
    publish_status();
    return s->status;
  }
  s->status.state = PluginState::loaded;
  start_slot(*s);
  return s->status;
}

std::vector<PluginStatus> PluginHost::list() const {
  std::lock_guard lock(status_mutex_);
  return snapshot_;
}

bool PluginHost::all_required_started() const {
  for (auto& s : list())
    if (s.required && s.state != PluginState::started) return false;
  return true;
}

}  // namespace wangban::kernel
