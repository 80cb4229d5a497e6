// The kernel's own routes: /healthz, /readyz, /metrics, /api/openapi.json, /api/admin/plugins.
#include "admin/kernel_routes.hpp"

#include <fstream>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "db/migrator.hpp"
#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include <wangban/json_schema.hpp>
#include "http/router.hpp"
#include "kernel.hpp"
#include "plugins/plugin_host.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

const char* kPluginSchema = R"({
  "type": "object",
  "required": ["name", "state", "required", "file", "requires", "routes"],
  "properties": {
    "name": {"type": "string"}, "version": {"type": ["string", "null"]},
    "state": {"enum": ["loaded", "started", "refused", "failed", "stopped", "reloading"]},
    "required": {"type": "boolean"}, "reason": {"type": ["string", "null"]},
    "file": {"type": "string"}, "summary": {"type": "string"}, "api": {"type": ["string", "null"]},
    "requires": {"type": "array", "items": {"type": "object", "properties": {"name": {"type": "string"}, "range": {"type": "string"}}}},
    "routes": {"type": "integer"}
  }
})";

std::string plugin_list_schema() {
  return std::string(R"({"type":"object","required":["plugins"],"properties":{"plugins":{"type":"array","items":)") +
         kPluginSchema + "}}}";
}

long rss_kib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.starts_with("VmRSS:")) return std::stol(line.substr(6));
  return 0;
}

json openapi(const Router& router) {
  json paths = json::object();
  for (auto& r : router.routes()) {
    json op = {{"summary", r.summary}, {"tags", {r.owner}}, {"x-permission", r.permission},
               {"operationId", r.owner + "." + r.method + r.path}};
    json params = json::array();
    std::size_t at = 0;
    while ((at = r.path.find('{', at)) != std::string::npos) {
      auto end = r.path.find('}', at);
      params.push_back({{"name", r.path.substr(at + 1, end - at - 1)}, {"in", "path"}, {"required", true},
                        {"schema", {{"type", "string"}}}});
      at = end;
    }
    if (!params.empty()) op["parameters"] = params;
    if (r.permission == "public") op["security"] = json::array();
    if (r.request_schema)
      op["requestBody"] = {{"required", true},
                           {"content", {{"application/json", {{"schema", r.request_schema->document()}}}}}};
    json ok = {{"description", "成功 (success)"}};
    if (r.response_schema) ok["content"] = {{"application/json", {{"schema", r.response_schema->document()}}}};
    if (r.stream) ok["content"] = {{"text/event-stream", {{"schema", {{"type", "string"}}}}}};
    if (!r.blocking) op["x-runs-on-event-loop"] = true;
    op["responses"] = {{"200", ok},
                       {"default", {{"description", "错误 (problem details, RFC 9457)"},
                                    {"content", {{"application/problem+json", {{"schema", {{"$ref", "#/components/schemas/Problem"}}}}}}}}}};
    std::string method = r.method;
    for (auto& c : method) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    paths[r.path][method] = op;
  }
  return {
      {"openapi", "3.1.0"},
      {"info", {{"title", "网办 Wangban API"}, {"version", version()},
                {"description", "All routes of the kernel and of every loaded plugin. Errors are application/problem+json "
                                "with a stable `code` and the `request_id`."}}},
      {"servers", {{{"url", "/"}}}},
      {"security", {{{"adminToken", json::array()}}}},
      {"paths", paths},
      {"components",
       {{"securitySchemes", {{"adminToken", {{"type", "http"}, {"scheme", "bearer"},
                                              {"description", "The administrator token (var/admin-token)"}}}}},
        {"schemas",
         {{"Problem",
           {{"type", "object"},
            {"required", {"type", "title", "status", "code", "detail", "request_id"}},
            {"properties",
             {{"type", {{"type", "string"}}}, {"title", {{"type", "string"}}}, {"status", {{"type", "integer"}}},
              {"code", {{"type", "string"}, {"description", "stable machine-readable code"}}},
              {"detail", {{"type", "string"}}}, {"instance", {{"type", "string"}}},
              {"request_id", {{"type", "string"}}}}}}}}}}}};
}

}  // namespace

void register_kernel_routes(const KernelRouteDeps& d) {
  auto& router = d.router;
  auto add = [&](std::string method, std::string path, std::string permission, std::string summary, Handler h,
                 bool blocking = true, std::string request_schema = {}, std::string response_schema = {}) {
    router.add("kernel", nullptr,
               Route{std::move(method), std::move(path), std::move(permission), std::move(summary),
                     std::move(request_schema), std::move(response_schema), std::move(h), blocking});
  };

  add("GET", "/healthz", "public", "存活检查 (the process answers)",
      [](const Request&) { return Response::json({{"status", "ok"}}); }, false);

  add("GET", "/readyz", "public", "就绪检查 (database, migrations, required plugins)", [d](const Request&) {
    json checks = json::object();
    bool ok = true;
    try {
      auto s = d.database.session();
      int one = 0;
      *s << "SELECT 1", soci::into(one);
      checks["database"] = one == 1 ? "ok" : "unexpected answer";
      ok = ok && one == 1;
      bool current = d.migrator.is_current("kernel", kernel_migrations());
      checks["migrations"] = current ? "ok" : "pending";
      ok = ok && current;
    } catch (const std::exception& e) {
      checks["database"] = std::string("unreachable: ") + e.what();
      ok = false;
    }
    bool plugins = d.plugins.all_required_started();
    checks["required_plugins"] = plugins ? "ok" : "not started";
    ok = ok && plugins;
    return Response::json({{"status", ok ? "ready" : "not ready"}, {"checks", checks}}, ok ? 200 : 503);
  });

  add("GET", "/metrics", "public", "Prometheus 指标 (metrics)", [d](const Request&) {
    std::string out = d.router.render_metrics();
    out += "# HELP wangban_plugin_state 1 for the state each plugin is in.\n# TYPE wangban_plugin_state gauge\n";
    for (auto& p : d.plugins.list())
      out += "wangban_plugin_state{plugin=\"" + p.name + "\",state=\"" + to_string(p.state) + "\"} 1\n";
    auto st = d.events.stats();
    out += "# HELP wangban_outbox_events Events in the outbox table.\n# TYPE wangban_outbox_events gauge\n";
    out += "wangban_outbox_events " + std::to_string(st.outbox_events) + "\n";
    out += "# HELP wangban_outbox_backlog Deliveries found pending in the last dispatch pass.\n# TYPE wangban_outbox_backlog gauge\n";
    out += "wangban_outbox_backlog " + std::to_string(st.backlog) + "\n";
    out += "# HELP wangban_event_retrying Deliveries waiting for a retry.\n# TYPE wangban_event_retrying gauge\n";
    out += "wangban_event_retrying " + std::to_string(st.retrying) + "\n";
    out += "# HELP wangban_event_dead Deliveries that exhausted their attempts.\n# TYPE wangban_event_dead gauge\n";
    out += "wangban_event_dead " + std::to_string(st.dead) + "\n";
    out += "# HELP wangban_process_resident_bytes Resident memory.\n# TYPE wangban_process_resident_bytes gauge\n";
    out += "wangban_process_resident_bytes " + std::to_string(rss_kib() * 1024) + "\n";
    return Response::text(std::move(out), "text/plain; version=0.0.4; charset=utf-8");
  });

  add("GET", "/api/openapi.json", "public", "本平台全部接口的 OpenAPI 文档 (this document)",
      [d](const Request&) { return Response::json(openapi(d.router)); });

  add("GET", "/api/admin/plugins", "admin.plugins.read", "列出插件及其状态 (plugins with version, state and reason)",
      [d](const Request&) {
        json list = json::array();
        for (auto& p : d.plugins.list()) list.push_back(p.to_json());
        return Response::json({{"plugins", list}});
      },
      true, {}, plugin_list_schema());

  add("POST", "/api/admin/plugins/{name}/reload", "admin.plugins.reload",
      "重新加载一个插件：停止、排空请求、卸载、加载新文件、迁移、启动 (reload one plugin)",
      [d](const Request& req) {
        std::optional<std::filesystem::path> file;
        if (req.json().is_object() && req.json().contains("file")) file = req.json()["file"].get<std::string>();
        auto status = d.plugins.reload(req.param("name"), file, d.reload_grace);
        return Response::json(status.to_json());
      },
      true, R"({"type":"object","properties":{"file":{"type":"string","minLength":1}},"additionalProperties":false})",
      kPluginSchema);
}

}  // namespace wangban::kernel
