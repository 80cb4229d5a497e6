// ContentService: the workflow's SQL, validation of fields, times and attachments, publishing.
#include "content/content_service.hpp"

#include <algorithm>
#include <regex>

#include <soci/soci.h>

#include "content/markdown.hpp"
#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "messaging/message_service.hpp"
#include "search/search_index.hpp"
#include "util/content_type.hpp"
#include "util/digest.hpp"
#include "util/text.hpp"
#include "wangban/messaging.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

const char* type_label(const std::string& type) {
  if (type == "notice") return "通知公告";
  if (type == "policy") return "政策文件";
  if (type == "guide") return "办事指南";
  if (type == "power_list") return "权责清单";
  return "常见问题";
}

// "2026-12-01T08:00Z", "…:00", "…:00.5Z" → "2026-12-01T08:00:00.500Z" (the stored form, which
// compares as text). Problem 400 naming `field` otherwise.
std::string normalise_time(const std::string& value, const char* field) {
  static const std::regex shape(R"(^((\d{4})-(\d{2})-(\d{2}))T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?Z$)");
  static const int days[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  std::smatch m;
  bool ok = std::regex_match(value, m, shape);
  if (ok) {
    int year = std::stoi(m[2]), month = std::stoi(m[3]), day = std::stoi(m[4]);
    bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    ok = month >= 1 && month <= 12 && day >= 1 && day <= days[month - 1] - (month == 2 && !leap) &&
         std::stoi(m[5]) <= 23 && std::stoi(m[6]) <= 59 && (!m[7].matched || std::stoi(m[7]) <= 59);
  }
  if (!ok)
    throw Problem::bad_request("content.bad_time", std::string(field) + " 应为 UTC 时间，如 2026-12-01T08:00:00Z");
  std::string ms = m[8].matched ? m[8].str() : "";
  ms.resize(3, '0');
  return m[1].str() + "T" + m[5].str() + ":" + m[6].str() + ":" + (m[7].matched ? m[7].str() : "00") + "." + ms + "Z";
}

struct Fields {
  std::string title, summary, markdown;
  json attachments = json::array();
};

Fields fields_of(const json& f, BlobStore& blobs) {
  Fields out;
  out.title = f.value("title", "");
  out.summary = f.value("summary", "");
  out.markdown = f.value("markdown", "");
  if (out.title.empty() || utf8_characters(out.title) > 200)
    throw Problem::bad_request("content.bad_title", "标题不能为空，且不超过 200 个字符");
  if (utf8_characters(out.summary) > 500) throw Problem::bad_request("content.bad_summary", "摘要不超过 500 个字符");
  if (out.markdown.size() > 1000000) throw Problem::bad_request("content.too_long", "正文不超过 1 MB");
  for (auto& a : f.value("attachments", json::array())) {
    std::string sm3 = a.value("sm3", "");
    if (!blobs.contains(sm3))
      throw Problem::bad_request("content.unknown_attachment", "附件 " + a.value("name", sm3) + " 不存在，请重新上传");
    out.attachments.push_back({{"name", a.value("name", "")}, {"sm3", sm3}, {"size", a.value("size", 0)},
                               {"content_type", a.value("content_type", "application/octet-stream")}});
  }
  return out;
}

struct Version {
  int number = 0;
  std::string review_state, author;
};

Version latest(soci::session& s, const std::string& id) {
  Version v;
  s << "SELECT v.version, v.review_state, v.author FROM wb_publications p JOIN wb_publication_versions v"
       " ON v.publication_id = p.id AND v.version = p.latest_version WHERE p.id = :i",
      soci::use(id), soci::into(v.number), soci::into(v.review_state), soci::into(v.author);
  if (!s.got_data()) throw Problem::not_found("content.not_found", "没有这篇内容");
  return v;
}

json optional_text(const soci::row& r, std::size_t i) {
  return r.get_indicator(i) == soci::i_null ? json(nullptr) : json(r.get<std::string>(i));
}

const char* kPublicationColumns =
    "p.id, p.type, p.state, p.org_unit_id, p.latest_version, p.published_version, p.publish_at, p.withdraw_at,"
    " p.published_at, p.created_by, p.created_at, p.updated_at, v.title, v.summary, v.review_state";

json publication_json(const soci::row& r) {
  return {{"id", r.get<std::string>(0)},           {"type", r.get<std::string>(1)},
          {"type_label", type_label(r.get<std::string>(1))},
          {"state", r.get<std::string>(2)},        {"org_unit_id", optional_text(r, 3)},
          {"latest_version", row_integer(r, 4)},
          {"published_version", r.get_indicator(5) == soci::i_null ? json(nullptr) : json(row_integer(r, 5))},
          {"publish_at", optional_text(r, 6)},     {"withdraw_at", optional_text(r, 7)},
          {"published_at", optional_text(r, 8)},   {"created_by", r.get<std::string>(9)},
          {"created_at", r.get<std::string>(10)},  {"updated_at", r.get<std::string>(11)},
          {"title", r.get<std::string>(12)},       {"summary", r.get<std::string>(13)},
          {"review_state", r.get<std::string>(14)}};
}

}  // namespace

ContentService::ContentService(Database& db, BlobStore& blobs, EventBus& events, MessageService& messages,
                               SearchIndex& search)
    : db_(db), blobs_(blobs), events_(events), messages_(messages), search_(search) {}

const std::vector<std::string>& ContentService::types() {
  static const std::vector<std::string> all = {"notice", "policy", "guide", "power_list", "faq"};
  return all;
}

std::string ContentService::create(const Principal& author, const json& f) {
  std::string type = f.value("type", "");
  if (std::find(types().begin(), types().end(), type) == types().end())
    throw Problem::bad_request("content.bad_type", "内容类型必须是 notice、policy、guide、power_list 或 faq");
  auto fields = fields_of(f, blobs_);
  auto rendered = render_markdown(fields.markdown);
  std::string id = uuid_v4(), now = utc_now_iso(), attachments = fields.attachments.dump();
  std::string org = f.value("org_unit_id", "");
  soci::indicator org_ind = org.empty() ? soci::i_null : soci::i_ok;
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  *s << "INSERT INTO wb_publications (id, type, state, org_unit_id, latest_version, created_by, created_at, updated_at)"
        " VALUES (:i, :t, 'unpublished', :o, 1, :a, :c, :u)",
      soci::use(id), soci::use(type), soci::use(org, org_ind), soci::use(author.account_id), soci::use(now),
      soci::use(now);
  *s << "INSERT INTO wb_publication_versions (publication_id, version, title, summary, markdown, html, plain_text,"
        " attachments, author, created_at, review_state) VALUES (:i, 1, :t, :s, :m, :h, :p, :a, :au, :c, 'draft')",
      soci::use(id), soci::use(fields.title), soci::use(fields.summary), soci::use(fields.markdown),
      soci::use(rendered.html), soci::use(rendered.text), soci::use(attachments), soci::use(author.account_id),
      soci::use(now);
  tx.commit();
  return id;
}

int ContentService::edit(const Principal& author, const std::string& id, const json& f) {
  auto fields = fields_of(f, blobs_);
  auto rendered = render_markdown(fields.markdown);
  std::string now = utc_now_iso(), attachments = fields.attachments.dump();
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  auto v = latest(*s, id);
  if (v.review_state == "submitted")
    throw Problem::conflict("content.in_review", "该版本正在审核中，请等待审核结果或由审核人退回后再修改");
  int number = v.number;
  if (v.review_state == "draft" || v.review_state == "rejected") {
    *s << "UPDATE wb_publication_versions SET title = :t, summary = :s, markdown = :m, html = :h, plain_text = :p,"
          " attachments = :a, author = :au, created_at = :c, review_state = 'draft', reviewer = NULL, review_note = NULL,"
          " reviewed_at = NULL"
          " WHERE publication_id = :i AND version = :v",
        soci::use(fields.title), soci::use(fields.summary), soci::use(fields.markdown), soci::use(rendered.html),
        soci::use(rendered.text), soci::use(attachments), soci::use(author.account_id), soci::use(now), soci::use(id),
        soci::use(number);
  } else {  // approved: the next version starts, the approved one stays as it was
    ++number;
    *s << "INSERT INTO wb_publication_versions (publication_id, version, title, summary, markdown, html, plain_text,"
          " attachments, author, created_at, review_state) VALUES (:i, :v, :t, :s, :m, :h, :p, :a, :au, :c, 'draft')",
        soci::use(id), soci::use(number), soci::use(fields.title), soci::use(fields.summary), soci::use(fields.markdown),
        soci::use(rendered.html), soci::use(rendered.text), soci::use(attachments), soci::use(author.account_id),
        soci::use(now);
    *s << "UPDATE wb_publications SET latest_version = :v, updated_at = :u WHERE id = :i", soci::use(number),
        soci::use(now), soci::use(id);
  }
  tx.commit();
  return number;
}

void ContentService::submit(const Principal&, const std::string& id) {
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  auto v = latest(*s, id);
  if (v.review_state != "draft" && v.review_state != "rejected")
    throw Problem::conflict("content.not_draft", "只有草稿可以提交审核（当前版本状态：" + v.review_state + "）");
  std::string now = utc_now_iso();
  *s << "UPDATE wb_publication_versions SET review_state = 'submitted' WHERE publication_id = :i AND version = :v",
      soci::use(id), soci::use(v.number);
  *s << "UPDATE wb_publications SET updated_at = :u WHERE id = :i", soci::use(now), soci::use(id);
  tx.commit();
}

void ContentService::review(const Principal& reviewer, const std::string& id, bool approve, const std::string& note,
                            const std::string& publish_at, const std::string& withdraw_at) {
  std::string when = publish_at.empty() ? "" : normalise_time(publish_at, "publish_at");
  std::string until = withdraw_at.empty() ? "" : normalise_time(withdraw_at, "withdraw_at");
  std::string now = utc_now_iso();
  if (!until.empty() && until <= std::max(when, now))
    throw Problem::bad_request("content.bad_time", "withdraw_at 必须晚于发布时间");
  if (!approve && note.empty()) throw Problem::bad_request("content.note_required", "退回时请填写审核意见");
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  auto v = latest(*s, id);
  if (v.review_state != "submitted") throw Problem::conflict("content.not_submitted", "该内容没有待审核的版本");
  if (v.author == reviewer.account_id)
    throw Problem::conflict("content.own_version", "不能审核自己撰写的版本（审核须由他人进行）");
  std::string state = approve ? "approved" : "rejected";
  *s << "UPDATE wb_publication_versions SET review_state = :r, reviewer = :w, review_note = :n, reviewed_at = :t"
        " WHERE publication_id = :i AND version = :v",
      soci::use(state), soci::use(reviewer.account_id), soci::use(note), soci::use(now), soci::use(id),
      soci::use(v.number);
  *s << "INSERT INTO wb_publication_reviews (publication_id, version, decision, reviewer, note, at)"
        " VALUES (:i, :v, :d, :r, :n, :t)",
      soci::use(id), soci::use(v.number), soci::use(state), soci::use(reviewer.account_id), soci::use(note),
      soci::use(now);
  if (approve) {
    soci::indicator until_ind = until.empty() ? soci::i_null : soci::i_ok;
    *s << "UPDATE wb_publications SET withdraw_at = :w WHERE id = :i", soci::use(until, until_ind), soci::use(id);
    if (when.empty() || when <= now) {
      publish_now(*s, id, v.number);
    } else {
      *s << "UPDATE wb_publications SET publish_at = :p, state = CASE WHEN state = 'published' THEN state"
            " ELSE 'scheduled' END, updated_at = :u WHERE id = :i",
          soci::use(when), soci::use(now), soci::use(id);
    }
  }
  tx.commit();
}

void ContentService::withdraw(const Principal&, const std::string& id, const std::string& at) {
  std::string when = at.empty() ? "" : normalise_time(at, "at");
  std::string now = utc_now_iso();
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  std::string state;
  *s << "SELECT state FROM wb_publications WHERE id = :i", soci::use(id), soci::into(state);
  if (!s->got_data()) throw Problem::not_found("content.not_found", "没有这篇内容");
  if (state != "published" && state != "scheduled")
    throw Problem::conflict("content.not_published", "该内容未发布，无需撤回");
  if (when.empty() || when <= now) withdraw_now(*s, id);
  else
    *s << "UPDATE wb_publications SET withdraw_at = :w, updated_at = :u WHERE id = :i", soci::use(when), soci::use(now),
        soci::use(id);
  tx.commit();
}

void ContentService::publish_now(soci::session& tx, const std::string& id, int version) {
  std::string now = utc_now_iso(), type, title, summary, text;
  tx << "UPDATE wb_publications SET published_version = :v, state = 'published', publish_at = NULL, published_at = :n,"
        " updated_at = :u WHERE id = :i",
      soci::use(version), soci::use(now), soci::use(now), soci::use(id);
  tx << "SELECT p.type, v.title, v.summary, v.plain_text FROM wb_publications p JOIN wb_publication_versions v"
        " ON v.publication_id = p.id AND v.version = :v WHERE p.id = :i",
      soci::use(version), soci::use(id), soci::into(type), soci::into(title), soci::into(summary), soci::into(text);
  search_.put(tx, "content", {id, type, title, summary + "\n" + text, "/content/" + id, {{"type", type}}});
  events_.publish(tx, "kernel", "content.published", json{{"id", id}, {"type", type}, {"version", version}, {"title", title}});
  messages_.publish(tx, "kernel", Message{"content." + type, std::string("新发布的") + type_label(type) + "：" + title,
                                          summary, "/content/" + id, {}});
}

void ContentService::withdraw_now(soci::session& tx, const std::string& id) {
  std::string now = utc_now_iso();
  tx << "UPDATE wb_publications SET state = 'withdrawn', withdraw_at = NULL, publish_at = NULL, updated_at = :u"
        " WHERE id = :i",
      soci::use(now), soci::use(id);
  search_.remove(tx, "content", id);
  events_.publish(tx, "kernel", "content.withdrawn", json{{"id", id}});
}

int ContentService::apply_schedule() {
  std::string now = utc_now_iso();
  std::vector<std::pair<std::string, int>> due_publish;
  std::vector<std::string> due_withdraw;
  auto s = db_.session();
  {
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT p.id, v.version FROM wb_publications p JOIN wb_publication_versions v"
                       " ON v.publication_id = p.id AND v.review_state = 'approved'"
                       " WHERE p.publish_at IS NOT NULL AND p.publish_at <= :n"
                       " AND v.version = (SELECT MAX(version) FROM wb_publication_versions w"
                       " WHERE w.publication_id = p.id AND w.review_state = 'approved')",
         soci::use(now));
    for (auto& r : rows) due_publish.emplace_back(r.get<std::string>(0), static_cast<int>(row_integer(r, 1)));
    soci::rowset<std::string> ids = (s->prepare << "SELECT id FROM wb_publications WHERE withdraw_at IS NOT NULL"
                                                   " AND withdraw_at <= :n AND state = 'published'",
                                     soci::use(now));
    for (auto& id : ids) due_withdraw.push_back(id);
  }
  int changed = 0;
  for (auto& [id, version] : due_publish) {
    WriteTransaction tx(*s, db_.dialect());
    std::string still;  // another node may have done it
    *s << "SELECT publish_at FROM wb_publications WHERE id = :i AND publish_at IS NOT NULL", soci::use(id),
        soci::into(still);
    if (s->got_data()) {
      publish_now(*s, id, version);
      ++changed;
    }
    tx.commit();
  }
  for (auto& id : due_withdraw) {
    WriteTransaction tx(*s, db_.dialect());
    std::string state;
    *s << "SELECT state FROM wb_publications WHERE id = :i AND withdraw_at IS NOT NULL", soci::use(id), soci::into(state);
    if (s->got_data() && state == "published") {
      withdraw_now(*s, id);
      ++changed;
    }
    tx.commit();
  }
  return changed;
}

json ContentService::list(const std::string& type, const std::string& state, int offset, int limit) {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT " << kPublicationColumns
                  << " FROM wb_publications p JOIN wb_publication_versions v ON v.publication_id = p.id"
                     " AND v.version = p.latest_version WHERE (:t1 = '' OR p.type = :t2) AND (:s1 = '' OR p.state = :s2)"
                     " ORDER BY p.updated_at DESC LIMIT :l OFFSET :o",
       soci::use(type, "t1"), soci::use(type, "t2"), soci::use(state, "s1"), soci::use(state, "s2"),
       soci::use(limit, "l"), soci::use(offset, "o"));
  json out = json::array();
  for (auto& r : rows) out.push_back(publication_json(r));
  return out;
}

json ContentService::detail(const std::string& id) {
  auto s = db_.session();
  soci::row r;
  *s << "SELECT " << kPublicationColumns
     << " FROM wb_publications p JOIN wb_publication_versions v ON v.publication_id = p.id"
        " AND v.version = p.latest_version WHERE p.id = :i",
      soci::use(id), soci::into(r);
  if (!s->got_data()) throw Problem::not_found("content.not_found", "没有这篇内容");
  json out = publication_json(r);
  out["versions"] = json::array();
  soci::rowset<soci::row> versions =
      (s->prepare << "SELECT v.version, v.title, v.author, v.created_at, v.review_state, v.reviewer, v.review_note,"
                     " v.reviewed_at, au.display_name, rv.display_name FROM wb_publication_versions v"
                     " LEFT JOIN wb_accounts au ON au.id = v.author LEFT JOIN wb_accounts rv ON rv.id = v.reviewer"
                     " WHERE v.publication_id = :i ORDER BY v.version DESC",
       soci::use(id));
  for (auto& v : versions)
    out["versions"].push_back({{"version", row_integer(v, 0)}, {"title", v.get<std::string>(1)},
                               {"author", v.get<std::string>(2)}, {"created_at", v.get<std::string>(3)},
                               {"review_state", v.get<std::string>(4)}, {"reviewer", optional_text(v, 5)},
                               {"review_note", optional_text(v, 6)}, {"reviewed_at", optional_text(v, 7)},
                               {"author_name", optional_text(v, 8)}, {"reviewer_name", optional_text(v, 9)}});
  out["reviews"] = json::array();
  soci::rowset<soci::row> reviews = (s->prepare << "SELECT r.version, r.decision, r.reviewer, r.note, r.at, a.display_name"
                                                   " FROM wb_publication_reviews r LEFT JOIN wb_accounts a ON a.id = r.reviewer"
                                                   " WHERE r.publication_id = :i ORDER BY r.at DESC",
                                     soci::use(id));
  for (auto& v : reviews)
    out["reviews"].push_back({{"version", row_integer(v, 0)}, {"decision", v.get<std::string>(1)},
                              {"reviewer", v.get<std::string>(2)}, {"note", v.get<std::string>(3)},
                              {"at", v.get<std::string>(4)}, {"reviewer_name", optional_text(v, 5)}});
  return out;
}

json ContentService::version(const std::string& id, int number) {
  auto s = db_.session();
  soci::row r;
  *s << "SELECT version, title, summary, markdown, html, attachments, author, created_at, review_state, review_note"
        " FROM wb_publication_versions WHERE publication_id = :i AND version = :v",
      soci::use(id), soci::use(number), soci::into(r);
  if (!s->got_data()) throw Problem::not_found("content.version_not_found", "没有这个版本");
  return {{"id", id}, {"version", row_integer(r, 0)}, {"title", r.get<std::string>(1)},
          {"summary", r.get<std::string>(2)}, {"markdown", r.get<std::string>(3)}, {"html", r.get<std::string>(4)},
          {"attachments", json::parse(r.get<std::string>(5))}, {"author", r.get<std::string>(6)},
          {"created_at", r.get<std::string>(7)}, {"review_state", r.get<std::string>(8)},
          {"review_note", optional_text(r, 9)}};
}

json ContentService::public_list(const std::string& type, int offset, int limit) {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT p.id, p.type, p.published_at, v.title, v.summary FROM wb_publications p"
                     " JOIN wb_publication_versions v ON v.publication_id = p.id AND v.version = p.published_version"
                     " WHERE p.state = 'published' AND (:t1 = '' OR p.type = :t2)"
                     " ORDER BY p.published_at DESC LIMIT :l OFFSET :o",
       soci::use(type, "t1"), soci::use(type, "t2"), soci::use(limit, "l"), soci::use(offset, "o"));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)}, {"type", r.get<std::string>(1)},
                   {"type_label", type_label(r.get<std::string>(1))}, {"published_at", row_text(r, 2)},
                   {"title", r.get<std::string>(3)}, {"summary", r.get<std::string>(4)}});
  return out;
}

json ContentService::public_item(const std::string& id) {
  auto s = db_.session();
  soci::row r;
  *s << "SELECT p.id, p.type, p.published_at, p.published_version, v.title, v.summary, v.html, v.attachments"
        " FROM wb_publications p JOIN wb_publication_versions v ON v.publication_id = p.id"
        " AND v.version = p.published_version WHERE p.id = :i AND p.state = 'published'",
      soci::use(id), soci::into(r);
  if (!s->got_data()) throw Problem::not_found("content.not_found", "没有这篇内容，或它已撤回");
  return {{"id", r.get<std::string>(0)},       {"type", r.get<std::string>(1)},
          {"type_label", type_label(r.get<std::string>(1))},
          {"published_at", row_text(r, 2)},     {"version", row_integer(r, 3)},
          {"title", r.get<std::string>(4)},     {"summary", r.get<std::string>(5)},
          {"html", r.get<std::string>(6)},      {"attachments", json::parse(r.get<std::string>(7))}};
}

std::optional<Publication> ContentService::published(const std::string& id) {
  json item;
  try {
    item = public_item(id);
  } catch (const Problem& p) {
    if (p.status() == 404) return std::nullopt;
    throw;
  }
  Publication out{item["id"], item["type"], item["title"], item["summary"], item["html"], item["published_at"],
                  item["version"], {}};
  for (auto& a : item["attachments"])
    out.attachments.push_back({a.value("name", ""), a.value("sm3", ""), a.value("content_type", ""), a.value("size", 0ull)});
  return out;
}

std::vector<Publication> ContentService::published_list(const std::string& type, int offset, int limit) {
  std::vector<Publication> out;
  for (auto& p : public_list(type, std::max(0, offset), std::clamp(limit, 1, 100)))
    out.push_back({p["id"], p["type"], p["title"], p["summary"], "", p["published_at"], 0, {}});
  return out;
}

json ContentService::attach(const std::string& name, const std::string& content_type, const std::string& bytes) {
  if (name.empty() || utf8_characters(name) > 200 || name.find_first_of("/\\\r\n\"") != std::string::npos)
    throw Problem::bad_request("content.bad_name", "附件名称不能为空、不超过 200 个字符，且不能含 / \\ \" 或换行");
  if (bytes.empty()) throw Problem::bad_request("content.empty_attachment", "附件是空文件");
  // The declared type must be what the bytes are, as libmagic reads them. OFD, DOCX and XLSX
  // are ZIP packages; libmagic may name them only as such.
  static const char* allowed[] = {"application/pdf",
                                  "image/png",
                                  "image/jpeg",
                                  "application/ofd",
                                  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
                                  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                                  "text/plain"};
  if (std::find(std::begin(allowed), std::end(allowed), content_type) == std::end(allowed))
    throw Problem(415, "content.attachment_type",
                  "不支持的附件类型 " + content_type.substr(0, 100) + "（可用 PDF、OFD、PNG、JPEG、DOCX、XLSX、纯文本）");
  std::string detected = detect_content_type(bytes);
  bool zip_package = content_type == "application/ofd" || content_type.starts_with("application/vnd.openxmlformats");
  bool matches = detected == content_type || (zip_package && detected == "application/zip") ||
                 (content_type == "text/plain" && detected.starts_with("text/") && detected != "text/html" &&
                  detected != "text/xml");
  if (!matches)
    throw Problem::bad_request("content.attachment_mismatch",
                               "附件内容（" + detected + "）与声明的类型 " + content_type + " 不符");
  auto ref = blobs_.put(bytes);
  return {{"name", name}, {"sm3", ref.sm3}, {"size", ref.size}, {"content_type", content_type}};
}

Attachment ContentService::attachment(const std::string& id, const std::string& sm3, bool published_only) {
  auto s = db_.session();
  soci::rowset<std::string> lists =
      published_only
          ? (s->prepare << "SELECT v.attachments FROM wb_publications p JOIN wb_publication_versions v"
                           " ON v.publication_id = p.id AND v.version = p.published_version"
                           " WHERE p.id = :i AND p.state = 'published'",
             soci::use(id))
          : (s->prepare << "SELECT attachments FROM wb_publication_versions WHERE publication_id = :i", soci::use(id));
  for (auto& list : lists)
    for (auto& a : json::parse(list))
      if (a.value("sm3", "") == sm3) return {blobs_.read(sm3), a.value("content_type", "application/octet-stream"), a.value("name", sm3)};
  throw Problem::not_found("content.attachment_not_found", "没有这个附件");
}

}  // namespace wangban::kernel
