// EventBus: the kernel's outbox dispatcher, and the per-plugin Events facade.
//
// Plugins publish into wb_outbox inside their own transaction. One dispatcher
// thread per node scans the outbox every poll interval (and soon after a
// publish), and delivers each event to each matching subscription in a
// transaction that also records (handler, event) in wb_event_processed, so a
// committed delivery is never repeated. Failures are recorded in
// wb_event_retry and retried with exponential back-off up to max_attempts,
// after which the event is parked for that handler ("dead"). Subscriptions
// are removed before their plugin is unloaded. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "config/config.hpp"
#include "wangban/database.hpp"
#include "wangban/events.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class PluginGate;

struct EventStats {
  long long outbox_events = 0;  // rows in the outbox
  long long retrying = 0;       // (handler, event) pairs waiting for a retry
  long long dead = 0;           // pairs that exhausted their attempts
  long long backlog = 0;        // deliveries found pending in the last pass
};

class EventBus {
 public:
  EventBus(Database& db, const EventsConfig& config, std::shared_ptr<spdlog::logger> log);
  ~EventBus();

  void start();  // starts the dispatcher thread if configured
  void stop();

  std::string publish(soci::session& tx, const std::string& source, std::string_view topic,
                      const nlohmann::json& payload);
  void subscribe(const std::string& plugin, std::shared_ptr<PluginGate> gate, std::string handler_name,
                 std::string topic, EventHandler handler);
  // Removes a plugin's subscriptions and destroys its handlers; call after its gate is drained.
  void unsubscribe_plugin(const std::string& plugin);
  // Runs one dispatch pass now, on the calling thread; returns deliveries made.
  int dispatch_once();
  EventStats stats();
  void wake();

 private:
  struct Subscription;
  int deliver_pending(Subscription& sub);

  Database& db_;
  EventsConfig config_;
  std::shared_ptr<spdlog::logger> log_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false;
  bool stopping_ = false;
  std::vector<std::shared_ptr<Subscription>> subs_;
  std::mutex pass_mutex_;  // one dispatch pass at a time
  std::atomic<long long> backlog_{0};
  std::thread thread_;
};

// What a plugin sees: publish with its name as source, subscribe under its name.
class PluginEvents final : public Events {
 public:
  PluginEvents(EventBus& bus, std::string plugin, std::shared_ptr<PluginGate> gate)
      : bus_(bus), plugin_(std::move(plugin)), gate_(std::move(gate)) {}
  std::string publish(soci::session& tx, std::string_view topic, const nlohmann::json& payload) override;
  void subscribe(std::string handler_name, std::string topic, EventHandler handler) override;

 private:
  EventBus& bus_;
  std::string plugin_;
  std::shared_ptr<PluginGate> gate_;
};

}  // namespace wangban::kernel
