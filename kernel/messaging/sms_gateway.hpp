// SmsGateway: SMS through a configurable HTTP gateway. POSTs {"to": mobile, "text": "【sig】…"}
// as JSON with the token as Authorization: Bearer; any 2xx answer counts as accepted. Real
// gateways (operators', cloud SMS services) differ in their APIs: an adapter service in front
// of one speaks this small protocol.
#pragma once

#include <string>

#include "messaging/delivery_channel.hpp"

namespace wangban::kernel {

struct SmsOptions {
  std::string url;
  std::string token;
  std::string signature = "网办";
  int timeout_seconds = 20;
};

class SmsGateway final : public DeliveryChannel {
 public:
  explicit SmsGateway(SmsOptions options) : options_(std::move(options)) {}
  std::string deliver(const OutgoingMessage& message) override;
  std::string text_of(const OutgoingMessage& message) const;

 private:
  SmsOptions options_;
};

}  // namespace wangban::kernel
