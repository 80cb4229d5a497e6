// LivePush: in-site messages pushed to the open web UI as Server-Sent Events.
//
// Each open stream belongs to one account. A thread follows wb_inbox by its seq — every
// node does, so a message sent through any node reaches streams on all of them — and
// writes each new inbox row to its account's streams as "event: message" with the seq as
// the event id; a reconnecting browser's Last-Event-ID replays what it missed. A comment
// line every heartbeat keeps proxies from closing idle streams and finds closed ones.
// PostgreSQL may commit inbox rows out of seq order, so the last rows are looked at again
// and rows already pushed are skipped. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "http/http_message.hpp"
#include "wangban/database.hpp"

namespace spdlog {
class logger;
}

namespace wangban::kernel {

class LivePush {
 public:
  LivePush(Database& db, std::shared_ptr<spdlog::logger> log,
           std::chrono::milliseconds poll = std::chrono::milliseconds(500),
           std::chrono::milliseconds heartbeat = std::chrono::seconds(15));
  ~LivePush();
  void start();
  void stop();
  // Looks for new inbox rows now (called after a message is sent on this node).
  void wake();
  // What starts a stream for the account; replays rows after `last_event_id` (a seq, 0: none)
  // and begins with an "unread" event carrying the unread count. Blocks on the database.
  StreamStart open(const std::string& account_id, long long last_event_id);
  std::size_t streams() const;

 private:
  void run();
  void push_new();
  void heartbeat();
  Database& db_;
  std::shared_ptr<spdlog::logger> log_;
  std::chrono::milliseconds poll_, heartbeat_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  bool woken_ = false, stopping_ = false;
  std::multimap<std::string, std::shared_ptr<StreamSink>> sinks_;  // account -> streams
  long long last_seq_ = 0;
  std::set<long long> pushed_;  // seqs pushed within the look-back window
  std::thread thread_;
};

}  // namespace wangban::kernel
