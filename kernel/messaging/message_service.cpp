// MessageService: the SQL of messages, inboxes and subscriptions.
#include "messaging/message_service.hpp"

#include <algorithm>
#include <map>
#include <regex>
#include <set>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "util/digest.hpp"
#include "util/text.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

void check_topic(const std::string& topic, bool allow_wildcard) {
  static const std::regex exact(R"(^[a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*$)");
  static const std::regex wildcard(R"(^([a-z][a-z0-9_-]*(\.[a-z0-9_-]+)*\.)?\*$)");
  bool ok = topic.size() <= 200 &&
            (std::regex_match(topic, exact) || (allow_wildcard && std::regex_match(topic, wildcard)));
  if (!ok)
    throw Problem::bad_request("message.bad_topic", "主题格式不正确：" + topic.substr(0, 200) +
                                                        "（小写字母、数字和点，如 case.status；订阅可用 case.*）");
}

void check_channels(const std::vector<std::string>& channels, bool allow_inbox) {
  for (auto& c : channels)
    if (!(c == "email" || c == "sms" || (allow_inbox && c == "inbox")))
      throw Problem::bad_request("message.bad_channel", "不支持的渠道：" + c.substr(0, 50) + "（可用 email、sms）");
}

void check_message(const Message& m) {
  check_topic(m.topic, false);
  if (m.title.empty() || utf8_characters(m.title) > 200)
    throw Problem::bad_request("message.bad_title", "消息标题不能为空，且不超过 200 个字符");
  if (m.body.size() > 20000) throw Problem::bad_request("message.too_long", "消息正文过长（最多 20000 字节）");
  // Links open pages of this platform only: no other site, no javascript: or data: URLs.
  if (!m.link.empty() && (m.link.front() != '/' || m.link.starts_with("//") || m.link.size() > 1000))
    throw Problem::bad_request("message.bad_link", "消息链接必须是本站路径（以 / 开头）");
}

// Does a subscription topic ("case.status", "case.*", "*") cover the message topic?
bool covers(const std::string& subscription, const std::string& topic) {
  if (subscription == topic || subscription == "*") return true;
  if (subscription.size() >= 2 && subscription.ends_with(".*")) {
    auto prefix = subscription.substr(0, subscription.size() - 1);  // keeps the dot
    return topic.starts_with(prefix);
  }
  return false;
}

std::vector<std::string> column(soci::rowset<std::string> rows) {
  std::vector<std::string> out;
  for (auto& r : rows) out.push_back(r);
  return out;
}

}  // namespace

MessageService::MessageService(Database& db, EventBus& events, std::function<void()> on_sent)
    : db_(db), events_(events), on_sent_(std::move(on_sent)) {}

const std::vector<std::string>& MessageService::channels() {
  static const std::vector<std::string> all = {"inbox", "email", "sms"};
  return all;
}

std::string MessageService::send(soci::session& tx, const std::string& sender, const Recipient& to,
                                 const Message& message) {
  check_message(message);
  check_channels(message.channels, false);
  std::vector<std::string> accounts;
  std::string kind;
  switch (to.kind) {
    case Recipient::Kind::account: {
      kind = "account";
      accounts = column((tx.prepare << "SELECT id FROM wb_accounts WHERE id = :i AND disabled = 0", soci::use(to.id)));
      if (accounts.empty()) throw Problem::bad_request("message.unknown_recipient", "收件账号不存在或已停用");
      break;
    }
    case Recipient::Kind::org_unit: {
      kind = "org_unit";
      std::string path;
      tx << "SELECT path FROM wb_org_units WHERE id = :i", soci::use(to.id), soci::into(path);
      if (!tx.got_data()) throw Problem::bad_request("message.unknown_recipient", "收件机构不存在");
      std::string like = path + "%";
      accounts = column((tx.prepare << "SELECT a.id FROM wb_accounts a JOIN wb_org_units o ON o.id = a.org_unit_id"
                                       " WHERE o.path LIKE :p AND a.disabled = 0 ORDER BY a.id",
                         soci::use(like)));
      break;
    }
    case Recipient::Kind::role: {
      kind = "role";
      int n = 0;
      tx << "SELECT COUNT(*) FROM wb_roles WHERE name = :r", soci::use(to.id), soci::into(n);
      if (n == 0) throw Problem::bad_request("message.unknown_recipient", "收件角色不存在：" + to.id.substr(0, 100));
      std::string like = "%";
      if (!to.org_unit_id.empty()) {
        std::string path;
        tx << "SELECT path FROM wb_org_units WHERE id = :i", soci::use(to.org_unit_id), soci::into(path);
        if (!tx.got_data()) throw Problem::bad_request("message.unknown_recipient", "收件机构不存在");
        like = path + "%";
      }
      accounts = column((tx.prepare << "SELECT DISTINCT r.account_id FROM wb_role_assignments r"
                                       " JOIN wb_org_units o ON o.id = r.org_unit_id JOIN wb_accounts a ON a.id = r.account_id"
                                       " WHERE r.role = :r AND o.path LIKE :p AND a.disabled = 0 ORDER BY r.account_id",
                         soci::use(to.id), soci::use(like)));
      break;
    }
  }
  std::string recipient = to.kind == Recipient::Kind::role && !to.org_unit_id.empty() ? to.id + "@" + to.org_unit_id : to.id;
  std::vector<std::pair<std::string, std::string>> with_channels;
  std::string extra = join_list(message.channels);
  for (auto& a : accounts) with_channels.emplace_back(a, extra);
  return store(tx, sender, kind, recipient, message, with_channels);
}

std::string MessageService::publish(soci::session& tx, const std::string& sender, const Message& message) {
  check_message(message);
  if (!message.channels.empty())
    throw Problem::bad_request("message.bad_channel", "发布到主题时由订阅者选择渠道，不能指定 channels");
  std::map<std::string, std::set<std::string>> subscribers;  // account -> extra channels
  soci::rowset<soci::row> rows =
      (tx.prepare << "SELECT s.account_id, s.topic, s.channels FROM wb_subscriptions s JOIN wb_accounts a"
                     " ON a.id = s.account_id WHERE a.disabled = 0 AND (s.topic = :t OR s.topic LIKE '%*')",
       soci::use(message.topic));
  for (auto& r : rows) {
    if (!covers(r.get<std::string>(1), message.topic)) continue;
    auto& channels = subscribers[r.get<std::string>(0)];
    for (auto& c : split_list(r.get<std::string>(2)))
      if (c != "inbox") channels.insert(c);
  }
  std::vector<std::pair<std::string, std::string>> with_channels;
  for (auto& [account, channels] : subscribers)
    with_channels.emplace_back(account, join_list(std::vector<std::string>(channels.begin(), channels.end())));
  return store(tx, sender, "topic", message.topic, message, with_channels);
}

std::string MessageService::store(soci::session& tx, const std::string& sender, const std::string& kind,
                                  const std::string& recipient, const Message& m,
                                  const std::vector<std::pair<std::string, std::string>>& accounts) {
  std::string id = uuid_v4(), at = utc_now_iso(), channels = join_list(m.channels);
  long long ms = epoch_ms_now();
  tx << "INSERT INTO wb_messages (id, topic, title, body, link, sender, recipient_kind, recipient, channels, created_at,"
        " created_ms) VALUES (:i, :t, :ti, :b, :l, :s, :k, :r, :c, :at, :ms)",
      soci::use(id), soci::use(m.topic), soci::use(m.title), soci::use(m.body), soci::use(m.link), soci::use(sender),
      soci::use(kind), soci::use(recipient), soci::use(channels), soci::use(at), soci::use(ms);
  std::string account, extra;
  soci::statement insert = (tx.prepare << "INSERT INTO wb_inbox (message_id, account_id, channels) VALUES (:m, :a, :c)",
                            soci::use(id), soci::use(account), soci::use(extra));
  for (auto& [a, c] : accounts) {
    account = a;
    extra = c;
    insert.execute(true);
  }
  events_.publish(tx, "kernel", kCreatedTopic, json{{"message_id", id}, {"recipients", accounts.size()}});
  if (on_sent_) on_sent_();
  return id;
}

json MessageService::inbox(const std::string& account_id, bool unread_only, long long before, int limit) {
  auto s = db_.session();
  if (before <= 0) before = 1LL << 62;
  int unread_flag = unread_only ? 1 : 0;
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT i.seq, m.id, m.topic, m.title, m.body, m.link, m.sender, m.created_at, i.read_at"
                     " FROM wb_inbox i JOIN wb_messages m ON m.id = i.message_id WHERE i.account_id = :a AND i.seq < :b"
                     " AND (:u = 0 OR i.read_at IS NULL) ORDER BY i.seq DESC LIMIT :l",
       soci::use(account_id), soci::use(before), soci::use(unread_flag), soci::use(limit));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"seq", row_integer(r, 0)}, {"id", r.get<std::string>(1)}, {"topic", r.get<std::string>(2)},
                   {"title", r.get<std::string>(3)}, {"body", r.get<std::string>(4)}, {"link", r.get<std::string>(5)},
                   {"sender", r.get<std::string>(6)}, {"created_at", r.get<std::string>(7)},
                   {"read_at", r.get_indicator(8) == soci::i_null ? json(nullptr) : json(r.get<std::string>(8))}});
  int unread = 0;
  *s << "SELECT COUNT(*) FROM wb_inbox WHERE account_id = :a AND read_at IS NULL", soci::use(account_id),
      soci::into(unread);
  return {{"messages", out}, {"unread", unread}};
}

void MessageService::mark_read(const std::string& account_id, const std::string& message_id) {
  auto s = db_.session();
  std::string now = utc_now_iso();
  int n = 0;
  *s << "SELECT COUNT(*) FROM wb_inbox WHERE account_id = :a AND message_id = :m", soci::use(account_id),
      soci::use(message_id), soci::into(n);
  if (n == 0) throw Problem::not_found("message.not_found", "没有这条消息");
  *s << "UPDATE wb_inbox SET read_at = :t WHERE account_id = :a AND message_id = :m AND read_at IS NULL", soci::use(now),
      soci::use(account_id), soci::use(message_id);
}

int MessageService::mark_all_read(const std::string& account_id) {
  auto s = db_.session();
  std::string now = utc_now_iso();
  soci::statement st = (s->prepare << "UPDATE wb_inbox SET read_at = :t WHERE account_id = :a AND read_at IS NULL",
                        soci::use(now), soci::use(account_id));
  st.execute(true);
  return static_cast<int>(st.get_affected_rows());
}

json MessageService::subscriptions(const std::string& account_id) {
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT topic, channels, created_at FROM wb_subscriptions"
                                                " WHERE account_id = :a ORDER BY topic",
                                  soci::use(account_id));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"topic", r.get<std::string>(0)}, {"channels", split_list(r.get<std::string>(1))},
                   {"created_at", r.get<std::string>(2)}});
  return out;
}

void MessageService::subscribe(const std::string& account_id, const std::string& topic,
                               const std::vector<std::string>& channels) {
  check_topic(topic, true);
  check_channels(channels, true);
  std::vector<std::string> sorted(channels);
  if (std::find(sorted.begin(), sorted.end(), "inbox") == sorted.end()) sorted.push_back("inbox");  // always in-site
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  auto s = db_.session();
  std::string list = join_list(sorted), now = utc_now_iso();
  WriteTransaction tx(*s, db_.dialect());
  *s << "DELETE FROM wb_subscriptions WHERE account_id = :a AND topic = :t", soci::use(account_id), soci::use(topic);
  *s << "INSERT INTO wb_subscriptions (account_id, topic, channels, created_at) VALUES (:a, :t, :c, :n)",
      soci::use(account_id), soci::use(topic), soci::use(list), soci::use(now);
  tx.commit();
}

void MessageService::unsubscribe(const std::string& account_id, const std::string& topic) {
  auto s = db_.session();
  soci::statement st = (s->prepare << "DELETE FROM wb_subscriptions WHERE account_id = :a AND topic = :t",
                        soci::use(account_id), soci::use(topic));
  st.execute(true);
  if (st.get_affected_rows() == 0) throw Problem::not_found("message.not_subscribed", "没有订阅这个主题");
}

int MessageService::purge_older_than(int days) {
  long long cutoff = epoch_ms_now() - days * 86400000LL;
  auto s = db_.session();
  WriteTransaction tx(*s, db_.dialect());
  const char* old = "SELECT id FROM wb_messages WHERE created_ms < :c";
  *s << "DELETE FROM wb_delivery_attempts WHERE delivery_id IN (SELECT id FROM wb_deliveries WHERE message_id IN ("
     << old << "))", soci::use(cutoff);
  *s << "DELETE FROM wb_deliveries WHERE message_id IN (" << old << ")", soci::use(cutoff);
  *s << "DELETE FROM wb_inbox WHERE message_id IN (" << old << ")", soci::use(cutoff);
  soci::statement st = (s->prepare << "DELETE FROM wb_messages WHERE created_ms < :c", soci::use(cutoff));
  st.execute(true);
  tx.commit();
  return static_cast<int>(st.get_affected_rows());
}

}  // namespace wangban::kernel
