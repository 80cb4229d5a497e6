// Search: the platform's full-text index (Xapian), shared by the kernel's content and the plugins.
//
// put() and remove() write inside the caller's open transaction, so the index follows exactly
// what commits; every kernel node then brings its own index up to date within about a second.
// Ids are per owner: a plugin sees and replaces only its own documents. Chinese text is
// indexed as character n-grams, so a query needs no word segmentation. The search API is
// public: index only what anyone may read (published content, item guides). Thread-safe.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace soci {
class session;
}

namespace wangban {

struct SearchDocument {
  std::string id;     // unique within the owner, ≤ 200 characters
  std::string kind;   // what it is: "notice", "item", "faq", … (filterable)
  std::string title;  // weighted above the text
  std::string text;   // plain text (no markup)
  std::string url;    // where the web UI shows it
  std::vector<std::pair<std::string, std::string>> facets;  // exact filters: {"theme","birth"}, {"level","county"}
};

struct SearchQuery {
  std::string text;   // the user's words; empty: everything matching the filters
  std::string kind;   // empty: any
  std::vector<std::pair<std::string, std::string>> facets;  // all must match
  std::string owner;  // empty: any owner
  int offset = 0;
  int limit = 20;     // at most 100
};

struct SearchHit {
  std::string owner, id, kind, title, url;
  std::string snippet;  // plain text around the matches
  double score = 0;
};

struct SearchResult {
  long long total = 0;  // estimated matches
  std::vector<SearchHit> hits;
};

class Search {
 public:
  virtual ~Search();
  virtual void put(soci::session& tx, const SearchDocument& document) = 0;
  virtual void remove(soci::session& tx, const std::string& id) = 0;
  virtual SearchResult query(const SearchQuery& query) = 0;
};

}  // namespace wangban
