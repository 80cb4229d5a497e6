// The messaging HTTP routes: my inbox, read marks, the live stream (Server-Sent Events) and
// my subscriptions (/api/messages/...); sending to accounts, organisations and roles, and the
// delivery log with every attempt (/api/admin/...).
#pragma once

#include "wangban/database.hpp"

namespace wangban::kernel {

class Router;
class MessageService;
class DeliveryService;
class LivePush;

void register_messaging_routes(Router& router, Database& db, MessageService& messages, DeliveryService& deliveries,
                               LivePush& live);

}  // namespace wangban::kernel
