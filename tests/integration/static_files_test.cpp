// The web UI: built files at / with caching headers, an SPA fallback for client routes,
// revalidation by ETag, and API paths never answered by the UI.
#include <fstream>

#include "support.hpp"

using namespace wbtest;

TEST_CASE("the kernel serves the web UI with cache headers and falls back to index.html for client routes") {
  PluginFolder folder({"greeting"});
  fs::path web = fs::temp_directory_path() / ("wangban-web-" + wangban::testing::random_suffix());
  fs::create_directories(web / "assets");
  std::ofstream(web / "index.html") << "<!doctype html><title>网办</title><div id=app></div>";
  std::ofstream(web / "assets" / "index-3f2a1b.js") << "console.log('app')";
  auto o = options(folder, {"greeting"});
  o.web_root = web;
  KernelProcess k(o);
  auto c = k.client();

  auto index = c.Get("/");
  REQUIRE(index);
  CHECK(index->status == 200);
  CHECK(index->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(index->get_header_value("Cache-Control") == "no-cache");
  CHECK(index->body.find("网办") != std::string::npos);

  auto asset = c.Get("/assets/index-3f2a1b.js");
  REQUIRE(asset);
  CHECK(asset->get_header_value("Content-Type") == "text/javascript; charset=utf-8");
  CHECK(asset->get_header_value("Cache-Control") == "public, max-age=31536000, immutable");

  auto client_route = c.Get("/admin/plugins");
  REQUIRE(client_route);
  CHECK(client_route->status == 200);
  CHECK(client_route->body == index->body);

  httplib::Headers revalidate = {{"If-None-Match", index->get_header_value("ETag")}};
  auto not_modified = c.Get("/", revalidate);
  REQUIRE(not_modified);
  CHECK(not_modified->status == 304);

  auto traversal = c.Get("/../../etc/passwd");
  REQUIRE(traversal);
  CHECK(traversal->body.find("root:") == std::string::npos);

  auto api = c.Get("/api/no/such/thing");
  REQUIRE(api);
  CHECK(api->status == 404);
  CHECK(api->get_header_value("Content-Type") == "application/problem+json");
  fs::remove_all(web);
}
