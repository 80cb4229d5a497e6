// Server: Beast connections, burst accepting on per-core SO_REUSEPORT acceptors, TLS, graceful stop.
// This is the only translation unit that includes Beast (it compiles slowly).
#include "http/server.hpp"

#include <array>
#include <atomic>
#include <deque>
#include <optional>
#include <thread>
#include <vector>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/ssl.h>

namespace wangban::kernel {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = boost::asio::ssl;
using tcp = net::ip::tcp;

constexpr auto kHandshakeTimeout = std::chrono::seconds(15);
constexpr auto kWriteTimeout = std::chrono::seconds(60);

}  // namespace

struct Server::Impl {
  ServerOptions options;
  HttpHandler& handler;
  std::vector<std::unique_ptr<net::io_context>> loops;
  // Keep each loop running while a handler works on the pool and nothing is pending on the loop.
  std::vector<net::executor_work_guard<net::io_context::executor_type>> guards;
  std::vector<std::unique_ptr<tcp::acceptor>> acceptors;
  std::vector<std::thread> threads;
  std::optional<ssl::context> tls;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stopping{false};
  unsigned short bound_port = 0;

  Impl(ServerOptions o, HttpHandler& h) : options(std::move(o)), handler(h) {}
  void accept(std::size_t index);
  void serve(tcp::socket socket);
};

namespace {

template <class Stream>
class Connection : public std::enable_shared_from_this<Connection<Stream>> {
 public:
  template <class... Args>
  Connection(Server::Impl& server, std::string client_ip, Args&&... args)
      : server_(server), stream_(std::forward<Args>(args)...), client_ip_(std::move(client_ip)) {}

  void run() {
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(kHandshakeTimeout);
      stream_.async_handshake(ssl::stream_base::server,
                              [self = this->shared_from_this()](beast::error_code ec) {
                                if (!ec) self->read();
                              });
    } else {
      read();
    }
  }

 private:
  static constexpr bool kTls = !std::is_same_v<Stream, beast::tcp_stream>;

  void read() {
    if (server_.stopping) return close();
    parser_.emplace();
    parser_->body_limit(server_.options.body_limit);
    parser_->header_limit(32 * 1024);
    beast::get_lowest_layer(stream_).expires_after(server_.options.idle_timeout);
    http::async_read_header(stream_, buffer_, *parser_,
                            [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_header(ec); });
  }

  // A client that sent "Expect: 100-continue" (curl does for bodies over 1 MB) waits for the
  // interim answer before sending the body — a second, if none comes (RFC 9110 §10.1.1).
  void on_header(beast::error_code ec) {
    if (ec) return on_read(ec);
    if (!parser_->is_done() && beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      continue_.emplace(http::status::continue_, 11);
      return http::async_write(stream_, *continue_, [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
        if (ec) return self->close();
        self->read_body();
      });
    }
    read_body();
  }

  void read_body() {
    http::async_read(stream_, buffer_, *parser_,
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) { self->on_read(ec); });
  }

  void on_read(beast::error_code ec) {
    if (ec == http::error::end_of_stream || ec == net::error::operation_aborted || ec == beast::error::timeout)
      return close();
    HttpRequest req;
    req.client_ip = client_ip_;
    req.tls = kTls;
    if (ec == http::error::body_limit) {
      req.body_too_large = true;
      keep_alive_ = false;
    } else if (ec) {
      if (ec.category() != http::make_error_code(http::error::bad_target).category()) return close();
      // A malformed message after its header: answer 400 and close.
      HttpResponse bad;
      bad.status = 400;
      bad.body = R"({"type":"about:blank","title":"Bad Request","status":400,"code":"request.malformed_http","detail":"malformed HTTP request"})";
      bad.headers.emplace_back("content-type", "application/problem+json");
      bad.close = true;
      ++server_.in_flight;
      return write(std::move(bad));
    } else {
      keep_alive_ = parser_->keep_alive();
    }
    auto& msg = parser_->get();
    req.method = std::string(msg.method_string());
    req.target = std::string(msg.target());
    head_ = msg.method() == http::verb::head;
    for (auto& field : msg) {
      std::string name(field.name_string());
      for (auto& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
      req.headers.emplace_back(std::move(name), std::string(field.value()));
    }
    if (!req.body_too_large) req.body = std::move(msg.body());
    ++server_.in_flight;
    auto executor = stream_.get_executor();
    server_.handler.handle(std::move(req), [self = this->shared_from_this(), executor](HttpResponse r) {
      net::post(executor, [self, r = std::move(r)]() mutable { self->write(std::move(r)); });
    });
  }

  void write(HttpResponse r) {
    if (r.stream) return start_stream(std::move(r));
    response_ = {};
    response_.version(11);
    response_.result(static_cast<unsigned>(r.status));
    for (auto& [k, v] : r.headers) response_.set(k, v);
    bool keep = keep_alive_ && !r.close && !server_.stopping;
    response_.keep_alive(keep);
    if (head_) {
      response_.content_length(r.body.size());
    } else {
      response_.body() = std::move(r.body);
      response_.prepare_payload();
    }
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    http::async_write(stream_, response_,
                      [self = this->shared_from_this(), keep](beast::error_code ec, std::size_t) {
                        --self->server_.in_flight;
                        if (ec || !keep) return self->close();
                        self->read();
                      });
  }

  // A streaming response (Server-Sent Events): the header without a length, then whatever
  // the sink is given, until the client leaves (seen by a read that fails) or a write fails.
  class Sink final : public StreamSink {
   public:
    Sink(std::weak_ptr<Connection> connection, std::shared_ptr<std::atomic<bool>> closed)
        : connection_(std::move(connection)), closed_(std::move(closed)) {}
    bool write(std::string bytes) override {
      auto c = connection_.lock();
      if (!c || *closed_) return false;
      auto executor = c->stream_.get_executor();
      net::post(executor, [c, bytes = std::move(bytes)]() mutable { c->enqueue(std::move(bytes)); });
      return true;
    }
    bool closed() const override { return *closed_ || connection_.expired(); }

   private:
    std::weak_ptr<Connection> connection_;
    std::shared_ptr<std::atomic<bool>> closed_;
  };

  void start_stream(HttpResponse r) {
    std::string head = "HTTP/1.1 " + std::to_string(r.status) + " " +
                       std::string(http::obsolete_reason(static_cast<http::status>(r.status))) + "\r\n";
    for (auto& [k, v] : r.headers) head += k + ": " + v + "\r\n";
    head += "Connection: close\r\n\r\n";
    stream_closed_ = std::make_shared<std::atomic<bool>>(false);
    stream_start_ = std::move(r.stream);
    enqueue(std::move(head));
  }

  void enqueue(std::string bytes) {
    if (*stream_closed_) return;
    queue_.push_back(std::move(bytes));
    if (!writing_) write_next();
  }

  void write_next() {
    writing_ = true;
    beast::get_lowest_layer(stream_).expires_after(kWriteTimeout);
    net::async_write(stream_, net::buffer(queue_.front()),
                     [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
                       self->queue_.pop_front();
                       if (self->stream_start_) {  // the header is out: the stream begins
                         --self->server_.in_flight;
                         auto start = std::move(self->stream_start_);
                         self->stream_start_ = nullptr;
                         if (!ec) {
                           self->watch();
                           start(std::make_shared<Sink>(self, self->stream_closed_));
                         }
                       }
                       if (ec || *self->stream_closed_) {
                         self->writing_ = false;
                         return self->end_stream();
                       }
                       if (self->queue_.empty()) self->writing_ = false;
                       else self->write_next();
                     });
  }

  void watch() {
    stream_.async_read_some(net::buffer(watch_), [self = this->shared_from_this()](beast::error_code ec, std::size_t) {
      if (ec) return self->end_stream();
      self->watch();  // the client should not send anything; ignore it
    });
  }

  void end_stream() {
    if (stream_closed_->exchange(true)) return;
    close();
  }

  void close() {
    beast::error_code ignored;
    if constexpr (kTls) {
      beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(2));
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        beast::error_code e;
        beast::get_lowest_layer(self->stream_).socket().shutdown(tcp::socket::shutdown_both, e);
      });
    } else {
      stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    }
  }

  Server::Impl& server_;
  Stream stream_;
  std::string client_ip_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  http::response<http::string_body> response_;
  bool keep_alive_ = true;
  bool head_ = false;
  // Streaming responses only.
  std::shared_ptr<std::atomic<bool>> stream_closed_;
  StreamStart stream_start_;
  std::deque<std::string> queue_;
  bool writing_ = false;
  std::array<char, 256> watch_{};
};

}  // namespace

void Server::Impl::serve(tcp::socket socket) {
  beast::error_code ec;
  socket.set_option(tcp::no_delay(true), ec);
  auto remote = socket.remote_endpoint(ec);
  std::string ip = ec ? std::string("unknown") : remote.address().to_string();
  if (tls) {
    std::make_shared<Connection<beast::ssl_stream<beast::tcp_stream>>>(*this, ip, std::move(socket), *tls)->run();
  } else {
    std::make_shared<Connection<beast::tcp_stream>>(*this, ip, std::move(socket))->run();
  }
}

void Server::Impl::accept(std::size_t index) {
  auto& acceptor = *acceptors[index];
  auto& loop = *loops[index];
  acceptor.async_accept(loop, [this, index](beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted || stopping) return;
    if (!ec) serve(std::move(socket));
    // Drain the queue of waiting connections without going back to the loop each time.
    auto& a = *acceptors[index];
    if (!a.is_open()) return;
    for (int burst = 0; burst < 256; ++burst) {
      beast::error_code e;
      tcp::socket s(*loops[index]);
      a.accept(s, e);
      if (e) break;
      serve(std::move(s));
    }
    accept(index);
  });
}

Server::Server(ServerOptions options, HttpHandler& handler)
    : impl_(std::make_unique<Impl>(std::move(options), handler)) {}

Server::~Server() { stop(std::chrono::milliseconds(0)); }

void Server::start() {
  auto& o = impl_->options;
  if (!o.tls_certificate.empty()) {
    impl_->tls.emplace(ssl::context::tls_server);
    auto& ctx = *impl_->tls;
    ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 | ssl::context::no_sslv3 |
                    ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1 | ssl::context::single_dh_use);
    SSL_CTX_set_min_proto_version(ctx.native_handle(), TLS1_2_VERSION);
    ctx.use_certificate_chain_file(o.tls_certificate.string());
    ctx.use_private_key_file(o.tls_private_key.string(), ssl::context::pem);
  }
  unsigned n = std::max(1u, o.threads);
  auto address = net::ip::make_address(o.host);
  unsigned short port = o.port;
  auto bind_error = [&](const beast::error_code& ec, unsigned short p) {
    return std::runtime_error("cannot listen on " + o.host + ":" + std::to_string(p) + ": " + ec.message() +
                              (ec == net::error::address_in_use
                                   ? " (is another server running? choose another port with WANGBAN_SERVER_PORT)"
                                   : ""));
  };
  if (port != 0) {
    // SO_REUSEPORT would let a second server share the port silently: probe without it first.
    net::io_context probe_io;
    tcp::acceptor probe(probe_io);
    beast::error_code ec;
    probe.open(tcp::endpoint(address, port).protocol(), ec);
    probe.set_option(net::socket_base::reuse_address(true), ec);
    probe.bind(tcp::endpoint(address, port), ec);
    if (ec) throw bind_error(ec, port);
  }
  for (unsigned i = 0; i != n; ++i) {
    impl_->loops.push_back(std::make_unique<net::io_context>(1));
    impl_->guards.push_back(net::make_work_guard(*impl_->loops.back()));
    auto acceptor = std::make_unique<tcp::acceptor>(*impl_->loops.back());
    tcp::endpoint ep(address, port);
    acceptor->open(ep.protocol());
    acceptor->set_option(net::socket_base::reuse_address(true));
    int one = 1;
    ::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one);
    beast::error_code ec;
    acceptor->bind(ep, ec);
    if (ec) throw bind_error(ec, port);
    acceptor->listen(4096);
    acceptor->non_blocking(true);
    if (port == 0) port = acceptor->local_endpoint().port();
    impl_->acceptors.push_back(std::move(acceptor));
  }
  impl_->bound_port = port;
  for (unsigned i = 0; i != n; ++i) {
    impl_->accept(i);
    impl_->threads.emplace_back([loop = impl_->loops[i].get()] { loop->run(); });
  }
}

void Server::stop(std::chrono::milliseconds grace) {
  if (impl_->threads.empty() || impl_->stopping.exchange(true)) return;
  for (std::size_t i = 0; i != impl_->loops.size(); ++i)
    net::post(*impl_->loops[i], [a = impl_->acceptors[i].get()] {
      beast::error_code ec;
      a->close(ec);
    });
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (impl_->in_flight > 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  impl_->guards.clear();
  for (auto& loop : impl_->loops) loop->stop();
  for (auto& t : impl_->threads) t.join();
  impl_->threads.clear();
}

unsigned short Server::port() const { return impl_->bound_port; }
int Server::in_flight() const { return impl_->in_flight; }

}  // namespace wangban::kernel
