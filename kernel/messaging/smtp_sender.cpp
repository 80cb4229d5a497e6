// SmtpSender: composing the MIME message and one libcurl SMTP transfer.
#include "messaging/smtp_sender.hpp"

#include <algorithm>
#include <ctime>
#include <memory>

#include <curl/curl.h>

#include "util/digest.hpp"

namespace wangban::kernel {
namespace {

// "=?UTF-8?B?…?=" words of at most 45 bytes each, cut between UTF-8 characters (RFC 2047).
std::string encoded_words(const std::string& text) {
  std::string out;
  std::size_t at = 0;
  while (at < text.size()) {
    std::size_t end = std::min(text.size(), at + 45);
    while (end < text.size() && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
    if (!out.empty()) out += "\r\n ";
    out += "=?UTF-8?B?" + base64_encode(std::string_view(text).substr(at, end - at)) + "?=";
    at = end;
  }
  return out;
}

// Base64 in lines of 76 characters (RFC 2045).
std::string base64_lines(const std::string& bytes) {
  std::string b64 = base64_encode(bytes), out;
  for (std::size_t i = 0; i < b64.size(); i += 76) out += b64.substr(i, 76) + "\r\n";
  return out;
}

// Header values never carry CR or LF (no header injection through a title).
std::string one_line(std::string s) {
  for (auto& c : s)
    if (c == '\r' || c == '\n') c = ' ';
  return s;
}

struct Upload {
  std::string data;
  std::size_t sent = 0;
};

std::size_t read_upload(char* buffer, std::size_t size, std::size_t count, void* user) {
  auto* u = static_cast<Upload*>(user);
  std::size_t n = std::min(size * count, u->data.size() - u->sent);
  std::copy_n(u->data.data() + u->sent, n, buffer);
  u->sent += n;
  return n;
}

struct CurlFree {
  void operator()(CURL* c) const { curl_easy_cleanup(c); }
};
struct ListFree {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};

}  // namespace

std::string SmtpSender::compose(const OutgoingMessage& m, const std::string& date, const std::string& message_id) const {
  std::string text = m.body;
  if (!m.link.empty()) text += "\r\n\r\n" + m.link;
  text += "\r\n\r\n—— 本邮件由网办平台自动发送，请勿直接回复。\r\n";
  return "Date: " + date + "\r\nFrom: " + one_line(options_.from) + "\r\nTo: " + one_line(m.address) +
         "\r\nMessage-ID: <" + message_id + ">\r\nSubject: " + encoded_words(one_line(m.title)) +
         "\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: base64\r\n\r\n" +
         base64_lines(text);
}

std::string SmtpSender::deliver(const OutgoingMessage& m) {
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char date[64];
  std::strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
  auto at = options_.from.find('@');
  std::string domain = at == std::string::npos ? "wangban.invalid" : options_.from.substr(at + 1);
  Upload upload{compose(m, date, uuid_v4() + "@" + domain)};

  std::unique_ptr<CURL, CurlFree> curl(curl_easy_init());
  if (!curl) return "cannot initialise libcurl";
  std::unique_ptr<curl_slist, ListFree> recipients(curl_slist_append(nullptr, m.address.c_str()));
  std::string from = "<" + options_.from + ">";
  char error[CURL_ERROR_SIZE] = {0};
  CURL* c = curl.get();
  curl_easy_setopt(c, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_FROM, from.c_str());
  curl_easy_setopt(c, CURLOPT_MAIL_RCPT, recipients.get());
  curl_easy_setopt(c, CURLOPT_READFUNCTION, read_upload);
  curl_easy_setopt(c, CURLOPT_READDATA, &upload);
  curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(c, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_TRY));
  curl_easy_setopt(c, CURLOPT_TIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT, static_cast<long>(options_.timeout_seconds));
  curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(c, CURLOPT_ERRORBUFFER, error);
  if (!options_.username.empty()) {
    curl_easy_setopt(c, CURLOPT_USERNAME, options_.username.c_str());
    curl_easy_setopt(c, CURLOPT_PASSWORD, options_.password.c_str());
  }
  CURLcode rc = curl_easy_perform(c);
  if (rc == CURLE_OK) return {};
  long response = 0;
  curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &response);
  std::string why = error[0] ? error : curl_easy_strerror(rc);
  return "SMTP: " + why + (response ? " (server answered " + std::to_string(response) + ")" : "");
}

}  // namespace wangban::kernel
