// The items plugin (事项管理): the service-item catalogue on four levels, guides, material rules,
// "全程网办" list and "one thing" bundles, offered to the other plugins as the contract
// "items.catalogue" (wangban/contracts/items.hpp) and to people through /api/items and the console.
#include <memory>

#include <spdlog/spdlog.h>

#include <soci/soci.h>

#include <wangban/context.hpp>
#include <wangban/contracts.hpp>
#include <wangban/database.hpp>
#include <wangban/plugin.hpp>

#include "catalogue_contract.hpp"
#include "catalogue_exchange.hpp"
#include "catalogue_store.hpp"
#include "demo_catalogue.hpp"
#include "items_routes.hpp"

namespace items {

class ItemsPlugin final : public wangban::Plugin {
 public:
  void start(wangban::Context& ctx) override {
    store_ = std::make_unique<CatalogueStore>(ctx);
    load_demo_catalogue(ctx);
    contract_ = std::make_shared<CatalogueContract>(*store_);
    add_routes(ctx, *store_, *contract_);
    // Offered as the contract's class, so consumers get a correctly converted pointer.
    ctx.contracts().provide<wangban::contracts::ItemsCatalogue>(contract_);
  }

 private:
  // The demo data asks for the demo catalogue (items_demo_pending) once; importing it again after a
  // crash before the mark is cleared changes nothing, as an import of unchanged records is a no-op.
  void load_demo_catalogue(wangban::Context& ctx) {
    int pending = 0;
    {
      auto s = ctx.database().session();
      *s << "SELECT COUNT(*) FROM items_demo_pending", soci::into(pending);
    }
    if (!pending) return;
    auto summary = import_catalogue(*store_, {"system", "演示数据", nullptr}, json::parse(demo_catalogue()), false);
    auto s = ctx.database().session();
    *s << "DELETE FROM items_demo_pending";
    ctx.logger()->info("demo catalogue loaded: {} records, {} departments, {} themes", summary.created, summary.departments,
                       summary.themes);
  }

  std::unique_ptr<CatalogueStore> store_;
  std::shared_ptr<CatalogueContract> contract_;  // the routes use it too
};

}  // namespace items

WANGBAN_PLUGIN(items::ItemsPlugin, "items", "1.0.0", "", "事项管理：四级事项目录、办事指南、材料规则、全程网办清单和一件事", "")
