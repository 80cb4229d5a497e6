// SealRegistry: making seals, their status changes and uses, over wb_seals and wb_seal_events.
#include "trust/seal_registry.hpp"

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "audit/kernel_audit.hpp"
#include "db/sql_database.hpp"
#include "identity/certificate_verifier.hpp"
#include "wangban/identifiers.hpp"
#include "trust/certificate.hpp"
#include "trust/development_ca.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/seal_picture.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"
#include "util/iso_time.hpp"
#include "util/text.hpp"
#include "wangban/database.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

const char* kColumns =
    "s.id, s.es_id, s.kind, s.name, s.organization, s.credit_code, s.owner_account_id, a.display_name, s.status, "
    "s.status_reason, s.status_changed_at, s.suspended_at, s.revoked_at, s.valid_start, s.valid_end, s.picture_source, "
    "s.created_by, s.created_by_name, s.created_at, s.width_mm, s.height_mm, s.uses, s.seal_der, s.signer_certificate, "
    "s.signer_key FROM wb_seals s LEFT JOIN wb_accounts a ON a.id = s.owner_account_id";

SealRecord record_of(const soci::row& r) {
  SealRecord s;
  std::string* text[] = {&s.id, &s.es_id, &s.kind, &s.name, &s.organization, &s.credit_code, &s.owner_account_id,
                         &s.owner_name, &s.status, &s.status_reason, &s.status_changed_at, &s.suspended_at, &s.revoked_at,
                         &s.valid_start, &s.valid_end, &s.picture_source, &s.created_by, &s.created_by_name, &s.created_at};
  for (std::size_t i = 0; i < std::size(text); ++i) *text[i] = row_text(r, i);
  s.width_mm = static_cast<int>(row_integer(r, 19));
  s.height_mm = static_cast<int>(row_integer(r, 20));
  s.uses = row_integer(r, 21);
  s.seal_der = base64_decode(row_text(r, 22)).value_or("");
  s.signer_certificate = row_text(r, 23);
  s.signer_key = row_text(r, 24);
  return s;
}

[[noreturn]] void invalid(const std::string& field, const std::string& message) {
  throw Problem(400, "seal.invalid", message, json{{"field", field}}.dump());
}

std::string text_field(const json& request, const char* field) {
  auto it = request.find(field);
  return it != request.end() && it->is_string() ? it->get<std::string>() : std::string();
}

std::string trimmed(std::string s) {
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.pop_back();
  std::size_t start = s.find_first_not_of(" \t");
  return start == std::string::npos ? std::string() : s.substr(start);
}

// The picture's words: a round seal names its organisation on the arc and the rest of its name
// (e.g. 业务专用章) under the star.
std::string under_star(const std::string& name, const std::string& organization) {
  if (name.starts_with(organization)) return name.substr(organization.size());
  return utf8_characters(name) <= 12 ? name : std::string();
}

struct Owner {
  std::string name, org_unit, division_code;
  bool disabled = false;
};

std::optional<Owner> staff_owner(SqlDatabase& db, const std::string& account_id) {
  auto s = db.session();
  Owner o;
  int disabled = 0;
  std::string kind;
  soci::indicator unit_ind = soci::i_ok, code_ind = soci::i_ok;
  *s << "SELECT a.display_name, a.kind, a.disabled, u.name, u.division_code FROM wb_accounts a "
        "LEFT JOIN wb_org_units u ON u.id = a.org_unit_id WHERE a.id = :i",
      soci::use(account_id), soci::into(o.name), soci::into(kind), soci::into(disabled), soci::into(o.org_unit, unit_ind),
      soci::into(o.division_code, code_ind);
  if (!s->got_data() || kind != "staff") return std::nullopt;
  if (unit_ind == soci::i_null) o.org_unit.clear();
  if (code_ind == soci::i_null) o.division_code.clear();
  o.disabled = disabled != 0;
  return o;
}

// The seal's unique code: the 6-digit administrative division, then 8 random digits (14 digits,
// as the GB/T 38540 sample). The reference does not fix a format; this one is ours.
std::string new_es_id(const std::string& division) {
  std::string digits;
  for (char c : random_hex(4)) digits += static_cast<char>('0' + (std::stoi(std::string(1, c), nullptr, 16) % 10));
  std::string prefix = division.size() == 6 ? division : "000000";
  return prefix + digits;
}

}  // namespace

SealRegistry::SealRegistry(SqlDatabase& db, KernelAudit& audit) : db_(db), audit_(audit) {}

void SealRegistry::start(Makers makers) { makers_ = std::move(makers); }

namespace {

// A make/preview request, validated field by field (the route's schema has checked the types).
struct SealDraft {
  std::string kind, name, organization, credit_code, owner_account_id, division;
  int valid_days = 1095;
  std::string picture_source = "drawn", picture;
};

SealDraft read_draft(SqlDatabase& db, const json& request, bool for_preview) {
  SealDraft d;
  d.kind = text_field(request, "kind");
  if (d.kind != "organisation" && d.kind != "personal_name") invalid("kind", "印章类型必须是单位印章或个人名章");
  d.name = trimmed(text_field(request, "name"));
  d.organization = trimmed(text_field(request, "organization"));
  if (d.kind == "personal_name") {
    d.owner_account_id = text_field(request, "owner_account_id");
    if (d.owner_account_id.empty()) {
      if (!for_preview) invalid("owner_account_id", "请选择名章所属的工作人员");
    } else {
      auto owner = staff_owner(db, d.owner_account_id);
      if (!owner) invalid("owner_account_id", "名章只能属于工作人员账号");
      if (owner->disabled) invalid("owner_account_id", "该工作人员账号已停用，不能制作名章");
      if (d.name.empty()) d.name = owner->name;
      if (d.organization.empty()) d.organization = owner->org_unit;
      d.division = owner->division_code;
    }
    if (d.name.empty()) invalid("name", "请填写名章上的姓名");
    if (utf8_characters(d.name) > 8 || d.name.find(' ') != std::string::npos)
      invalid("name", "名章上的姓名最多 8 个字，且不能含空格");
  } else {
    if (d.organization.empty()) invalid("organization", "请填写单位名称");
    if (utf8_characters(d.organization) > 30) invalid("organization", "单位名称最多 30 个字");
    if (d.name.empty()) d.name = d.organization;
    if (!for_preview) {
      std::string why;
      auto code = parse_credit_code(text_field(request, "credit_code"), &why);
      if (!code) invalid("credit_code", "统一社会信用代码无效：" + why);
      d.credit_code = *code;
      d.division = d.credit_code.substr(2, 6);
    }
  }
  if (utf8_characters(d.name) > 40) invalid("name", "印章名称最多 40 个字");
  if (auto days = request.find("valid_days"); days != request.end()) {
    if (!days->is_number_integer() || *days < 1 || *days > 3650) invalid("valid_days", "有效期必须是 1 到 3650 天");
    d.valid_days = days->get<int>();
  }
  return d;
}

std::string draw(const SealDraft& d, const std::string& es_id) {
  try {
    return d.kind == "organisation" ? draw_round_seal(d.organization, under_star(d.name, d.organization), es_id)
                                    : draw_name_seal(d.name);
  } catch (const std::invalid_argument& e) {
    invalid("name", e.what());
  }
}

}  // namespace

std::string SealRegistry::preview(const json& request) {
  auto d = read_draft(db_, request, true);
  return draw(d, d.kind == "organisation" ? "00000000000000" : "");
}

json SealRegistry::make(const Principal& by, const json& request) {
  auto d = read_draft(db_, request, false);
  if (!makers_.maker_key || makers_.maker_certificate.empty())
    throw Problem::unavailable("seal.maker_unavailable",
                               "未配置制章者证书（trust.seal_maker_certificate_file），暂不能制作印章");
  std::string es_id = new_es_id(d.division);
  const json& picture = request.contains("picture") ? request["picture"] : json::object();
  std::string picture_png;
  if (text_field(picture, "source") == "uploaded") {
    auto bytes = base64_decode(text_field(picture, "png_base64"));
    if (!bytes) invalid("picture", "上传的印章图片不是有效的 Base64");
    try {
      inspect_seal_picture(*bytes);
    } catch (const std::invalid_argument& e) {
      invalid("picture", e.what());
    }
    picture_png = std::move(*bytes);
    d.picture_source = "uploaded";
  } else {
    picture_png = draw(d, d.kind == "organisation" ? es_id : "");
  }

  // The signer: a new key and a certificate from the development CA, or the imported pair.
  std::shared_ptr<const SigningKey> key;
  std::string cert_pem;
  std::string imported_cert = text_field(request, "signer_certificate_pem");
  if (!imported_cert.empty()) {
    try {
      key = std::make_shared<SigningKey>(SigningKey::from_private_pem(text_field(request, "signer_key_pem"),
                                                                      text_field(request, "signer_key_passphrase")));
    } catch (const std::invalid_argument&) {
      invalid("signer_key_pem", "签章者私钥无法读取（格式错误或口令不对）");
    }
    CertificateInfo info;
    try {
      info = read_certificate(imported_cert);
    } catch (const std::invalid_argument&) {
      invalid("signer_certificate_pem", "签章者证书格式无效");
    }
    if (!signature_valid(info.der, "SM3", "probe", key->sign("probe")))
      invalid("signer_key_pem", "签章者私钥与证书不匹配（须为 SM2 密钥）");
    if (makers_.certificates) {
      auto chain = makers_.certificates->check_chain(info.der, {}, std::time(nullptr));
      if (!chain.ok) invalid("signer_certificate_pem", "签章者证书不可用：" + chain.message);
    }
    cert_pem = certificate_pem(info.der);
  } else {
    if (!makers_.ca)
      invalid("signer_certificate_pem", "本平台不签发证书：请提供印章持有者的证书和私钥（signer_certificate_pem、signer_key_pem）");
    key = std::make_shared<SigningKey>(SigningKey::generate());
    try {
      if (d.kind == "organisation")
        cert_pem = makers_.ca->issue(DevelopmentCa::Profile::seal, {d.name, d.organization, "", d.credit_code}, key->public_pem(),
                                     d.valid_days);
      else
        cert_pem = makers_.ca->issue(DevelopmentCa::Profile::staff, {d.name, d.organization, "", d.owner_account_id},
                                     key->public_pem(), d.valid_days);
    } catch (const std::invalid_argument& e) {
      invalid("name", std::string("签章者证书无法签发：") + e.what());
    }
  }
  std::time_t now = std::time(nullptr);
  ElectronicSeal seal;
  seal.es_id = es_id;
  seal.type = static_cast<int>(d.kind == "organisation" ? SealType::organisation : SealType::personal_name);
  seal.name = d.name;
  seal.signer_certs = {read_certificate(cert_pem).der};
  seal.create_date = seal.valid_start = now;
  seal.valid_end = now + static_cast<std::time_t>(d.valid_days) * 86400;
  seal.picture = picture_png;
  seal.width_mm = seal.height_mm = d.kind == "organisation" ? 40 : 20;
  make_seal(seal, *makers_.maker_key, makers_.maker_certificate);

  std::string id = uuid_v4(), at = utc_now_iso(), der64 = base64_encode(encode_seal(seal));
  std::string key_pem = key->encrypted_pem(makers_.master_key), start_text = iso_utc(seal.valid_start),
              end_text = iso_utc(seal.valid_end), who = by.account_id.empty() ? "system" : by.account_id;
  soci::indicator owner_ind = d.owner_account_id.empty() ? soci::i_null : soci::i_ok;
  {
    auto s = db_.session();
    WriteTransaction tx(*s, db_.dialect());
    *s << "INSERT INTO wb_seals (id, es_id, kind, name, organization, credit_code, owner_account_id, status, status_reason, "
          "valid_start, valid_end, picture_source, width_mm, height_mm, seal_der, signer_key, signer_certificate, created_by, "
          "created_by_name, created_at, uses) VALUES (:id, :es, :kind, :name, :org, :code, :owner, 'active', '', :vs, :ve, "
          ":pic, :w, :h, :der, :key, :cert, :by, :byname, :at, 0)",
        soci::use(id), soci::use(es_id), soci::use(d.kind), soci::use(d.name), soci::use(d.organization),
        soci::use(d.credit_code), soci::use(d.owner_account_id, owner_ind), soci::use(start_text), soci::use(end_text),
        soci::use(d.picture_source), soci::use(seal.width_mm), soci::use(seal.height_mm), soci::use(der64), soci::use(key_pem),
        soci::use(cert_pem), soci::use(who), soci::use(by.display_name), soci::use(at);
    std::string event_id = uuid_v4(), detail = "制作" + std::string(d.kind == "organisation" ? "单位印章" : "个人名章") + "，编码 " + es_id;
    *s << "INSERT INTO wb_seal_events (id, seal_id, at, actor_id, actor_name, action, detail) VALUES (:e, :s, :at, :a, :n, "
          "'seal.made', :d)",
        soci::use(event_id), soci::use(id), soci::use(at), soci::use(who), soci::use(by.display_name), soci::use(detail);
    tx.commit();
  }
  audit_.record_as(by, "", "", "seal.made", "seal", id, "ok");
  {
    std::lock_guard lock(keys_mutex_);
    keys_[id] = key;
  }
  return to_json(*find(id));
}

std::optional<SealRecord> SealRegistry::find(const std::string& id) {
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << std::string("SELECT ") + kColumns + " WHERE s.id = :i", soci::use(id));
  for (auto& r : rows) return record_of(r);
  return std::nullopt;
}

std::optional<SealRecord> SealRegistry::find_by_es_id(const std::string& es_id) {
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << std::string("SELECT ") + kColumns + " WHERE s.es_id = :e", soci::use(es_id));
  for (auto& r : rows) return record_of(r);
  return std::nullopt;
}

bool SealRegistry::any() {
  auto s = db_.session();
  long long n = 0;
  *s << "SELECT COUNT(*) FROM wb_seals", soci::into(n);
  return n > 0;
}

std::vector<SealRecord> SealRegistry::records(const std::string& status, const std::string& kind, const std::string& owner,
                                              const std::string& organization) {
  auto s = db_.session();
  std::string sql = std::string("SELECT ") + kColumns +
                    " WHERE (:st = '' OR s.status = :st2) AND (:k = '' OR s.kind = :k2) AND (:o = '' OR s.owner_account_id = :o2)"
                    " AND (:g = '' OR s.organization = :g2) ORDER BY s.created_at DESC";
  soci::rowset<soci::row> rows =
      (s->prepare << sql, soci::use(status, "st"), soci::use(status, "st2"), soci::use(kind, "k"), soci::use(kind, "k2"),
       soci::use(owner, "o"), soci::use(owner, "o2"), soci::use(organization, "g"), soci::use(organization, "g2"));
  std::vector<SealRecord> out;
  for (auto& r : rows) out.push_back(record_of(r));
  return out;
}

json SealRegistry::list(const std::string& status, const std::string& kind, const std::string& owner) {
  json items = json::array();
  for (auto& r : records(status, kind, owner)) items.push_back(to_json(r));
  return {{"items", items}};
}

json SealRegistry::to_json(const SealRecord& s) {
  auto nullable = [](const std::string& v) { return v.empty() ? json(nullptr) : json(v); };
  json cert = nullptr;
  try {
    auto c = read_certificate(s.signer_certificate);
    cert = {{"common_name", c.common_name}, {"serial", c.serial_hex}, {"not_after", iso_utc(c.not_after)},
            {"issuer", c.issuer_common_name}};
  } catch (const std::invalid_argument&) {
  }
  return {{"id", s.id},
          {"es_id", s.es_id},
          {"kind", s.kind},
          {"name", s.name},
          {"organization", s.organization},
          {"credit_code", s.credit_code},
          {"owner", s.owner_account_id.empty() ? json(nullptr)
                                               : json{{"account_id", s.owner_account_id}, {"display_name", s.owner_name}}},
          {"status", s.status},
          {"status_reason", s.status_reason},
          {"status_changed_at", nullable(s.status_changed_at)},
          {"valid_start", s.valid_start},
          {"valid_end", s.valid_end},
          {"created_at", s.created_at},
          {"created_by", s.created_by_name},
          {"picture_source", s.picture_source},
          {"width_mm", s.width_mm},
          {"height_mm", s.height_mm},
          {"signer_certificate", cert},
          {"uses", s.uses}};
}

json SealRegistry::change_status(const Principal& by, const std::string& id, const std::string& action,
                                 const std::string& reason_text) {
  std::string reason = trimmed(reason_text);
  if (reason.empty()) throw Problem(400, "seal.reason_required", "请填写原因", json{{"field", "reason"}}.dump());
  if (utf8_characters(reason) > 500) throw Problem(400, "seal.invalid", "原因最多 500 个字", json{{"field", "reason"}}.dump());
  auto seal = find(id);
  if (!seal) throw Problem::not_found("seal.not_found", "没有这枚印章");
  std::string from = action == "resume" ? "suspended" : "active";
  std::string to = action == "suspend" ? "suspended" : action == "resume" ? "active" : "revoked";
  bool allowed = seal->status == from || (action == "revoke" && seal->status == "suspended");
  if (!allowed) {
    const char* why = seal->status == "revoked" ? "印章已注销，不能再变更" : action == "resume" ? "只有已停用的印章可以恢复启用"
                                                                                                  : "印章已停用";
    throw Problem::conflict("seal.bad_state", why);
  }
  std::string at = utc_now_iso(), who = by.account_id.empty() ? "system" : by.account_id;
  {
    auto s = db_.session();
    WriteTransaction tx(*s, db_.dialect());
    std::string sql = "UPDATE wb_seals SET status = :to, status_reason = :r, status_changed_at = :at";
    if (to == "suspended") sql += ", suspended_at = :at2";
    if (to == "revoked") sql += ", revoked_at = :at2";
    if (to == "active") sql += ", suspended_at = NULL";
    sql += " WHERE id = :id AND status = :from";
    auto run = [&](soci::statement st) {
      st.execute(true);
      return st.get_affected_rows();
    };
    long long changed =
        to == "active" ? run((s->prepare << sql, soci::use(to, "to"), soci::use(reason, "r"), soci::use(at, "at"),
                              soci::use(id, "id"), soci::use(seal->status, "from")))
                       : run((s->prepare << sql, soci::use(to, "to"), soci::use(reason, "r"), soci::use(at, "at"),
                              soci::use(at, "at2"), soci::use(id, "id"), soci::use(seal->status, "from")));
    if (changed != 1) throw Problem::conflict("seal.bad_state", "印章状态已被他人变更，请刷新后重试");
    std::string event_id = uuid_v4(), event = "seal." + std::string(to == "active" ? "resumed" : to);
    *s << "INSERT INTO wb_seal_events (id, seal_id, at, actor_id, actor_name, action, detail) VALUES (:e, :s, :at, :a, :n, :ac, :d)",
        soci::use(event_id), soci::use(id), soci::use(at), soci::use(who), soci::use(by.display_name), soci::use(event),
        soci::use(reason);
    tx.commit();
  }
  audit_.record_as(by, "", "", "seal." + std::string(to == "active" ? "resumed" : to), "seal", id, "ok");
  if (to == "revoked") {
    std::lock_guard lock(keys_mutex_);
    keys_.erase(id);  // a revoked seal's key is never needed again
  }
  return to_json(*find(id));
}

json SealRegistry::events(const std::string& id) {
  if (!find(id)) throw Problem::not_found("seal.not_found", "没有这枚印章");
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT at, actor_name, action, detail FROM wb_seal_events WHERE seal_id = :i "
                                                "ORDER BY at DESC, id",
                                  soci::use(id));
  json items = json::array();
  for (auto& r : rows)
    items.push_back({{"at", r.get<std::string>(0)}, {"actor", r.get<std::string>(1)}, {"action", r.get<std::string>(2)},
                     {"detail", r.get<std::string>(3)}});
  return {{"items", items}};
}

json SealRegistry::owners() {
  auto s = db_.session();
  soci::rowset<soci::row> rows = (s->prepare << "SELECT a.id, a.display_name, u.name FROM wb_accounts a LEFT JOIN wb_org_units u "
                                                "ON u.id = a.org_unit_id WHERE a.kind = 'staff' AND a.disabled = 0 "
                                                "ORDER BY a.display_name, a.id");
  json accounts = json::array();
  for (auto& r : rows) {
    std::string unit = row_text(r, 2);
    accounts.push_back({{"id", r.get<std::string>(0)}, {"display_name", r.get<std::string>(1)},
                        {"org_name", unit.empty() ? json(nullptr) : json(unit)}});
  }
  return {{"accounts", accounts}};
}

std::string SealRegistry::picture(const std::string& id) {
  auto seal = find(id);
  if (!seal) throw Problem::not_found("seal.not_found", "没有这枚印章");
  return decode_seal(seal->seal_der).picture;
}

std::shared_ptr<const SigningKey> SealRegistry::signer_key(const SealRecord& seal) {
  std::lock_guard lock(keys_mutex_);
  auto& slot = keys_[seal.id];
  if (!slot) slot = std::make_shared<SigningKey>(SigningKey::from_private_pem(seal.signer_key, makers_.master_key));
  return slot;
}

void SealRegistry::record_use(const Principal& by, const SealRecord& seal, const std::string& detail) {
  std::string at = utc_now_iso(), who = by.account_id.empty() ? "system" : by.account_id, event_id = uuid_v4();
  {
    auto s = db_.session();
    WriteTransaction tx(*s, db_.dialect());
    *s << "UPDATE wb_seals SET uses = uses + 1 WHERE id = :i", soci::use(seal.id);
    *s << "INSERT INTO wb_seal_events (id, seal_id, at, actor_id, actor_name, action, detail) VALUES (:e, :s, :at, :a, :n, "
          "'seal.used', :d)",
        soci::use(event_id), soci::use(seal.id), soci::use(at), soci::use(who), soci::use(by.display_name), soci::use(detail);
    tx.commit();
  }
  audit_.record_as(by, "", "", "seal.used", "seal", seal.id, "ok");
}

}  // namespace wangban::kernel
