// DeliveryChannel: one way of getting a message to a person outside the platform (e-mail, SMS).
#pragma once

#include <string>

namespace wangban::kernel {

struct OutgoingMessage {
  std::string address;  // an e-mail address or a mobile number
  std::string title;
  std::string body;
  std::string link;     // absolute URL or empty
};

class DeliveryChannel {
 public:
  virtual ~DeliveryChannel() = default;
  // One attempt. Returns an empty string when the receiving server accepted the message,
  // otherwise why not (kept with the attempt). Blocks up to the configured timeout.
  virtual std::string deliver(const OutgoingMessage& message) = 0;
};

}  // namespace wangban::kernel
