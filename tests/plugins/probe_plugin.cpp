// probe: a test plugin that exercises the kernel — a tiny JSON route (also used by the
// benchmark), a slow route, a throwing route, a problem, schema-checked echo, the blob
// store and the scheduler; it provides the test contract ProbeContract. PROBE_VERSION is set by
// the build so two versions exist.
#include <atomic>
#include <chrono>
#include <stdexcept>
#include <thread>

#include <nlohmann/json.hpp>

#include <wangban/audit.hpp>
#include <wangban/blobs.hpp>
#include <wangban/context.hpp>
#include <wangban/contracts.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>
#include <wangban/problem.hpp>
#include <wangban/scheduler.hpp>

#include "probe_contract.hpp"

namespace probe {

class Probe final : public ProbeContract {
 public:
  std::string version() const override {
    ++asked_;
    return PROBE_VERSION;
  }
  long long answers() override { return asked_.load(); }

 private:
  mutable std::atomic<long long> asked_{0};
};

class ProbePlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    ctx.contracts().provide<ProbeContract>(std::make_shared<Probe>());
    auto& r = ctx.routes();
    const std::string pub(wangban::kPublic);
    r.add({"GET", "/ping", pub, "a tiny JSON answer", "", "", [](const wangban::Request&) {
             return wangban::Response::json({{"pong", true}, {"version", PROBE_VERSION}});
           }, false});
    r.add({"GET", "/slow", pub, "answers after ?ms= milliseconds", "", "", [this](const wangban::Request& req) {
             auto ms = std::stoi(req.query("ms").value_or("100"));
             ++slow_active_;
             std::this_thread::sleep_for(std::chrono::milliseconds(ms));
             --slow_active_;
             return wangban::Response::json({{"slept", ms}, {"version", PROBE_VERSION}});
           }});
    r.add({"GET", "/active", pub, "slow requests being handled now", "", "", [this](const wangban::Request&) {
             return wangban::Response::json({{"active", slow_active_.load()}});
           }});
    r.add({"GET", "/throw", pub, "throws a plain exception", "", "", [](const wangban::Request&) -> wangban::Response {
             throw std::runtime_error("probe handler failed on purpose");
           }});
    r.add({"GET", "/problem", pub, "throws a Problem", "", "", [](const wangban::Request&) -> wangban::Response {
             throw wangban::Problem::conflict("probe.conflict", "冲突 (a conflict on purpose)");
           }});
    r.add({"POST", "/echo", pub, "echoes a schema-checked body",
           R"({"type":"object","required":["n"],"properties":{"n":{"type":"integer","minimum":0}}})", "",
           [](const wangban::Request& req) { return wangban::Response::json(req.json()); }});
    r.add({"POST", "/blobs", "probe.blobs.write", "stores the body's text field in the blob store",
           R"({"type":"object","required":["text"],"properties":{"text":{"type":"string"}}})", "",
           [&ctx](const wangban::Request& req) {
             auto ref = ctx.blobs().put(req.json()["text"].get<std::string>());
             return wangban::Response::json({{"sm3", ref.sm3}, {"size", ref.size}}, 201);
           }});
    r.add({"GET", "/blobs/{sm3}", pub, "reads a blob", "", "", [&ctx](const wangban::Request& req) {
             return wangban::Response::text(ctx.blobs().read(req.param("sm3")), "application/octet-stream");
           }});
    r.add({"GET", "/ticks", pub, "how often the scheduled task ran", "", "", [this](const wangban::Request&) {
             return wangban::Response::json({{"ticks", ticks_.load()}});
           }});
    r.add({"GET", "/people/{id}", pub, "reads (pretend) personal data, and says so in the audit log", "", "",
           [&ctx](const wangban::Request& req) {
             ctx.audit().record(req, "person.read", "person", req.param("id"));
             return wangban::Response::json({{"id", req.param("id")}});
           }});
    ctx.scheduler().every("tick", std::chrono::milliseconds(20), [this] { ++ticks_; });
  }

 private:
  std::atomic<int> ticks_{0};
  std::atomic<int> slow_active_{0};
};

}  // namespace probe

WANGBAN_PLUGIN(probe::ProbePlugin, "probe", PROBE_VERSION, "", "kernel test probe", "")
