// EventBus: outbox writes, the dispatcher loop, de-duplicated delivery with retries.
#include "events/event_bus.hpp"

#include <optional>
#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "db/sql_database.hpp"
#include "plugins/plugin_gate.hpp"
#include "util/digest.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {

struct EventBus::Subscription {
  std::string plugin;
  std::string handler;  // "<plugin>:<name>", the de-duplication key
  std::string topic;    // exact topic, or the prefix when `prefix`
  bool prefix = false;
  EventHandler fn;      // plugin code: destroyed before the plugin unloads
  std::shared_ptr<PluginGate> gate;
};

namespace {

bool valid_topic(std::string_view t) {
  if (t.empty() || t.size() > 200) return false;
  for (char c : t)
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-')) return false;
  return true;
}

}  // namespace

EventBus::EventBus(Database& db, const EventsConfig& config, std::shared_ptr<spdlog::logger> log)
    : db_(db), config_(config), log_(std::move(log)) {}

EventBus::~EventBus() { stop(); }

void EventBus::start() {
  if (!config_.dispatch || thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] {
    std::unique_lock lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        dispatch_once();
      } catch (const std::exception& e) {
        log_->error("event dispatch pass failed: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, std::chrono::milliseconds(config_.poll_interval_ms), [this] { return woken_ || stopping_; });
      woken_ = false;
    }
  });
}

void EventBus::stop() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void EventBus::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

std::string EventBus::publish(soci::session& tx, const std::string& source, std::string_view topic,
                              const nlohmann::json& payload) {
  if (!valid_topic(topic))
    throw Problem::internal("event.bad_topic", "event topic must be letters, digits, '.', '_' or '-': " + std::string(topic));
  std::string id = uuid_v4(), t(topic), body = payload.dump(), now = utc_now_iso();
  tx << "INSERT INTO wb_outbox (event_id, topic, source, payload, created_at) VALUES (:i, :t, :s, :p, :c)",
      soci::use(id), soci::use(t), soci::use(source), soci::use(body), soci::use(now);
  wake();  // the dispatcher looks soon; if the transaction is not committed yet, the next poll finds it
  return id;
}

void EventBus::subscribe(const std::string& plugin, std::shared_ptr<PluginGate> gate, std::string handler_name,
                         std::string topic, EventHandler handler) {
  auto sub = std::make_shared<Subscription>();
  sub->plugin = plugin;
  sub->handler = plugin + ":" + handler_name;
  sub->prefix = topic.ends_with("*");
  sub->topic = sub->prefix ? topic.substr(0, topic.size() - 1) : topic;
  if (handler_name.empty() || (!sub->prefix && !valid_topic(sub->topic)) || (sub->prefix && !sub->topic.empty() && !valid_topic(sub->topic)))
    throw std::invalid_argument("events: bad handler name or topic: " + handler_name + " / " + topic);
  sub->fn = std::move(handler);
  sub->gate = std::move(gate);
  std::lock_guard lock(mutex_);
  for (auto& s : subs_)
    if (s->handler == sub->handler) throw std::invalid_argument("events: handler registered twice: " + sub->handler);
  subs_.push_back(std::move(sub));
  woken_ = true;
  wake_.notify_all();
}

void EventBus::unsubscribe_plugin(const std::string& plugin) {
  std::lock_guard pass(pass_mutex_);  // no delivery of any plugin is running now
  std::lock_guard lock(mutex_);
  for (auto& s : subs_)
    if (s->plugin == plugin) s->fn = nullptr;
  std::erase_if(subs_, [&](auto& s) { return s->plugin == plugin; });
}

int EventBus::dispatch_once() {
  std::lock_guard pass(pass_mutex_);
  std::vector<std::shared_ptr<Subscription>> subs;
  {
    std::lock_guard lock(mutex_);
    subs = subs_;
  }
  int delivered = 0;
  long long backlog = 0;
  for (auto& sub : subs) {
    std::optional<GatePass> in;  // the kernel's own subscriptions have no gate
    if (sub->gate) {
      in.emplace(*sub->gate);
      if (!*in) continue;
    }
    int n = deliver_pending(*sub);
    if (n > 0) delivered += n;
    else backlog += -n;
  }
  backlog_ = backlog;
  return delivered;
}

// Delivers what is due for one subscription. Returns the number delivered, or
// minus the number still pending when nothing could be delivered.
int EventBus::deliver_pending(Subscription& sub) {
  struct Pending {
    Event event;
    int attempts;
  };
  std::vector<Pending> due;
  {
    auto s = db_.session();
    long long now = epoch_ms_now();
    int max = config_.max_attempts;
    std::string topic = sub.topic;
    int prefix_len = static_cast<int>(topic.size());
    int is_prefix = sub.prefix ? 1 : 0;
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT o.event_id, o.topic, o.source, o.payload, o.created_at, r.attempts"
                       " FROM wb_outbox o LEFT JOIN wb_event_retry r ON r.handler = :h1 AND r.event_id = o.event_id"
                       " WHERE ((:p1 = 0 AND o.topic = :t1) OR (:p2 = 1 AND substr(o.topic, 1, :n) = :t2))"
                       " AND NOT EXISTS (SELECT 1 FROM wb_event_processed p WHERE p.handler = :h2 AND p.event_id = o.event_id)"
                       " AND (r.event_id IS NULL OR (r.next_attempt_ms <= :now AND r.attempts < :max))"
                       " ORDER BY o.seq LIMIT 100",
         soci::use(sub.handler, "h1"), soci::use(is_prefix, "p1"), soci::use(topic, "t1"),
         soci::use(is_prefix, "p2"), soci::use(prefix_len, "n"), soci::use(topic, "t2"),
         soci::use(sub.handler, "h2"), soci::use(now, "now"), soci::use(max, "max"));
    for (auto& r : rows) {
      Pending p;
      p.event.id = r.get<std::string>(0);
      p.event.topic = r.get<std::string>(1);
      p.event.source = r.get<std::string>(2);
      p.event.payload = r.get<std::string>(3);
      p.event.created_at = r.get<std::string>(4);
      p.attempts = static_cast<int>(row_integer(r, 5));
      p.event.attempt = p.attempts + 1;
      due.push_back(std::move(p));
    }
  }
  int delivered = 0;
  for (auto& p : due) {
    auto s = db_.session();
    std::string error;
    try {
      WriteTransaction tx(*s, db_.dialect());
      std::string now = utc_now_iso();
      soci::statement claim = (s->prepare << "INSERT INTO wb_event_processed (handler, event_id, processed_at)"
                                             " VALUES (:h, :e, :t) ON CONFLICT DO NOTHING",
                               soci::use(sub.handler), soci::use(p.event.id), soci::use(now));
      claim.execute(true);
      if (claim.get_affected_rows() == 0) {
        tx.rollback();  // another node or an earlier pass already handled it
        continue;
      }
      sub.fn(p.event, *s);
      *s << "DELETE FROM wb_event_retry WHERE handler = :h AND event_id = :e", soci::use(sub.handler),
          soci::use(p.event.id);
      tx.commit();
      ++delivered;
      continue;
    } catch (const Problem& e) {
      error = e.code() + ": " + e.detail();
    } catch (const std::exception& e) {
      error = e.what();
    } catch (...) {
      error = "non-standard exception";
    }
    // The transaction rolled back; record the failure for a later retry.
    int attempts = p.attempts + 1;
    long long delay = config_.backoff_base_ms;
    for (int i = 1; i < attempts && delay < config_.backoff_max_ms; ++i) delay *= 2;
    delay = std::min<long long>(delay, config_.backoff_max_ms);
    long long next = epoch_ms_now() + delay;
    try {
      WriteTransaction tx(*s, db_.dialect());
      *s << "DELETE FROM wb_event_retry WHERE handler = :h AND event_id = :e", soci::use(sub.handler),
          soci::use(p.event.id);
      *s << "INSERT INTO wb_event_retry (handler, event_id, attempts, next_attempt_ms, last_error)"
            " VALUES (:h, :e, :a, :n, :l)",
          soci::use(sub.handler), soci::use(p.event.id), soci::use(attempts), soci::use(next), soci::use(error);
      tx.commit();
    } catch (const std::exception& e) {
      log_->error("cannot record the failed delivery of {} to {}: {}", p.event.id, sub.handler, e.what());
    }
    if (attempts >= config_.max_attempts)
      log_->error("event {} ({}) parked for {} after {} attempts: {}", p.event.id, p.event.topic, sub.handler, attempts, error);
    else
      log_->warn("event {} ({}) failed in {} (attempt {}), retry in {} ms: {}", p.event.id, p.event.topic, sub.handler,
                 attempts, delay, error);
  }
  return delivered > 0 ? delivered : -static_cast<int>(due.size());
}

EventStats EventBus::stats() {
  EventStats st;
  auto s = db_.session();
  int max = config_.max_attempts;
  *s << "SELECT COUNT(*) FROM wb_outbox", soci::into(st.outbox_events);
  *s << "SELECT COUNT(*) FROM wb_event_retry WHERE attempts < :m", soci::use(max), soci::into(st.retrying);
  *s << "SELECT COUNT(*) FROM wb_event_retry WHERE attempts >= :m", soci::use(max), soci::into(st.dead);
  st.backlog = backlog_;
  return st;
}

std::string PluginEvents::publish(soci::session& tx, std::string_view topic, const nlohmann::json& payload) {
  return bus_.publish(tx, plugin_, topic, payload);
}

void PluginEvents::subscribe(std::string handler_name, std::string topic, EventHandler handler) {
  bus_.subscribe(plugin_, gate_, std::move(handler_name), std::move(topic), std::move(handler));
}

}  // namespace wangban::kernel
