// DeliveryService: e-mail and SMS deliveries of in-site messages, queued through the outbox.
//
// A kernel subscriber of the outbox event "message.created" turns each inbox row that asks
// for extra channels into one wb_deliveries row per channel, with the recipient's address
// (persons: wb_natural_persons; staff: wb_accounts), in the event's transaction — so a
// delivery exists exactly once however often the event is handed over. A timer then sends
// the due deliveries: each is claimed (so several nodes never send the same one), tried
// once, and every attempt is recorded in wb_delivery_attempts. A failure is retried after
// retry_seconds, doubled each time, until max_attempts; then the delivery is "failed".
// Without an address the delivery is "no_address"; without a configured channel it is
// "unconfigured". Thread-safe.
#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <string>

#include <nlohmann/json_fwd.hpp>

#include "config/config.hpp"
#include "messaging/delivery_channel.hpp"
#include "wangban/database.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class EventBus;

class DeliveryService {
 public:
  DeliveryService(Database& db, const MessagingConfig& config, std::string public_url,
                  std::shared_ptr<spdlog::logger> log);
  ~DeliveryService();

  // Subscribes to "message.created" on the bus.
  void attach(EventBus& events);
  // Replaces a channel's sender ("email", "sms"); for tests and other transports.
  void set_channel(const std::string& name, std::shared_ptr<DeliveryChannel> channel);
  // Sends the deliveries that are due now; returns how many were attempted. One pass at a time.
  int send_due();
  // Deliveries, newest first, with their attempts; status "" for all.
  nlohmann::json list(const std::string& status, const std::string& message_id, int limit);

 private:
  void plan(const std::string& message_id, soci::session& tx);
  Database& db_;
  MessagingConfig config_;
  std::string public_url_;
  std::shared_ptr<spdlog::logger> log_;
  std::map<std::string, std::shared_ptr<DeliveryChannel>> channels_;
  std::mutex channels_mutex_;
  std::atomic<bool> busy_{false};
};

}  // namespace wangban::kernel
