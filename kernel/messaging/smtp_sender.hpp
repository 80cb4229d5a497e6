// SmtpSender: e-mail over SMTP with libcurl (smtp:// with STARTTLS when offered, or smtps://),
// as a UTF-8 text/plain message with an RFC 2047 encoded subject.
#pragma once

#include <string>

#include "messaging/delivery_channel.hpp"

namespace wangban::kernel {

struct SmtpOptions {
  std::string url;  // smtp://host:port or smtps://host:port
  std::string from;
  std::string username, password;
  int timeout_seconds = 20;
};

class SmtpSender final : public DeliveryChannel {
 public:
  explicit SmtpSender(SmtpOptions options) : options_(std::move(options)) {}
  std::string deliver(const OutgoingMessage& message) override;
  // The message as sent (headers and base64 body), for tests and logs.
  std::string compose(const OutgoingMessage& message, const std::string& date, const std::string& message_id) const;

 private:
  SmtpOptions options_;
};

}  // namespace wangban::kernel
