// Messaging: how a plugin tells people something (统一信息平台).
//
// A message goes to one account, to every staff member of an organisation subtree, to the
// holders of a role (optionally only within an organisation subtree), or — publish() — to
// everyone subscribed to its topic. It always lands in the recipients' in-site inbox and is
// pushed live to their open web pages; the extra channels ("email", "sms") asked for by
// send(), or chosen by each subscriber for a topic, are delivered through the kernel's outbox
// with retries. Both calls write inside the caller's open transaction on `tx`, so a message
// exists exactly when the change it announces commits. Thread-safe.
#pragma once

#include <string>
#include <vector>

namespace soci {
class session;
}

namespace wangban {

struct Recipient {
  enum class Kind { account, org_unit, role };
  Kind kind = Kind::account;
  std::string id;           // account id, organisation unit id, or role name
  std::string org_unit_id;  // for a role: only holders assigned within this subtree (empty: all)

  static Recipient account(std::string id) { return {Kind::account, std::move(id), {}}; }
  static Recipient org_unit(std::string id) { return {Kind::org_unit, std::move(id), {}}; }
  static Recipient role(std::string name, std::string within_org_unit = {}) {
    return {Kind::role, std::move(name), std::move(within_org_unit)};
  }
};

struct Message {
  std::string topic;                  // "case.status", "content.published.notice", …
  std::string title;                  // one line, shown in lists and as the e-mail subject
  std::string body;                   // plain text
  std::string link;                   // a path of the web UI to open ("/cases/…"), may be empty
  std::vector<std::string> channels;  // send(): extra channels beyond in-site: "email", "sms"
};

class Messaging {
 public:
  virtual ~Messaging();
  // Returns the message id. Problem 400 (message.*) for an unknown recipient or channel.
  virtual std::string send(soci::session& tx, const Recipient& to, const Message& message) = 0;
  // To the subscribers of message.topic (exact, or a subscription "prefix.*"); returns the message id.
  virtual std::string publish(soci::session& tx, const Message& message) = 0;
};

}  // namespace wangban
