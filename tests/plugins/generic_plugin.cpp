// A configurable test plugin: name, version and requirements come from the build, and
// THROW_ON_START makes start() fail — used for the refusal and isolation tests.
#include <stdexcept>

#include <nlohmann/json.hpp>

#include <wangban/context.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>

namespace generic {

class GenericPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
#ifdef THROW_ON_START
    ctx.routes().add({"GET", "/never", std::string(wangban::kPublic), "registered, then start fails", "", "",
                      [](const wangban::Request&) { return wangban::Response::json({}); }});
    throw std::runtime_error("boom: start failed on purpose");
#endif
    ctx.routes().add({"GET", "/hello", std::string(wangban::kPublic), "says which plugin answers", "", "",
                      [name = ctx.plugin_name()](const wangban::Request&) {
                        return wangban::Response::json({{"plugin", name}});
                      }});
  }
};

}  // namespace generic

WANGBAN_PLUGIN(generic::GenericPlugin, PLUGIN_NAME, PLUGIN_VERSION, PLUGIN_REQUIRES, "test plugin", "")
