// SmsGateway: the text of an SMS and one JSON POST to the gateway with libcurl.
#include "messaging/sms_gateway.hpp"

#include <memory>

#include <curl/curl.h>
#include <nlohmann/json.hpp>

namespace wangban::kernel {
namespace {

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

std::size_t keep_some(char* data, std::size_t size, std::size_t count, void* user) {
  auto* out = static_cast<std::string*>(user);
  if (out->size() < 500) out->append(data, std::min<std::size_t>(size * count, 500 - out->size()));
  return size * count;
}

}  // namespace

std::string SmsGateway::text_of(const OutgoingMessage& m) const {
  std::string text = "【" + options_.signature + "】" + m.title;
  if (!m.body.empty()) text += "：" + m.body;
  if (!m.link.empty()) text += " " + m.link;
  return text;
}

std::string SmsGateway::deliver(const OutgoingMessage& m) {
  std::string body = nlohmann::json{{"to", m.address}, {"text", text_of(m)}}.dump(), answer;
  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return "cannot initialise libcurl";
  curl_slist* list = curl_slist_append(nullptr, "Content-Type: application/json");
  std::string auth = "Authorization: Bearer " + options_.token;
  if (!options_.token.empty()) list = curl_slist_append(list, auth.c_str());
  std::unique_ptr<curl_slist, ListFree> headers(list);
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers.get());
  curl_easy_setopt(c, CURLOPT_POSTFIELDS, body.c_str());
  curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_some);
  curl_easy_setopt(c, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  CURLcode rc = curl_easy_perform(c);
  if (rc != CURLE_OK) return std::string("SMS gateway: ") + (error[0] ? error : curl_easy_strerror(rc));
  long status = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
  if (status >= 200 && status < 300) return {};
  return "SMS gateway answered " + std::to_string(status) + (answer.empty() ? "" : ": " + answer);
}

}  // namespace wangban::kernel
