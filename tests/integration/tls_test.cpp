// HTTPS: with a certificate and key configured the kernel speaks TLS 1.2 or newer only,
// and every response carries HSTS.
#include <arpa/inet.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>

#include "support.hpp"

using namespace wbtest;

namespace {

// Tries a handshake limited to one protocol version; returns whether it succeeded.
bool handshake_with(int port, int version) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // let the client offer old versions; the server must refuse them
  SSL_CTX_set_min_proto_version(ctx, version);
  SSL_CTX_set_max_proto_version(ctx, version);
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bool ok = false;
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0) {
    SSL* ssl = SSL_new(ctx);
    SSL_set_fd(ssl, fd);
    ok = SSL_connect(ssl) == 1;
    SSL_free(ssl);
  }
  ::close(fd);
  SSL_CTX_free(ctx);
  ERR_clear_error();
  return ok;
}

}  // namespace

TEST_CASE("with a certificate configured the kernel serves HTTPS (TLS 1.2+ only) with HSTS") {
  PluginFolder folder({"greeting"});
  fs::path dir = fs::temp_directory_path() / ("wangban-tls-" + wangban::testing::random_suffix());
  fs::create_directories(dir);
  std::string cmd = "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 "
                    "-keyout " + (dir / "key.pem").string() + " -out " + (dir / "cert.pem").string() + " 2>/dev/null";
  REQUIRE(std::system(cmd.c_str()) == 0);
  auto o = options(folder, {"greeting"});
  o.tls_certificate = dir / "cert.pem";
  o.tls_private_key = dir / "key.pem";
  KernelProcess k(o);

  httplib::SSLClient c("127.0.0.1", k.port());
  c.enable_server_certificate_verification(false);
  auto r = c.Get("/api/greeting/hello?name=tls");
  REQUIRE(r);
  CHECK(r->status == 200);
  CHECK(json::parse(r->body)["message"] == "你好，tls");
  CHECK(r->get_header_value("Strict-Transport-Security").find("max-age=") == 0);

  CHECK(handshake_with(k.port(), TLS1_2_VERSION));
  CHECK(handshake_with(k.port(), TLS1_3_VERSION));
  CHECK_FALSE(handshake_with(k.port(), TLS1_1_VERSION));
  CHECK_FALSE(handshake_with(k.port(), TLS1_VERSION));

  httplib::Client plain("127.0.0.1", k.port());
  plain.set_read_timeout(std::chrono::seconds(3));
  auto cleartext = plain.Get("/healthz");
  CHECK((!cleartext || cleartext->status != 200));
  fs::remove_all(dir);
}
