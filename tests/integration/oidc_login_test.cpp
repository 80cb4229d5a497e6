// Login through an upstream real-name authority: the authorization code flow with PKCE
// against a real OpenID provider (oidc-provider 8 on Node, tests/oidc/provider.mjs) on
// loopback, followed hop by hop as a browser would.
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <thread>

#include "support.hpp"

using namespace wbtest;

namespace {

// The provider as a child process, up when its discovery document answers.
class Provider {
 public:
  Provider(int port, const std::string& redirect_uri, int code_ttl) : port_(port) {
    std::string script = WANGBAN_OIDC_PROVIDER;
    std::vector<std::string> args = {"node", script, std::to_string(port), redirect_uri, std::to_string(code_ttl)};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
    REQUIRE(posix_spawnp(&pid_, "node", &fa, nullptr, argv.data(), environ) == 0);
    posix_spawn_file_actions_destroy(&fa);
    REQUIRE(wait_until(
        [&] {
          httplib::Client c("127.0.0.1", port_);
          auto r = c.Get("/.well-known/openid-configuration");
          return r && r->status == 200;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(100)));
  }
  ~Provider() {
    ::kill(pid_, SIGTERM);
    ::waitpid(pid_, nullptr, 0);
  }
  std::string issuer() const { return "http://127.0.0.1:" + std::to_string(port_); }

 private:
  int port_;
  pid_t pid_ = -1;
};

struct Hop {
  int status = 0;
  std::string location;
  std::vector<std::string> set_cookies;
};

Hop get(const std::string& url, const std::string& cookies = {}) {
  auto scheme_end = url.find("://") + 3;
  auto slash = url.find('/', scheme_end);
  httplib::Client c(url.substr(0, slash));
  httplib::Headers h;
  if (!cookies.empty()) h.emplace("Cookie", cookies);
  auto r = c.Get(url.substr(slash), h);
  REQUIRE(r);
  Hop hop{r->status, r->get_header_value("Location"), {}};
  for (auto it = r->headers.lower_bound("Set-Cookie"); it != r->headers.upper_bound("Set-Cookie"); ++it)
    hop.set_cookies.push_back(it->second.substr(0, it->second.find(';')));
  if (!hop.location.empty() && hop.location.front() == '/') hop.location = url.substr(0, slash) + hop.location;
  return hop;
}

struct OidcKernel {
  int kernel_port = KernelProcess::pick_port();
  int provider_port = KernelProcess::pick_port();
  std::string callback = "http://127.0.0.1:" + std::to_string(kernel_port) + "/api/auth/oidc/callback";
  Provider provider{provider_port, callback, 2};
  PluginFolder folder{{"greeting"}};
  KernelProcess k{[&] {
    auto o = options(folder, {"greeting"});
    o.env = {{"WANGBAN_SERVER_PORT", std::to_string(kernel_port)},
             {"WANGBAN_IDENTITY_OIDC_ISSUER", provider.issuer()},
             {"WANGBAN_IDENTITY_OIDC_CLIENT_ID", "wangban"},
             {"WANGBAN_IDENTITY_OIDC_CLIENT_SECRET", "wangban-secret"},
             {"WANGBAN_IDENTITY_OIDC_REDIRECT_URI", callback},
             {"WANGBAN_IDENTITY_OIDC_SCOPES", "openid profile email phone"}};
    return o;
  }()};

  // Starts at the kernel and follows the provider's redirects (keeping its cookies) until
  // the provider sends the browser back to our callback; returns that callback URL.
  std::string authorize(const std::function<std::string(std::string)>& rewrite = nullptr) {
    auto start = get(k.url() + "/api/auth/oidc/start?next=/admin/plugins");
    REQUIRE(start.status == 302);
    std::string url = rewrite ? rewrite(start.location) : start.location;
    std::map<std::string, std::string> jar;
    for (int hops = 0; hops < 12; ++hops) {
      if (url.rfind(callback, 0) == 0) return url;
      std::string cookies;
      for (auto& [name, value] : jar) cookies += (cookies.empty() ? "" : "; ") + name + "=" + value;
      auto hop = get(url, cookies);
      for (auto& c : hop.set_cookies) jar[c.substr(0, c.find('='))] = c.substr(c.find('=') + 1);
      INFO("hop " << hops << " " << url << " -> " << hop.status);
      REQUIRE((hop.status == 302 || hop.status == 303));
      url = hop.location;
    }
    FAIL("the provider never redirected back");
    return {};
  }
};

std::string param(const std::string& url, const std::string& name) {
  auto at = url.find(name + "=");
  REQUIRE(at != std::string::npos);
  auto end = url.find('&', at);
  return url.substr(at + name.size() + 1, end == std::string::npos ? std::string::npos : end - at - name.size() - 1);
}

}  // namespace

TEST_CASE("OpenID Connect login with PKCE creates the natural person and returns to the page asked for") {
  OidcKernel t;
  auto back = get(t.authorize());
  REQUIRE(back.status == 302);
  CHECK(back.location == t.k.url() + "/admin/plugins");
  REQUIRE(back.set_cookies.size() == 1);
  auto me = t.k.client().Get("/api/auth/me", httplib::Headers{{"Cookie", back.set_cookies[0]}});
  REQUIRE(me);
  REQUIRE(me->status == 200);
  CHECK(json::parse(me->body)["kind"] == "person");
  CHECK(json::parse(me->body)["display_name"] == "王五");
  // The standard email and phone_number claims fill the person's contact fields.
  auto profile = t.k.client().Get("/api/auth/profile", httplib::Headers{{"Cookie", back.set_cookies[0]}});
  REQUIRE(profile);
  INFO(profile->body);
  CHECK(json::parse(profile->body)["person"]["email"] == "wang.wu@example.cn");
  CHECK(json::parse(profile->body)["person"]["mobile"] == "13900139000");
}

TEST_CASE("OpenID Connect: a wrong or reused state is refused") {
  OidcKernel t;
  auto callback = t.authorize();
  auto state = param(callback, "state");
  std::string forged = callback;
  forged.replace(forged.find(state), state.size(), std::string(state.size(), '0'));
  auto wrong = t.k.client().Get(forged.substr(forged.find("/api/")));
  REQUIRE(wrong);
  CHECK(wrong->status == 401);
  CHECK(json::parse(wrong->body)["code"] == "auth.oidc_state");
  auto first = get(callback);
  CHECK(first.status == 302);
  auto replay = t.k.client().Get(callback.substr(callback.find("/api/")));
  REQUIRE(replay);
  CHECK(json::parse(replay->body)["code"] == "auth.oidc_state");
}

TEST_CASE("OpenID Connect: an ID token carrying another nonce is refused") {
  OidcKernel t;
  auto callback = t.authorize([](std::string url) {
    auto at = url.find("nonce=") + 6;
    url.replace(at, url.find('&', at) - at, "0123456789abcdef0123456789abcdef");
    return url;
  });
  auto r = t.k.client().Get(callback.substr(callback.find("/api/")));
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["code"] == "auth.oidc_nonce");
}

TEST_CASE("OpenID Connect: an expired authorization code is refused") {
  OidcKernel t;
  auto callback = t.authorize();
  // The provider's codes live 2 s; nothing to poll for here but the clock.
  std::this_thread::sleep_for(std::chrono::milliseconds(3200));
  auto r = t.k.client().Get(callback.substr(callback.find("/api/")));
  REQUIRE(r);
  CHECK(r->status == 401);
  CHECK(json::parse(r->body)["code"] == "auth.oidc_code");
}
