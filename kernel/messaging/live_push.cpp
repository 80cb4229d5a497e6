// LivePush: the follower thread, the event format and stream bookkeeping.
#include "messaging/live_push.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "db/sql_database.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

constexpr long long kLookBack = 200;  // inbox rows looked at again for late PostgreSQL commits

const char* kSelect =
    "SELECT i.seq, i.account_id, m.id, m.topic, m.title, m.body, m.link, m.created_at FROM wb_inbox i"
    " JOIN wb_messages m ON m.id = i.message_id";

std::string event_of(const soci::row& r) {
  json data = {{"seq", row_integer(r, 0)}, {"id", r.get<std::string>(2)}, {"topic", r.get<std::string>(3)},
               {"title", r.get<std::string>(4)}, {"body", r.get<std::string>(5)}, {"link", r.get<std::string>(6)},
               {"created_at", r.get<std::string>(7)}};
  return "id: " + std::to_string(row_integer(r, 0)) + "\nevent: message\ndata: " + data.dump() + "\n\n";
}

}  // namespace

LivePush::LivePush(Database& db, std::shared_ptr<spdlog::logger> log, std::chrono::milliseconds poll,
                   std::chrono::milliseconds heartbeat)
    : db_(db), log_(std::move(log)), poll_(poll), heartbeat_(heartbeat) {}

LivePush::~LivePush() { stop(); }

void LivePush::start() {
  {
    auto s = db_.session();
    soci::indicator ind = soci::i_null;
    long long max = 0;
    *s << "SELECT MAX(seq) FROM wb_inbox", soci::into(max, ind);
    last_seq_ = ind == soci::i_ok ? max : 0;
    // Rows that existed before this node started following are not news.
    long long from = last_seq_ - kLookBack;
    soci::rowset<long long> seqs = (s->prepare << "SELECT seq FROM wb_inbox WHERE seq > :s", soci::use(from));
    for (auto seq : seqs) pushed_.insert(seq);
  }
  thread_ = std::thread([this] { run(); });
}

void LivePush::stop() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(mutex_);
  sinks_.clear();
}

void LivePush::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

std::size_t LivePush::streams() const {
  std::lock_guard lock(mutex_);
  return sinks_.size();
}

StreamStart LivePush::open(const std::string& account_id, long long last_event_id) {
  std::string first = "retry: 3000\n\n";
  {
    auto s = db_.session();
    int unread = 0;
    *s << "SELECT COUNT(*) FROM wb_inbox WHERE account_id = :a AND read_at IS NULL", soci::use(account_id),
        soci::into(unread);
    first += "event: unread\ndata: " + json{{"unread", unread}}.dump() + "\n\n";
    if (last_event_id > 0) {  // what a reconnecting browser missed
      soci::rowset<soci::row> rows = (s->prepare << kSelect << " WHERE i.account_id = :a AND i.seq > :s ORDER BY i.seq LIMIT 100",
                                      soci::use(account_id), soci::use(last_event_id));
      for (auto& r : rows) first += event_of(r);
    }
  }
  return [this, account_id, first = std::move(first)](std::shared_ptr<StreamSink> sink) {
    if (!sink->write(first)) return;
    std::lock_guard lock(mutex_);
    if (!stopping_) sinks_.emplace(account_id, std::move(sink));
  };
}

void LivePush::run() {
  auto next_heartbeat = std::chrono::steady_clock::now() + heartbeat_;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, poll_, [this] { return woken_ || stopping_; });
    if (stopping_) break;
    woken_ = false;
    lock.unlock();
    try {
      push_new();
      if (std::chrono::steady_clock::now() >= next_heartbeat) {
        heartbeat();
        next_heartbeat = std::chrono::steady_clock::now() + heartbeat_;
      }
    } catch (const std::exception& e) {
      log_->warn("live push: {}", e.what());
    }
    lock.lock();
  }
}

void LivePush::push_new() {
  long long from;
  {
    std::lock_guard lock(mutex_);
    from = std::max<long long>(0, last_seq_ - kLookBack);
  }
  std::vector<std::pair<std::string, std::pair<long long, std::string>>> events;  // account, (seq, text)
  {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << kSelect << " WHERE i.seq > :s ORDER BY i.seq LIMIT 1000", soci::use(from));
    for (auto& r : rows) events.push_back({r.get<std::string>(1), {row_integer(r, 0), event_of(r)}});
  }
  std::lock_guard lock(mutex_);
  for (auto& [account, e] : events) {
    auto [seq, text] = e;
    if (seq <= last_seq_ - kLookBack || pushed_.count(seq)) continue;
    pushed_.insert(seq);
    last_seq_ = std::max(last_seq_, seq);
    auto [begin, end] = sinks_.equal_range(account);
    for (auto it = begin; it != end;) {
      if (it->second->write(text)) ++it;
      else it = sinks_.erase(it);
    }
  }
  while (!pushed_.empty() && *pushed_.begin() <= last_seq_ - kLookBack) pushed_.erase(pushed_.begin());
}

void LivePush::heartbeat() {
  std::lock_guard lock(mutex_);
  for (auto it = sinks_.begin(); it != sinks_.end();) {
    if (it->second->write(": keep-alive\n\n")) ++it;
    else it = sinks_.erase(it);
  }
}

}  // namespace wangban::kernel
