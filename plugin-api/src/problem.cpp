// Problem: construction helpers and HTTP status titles.
#include "wangban/problem.hpp"

namespace wangban {

Problem::Problem(int status, std::string code, std::string detail, std::string extra_json)
    : std::runtime_error(code + ": " + detail),
      status_(status),
      code_(std::move(code)),
      detail_(std::move(detail)),
      extra_json_(std::move(extra_json)) {}

Problem::~Problem() = default;

Problem Problem::bad_request(std::string c, std::string d) { return {400, std::move(c), std::move(d)}; }
Problem Problem::unauthorized(std::string c, std::string d) { return {401, std::move(c), std::move(d)}; }
Problem Problem::forbidden(std::string c, std::string d) { return {403, std::move(c), std::move(d)}; }
Problem Problem::not_found(std::string c, std::string d) { return {404, std::move(c), std::move(d)}; }
Problem Problem::conflict(std::string c, std::string d) { return {409, std::move(c), std::move(d)}; }
Problem Problem::unprocessable(std::string c, std::string d) { return {422, std::move(c), std::move(d)}; }
Problem Problem::unavailable(std::string c, std::string d) { return {503, std::move(c), std::move(d)}; }
Problem Problem::internal(std::string c, std::string d) { return {500, std::move(c), std::move(d)}; }

const char* status_title(int status) noexcept {
  switch (status) {
    case 200: return "OK";
    case 201: return "Created";
    case 202: return "Accepted";
    case 204: return "No Content";
    case 304: return "Not Modified";
    case 400: return "Bad Request";
    case 401: return "Unauthorized";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 405: return "Method Not Allowed";
    case 409: return "Conflict";
    case 410: return "Gone";
    case 413: return "Content Too Large";
    case 415: return "Unsupported Media Type";
    case 422: return "Unprocessable Content";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 501: return "Not Implemented";
    case 503: return "Service Unavailable";
    default: return status < 400 ? "OK" : (status < 500 ? "Client Error" : "Server Error");
  }
}

}  // namespace wangban
