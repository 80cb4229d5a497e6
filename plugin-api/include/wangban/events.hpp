// Durable domain events: a transactional outbox with at-least-once delivery.
//
// publish() writes the event into the outbox table inside the caller's open
// transaction, so the event exists exactly when the state change commits.
// The kernel's dispatcher then delivers it to every subscribed handler, each
// in its own transaction together with a record "handler H processed event E":
// a handler that commits is never given the same event again, one that throws
// is retried with exponential back-off. Handlers must still tolerate a repeat
// of work they did outside the database. Thread-safe.
#pragma once

#include <functional>
#include <string>
#include <string_view>

#include <nlohmann/json_fwd.hpp>

namespace soci {
class session;
}

namespace wangban {

struct Event {
  std::string id;          // unique event id (UUID)
  std::string topic;       // "case.submitted"
  std::string source;      // the publishing plugin
  std::string payload;     // JSON text
  std::string created_at;  // UTC, ISO 8601
  int attempt = 1;         // 1 on first delivery
};

// Runs inside a transaction on `tx`; throw to roll back and retry later.
using EventHandler = std::function<void(const Event& event, soci::session& tx)>;

class Events {
 public:
  virtual ~Events();
  // Writes the event in the caller's transaction on `tx`; returns its id.
  virtual std::string publish(soci::session& tx, std::string_view topic,
                              const nlohmann::json& payload) = 0;
  // `handler_name` is unique per plugin and must stay stable across versions
  // (it keys de-duplication). `topic` is exact ("case.submitted") or a prefix
  // followed by "*" ("case.*").
  virtual void subscribe(std::string handler_name, std::string topic, EventHandler handler) = 0;
};

}  // namespace wangban
