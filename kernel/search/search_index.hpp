// SearchIndex: the platform's full-text search over Xapian.
//
// The database holds the truth (wb_search_documents) and a change log (wb_search_changes,
// written in the same transaction as the document). Each node keeps its own Xapian index
// under var/search and a follower thread applies the change log by seq, looking back over
// the last rows again because PostgreSQL may commit them out of seq order (re-applying a
// change is harmless: documents are replaced by their unique term). An index that is new,
// or older than the oldest change still kept, is rebuilt from the documents. Chinese text is
// indexed and queried as character n-grams (Xapian's CJK n-gram mode). Thread-safe.
#pragma once

#include <condition_variable>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "wangban/database.hpp"
#include "wangban/search.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class SearchIndex {
 public:
  SearchIndex(Database& db, std::filesystem::path dir, std::shared_ptr<spdlog::logger> log);
  ~SearchIndex();
  void start();  // opens (or rebuilds) the index and starts following
  void stop();
  void wake();   // look for changes now

  // Problem 400 (search.*) for an empty or over-long id, kind or title.
  void put(soci::session& tx, const std::string& owner, const SearchDocument& document);
  void remove(soci::session& tx, const std::string& owner, const std::string& id);
  SearchResult query(const SearchQuery& query);
  // Applies every committed change now; returns how many were applied.
  int catch_up();
  // Deletes change-log rows older than `days` (nodes further behind rebuild).
  int prune_changes(int days);

 private:
  SearchResult run_query(const SearchQuery& query);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// What a plugin sees through Context::search(): the index with the plugin as owner.
class PluginSearch final : public Search {
 public:
  PluginSearch(SearchIndex& index, std::string owner) : index_(index), owner_(std::move(owner)) {}
  void put(soci::session& tx, const SearchDocument& document) override { index_.put(tx, owner_, document); }
  void remove(soci::session& tx, const std::string& id) override { index_.remove(tx, owner_, id); }
  SearchResult query(const SearchQuery& query) override { return index_.query(query); }

 private:
  SearchIndex& index_;
  std::string owner_;
};

}  // namespace wangban::kernel
