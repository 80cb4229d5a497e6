// MessageService: in-site messages (统一信息平台) — sending to accounts, organisation
// subtrees and role holders, publishing to topic subscribers, inboxes with read marks,
// subscriptions and retention.
//
// A message is one row in wb_messages and fans out at once into one wb_inbox row per
// recipient account (a recipient reached twice gets it once), inside the sender's
// transaction, together with the outbox event "message.created" from which the e-mail and
// SMS deliveries are made (DeliveryService). Inbox rows carry a growing seq that the live
// push (LivePush) follows. Thread-safe; every call may block on the database.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "wangban/database.hpp"
#include "wangban/messaging.hpp"

namespace wangban::kernel {

class EventBus;

class MessageService {
 public:
  // `on_sent` is called after each send/publish (the transaction may not have committed yet).
  MessageService(Database& db, EventBus& events, std::function<void()> on_sent = {});

  static constexpr const char* kCreatedTopic = "message.created";
  static const std::vector<std::string>& channels();  // "inbox", "email", "sms"

  std::string send(soci::session& tx, const std::string& sender, const Recipient& to, const Message& message);
  std::string publish(soci::session& tx, const std::string& sender, const Message& message);

  // The account's messages, newest first: {"messages":[…], "unread": n}. before: a seq (0: from the newest).
  nlohmann::json inbox(const std::string& account_id, bool unread_only, long long before, int limit);
  // Problem 404 (message.not_found) when the message is not in the account's inbox.
  void mark_read(const std::string& account_id, const std::string& message_id);
  int mark_all_read(const std::string& account_id);

  nlohmann::json subscriptions(const std::string& account_id);
  // Problem 400 (message.bad_topic / message.bad_channel) for a malformed topic or channel.
  void subscribe(const std::string& account_id, const std::string& topic, const std::vector<std::string>& channels);
  // Problem 404 (message.not_subscribed).
  void unsubscribe(const std::string& account_id, const std::string& topic);

  // Deletes messages (with their inbox rows, deliveries and attempts) older than `days`; returns how many.
  int purge_older_than(int days);

 private:
  std::string store(soci::session& tx, const std::string& sender, const std::string& kind, const std::string& recipient,
                    const Message& message, const std::vector<std::pair<std::string, std::string>>& accounts);
  Database& db_;
  EventBus& events_;
  std::function<void()> on_sent_;
};

// What a plugin sees through Context::messaging(): the kernel's service with the plugin as sender.
class PluginMessaging final : public Messaging {
 public:
  PluginMessaging(MessageService& service, std::string plugin) : service_(service), plugin_(std::move(plugin)) {}
  std::string send(soci::session& tx, const Recipient& to, const Message& message) override {
    return service_.send(tx, plugin_, to, message);
  }
  std::string publish(soci::session& tx, const Message& message) override {
    return service_.publish(tx, plugin_, message);
  }

 private:
  MessageService& service_;
  std::string plugin_;
};

}  // namespace wangban::kernel
