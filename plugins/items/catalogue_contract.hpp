// The items plugin's side of the contract "items.catalogue" (wangban/contracts/items.hpp): what
// the hall, approval, certificates and archive read, answered from CatalogueStore.
#pragma once

#include <map>
#include <memory>
#include <mutex>

#include <wangban/contracts/items.hpp>

#include "catalogue_store.hpp"

namespace items {

class CatalogueContract final : public wangban::contracts::ItemsCatalogue {
 public:
  explicit CatalogueContract(CatalogueStore& store) : store_(store) {}

  std::optional<wangban::contracts::ServiceItem> item(std::string_view implementation_code, std::string_view on_date) override;
  std::vector<wangban::contracts::ItemSummary> find(const wangban::contracts::ItemQuery& query) override;
  std::optional<wangban::contracts::Bundle> bundle(std::string_view bundle_code, std::string_view on_date) override;
  std::vector<std::string> online_list(std::string_view on_date, int* version) override;
  std::vector<wangban::SchemaError> check_application(std::string_view implementation_code, std::string_view form_json,
                                                      std::string_view on_date) override;

 private:
  CatalogueStore& store_;
  // Compiled application forms by "implementation code@version": a version never changes.
  std::mutex forms_mutex_;
  std::map<std::string, std::shared_ptr<const wangban::JsonSchema>> forms_;
};

// The list of items in force on a day matching a query, as JSON summaries (README "GET /catalogue"),
// shared by the contract and the public route: {"items": [...], "total": n}.
json find_items(CatalogueStore& store, const wangban::contracts::ItemQuery& query);

}  // namespace items
