// Audit: how a plugin writes to the platform's tamper-evident audit log (统一日志审计).
//
// The kernel already records every state-changing request, every login and logout and
// every permission denial by itself. Plugins add what only they know: reads of personal
// data or of archives, and the business meaning of a change ("case.accepted" of case X).
// The kernel fills in the actor, actor kind, organisation unit, client IP, request id and
// time from the request. Appends are durable when record() returns. Thread-safe.
#pragma once

#include <string>

namespace wangban {

class Request;

class Audit {
 public:
  virtual ~Audit();
  // outcome: "ok", "denied", "failed" or a short word of the plugin's choosing.
  virtual void record(const Request& request, const std::string& action, const std::string& object_type,
                      const std::string& object_id, const std::string& outcome = "ok") = 0;
};

}  // namespace wangban
