// Server: the HTTP/1.1 front on Boost.Beast and Asio (optionally HTTPS).
//
// One io_context and thread per core, each with its own SO_REUSEPORT acceptor
// that accepts in bursts (one async accept, then non-blocking accepts until
// the queue is empty), TCP_NODELAY, keep-alive. Requests are read with a
// body limit and passed to the HttpHandler; the event loops never block.
// stop() closes the acceptors, waits up to the grace period for requests in
// flight, then ends the loops. Thread-safe.
#pragma once

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>

#include "http/http_message.hpp"

namespace wangban::kernel {

struct ServerOptions {
  std::string host = "127.0.0.1";
  unsigned short port = 8080;  // 0: any free port (see Server::port())
  unsigned threads = 1;
  std::size_t body_limit = 8u << 20;
  std::chrono::seconds idle_timeout{60};
  std::filesystem::path tls_certificate;  // both set: HTTPS (TLS 1.2+)
  std::filesystem::path tls_private_key;
};

class Server {
 public:
  Server(ServerOptions options, HttpHandler& handler);
  ~Server();
  void start();  // binds and starts the loops; throws when the address is taken
  void stop(std::chrono::milliseconds grace);
  unsigned short port() const;
  int in_flight() const;

  struct Impl;  // defined in server.cpp; public so its connection classes can reach it

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace wangban::kernel
