// DeliveryService: planning deliveries from the outbox event and sending the due ones.
#include "messaging/delivery_service.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>
#include <spdlog/spdlog.h>

#include "db/sql_database.hpp"
#include "events/event_bus.hpp"
#include "messaging/message_service.hpp"
#include "messaging/sms_gateway.hpp"
#include "messaging/smtp_sender.hpp"
#include "util/digest.hpp"
#include "util/http_fetch.hpp"
#include "util/text.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

}  // namespace

DeliveryService::DeliveryService(Database& db, const MessagingConfig& config, std::string public_url,
                                 std::shared_ptr<spdlog::logger> log)
    : db_(db), config_(config), public_url_(std::move(public_url)), log_(std::move(log)) {
  ensure_curl();
  if (!config_.smtp_url.empty())
    channels_["email"] = std::make_shared<SmtpSender>(SmtpOptions{config_.smtp_url, config_.smtp_from, config_.smtp_username,
                                                                  config_.smtp_password, config_.delivery_timeout_seconds});
  if (!config_.sms_gateway_url.empty())
    channels_["sms"] = std::make_shared<SmsGateway>(SmsOptions{config_.sms_gateway_url, config_.sms_gateway_token,
                                                               config_.sms_signature, config_.delivery_timeout_seconds});
}

DeliveryService::~DeliveryService() = default;

void DeliveryService::attach(EventBus& events) {
  events.subscribe("kernel", nullptr, "kernel.messaging.deliveries", MessageService::kCreatedTopic,
                   [this](const Event& e, soci::session& tx) { plan(json::parse(e.payload).at("message_id"), tx); });
}

void DeliveryService::set_channel(const std::string& name, std::shared_ptr<DeliveryChannel> channel) {
  std::lock_guard lock(channels_mutex_);
  channels_[name] = std::move(channel);
}

void DeliveryService::plan(const std::string& message_id, soci::session& tx) {
  soci::rowset<soci::row> rows =
      (tx.prepare << "SELECT i.account_id, i.channels, a.kind, a.email, a.mobile, p.email, p.mobile FROM wb_inbox i"
                     " JOIN wb_accounts a ON a.id = i.account_id LEFT JOIN wb_natural_persons p ON p.account_id = a.id"
                     " WHERE i.message_id = :m AND i.channels <> ''",
       soci::use(message_id));
  struct Planned {
    std::string account, channel, address, status;
  };
  std::vector<Planned> planned;
  for (auto& r : rows) {
    bool person = r.get<std::string>(2) == "person";
    auto text = [&](std::size_t i) { return r.get_indicator(i) == soci::i_null ? std::string() : r.get<std::string>(i); };
    for (auto& channel : split_list(r.get<std::string>(1))) {
      std::string address = channel == "email" ? (person ? text(5) : text(3)) : (person ? text(6) : text(4));
      bool configured;
      {
        std::lock_guard lock(channels_mutex_);
        configured = channels_.count(channel) > 0;
      }
      planned.push_back({r.get<std::string>(0), channel, address,
                         address.empty() ? "no_address" : configured ? "queued" : "unconfigured"});
    }
  }
  long long now = epoch_ms_now();
  for (auto& p : planned) {
    std::string id = uuid_v4();
    std::string error = p.status == "no_address"     ? "收件人没有登记该渠道的地址"
                        : p.status == "unconfigured" ? "平台未配置该渠道"
                                                     : "";
    tx << "INSERT INTO wb_deliveries (id, message_id, account_id, channel, address, status, attempts, next_attempt_ms,"
          " claimed_until_ms, last_error) VALUES (:i, :m, :a, :c, :ad, :s, 0, :n, 0, :e)"
          " ON CONFLICT (message_id, account_id, channel) DO NOTHING",
        soci::use(id), soci::use(message_id), soci::use(p.account), soci::use(p.channel), soci::use(p.address),
        soci::use(p.status), soci::use(now), soci::use(error);
  }
}

int DeliveryService::send_due() {
  if (busy_.exchange(true)) return 0;
  struct Reset {
    std::atomic<bool>& b;
    ~Reset() { b = false; }
  } reset{busy_};
  struct Due {
    std::string id, message_id, channel, address;
    int attempts;
  };
  std::vector<Due> due;
  long long now = epoch_ms_now();
  {
    auto s = db_.session();
    soci::rowset<soci::row> rows =
        (s->prepare << "SELECT id, message_id, channel, address, attempts FROM wb_deliveries WHERE status = 'queued'"
                       " AND next_attempt_ms <= :n AND claimed_until_ms <= :n2 ORDER BY next_attempt_ms LIMIT 50",
         soci::use(now), soci::use(now));
    for (auto& r : rows)
      due.push_back({r.get<std::string>(0), r.get<std::string>(1), r.get<std::string>(2), r.get<std::string>(3),
                     static_cast<int>(row_integer(r, 4))});
  }
  int attempted = 0;
  for (auto& d : due) {
    auto s = db_.session();
    long long claim_until = epoch_ms_now() + (config_.delivery_timeout_seconds + 30) * 1000LL, at = epoch_ms_now();
    soci::statement claim = (s->prepare << "UPDATE wb_deliveries SET claimed_until_ms = :u WHERE id = :i"
                                           " AND status = 'queued' AND claimed_until_ms <= :n",
                             soci::use(claim_until), soci::use(d.id), soci::use(at));
    claim.execute(true);
    if (claim.get_affected_rows() != 1) continue;  // another node has it
    OutgoingMessage out;
    out.address = d.address;
    std::string link;
    *s << "SELECT title, body, link FROM wb_messages WHERE id = :m", soci::use(d.message_id), soci::into(out.title),
        soci::into(out.body), soci::into(link);
    if (!link.empty() && !public_url_.empty()) out.link = public_url_ + link;
    std::shared_ptr<DeliveryChannel> channel;
    {
      std::lock_guard lock(channels_mutex_);
      if (auto it = channels_.find(d.channel); it != channels_.end()) channel = it->second;
    }
    std::string error;
    try {
      error = channel ? channel->deliver(out) : "平台未配置该渠道";
    } catch (const std::exception& e) {
      error = e.what();
    }
    ++attempted;
    int attempt = d.attempts + 1;
    std::string status = error.empty() ? "sent" : attempt >= config_.delivery_max_attempts ? "failed" : "queued";
    long long delay = config_.delivery_retry_seconds * 1000LL;
    for (int i = 1; i < attempt && delay < 86400000LL; ++i) delay *= 2;
    long long next = epoch_ms_now() + delay;
    std::string when = utc_now_iso(), outcome = error.empty() ? "sent" : "failed", detail = error.substr(0, 1000);
    WriteTransaction tx(*s, db_.dialect());
    *s << "INSERT INTO wb_delivery_attempts (delivery_id, attempt, at, outcome, detail) VALUES (:d, :a, :t, :o, :x)",
        soci::use(d.id), soci::use(attempt), soci::use(when), soci::use(outcome), soci::use(detail);
    *s << "UPDATE wb_deliveries SET status = :s, attempts = :a, next_attempt_ms = :n, claimed_until_ms = 0,"
          " last_error = :e WHERE id = :i",
        soci::use(status), soci::use(attempt), soci::use(next), soci::use(detail), soci::use(d.id);
    tx.commit();
    if (!error.empty())
      log_->warn("delivery {} by {} to {}: attempt {} failed{}: {}", d.id, d.channel, d.address, attempt,
                 status == "failed" ? " (giving up)" : "", error);
  }
  return attempted;
}

json DeliveryService::list(const std::string& status, const std::string& message_id, int limit) {
  auto s = db_.session();
  soci::rowset<soci::row> rows =
      (s->prepare << "SELECT d.id, d.message_id, d.account_id, d.channel, d.address, d.status, d.attempts, d.last_error,"
                     " m.title, m.created_at, a.display_name FROM wb_deliveries d JOIN wb_messages m ON m.id = d.message_id"
                     " JOIN wb_accounts a ON a.id = d.account_id"
                     " WHERE (:s1 = '' OR d.status = :s2) AND (:m1 = '' OR d.message_id = :m2)"
                     " ORDER BY m.created_ms DESC, d.id LIMIT :l",
       soci::use(status, "s1"), soci::use(status, "s2"), soci::use(message_id, "m1"), soci::use(message_id, "m2"),
       soci::use(limit, "l"));
  json out = json::array();
  for (auto& r : rows)
    out.push_back({{"id", r.get<std::string>(0)}, {"message_id", r.get<std::string>(1)},
                   {"account_id", r.get<std::string>(2)}, {"channel", r.get<std::string>(3)},
                   {"address", r.get<std::string>(4)}, {"status", r.get<std::string>(5)},
                   {"attempts", row_integer(r, 6)}, {"last_error", r.get<std::string>(7)},
                   {"title", r.get<std::string>(8)}, {"created_at", r.get<std::string>(9)},
                   {"account_name", r.get<std::string>(10)}, {"attempt_log", json::array()}});
  for (auto& d : out) {
    std::string id = d["id"];
    soci::rowset<soci::row> attempts = (s->prepare << "SELECT attempt, at, outcome, detail FROM wb_delivery_attempts"
                                                      " WHERE delivery_id = :d ORDER BY attempt",
                                        soci::use(id));
    for (auto& a : attempts)
      d["attempt_log"].push_back({{"attempt", row_integer(a, 0)}, {"at", a.get<std::string>(1)},
                                  {"outcome", a.get<std::string>(2)}, {"detail", a.get<std::string>(3)}});
  }
  return out;
}

}  // namespace wangban::kernel
