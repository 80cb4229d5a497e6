// The items plugin's HTTP API (README "HTTP API"): public catalogue reads for the hall's
// navigation, and the staff routes that manage drafts, reviews, publication, retirement, change
// reports and import/export.
#pragma once

namespace wangban {
class Context;
}

namespace items {

class CatalogueStore;
class CatalogueContract;
// `contract` answers the public check of an application (the same object other plugins find).
void add_routes(wangban::Context& ctx, CatalogueStore& store, CatalogueContract& contract);

}  // namespace items
