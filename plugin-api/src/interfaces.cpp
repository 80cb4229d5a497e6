// Out-of-line destructors of the plugin API's interfaces: one typeinfo for each,
// in libwangban-api.so, shared by the kernel and every plugin.
#include "wangban/audit.hpp"
#include "wangban/blobs.hpp"
#include "wangban/content.hpp"
#include "wangban/context.hpp"
#include "wangban/contracts.hpp"
#include "wangban/contracts/items.hpp"
#include "wangban/database.hpp"
#include "wangban/events.hpp"
#include "wangban/http.hpp"
#include "wangban/messaging.hpp"
#include "wangban/plugin.hpp"
#include "wangban/scheduler.hpp"
#include "wangban/search.hpp"
#include "wangban/trust.hpp"

namespace wangban {

Request::~Request() = default;
Routes::~Routes() = default;
Database::~Database() = default;
Events::~Events() = default;
BlobStore::~BlobStore() = default;
Scheduler::~Scheduler() = default;
Context::~Context() = default;
Plugin::~Plugin() = default;
Audit::~Audit() = default;
Messaging::~Messaging() = default;
Search::~Search() = default;
Content::~Content() = default;
Trust::~Trust() = default;
contracts::ItemsCatalogue::~ItemsCatalogue() = default;
Contracts::~Contracts() = default;

}  // namespace wangban
