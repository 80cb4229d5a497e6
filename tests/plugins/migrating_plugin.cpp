// A plugin whose only feature is its migrations; built twice, once with an applied
// migration edited, to test that the kernel refuses a changed migration.
#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/http.hpp>
#include <wangban/plugin.hpp>

namespace migrating {

class MigratingPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    ctx.routes().add({"GET", "/rows", std::string(wangban::kPublic), "rows in the migrated table", "", "",
                      [&ctx](const wangban::Request&) {
                        auto s = ctx.database().session();
                        long long n = 0;
                        *s << "SELECT COUNT(*) FROM migrating_rows", soci::into(n);
                        return wangban::Response::json({{"rows", n}});
                      }});
  }
};

}  // namespace migrating

WANGBAN_PLUGIN(migrating::MigratingPlugin, "migrating", "1.0.0", "", "migration test plugin", "")
