// CatalogueStore over SOCI: the same SQL on SQLite and PostgreSQL.
#include "catalogue_store.hpp"

#include <algorithm>
#include <chrono>
#include <ctime>
#include <map>
#include <random>
#include <set>

#include <soci/soci.h>

#include <wangban/audit.hpp>
#include <wangban/context.hpp>
#include <wangban/database.hpp>
#include <wangban/events.hpp>
#include <wangban/http.hpp>
#include <wangban/problem.hpp>

namespace items {
namespace {

std::string new_uuid() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  std::uniform_int_distribution<unsigned long long> d;
  unsigned long long a = d(rng), b = d(rng);
  a = (a & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;
  b = (b & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;
  char buf[40];
  std::snprintf(buf, sizeof buf, "%08llx-%04llx-%04llx-%04llx-%012llx", a >> 32, (a >> 16) & 0xFFFF, a & 0xFFFF, b >> 48,
                b & 0xFFFFFFFFFFFFULL);
  return buf;
}

json nullable(const std::string& text) { return text.empty() ? json(nullptr) : json(text); }

// The unified fields whose values differ between two versions of a base entry (or any fields when
// `names` is empty: every key of either).
json field_changes(const json& before, const json& after, const std::vector<std::string>& names) {
  json changes = json::array();
  std::vector<std::string> keys = names;
  if (keys.empty()) {
    std::set<std::string> all;
    for (auto& [k, v] : before.items()) all.insert(k);
    for (auto& [k, v] : after.items()) all.insert(k);
    keys.assign(all.begin(), all.end());
  }
  for (auto& k : keys) {
    json b = before.contains(k) ? before[k] : json(nullptr), a = after.contains(k) ? after[k] : json(nullptr);
    if (b != a) changes.push_back({{"field", k}, {"before", b}, {"after", a}});
  }
  return changes;
}

// The "全程网办" tag of a version's fields, kept in its own column (items_versions.fully_online).
int online_flag(Kind kind, const json& fields) {
  return kind == Kind::implementation && fields.is_object() && fields.contains("online") && fields["online"].is_object() &&
                 fields["online"].value("fully_online", false)
             ? 1
             : 0;
}

std::vector<std::string> unified_names() { return {std::begin(kUnifiedFields), std::end(kUnifiedFields)}; }

// The rules' view of the database: published versions (the newest), themes and departments.
class DatabaseView final : public CatalogueView {
 public:
  DatabaseView(CatalogueStore& store, soci::session& s) : store_(store), s_(s) {}
  bool theme_exists(const std::string& code) const override {
    int n = 0;
    s_ << "SELECT COUNT(*) FROM items_themes WHERE code = :c", soci::use(code), soci::into(n);
    return n > 0;
  }
  std::optional<json> department(const std::string& id) const override {
    std::string name, division;
    soci::indicator ind = soci::i_null;
    s_ << "SELECT name, division_code FROM items_departments WHERE id = :i", soci::use(id), soci::into(name, ind),
        soci::into(division);
    if (!s_.got_data()) return std::nullopt;
    return json{{"id", id}, {"name", name}, {"division_code", division}};
  }
  const json* base_fields(const std::string& basic_code) const override {
    auto [it, added] = bases_.try_emplace(basic_code);
    if (added)
      if (auto v = store_.latest_published(s_, Kind::base, basic_code)) it->second = std::move(v->fields);
    return it->second.is_null() ? nullptr : &it->second;
  }
  std::string base_effective_from(const std::string& basic_code) const override {
    auto v = store_.latest_published(s_, Kind::base, basic_code);
    return v ? v->effective_from : "";
  }
  const Implementation* implementation(const std::string& code) const override {
    auto [it, added] = implementations_.try_emplace(code);
    if (added) {
      auto h = store_.header(s_, Kind::implementation, code);
      auto v = store_.latest_published(s_, Kind::implementation, code);
      if (h && v) it->second = Implementation{h->basic_code, std::move(v->fields)};
    }
    return it->second.fields.is_null() ? nullptr : &it->second;
  }

 private:
  CatalogueStore& store_;
  soci::session& s_;
  // What was read, so a lookup is parsed once per check (null fields: not there).
  mutable std::map<std::string, json> bases_;
  mutable std::map<std::string, Implementation> implementations_;
};

}  // namespace

Kind parse_kind(const std::string& text) {
  if (text == "base") return Kind::base;
  if (text == "implementation") return Kind::implementation;
  if (text == "bundle") return Kind::bundle;
  throw wangban::Problem::not_found("items.unknown_kind", "没有这类目录记录：" + text + "（应为 base、implementation 或 bundle）");
}

const char* kind_name(Kind kind) {
  switch (kind) {
    case Kind::base: return "base";
    case Kind::implementation: return "implementation";
    case Kind::bundle: return "bundle";
  }
  return "";
}

std::string now_iso() {
  auto now = std::chrono::system_clock::now();
  auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count();
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::size_t n = std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  std::snprintf(buf + n, sizeof buf - n, ".%03dZ", static_cast<int>(ms % 1000));
  return buf;
}

std::string day_or_today(std::string_view text) {
  if (text.empty()) return today();
  std::string day(text);
  if (!valid_date(day)) throw wangban::Problem::bad_request("items.bad_date", "日期须为 YYYY-MM-DD：" + day);
  return day;
}

std::string today() {
  std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[16];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  return buf;
}

Actor actor_of(const wangban::Request& request) {
  const auto& p = request.principal();
  return {p.account_id.empty() ? "system" : p.account_id, p.display_name.empty() ? "系统" : p.display_name, &request};
}

std::string display_name(const json& fields) { return fields.is_object() ? fields.value("name", "") : ""; }

CatalogueStore::CatalogueStore(wangban::Context& ctx) : ctx_(ctx), files_(ctx) {}

std::unique_ptr<CatalogueView> CatalogueStore::view(soci::session& s) { return std::make_unique<DatabaseView>(*this, s); }

json CatalogueStore::themes() {
  auto s = ctx_.database().session();
  json out = json::array();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT code, name, audience FROM items_themes ORDER BY position, code");
  for (auto& r : rows) out.push_back({{"code", r.get<std::string>(0)}, {"name", r.get<std::string>(1)}, {"audience", r.get<std::string>(2)}});
  return out;
}

json CatalogueStore::departments() {
  auto s = ctx_.database().session();
  json out = json::array();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT id, name, credit_code, division_code, level, parent FROM items_departments ORDER BY position, id");
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)}, {"name", r.get<std::string>(1)}, {"credit_code", r.get<std::string>(2)},
                   {"division_code", r.get<std::string>(3)}, {"level", r.get<std::string>(4)}, {"parent", nullable(wangban::row_text(r, 5))}});
  return out;
}

std::optional<RecordHeader> CatalogueStore::header(soci::session& s, Kind kind, const std::string& code) {
  RecordHeader h;
  std::string k = kind_name(kind);
  soci::indicator retired = soci::i_null, reason = soci::i_null;
  s << "SELECT basic_code, level, division_code, department, retired_from, retired_reason FROM items_records"
       " WHERE kind = :k AND code = :c",
      soci::use(k), soci::use(code), soci::into(h.basic_code), soci::into(h.level), soci::into(h.division_code),
      soci::into(h.department), soci::into(h.retired_from, retired), soci::into(h.retired_reason, reason);
  if (!s.got_data()) return std::nullopt;
  if (retired != soci::i_ok) h.retired_from.clear();
  if (reason != soci::i_ok) h.retired_reason.clear();
  h.kind = kind;
  h.code = code;
  return h;
}

std::optional<VersionInForce> CatalogueStore::in_force(soci::session& s, Kind kind, const std::string& code,
                                                       const std::string& date) {
  std::string k = kind_name(kind), retired;
  soci::indicator ind = soci::i_null;
  s << "SELECT retired_from FROM items_records WHERE kind = :k AND code = :c", soci::use(k), soci::use(code), soci::into(retired, ind);
  if (!s.got_data() || (ind == soci::i_ok && !retired.empty() && retired <= date)) return std::nullopt;
  VersionInForce v;
  std::string fields;
  s << "SELECT version, effective_from, fields FROM items_versions WHERE kind = :k AND code = :c AND status = 'published'"
       " AND effective_from <= :d ORDER BY version DESC LIMIT 1",
      soci::use(k), soci::use(code), soci::use(date), soci::into(v.version), soci::into(v.effective_from), soci::into(fields);
  if (!s.got_data()) return std::nullopt;
  v.fields = json::parse(fields);
  return v;
}

std::optional<VersionInForce> CatalogueStore::latest_published(soci::session& s, Kind kind, const std::string& code) {
  std::string k = kind_name(kind), fields;
  VersionInForce v;
  s << "SELECT version, effective_from, fields FROM items_versions WHERE kind = :k AND code = :c AND status = 'published'"
       " ORDER BY version DESC LIMIT 1",
      soci::use(k), soci::use(code), soci::into(v.version), soci::into(v.effective_from), soci::into(fields);
  if (!s.got_data()) return std::nullopt;
  v.fields = json::parse(fields);
  return v;
}

std::vector<std::pair<RecordHeader, VersionInForce>> CatalogueStore::all_in_force(soci::session& s, Kind kind,
                                                                                  const std::string& date) {
  std::string k = kind_name(kind);
  // Newest published version per record whose date has come; rows arrive grouped by code, newest first.
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT r.code, r.basic_code, r.level, r.division_code, r.department, v.version, v.effective_from, v.fields"
                    " FROM items_records r JOIN items_versions v ON v.kind = r.kind AND v.code = r.code"
                    " WHERE r.kind = :k AND v.status = 'published' AND v.effective_from <= :d"
                    " AND (r.retired_from IS NULL OR r.retired_from > :d2) ORDER BY r.code, v.version DESC",
       soci::use(k), soci::use(date), soci::use(date));
  std::vector<std::pair<RecordHeader, VersionInForce>> out;
  for (auto& r : rows) {
    std::string code = r.get<std::string>(0);
    if (!out.empty() && out.back().first.code == code) continue;
    RecordHeader h{kind, code, r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), r.get<std::string>(4)};
    VersionInForce v{static_cast<int>(wangban::row_integer(r, 5)), r.get<std::string>(6), json::parse(r.get<std::string>(7))};
    out.emplace_back(std::move(h), std::move(v));
  }
  return out;
}

std::optional<json> CatalogueStore::effective_item(soci::session& s, const std::string& code, const std::string& date) {
  // From the shared snapshot of that day: nothing is parsed per request.
  auto snap = snapshot(s, date);
  auto at = snap->implementation_index.find(code);
  if (at == snap->implementation_index.end()) return std::nullopt;
  const auto& [h, local] = snap->implementations[at->second];
  const VersionInForce& base = snap->bases.at(h.basic_code);
  json fields = base.fields;
  for (auto& m : fields["materials"]) m["local"] = false;
  for (auto& [k, v] : local.fields.items()) {
    if (k == "local_materials") {
      for (auto m : v) {
        m["local"] = true;
        fields["materials"].push_back(std::move(m));
      }
    } else {
      fields[k] = v;
    }
  }
  json department = {{"id", h.department}};
  std::string name, credit;
  s << "SELECT name, credit_code FROM items_departments WHERE id = :i", soci::use(h.department), soci::into(name), soci::into(credit);
  if (s.got_data()) department.update({{"name", name}, {"credit_code", credit}});
  return json{{"implementation_code", code},
              {"basic_code", h.basic_code},
              {"level", h.level},
              {"division_code", h.division_code},
              {"department", department},
              {"base_version", base.version},
              {"implementation_version", local.version},
              {"effective_from", std::max(base.effective_from, local.effective_from)},
              {"fully_online", std::binary_search(snap->online.begin(), snap->online.end(), code)},
              {"fields", fields}};
}

std::shared_ptr<const CatalogueStore::Snapshot> CatalogueStore::snapshot(soci::session& s, const std::string& date, bool cached) {
  long long generation = 0;
  if (cached) {
    s << "SELECT generation FROM items_generation WHERE id = 1", soci::into(generation);
    std::lock_guard lock(cache_mutex_);
    if (generation != cache_generation_) {
      cache_.clear();
      cache_generation_ = generation;
    }
    if (auto it = cache_.find(date); it != cache_.end()) return it->second;
  }
  auto built = std::make_shared<Snapshot>();
  for (auto& [h, v] : all_in_force(s, Kind::base, date)) built->bases.emplace(h.code, std::move(v));
  for (auto& entry : all_in_force(s, Kind::implementation, date))
    if (built->bases.count(entry.first.basic_code)) {
      if (entry.second.fields["online"].value("fully_online", false)) built->online.push_back(entry.first.code);
      built->implementation_index[entry.first.code] = built->implementations.size();
      built->implementations.push_back(std::move(entry));
    }
  std::sort(built->online.begin(), built->online.end());
  if (cached) {
    std::lock_guard lock(cache_mutex_);
    if (generation == cache_generation_) {
      if (cache_.size() >= 8) cache_.erase(cache_.begin());  // a few days at most are asked for at once
      cache_[date] = built;
    }
  }
  return built;
}

void CatalogueStore::bump_generation(soci::session& s) { s << "UPDATE items_generation SET generation = generation + 1 WHERE id = 1"; }

std::vector<std::string> CatalogueStore::online_codes(soci::session& s, const std::string& date, int* version, bool cached) {
  std::vector<std::string> codes;
  if (cached) {
    codes = snapshot(s, date)->online;
  } else {  // inside a write: from the tag column, without parsing any fields
    std::set<std::string> bases;
    soci::rowset<std::string> base_rows =
        (s.prepare << "SELECT DISTINCT r.code FROM items_records r JOIN items_versions v ON v.kind = r.kind AND v.code = r.code"
                      " WHERE r.kind = 'base' AND v.status = 'published' AND v.effective_from <= :d"
                      " AND (r.retired_from IS NULL OR r.retired_from > :d2)",
         soci::use(date), soci::use(date));
    for (auto& code : base_rows) bases.insert(code);
    soci::rowset<soci::row> rows =
        (s.prepare << "SELECT r.code, r.basic_code, v.fully_online FROM items_records r"
                      " JOIN items_versions v ON v.kind = r.kind AND v.code = r.code"
                      " WHERE r.kind = 'implementation' AND v.status = 'published' AND v.effective_from <= :d"
                      " AND (r.retired_from IS NULL OR r.retired_from > :d2) ORDER BY r.code, v.version DESC",
         soci::use(date), soci::use(date));
    std::string last;
    for (auto& r : rows) {
      std::string code = r.get<std::string>(0);
      if (code == last) continue;  // an older version of the same record
      last = code;
      if (wangban::row_integer(r, 2) && bases.count(r.get<std::string>(1))) codes.push_back(code);
    }
  }
  if (version) {
    *version = 0;
    soci::indicator ind = soci::i_null;
    s << "SELECT MAX(version) FROM items_online_lists WHERE effective_from <= :d", soci::use(date), soci::into(*version, ind);
    if (ind != soci::i_ok) *version = 0;
  }
  return codes;
}

json CatalogueStore::online_history(soci::session& s) {
  json out = json::array();
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT version, effective_from, added, removed, published_at, codes FROM items_online_lists ORDER BY version DESC");
  for (auto& r : rows)
    out.push_back({{"version", wangban::row_integer(r, 0)}, {"effective_from", r.get<std::string>(1)},
                   {"added", json::parse(r.get<std::string>(2))}, {"removed", json::parse(r.get<std::string>(3))},
                   {"published_at", r.get<std::string>(4)}, {"count", json::parse(r.get<std::string>(5)).size()}});
  return out;
}

void CatalogueStore::refresh_online_list(soci::session& s, const std::string& date) {
  auto now = online_codes(s, date, nullptr, /*cached=*/false);
  int last = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(version) FROM items_online_lists", soci::into(last, ind);
  if (ind != soci::i_ok) last = 0;
  // The list before this change: the newest version in force on that date.
  std::string before_text = "[]";
  s << "SELECT codes FROM items_online_lists WHERE effective_from <= :d ORDER BY version DESC LIMIT 1", soci::use(date),
      soci::into(before_text);
  if (!s.got_data()) before_text = "[]";
  std::vector<std::string> before = json::parse(before_text).get<std::vector<std::string>>();
  if (before == now) return;
  json added = json::array(), removed = json::array();
  for (auto& c : now)
    if (!std::binary_search(before.begin(), before.end(), c)) added.push_back(c);
  for (auto& c : before)
    if (!std::binary_search(now.begin(), now.end(), c)) removed.push_back(c);
  int next = last + 1;
  std::string codes = json(now).dump(), a = added.dump(), r = removed.dump(), at = now_iso();
  s << "INSERT INTO items_online_lists (version, effective_from, codes, added, removed, published_at)"
       " VALUES (:v, :e, :c, :a, :r, :p)",
      soci::use(next), soci::use(date), soci::use(codes), soci::use(a), soci::use(r), soci::use(at);
  ctx_.events().publish(s, "item.online_list_published",
                        {{"version", next}, {"effective_from", date}, {"added", added}, {"removed", removed}});
}

// ---------------------------------------------------------------- staff views

json CatalogueStore::list_records(const std::string& kind, const std::string& status, const std::string& text, int limit,
                                  int offset) {
  if (!kind.empty()) parse_kind(kind);
  auto s = ctx_.database().session();
  std::string date = today();
  // One row per version; folded per record here (the catalogue holds a few thousand records).
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT r.kind, r.code, r.name, r.basic_code, r.level, r.division_code, r.department, r.retired_from,"
                     " v.version, v.status, v.effective_from FROM items_records r"
                     " JOIN items_versions v ON v.kind = r.kind AND v.code = r.code ORDER BY r.kind, r.code, v.version");
  json records = json::array();
  for (auto& r : rows) {
    std::string k = r.get<std::string>(0), code = r.get<std::string>(1);
    if (records.empty() || records.back()["kind"] != k || records.back()["code"] != code)
      records.push_back({{"kind", k}, {"code", code}, {"name", r.get<std::string>(2)}, {"basic_code", r.get<std::string>(3)},
                         {"level", r.get<std::string>(4)}, {"division_code", r.get<std::string>(5)},
                         {"department", r.get<std::string>(6)}, {"retired_from", nullable(wangban::row_text(r, 7))},
                         {"published_version", nullptr}, {"in_force_version", nullptr}, {"effective_from", nullptr},
                         {"open_version", nullptr}});
    auto& rec = records.back();
    int version = static_cast<int>(wangban::row_integer(r, 8));
    std::string st = r.get<std::string>(9), eff = r.get<std::string>(10);
    if (st == "published") {
      rec["published_version"] = version;
      if (eff <= date && (rec["retired_from"].is_null() || rec["retired_from"].get<std::string>() > date)) {
        rec["in_force_version"] = version;
        rec["effective_from"] = eff;
      }
    } else {
      rec["open_version"] = {{"version", version}, {"status", st}};
    }
  }
  json filtered = json::array();
  for (auto& rec : records) {
    if (!kind.empty() && rec["kind"] != kind) continue;
    if (!text.empty() && rec["name"].get<std::string>().find(text) == std::string::npos &&
        rec["code"].get<std::string>().find(text) == std::string::npos)
      continue;
    bool retired = !rec["retired_from"].is_null() && rec["retired_from"].get<std::string>() <= date;
    if (status == "retired" && !retired) continue;
    if (status == "published" && rec["published_version"].is_null()) continue;
    if ((status == "draft" || status == "review") && (rec["open_version"].is_null() || rec["open_version"]["status"] != status))
      continue;
    filtered.push_back(std::move(rec));
  }
  json page = json::array();
  for (int i = offset; i < static_cast<int>(filtered.size()) && i < offset + limit; ++i) page.push_back(filtered[i]);
  return {{"records", page}, {"total", filtered.size()}};
}

json CatalogueStore::record(Kind kind, const std::string& code) {
  auto s = ctx_.database().session();
  std::string k = kind_name(kind), name, basic, level, division, department, retired, reason;
  soci::indicator ri = soci::i_null, rr = soci::i_null;
  *s << "SELECT name, basic_code, level, division_code, department, retired_from, retired_reason FROM items_records"
        " WHERE kind = :k AND code = :c",
      soci::use(k), soci::use(code), soci::into(name), soci::into(basic), soci::into(level), soci::into(division),
      soci::into(department), soci::into(retired, ri), soci::into(reason, rr);
  if (!s->got_data()) throw wangban::Problem::not_found("items.not_found", "目录中没有 " + code);
  json versions = json::array();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT version, status, effective_from, author_name, created_at, updated_at, submitted_at, reviewer_name,"
                     " reviewed_at, review_note, published_at, origin, author_id FROM items_versions WHERE kind = :k AND code = :c"
                     " ORDER BY version DESC",
       soci::use(k), soci::use(code));
  for (auto& r : rows)
    versions.push_back({{"version", wangban::row_integer(r, 0)}, {"status", r.get<std::string>(1)},
                        {"effective_from", r.get<std::string>(2)}, {"author_name", r.get<std::string>(3)},
                        {"author_id", r.get<std::string>(12)}, {"created_at", r.get<std::string>(4)},
                        {"updated_at", r.get<std::string>(5)}, {"submitted_at", nullable(wangban::row_text(r, 6))},
                        {"reviewer_name", nullable(wangban::row_text(r, 7))}, {"reviewed_at", nullable(wangban::row_text(r, 8))},
                        {"review_note", nullable(wangban::row_text(r, 9))}, {"published_at", nullable(wangban::row_text(r, 10))},
                        {"origin", r.get<std::string>(11)}});
  auto force = in_force(*s, kind, code, today());
  return {{"kind", k},
          {"code", code},
          {"name", name},
          {"basic_code", basic},
          {"level", level},
          {"division_code", division},
          {"department", department},
          {"retired_from", ri == soci::i_ok ? json(retired) : json(nullptr)},
          {"retired_reason", rr == soci::i_ok ? json(reason) : json(nullptr)},
          {"in_force_version", force ? json(force->version) : json(nullptr)},
          {"versions", versions}};
}

json CatalogueStore::version(Kind kind, const std::string& code, int version) {
  auto s = ctx_.database().session();
  std::string k = kind_name(kind), status, effective, fields, author;
  *s << "SELECT status, effective_from, fields, author_name FROM items_versions WHERE kind = :k AND code = :c AND version = :v",
      soci::use(k), soci::use(code), soci::use(version), soci::into(status), soci::into(effective), soci::into(fields),
      soci::into(author);
  if (!s->got_data())
    throw wangban::Problem::not_found("items.version_not_found", code + " 没有第 " + std::to_string(version) + " 版");
  return {{"kind", k}, {"code", code}, {"version", version}, {"status", status}, {"effective_from", effective},
          {"author_name", author}, {"fields", json::parse(fields)}};
}

json CatalogueStore::diff(Kind kind, const std::string& code, int version_number, std::optional<int> against) {
  json now = version(kind, code, version_number);
  json before = json::object();
  int base_version = 0;
  if (against) {
    before = version(kind, code, *against)["fields"];
    base_version = *against;
  } else {
    auto s = ctx_.database().session();
    std::string k = kind_name(kind), fields;
    *s << "SELECT version, fields FROM items_versions WHERE kind = :k AND code = :c AND status = 'published' AND version < :v"
          " ORDER BY version DESC LIMIT 1",
        soci::use(k), soci::use(code), soci::use(version_number), soci::into(base_version), soci::into(fields);
    if (s->got_data()) before = json::parse(fields);
    else base_version = 0;
  }
  return {{"version", version_number}, {"against", base_version ? json(base_version) : json(nullptr)},
          {"changes", field_changes(before, now["fields"], {})}};
}

json CatalogueStore::change_reports(const std::string& code, int limit) {
  auto s = ctx_.database().session();
  std::string pattern = code.empty() ? "%" : code;
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT c.id, c.implementation_code, c.basic_code, c.from_version, c.to_version, c.effective_from, c.changes,"
                     " c.problems, c.created_at, r.name, r.level, r.division_code, r.department FROM items_change_reports c"
                     " LEFT JOIN items_records r ON r.kind = 'implementation' AND r.code = c.implementation_code"
                     " WHERE c.implementation_code LIKE :c OR c.basic_code LIKE :c2"
                     " ORDER BY c.created_at DESC, c.implementation_code LIMIT :l",
       soci::use(pattern), soci::use(pattern), soci::use(limit));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)}, {"implementation_code", r.get<std::string>(1)},
                   {"basic_code", r.get<std::string>(2)}, {"from_version", wangban::row_integer(r, 3)},
                   {"to_version", wangban::row_integer(r, 4)}, {"effective_from", r.get<std::string>(5)},
                   {"changes", json::parse(r.get<std::string>(6))}, {"problems", json::parse(r.get<std::string>(7))},
                   {"created_at", r.get<std::string>(8)}, {"name", wangban::row_text(r, 9)}, {"level", wangban::row_text(r, 10)},
                   {"division_code", wangban::row_text(r, 11)}, {"department", wangban::row_text(r, 12)}});
  return {{"reports", out}};
}

// ---------------------------------------------------------------- lifecycle

std::optional<CatalogueStore::OpenVersion> CatalogueStore::open_version(soci::session& s, Kind kind, const std::string& code) {
  std::string k = kind_name(kind);
  OpenVersion o;
  s << "SELECT version, status, author_id FROM items_versions WHERE kind = :k AND code = :c AND status <> 'published'",
      soci::use(k), soci::use(code), soci::into(o.version), soci::into(o.status), soci::into(o.author_id);
  if (!s.got_data()) return std::nullopt;
  return o;
}

void CatalogueStore::lock(soci::session& s, Kind kind, const std::string& code) {
  // SQLite's write transaction (BEGIN IMMEDIATE) already serialises writers; PostgreSQL locks the row.
  if (ctx_.database().dialect() != wangban::Dialect::postgresql) return;
  std::string k = kind_name(kind), found;
  s << "SELECT code FROM items_records WHERE kind = :k AND code = :c FOR UPDATE", soci::use(k), soci::use(code), soci::into(found);
}

RecordHeader CatalogueStore::locked_record(soci::session& s, Kind kind, const std::string& code) {
  lock(s, kind, code);
  auto h = header(s, kind, code);
  if (!h) throw wangban::Problem::not_found("items.not_found", "目录中没有 " + code);
  return *h;
}

int CatalogueStore::max_version(soci::session& s, Kind kind, const std::string& code) {
  std::string k = kind_name(kind);
  int v = 0;
  soci::indicator ind = soci::i_null;
  s << "SELECT MAX(version) FROM items_versions WHERE kind = :k AND code = :c", soci::use(k), soci::use(code), soci::into(v, ind);
  return ind == soci::i_ok ? v : 0;
}

void CatalogueStore::check(soci::session& s, const RecordHeader& h, const json& fields, const std::string& at,
                           std::vector<FieldError>& out, const CatalogueView* given, std::vector<FieldError>* propagated,
                           const std::string& effective_from) {
  std::unique_ptr<CatalogueView> own;
  if (!given) {
    own = view(s);
    given = own.get();
  }
  switch (h.kind) {
    case Kind::base: check_base(h.code, fields, *given, at, out); break;
    case Kind::implementation:
      check_implementation({h.code, h.basic_code, h.level, h.division_code, h.department}, fields, *given, at, out, propagated,
                           effective_from);
      break;
    case Kind::bundle: check_bundle(h.code, fields, *given, at, out); break;
  }
  files_.check_references(s, fields, at, out);
}

void CatalogueStore::insert_record(soci::session& s, const RecordHeader& h, const std::string& name) {
  std::string k = kind_name(h.kind), at = now_iso();
  s << "INSERT INTO items_records (kind, code, name, basic_code, level, division_code, department, created_at)"
       " VALUES (:k, :c, :n, :b, :l, :d, :dep, :at)",
      soci::use(k), soci::use(h.code), soci::use(name), soci::use(h.basic_code), soci::use(h.level), soci::use(h.division_code),
      soci::use(h.department), soci::use(at);
}

void CatalogueStore::mark_retired(soci::session& s, Kind kind, const std::string& code, const std::string& date,
                                  const std::string& reason) {
  std::string k = kind_name(kind);
  s << "UPDATE items_records SET retired_from = :e, retired_reason = :r WHERE kind = :k AND code = :c", soci::use(date),
      soci::use(reason), soci::use(k), soci::use(code);
  bump_generation(s);
  ctx_.events().publish(s, "item.retired", {{"kind", k}, {"code", code}, {"effective_from", date}, {"reason", reason}});
}

bool CatalogueStore::retire_as_imported(soci::session& s, const RecordHeader& h, const std::string& date, const std::string& reason) {
  auto now = header(s, h.kind, h.code);
  if (now && now->retired_from == date && now->retired_reason == reason) return false;
  mark_retired(s, h.kind, h.code, date, reason);
  return true;
}

namespace {

void require_date(const std::string& date, const std::string& at, bool not_past) {
  if (!valid_date(date))
    throw_invalid("items.invalid", "生效日期无效", {{at, "生效日期须为 YYYY-MM-DD 格式的真实日期：" + date}});
  if (not_past && date < today())
    throw_invalid("items.invalid", "生效日期无效", {{at, "生效日期 " + date + " 早于今天（" + today() + "）：已生效的内容不能追溯修改"}});
}

std::string record_name(soci::session& s, CatalogueStore& store, const RecordHeader& h, const json& fields) {
  if (h.kind != Kind::implementation) return display_name(fields);
  auto base = store.latest_published(s, Kind::base, h.basic_code);
  return base ? display_name(base->fields) : h.code;
}

void run_audit(AuditQueue& audit) {
  for (auto& a : audit) a();
}

}  // namespace

json CatalogueStore::create(const Actor& actor, const RecordHeader& given, const std::string& effective_from, const json& fields) {
  RecordHeader h = given;
  if (h.kind == Kind::base) {
    h.basic_code = h.code;
    h.level = "national";
    h.division_code = "100000";
    h.department = "";
  } else if (h.kind == Kind::bundle) {
    h.basic_code = "";
    h.level = h.level.empty() ? "county" : h.level;
    h.division_code = h.division_code.empty() ? "000000" : h.division_code;
  }
  require_date(effective_from, "/effective_from", true);
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  if (header(*s, h.kind, h.code))
    throw wangban::Problem::conflict("items.exists", std::string("目录中已有 ") + h.code + "，请编辑它的草稿");
  std::vector<FieldError> errors;
  check(*s, h, fields, "/fields", errors);
  if (!errors.empty()) throw_invalid("items.invalid", "事项内容不符合规则", errors);
  try {
    insert_record(*s, h, record_name(*s, *this, h, fields));
  } catch (const soci::soci_error&) {  // created by someone else since the check above (PostgreSQL)
    throw wangban::Problem::conflict("items.exists", std::string("目录中已有 ") + h.code + "，请编辑它的草稿");
  }
  std::string k = kind_name(h.kind), text = fields.dump(), at = now_iso();
  int online = online_flag(h.kind, fields);
  *s << "INSERT INTO items_versions (kind, code, version, status, effective_from, fields, fully_online, origin, author_id,"
        " author_name, created_at, updated_at) VALUES (:k, :c, 1, 'draft', :e, :f, :o, 'console', :a, :an, :t, :t2)",
      soci::use(k), soci::use(h.code), soci::use(effective_from), soci::use(text), soci::use(online), soci::use(actor.id),
      soci::use(actor.name), soci::use(at), soci::use(at);
  tx.commit();
  if (actor.request) ctx_.audit().record(*actor.request, "item.draft_created", k, h.code);
  return record(h.kind, h.code);
}

json CatalogueStore::save_draft(const Actor& actor, Kind kind, const std::string& code, const std::string& effective_from,
                                const json& fields) {
  require_date(effective_from, "/effective_from", true);
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  RecordHeader h = locked_record(*s, kind, code);
  std::string k = kind_name(kind), text = fields.dump(), at = now_iso();
  if (!h.retired_from.empty())
    throw wangban::Problem::conflict("items.retired", code + " 已停用（" + h.retired_from + " 起），不能再编辑");
  auto open = open_version(*s, kind, code);
  if (open && open->status == "review")
    throw wangban::Problem::conflict("items.in_review", "第 " + std::to_string(open->version) +
                                                            " 版正在审核，不能修改；请审核人退回后再编辑");
  std::vector<FieldError> errors;
  check(*s, h, fields, "/fields", errors);
  if (!errors.empty()) throw_invalid("items.invalid", "事项内容不符合规则", errors);
  int online = online_flag(kind, fields);
  if (open) {
    *s << "UPDATE items_versions SET fields = :f, fully_online = :o, effective_from = :e, updated_at = :t, author_id = :a,"
          " author_name = :an WHERE kind = :k AND code = :c AND version = :v",
        soci::use(text), soci::use(online), soci::use(effective_from), soci::use(at), soci::use(actor.id), soci::use(actor.name),
        soci::use(k), soci::use(code), soci::use(open->version);
  } else {
    int next = max_version(*s, kind, code) + 1;
    *s << "INSERT INTO items_versions (kind, code, version, status, effective_from, fields, fully_online, origin, author_id,"
          " author_name, created_at, updated_at) VALUES (:k, :c, :v, 'draft', :e, :f, :o, 'console', :a, :an, :t, :t2)",
        soci::use(k), soci::use(code), soci::use(next), soci::use(effective_from), soci::use(text), soci::use(online),
        soci::use(actor.id), soci::use(actor.name), soci::use(at), soci::use(at);
  }
  tx.commit();
  if (actor.request) ctx_.audit().record(*actor.request, "item.draft_saved", k, code);
  return record(kind, code);
}

void CatalogueStore::discard_draft(const Actor& actor, Kind kind, const std::string& code) {
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  lock(*s, kind, code);
  auto open = open_version(*s, kind, code);
  if (!open || open->status != "draft")
    throw wangban::Problem::conflict("items.no_draft", code + " 没有可丢弃的草稿" + (open ? "（正在审核）" : ""));
  std::string k = kind_name(kind);
  *s << "DELETE FROM items_versions WHERE kind = :k AND code = :c AND version = :v", soci::use(k), soci::use(code),
      soci::use(open->version);
  if (open->version == 1) *s << "DELETE FROM items_records WHERE kind = :k AND code = :c", soci::use(k), soci::use(code);
  tx.commit();
  if (actor.request) ctx_.audit().record(*actor.request, "item.draft_discarded", k, code);
}

json CatalogueStore::submit(const Actor& actor, Kind kind, const std::string& code) {
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  lock(*s, kind, code);
  auto open = open_version(*s, kind, code);
  if (!open || open->status != "draft") throw wangban::Problem::conflict("items.no_draft", code + " 没有待提交的草稿");
  std::string k = kind_name(kind), at = now_iso();
  *s << "UPDATE items_versions SET status = 'review', submitted_at = :t, review_note = NULL WHERE kind = :k AND code = :c AND version = :v",
      soci::use(at), soci::use(k), soci::use(code), soci::use(open->version);
  tx.commit();
  if (actor.request) ctx_.audit().record(*actor.request, "item.submitted", k, code);
  return record(kind, code);
}

json CatalogueStore::approve(const Actor& actor, Kind kind, const std::string& code, int version, const std::string& note) {
  AuditQueue audit;
  {
    auto s = ctx_.database().session();
    wangban::WriteTransaction tx(*s, ctx_.database().dialect());
    lock(*s, kind, code);
    auto open = open_version(*s, kind, code);
    if (!open || open->version != version || open->status != "review")
      throw wangban::Problem::conflict("items.not_in_review", code + " 的第 " + std::to_string(version) + " 版不在待审核状态");
    if (open->author_id == actor.id)
      throw wangban::Problem::forbidden("items.own_version", "不能审核自己编辑的版本：请由其他审核人员审核");
    auto h = header(*s, kind, code);
    std::string k = kind_name(kind), fields_text, effective;
    *s << "SELECT fields, effective_from FROM items_versions WHERE kind = :k AND code = :c AND version = :v", soci::use(k),
        soci::use(code), soci::use(version), soci::into(fields_text), soci::into(effective);
    if (effective < today())
      throw_invalid("items.invalid", "生效日期已过",
                    {{"/effective_from", "第 " + std::to_string(version) + " 版的生效日期 " + effective + " 已早于今天，请退回后修改生效日期"}});
    json fields = json::parse(fields_text);
    std::vector<FieldError> errors;  // the base entry may have changed since the draft was saved
    check(*s, *h, fields, "/fields", errors);
    if (!errors.empty()) throw_invalid("items.invalid", "该版本已不符合规则，请退回修改", errors);
    std::string at = now_iso();
    *s << "UPDATE items_versions SET reviewer_id = :r, reviewer_name = :rn, reviewed_at = :t, review_note = :n"
          " WHERE kind = :k AND code = :c AND version = :v",
        soci::use(actor.id), soci::use(actor.name), soci::use(at), soci::use(note), soci::use(k), soci::use(code), soci::use(version);
    publish(*s, actor, *h, version, effective, fields, "console", audit);
    tx.commit();
  }
  run_audit(audit);
  return record(kind, code);
}

json CatalogueStore::reject(const Actor& actor, Kind kind, const std::string& code, int version, const std::string& note) {
  auto s = ctx_.database().session();
  wangban::WriteTransaction tx(*s, ctx_.database().dialect());
  lock(*s, kind, code);
  auto open = open_version(*s, kind, code);
  if (!open || open->version != version || open->status != "review")
    throw wangban::Problem::conflict("items.not_in_review", code + " 的第 " + std::to_string(version) + " 版不在待审核状态");
  std::string k = kind_name(kind), at = now_iso();
  *s << "UPDATE items_versions SET status = 'draft', reviewer_id = :r, reviewer_name = :rn, reviewed_at = :t, review_note = :n"
        " WHERE kind = :k AND code = :c AND version = :v",
      soci::use(actor.id), soci::use(actor.name), soci::use(at), soci::use(note), soci::use(k), soci::use(code), soci::use(version);
  tx.commit();
  if (actor.request) ctx_.audit().record(*actor.request, "item.rejected", k, code);
  return record(kind, code);
}

json CatalogueStore::retire(const Actor& actor, Kind kind, const std::string& code, const std::string& effective_from,
                            const std::string& reason) {
  require_date(effective_from, "/effective_from", true);
  {
    auto s = ctx_.database().session();
    wangban::WriteTransaction tx(*s, ctx_.database().dialect());
    RecordHeader h = locked_record(*s, kind, code);
    if (!h.retired_from.empty()) throw wangban::Problem::conflict("items.retired", code + " 已于 " + h.retired_from + " 起停用");
    if (!latest_published(*s, kind, code)) throw wangban::Problem::conflict("items.not_published", code + " 尚未发布，丢弃草稿即可");
    if (auto open = open_version(*s, kind, code); open && open->status == "review")
      throw wangban::Problem::conflict("items.in_review", code + " 有正在审核的版本，请先审核完毕再停用");
    mark_retired(*s, kind, code, effective_from, reason);
    if (kind != Kind::bundle) refresh_online_list(*s, effective_from);
    tx.commit();
  }
  if (actor.request) ctx_.audit().record(*actor.request, "item.retired", kind_name(kind), code);
  return record(kind, code);
}

void CatalogueStore::publish(soci::session& s, const Actor& actor, const RecordHeader& h, int version,
                             const std::string& effective_from, const json& fields, const std::string& origin, AuditQueue& audit,
                             bool refresh_list, const std::string* known_name) {
  std::string k = kind_name(h.kind), at = now_iso(), text = fields.dump();
  auto previous = latest_published(s, h.kind, h.code);
  if (version > 0) {
    s << "UPDATE items_versions SET status = 'published', published_at = :t WHERE kind = :k AND code = :c AND version = :v",
        soci::use(at), soci::use(k), soci::use(h.code), soci::use(version);
  } else {
    version = max_version(s, h.kind, h.code) + 1;
    int online = online_flag(h.kind, fields);
    s << "INSERT INTO items_versions (kind, code, version, status, effective_from, fields, fully_online, origin, author_id,"
         " author_name, created_at, updated_at, reviewer_id, reviewer_name, reviewed_at, published_at)"
         " VALUES (:k, :c, :v, 'published', :e, :f, :fo, :o, :a, :an, :t, :t2, :r, :rn, :t3, :t4)",
        soci::use(k), soci::use(h.code), soci::use(version), soci::use(effective_from), soci::use(text), soci::use(online),
        soci::use(origin), soci::use(actor.id), soci::use(actor.name), soci::use(at), soci::use(at), soci::use(actor.id),
        soci::use(actor.name), soci::use(at), soci::use(at);
  }
  std::string name = known_name ? *known_name : record_name(s, *this, h, fields);
  s << "UPDATE items_records SET name = :n WHERE kind = :k AND code = :c", soci::use(name), soci::use(k), soci::use(h.code);
  ctx_.events().publish(s, "item.published", {{"kind", k}, {"code", h.code}, {"version", version}, {"effective_from", effective_from}});
  bump_generation(s);
  if (actor.request) {
    const wangban::Request* request = actor.request;
    std::string code = h.code;
    audit.push_back([this, request, k, code] { ctx_.audit().record(*request, "item.published", k, code); });
  }
  if (h.kind == Kind::base) {
    if (previous) propagate(s, actor, h.code, previous->version, version, previous->fields, fields, effective_from, audit);
    // implementations take their name from the base entry
    s << "UPDATE items_records SET name = :n WHERE kind = 'implementation' AND basic_code = :b", soci::use(name), soci::use(h.code);
  }
  if (h.kind != Kind::bundle && refresh_list) refresh_online_list(s, effective_from);
}

std::vector<CatalogueStore::Impact> CatalogueStore::impact(soci::session& s, const std::string& basic_code, const json& after) {
  std::vector<Impact> out;
  soci::rowset<soci::row> rows =
      (s.prepare << "SELECT code, level, division_code, department FROM items_records WHERE kind = 'implementation' AND basic_code = :b"
                    " ORDER BY code",
       soci::use(basic_code));
  for (auto& r : rows) out.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3), json::array()});
  for (auto& i : out) {
    // What the new base entry means for this implementation: its local fields are checked again.
    auto local = latest_published(s, Kind::implementation, i.implementation_code);
    if (!local) continue;
    if (!within_limit(local->fields["promised_limit"], after["statutory_limit"]))
      i.problems.push_back("承诺办结时限长于新的法定办结时限，须缩短（在修改前按法定时限执行）");
    std::set<std::string> steps;
    for (auto& p : local->fields["process"]) steps.insert(p.value("step", ""));
    for (auto& m : after["materials"])
      for (auto& step : m["routing"])
        if (!steps.count(step))
          i.problems.push_back("材料“" + m.value("name", "") + "”流转到的环节“" + step.get<std::string>() + "”不在本地办理流程中");
  }
  return out;
}

json CatalogueStore::impact_preview(const std::string& basic_code, std::optional<int> version_number) {
  auto s = ctx_.database().session();
  auto published = latest_published(*s, Kind::base, basic_code);
  int version = version_number.value_or(0);
  if (!version_number) {
    auto open = open_version(*s, Kind::base, basic_code);
    if (!open) throw wangban::Problem::conflict("items.no_draft", basic_code + " 没有草稿或待审核的版本可以预览");
    version = open->version;
  }
  json proposed = this->version(Kind::base, basic_code, version)["fields"];
  json changes = field_changes(published ? published->fields : json::object(), proposed, unified_names());
  json implementations = json::array();
  for (auto& i : impact(*s, basic_code, proposed))
    implementations.push_back({{"implementation_code", i.implementation_code}, {"level", i.level}, {"division_code", i.division_code},
                               {"department", i.department}, {"problems", i.problems}});
  return {{"basic_code", basic_code}, {"from_version", published ? json(published->version) : json(nullptr)}, {"to_version", version},
          {"changes", changes}, {"implementations", implementations}};
}

void CatalogueStore::propagate(soci::session& s, const Actor& actor, const std::string& basic_code, int from_version,
                               int to_version, const json& before, const json& after, const std::string& effective_from,
                               AuditQueue& audit) {
  json changes = field_changes(before, after, unified_names());
  if (changes.empty()) return;
  json changed_fields = json::array();
  for (auto& c : changes) changed_fields.push_back(c["field"]);
  std::string at = now_iso(), changes_text = changes.dump();
  for (auto& i : impact(s, basic_code, after)) {
    std::string id = new_uuid(), problems_text = i.problems.dump(), code = i.implementation_code;
    s << "INSERT INTO items_change_reports (id, implementation_code, basic_code, from_version, to_version, effective_from, changes,"
         " problems, created_at) VALUES (:i, :c, :b, :f, :t, :e, :ch, :p, :at)",
        soci::use(id), soci::use(code), soci::use(basic_code), soci::use(from_version), soci::use(to_version),
        soci::use(effective_from), soci::use(changes_text), soci::use(problems_text), soci::use(at);
    ctx_.events().publish(s, "item.changed",
                          {{"implementation_code", code}, {"basic_code", basic_code}, {"from_version", from_version},
                           {"to_version", to_version}, {"effective_from", effective_from}, {"changed_fields", changed_fields},
                           {"problems", i.problems}, {"report_id", id}});
    if (actor.request) {
      const wangban::Request* request = actor.request;
      audit.push_back([this, request, code] { ctx_.audit().record(*request, "item.propagated", "implementation", code); });
    }
  }
}

}  // namespace items
