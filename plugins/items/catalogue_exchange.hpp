// Import and export of the whole catalogue in the exchange format `wangban.items/1` (README).
//
// An import is all-or-nothing: every record is checked first (against the rest of the file and
// what the database already holds), every problem is reported with its JSON Pointer, and only a
// file without problems is written, in one transaction. A record whose fields and effective date
// equal its newest published version is left alone, so importing the same file twice changes
// nothing; otherwise its content becomes a new published version (origin "import"), with the same
// events, propagation and change reports as a reviewed version. An export holds the newest
// published version of every record, so export → import into an empty catalogue → export gives
// the same document.
#pragma once

#include <nlohmann/json.hpp>

#include "catalogue_store.hpp"

namespace items {

struct ImportSummary {
  int created = 0, updated = 0, unchanged = 0, departments = 0, themes = 0, online_list_version = 0;
  // Problems a base entry's later change brought into implementations (as in a change report):
  // carried, not refused, so a catalogue in that state exports and imports again.
  std::vector<FieldError> propagated;
  json to_json() const;
};

// Throws Problem 422 "items.import_invalid" with every problem; `dry_run` checks without writing.
ImportSummary import_catalogue(CatalogueStore& store, const Actor& actor, const json& document, bool dry_run);
json export_catalogue(CatalogueStore& store);

}  // namespace items
