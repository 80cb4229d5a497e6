// CatalogueStore: the catalogue in the database — records and their versions, what is in force on
// a day, the draft → review → published lifecycle and retirement, propagation of a base entry's new
// version to every implementation of it (change reports, `item.changed`, audit), and the
// "全程网办" list's published versions. All writes run in one transaction each; events go out
// through the outbox in that transaction, audit records after it commits.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "catalogue_rules.hpp"
#include "item_files.hpp"

namespace soci {
class session;
}

namespace wangban {
class Context;
class Request;
struct Principal;
}  // namespace wangban

namespace items {

enum class Kind { base, implementation, bundle };
Kind parse_kind(const std::string& text);  // throws Problem 404 for an unknown kind
const char* kind_name(Kind kind);

// Today in China (UTC+8), YYYY-MM-DD.
std::string today();
// A requested day (YYYY-MM-DD), or today when none is given; Problem 400 "items.bad_date" otherwise.
std::string day_or_today(std::string_view text);
// Now in UTC, ISO 8601 with milliseconds ("2026-11-27T01:02:03.456Z").
std::string now_iso();

// The header of a record: what is fixed when it is created.
struct RecordHeader {
  Kind kind = Kind::base;
  std::string code, basic_code, level, division_code, department;
  std::string retired_from, retired_reason;  // read from the database; "" when not retired
};

// One published version of a record as read for a day.
struct VersionInForce {
  int version = 0;
  std::string effective_from;
  json fields;
};

// Who acts, and the request to audit it under (none for the demo load at start).
struct Actor {
  std::string id, name;
  const wangban::Request* request = nullptr;
};
Actor actor_of(const wangban::Request& request);

// Audit records to write once the transaction commits.
using AuditQueue = std::vector<std::function<void()>>;

class CatalogueStore {
 public:
  explicit CatalogueStore(wangban::Context& ctx);

  wangban::Context& context() { return ctx_; }
  ItemFiles& files() { return files_; }

  // ---- reads ----
  json themes();
  json departments();
  // The newest published version whose effective date has come, unless the record is retired by then.
  std::optional<VersionInForce> in_force(soci::session& s, Kind kind, const std::string& code, const std::string& date);
  std::optional<VersionInForce> latest_published(soci::session& s, Kind kind, const std::string& code);
  std::optional<RecordHeader> header(soci::session& s, Kind kind, const std::string& code);
  // Every record of a kind with its version in force on `date` (records without one are left out).
  std::vector<std::pair<RecordHeader, VersionInForce>> all_in_force(soci::session& s, Kind kind, const std::string& date);
  // The effective guide of an implementation (README "GET /catalogue/{code}"), or nothing. Read
  // from the day's snapshot: call it outside write transactions.
  std::optional<json> effective_item(soci::session& s, const std::string& implementation_code, const std::string& date);
  // Every base entry and implementation in force on a day, parsed once: reads share it until the
  // catalogue's generation changes (any node's publication, retirement or import). `cached` false
  // (inside a write transaction): built from what this transaction sees, and not kept.
  struct Snapshot {
    std::map<std::string, VersionInForce> bases;  // by basic code
    std::vector<std::pair<RecordHeader, VersionInForce>> implementations;
    std::map<std::string, std::size_t> implementation_index;  // code -> position in implementations
    std::vector<std::string> online;  // implementations on the "全程网办" list, sorted
  };
  std::shared_ptr<const Snapshot> snapshot(soci::session& s, const std::string& date, bool cached = true);
  // The "全程网办" list in force: codes, and the published list version then in force (0: none yet).
  std::vector<std::string> online_codes(soci::session& s, const std::string& date, int* version = nullptr, bool cached = true);
  // Marks a change to what is in force, in the writing transaction.
  void bump_generation(soci::session& s);
  json online_history(soci::session& s);

  // ---- staff views ----
  json list_records(const std::string& kind, const std::string& status, const std::string& text, int limit, int offset);
  json record(Kind kind, const std::string& code);
  json version(Kind kind, const std::string& code, int version);
  json diff(Kind kind, const std::string& code, int version, std::optional<int> against);
  json change_reports(const std::string& code, int limit);
  // What publishing a base entry's draft (or version n) would do to each implementation of it:
  // the changed unified fields and each implementation's problems, before anything is written.
  json impact_preview(const std::string& basic_code, std::optional<int> version);

  // ---- lifecycle ----
  json create(const Actor& actor, const RecordHeader& header, const std::string& effective_from, const json& fields);
  json save_draft(const Actor& actor, Kind kind, const std::string& code, const std::string& effective_from, const json& fields);
  void discard_draft(const Actor& actor, Kind kind, const std::string& code);
  json submit(const Actor& actor, Kind kind, const std::string& code);
  json approve(const Actor& actor, Kind kind, const std::string& code, int version, const std::string& note);
  json reject(const Actor& actor, Kind kind, const std::string& code, int version, const std::string& note);
  json retire(const Actor& actor, Kind kind, const std::string& code, const std::string& effective_from, const std::string& reason);

  // ---- primitives shared with import ----
  // Checks a record's fields against the rules; throws Problem 422 "items.invalid" naming each problem.
  // `propagated` and `effective_from`: see check_implementation (imports only).
  void check(soci::session& s, const RecordHeader& header, const json& fields, const std::string& at,
             std::vector<FieldError>& out, const CatalogueView* view = nullptr, std::vector<FieldError>* propagated = nullptr,
             const std::string& effective_from = "");
  // Writes `fields` as a new published version (version 0), or publishes the reviewed `version`;
  // publishes the events, propagates a base entry's change and (unless told not to, for an import
  // that does it once at the end) refreshes the online list. `known_name`: the record's display
  // name when the caller has it (else read from the base entry).
  void publish(soci::session& s, const Actor& actor, const RecordHeader& header, int version, const std::string& effective_from,
               const json& fields, const std::string& origin, AuditQueue& audit, bool refresh_list = true,
               const std::string* known_name = nullptr);
  void insert_record(soci::session& s, const RecordHeader& header, const std::string& name);
  // Retires a record from `date` as an import says (true when that changed anything).
  // Records a retirement from `date` (the record, the catalogue's generation, the event).
  void mark_retired(soci::session& s, Kind kind, const std::string& code, const std::string& date, const std::string& reason);
  bool retire_as_imported(soci::session& s, const RecordHeader& header, const std::string& date, const std::string& reason);
  // Writes a new version of the "全程网办" list when the list as of `date` differs from the last one.
  void refresh_online_list(soci::session& s, const std::string& date);
  // The view of the rules over the database (published versions only).
  std::unique_ptr<CatalogueView> view(soci::session& s);

  // The draft or in-review version of a record, if any.
  struct OpenVersion {
    int version = 0;
    std::string status, author_id;
  };
  std::optional<OpenVersion> open_version(soci::session& s, Kind kind, const std::string& code);
  // Holds the record against concurrent changes until the transaction ends.
  void lock(soci::session& s, Kind kind, const std::string& code);
  // The record, locked; Problem 404 "items.not_found" when there is none.
  RecordHeader locked_record(soci::session& s, Kind kind, const std::string& code);

 private:
  int max_version(soci::session& s, Kind kind, const std::string& code);
  struct Impact {
    std::string implementation_code, level, division_code, department;
    json problems;  // Chinese sentences
  };
  std::vector<Impact> impact(soci::session& s, const std::string& basic_code, const json& after);
  void propagate(soci::session& s, const Actor& actor, const std::string& basic_code, int from_version, int to_version,
                 const json& before, const json& after, const std::string& effective_from, AuditQueue& audit);

  wangban::Context& ctx_;
  ItemFiles files_;
  std::mutex cache_mutex_;
  long long cache_generation_ = -1;
  std::map<std::string, std::shared_ptr<const Snapshot>> cache_;  // by date
};

// The display name of a record's fields (bundles and base entries carry "name"; an implementation
// takes its base entry's).
std::string display_name(const json& fields);

}  // namespace items
