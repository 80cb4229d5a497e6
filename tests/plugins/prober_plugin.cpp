// prober: a test plugin that uses another plugin's contract — it finds probe's ProbeContract
// through Context::contracts() on each request, holding it only while answering.
#include <atomic>
#include <chrono>
#include <thread>

#include <nlohmann/json.hpp>

#include <wangban/context.hpp>
#include <wangban/contracts.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>
#include <wangban/problem.hpp>

#include "probe_contract.hpp"

namespace prober {

class ProberPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    const std::string pub(wangban::kPublic);
    ctx.routes().add({"GET", "/probe-version", pub, "the probe plugin's version, asked through its contract", "", "",
                      [this, &ctx](const wangban::Request& req) {
                        auto probe = ctx.contracts().find<probe::ProbeContract>();
                        if (!probe) throw wangban::Problem::unavailable("prober.no_probe", "probe 插件未启动");
                        // ?hold_ms= keeps the contract while answering (a provider reload must wait for it).
                        auto hold = std::stoi(req.query("hold_ms").value_or("0"));
                        ++holding_;
                        std::this_thread::sleep_for(std::chrono::milliseconds(hold));
                        --holding_;
                        return wangban::Response::json({{"version", probe->version()}, {"answers", probe->answers()}});
                      }});
    ctx.routes().add({"GET", "/holding", pub, "requests holding the contract now", "", "", [this](const wangban::Request&) {
                        return wangban::Response::json({{"holding", holding_.load()}});
                      }});
  }

 private:
  std::atomic<int> holding_{0};
};

}  // namespace prober

WANGBAN_PLUGIN(prober::ProberPlugin, "prober", "1.0.0", "probe >=1.0", "uses the probe plugin's contract", "")
