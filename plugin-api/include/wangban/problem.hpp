// Problem: the error a handler raises to answer with application/problem+json (RFC 9457).
//
// A plugin throws a Problem from a route handler (or from any Context call that
// fails); the kernel catches it at the boundary, copies it and renders
//   {"type", "title", "status", "detail", "code", "request_id", ...extra}.
// `code` is stable and machine-readable ("case.not_found"); `detail` is a
// sentence a person can act on (Chinese is fine). Thread-safe: a value type.
#pragma once

#include <stdexcept>
#include <string>

namespace wangban {

class Problem : public std::runtime_error {
 public:
  // status: HTTP status; code: stable dotted code; detail: what happened and what to do.
  Problem(int status, std::string code, std::string detail, std::string extra_json = {});
  ~Problem() override;

  int status() const noexcept { return status_; }
  const std::string& code() const noexcept { return code_; }
  const std::string& detail() const noexcept { return detail_; }
  // A JSON object text whose members are added to the problem document, or empty.
  const std::string& extra_json() const noexcept { return extra_json_; }

  static Problem bad_request(std::string code, std::string detail);
  static Problem unauthorized(std::string code, std::string detail);
  static Problem forbidden(std::string code, std::string detail);
  static Problem not_found(std::string code, std::string detail);
  static Problem conflict(std::string code, std::string detail);
  static Problem unprocessable(std::string code, std::string detail);
  static Problem unavailable(std::string code, std::string detail);
  static Problem internal(std::string code, std::string detail);

 private:
  int status_;
  std::string code_;
  std::string detail_;
  std::string extra_json_;
};

// The standard reason phrase for an HTTP status ("Not Found"), used as the problem title.
const char* status_title(int status) noexcept;

}  // namespace wangban
