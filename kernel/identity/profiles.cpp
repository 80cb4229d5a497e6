// Profiles: reading the caller's table-12 record and validating and storing the editable fields.
#include "identity/profiles.hpp"

#include <ctime>
#include <regex>
#include <span>

#include <nlohmann/json.hpp>
#include <soci/soci.h>

#include "db/sql_database.hpp"
#include "util/text.hpp"
#include "wangban/problem.hpp"

namespace wangban::kernel {
namespace {

using json = nlohmann::json;

struct Field {
  const char* name;
  const char* label;    // the Chinese name used in messages
  std::size_t max;      // characters
};

// The editable fields per kind, with their limits (the columns of migration 004/006).
constexpr Field kPersonFields[] = {{"mobile", "手机号码", 20}, {"email", "电子邮箱", 200}, {"ethnicity", "民族", 20}};
constexpr Field kStaffFields[] = {{"mobile", "手机号码", 20}, {"email", "电子邮箱", 200}};
constexpr Field kLegalFields[] = {{"legal_representative", "法定代表人", 100},
                                  {"registered_address", "注册地址", 300},
                                  {"registered_date", "注册日期", 10},
                                  {"business_scope", "经营范围", 4000}};

bool valid_date_not_future(const std::string& d) {
  static const std::regex shape(R"(^(\d{4})-(\d{2})-(\d{2})$)");
  std::smatch m;
  if (!std::regex_match(d, m, shape)) return false;
  int y = std::stoi(m[1]), mo = std::stoi(m[2]), day = std::stoi(m[3]);
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1800 || mo < 1 || mo > 12 || day < 1) return false;
  bool leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
  if (day > days[mo - 1] + (mo == 2 && leap)) return false;
  std::time_t t = std::time(nullptr);
  std::tm now{};
  gmtime_r(&t, &now);
  char today[16];
  std::strftime(today, sizeof today, "%Y-%m-%d", &now);
  return d <= today;
}

// Problem 400 naming the field when `value` is not acceptable for it.
void check(const std::string& field, const std::string& value) {
  static const std::regex mobile(R"(^1[3-9][0-9]{9}$)");
  static const std::regex email(R"(^[^@\s]{1,64}@[^@\s.]+(\.[^@\s.]+)+$)");
  if (value.empty()) return;  // every editable field may be cleared
  if (field == "mobile" && !std::regex_match(value, mobile))
    throw Problem::bad_request("profile.bad_mobile", "手机号码应为以 1 开头的 11 位数字 (mobile: 11 digits starting with 1)");
  if (field == "email" && !std::regex_match(value, email))
    throw Problem::bad_request("profile.bad_email", "电子邮箱格式不正确 (email is not an address)");
  if (field == "registered_date" && !valid_date_not_future(value))
    throw Problem::bad_request("profile.bad_date", "注册日期应为 YYYY-MM-DD 格式且不晚于今天 (registered_date)");
}

std::vector<std::pair<std::string, std::string>> editable(const json& fields, std::span<const Field> allowed) {
  std::vector<std::pair<std::string, std::string>> out;
  for (auto& [key, value] : fields.items()) {
    const Field* f = nullptr;
    for (auto& a : allowed)
      if (key == a.name) f = &a;
    if (!f) throw Problem::bad_request("profile.not_editable_field", "字段 " + key + " 不可修改 (not an editable field)");
    if (!value.is_string())
      throw Problem::bad_request("profile.bad_value", std::string(f->label) + "应为文本 (" + key + " must be a string)");
    auto text = value.get<std::string>();
    if (utf8_characters(text) > f->max)
      throw Problem::bad_request("profile.too_long", std::string(f->label) + "不能超过 " + std::to_string(f->max) +
                                                         " 个字符 (" + key + " is too long)");
    check(key, text);
    out.emplace_back(f->name, std::move(text));
  }
  return out;
}

}  // namespace

json profile_of(Database& db, const Principal& who) {
  auto s = db.session();
  soci::row r;
  switch (who.kind) {
    case Principal::Kind::person:
      *s << "SELECT id_type, id_number, name, gender_code, ethnicity, mobile, email, real_name_verified"
            " FROM wb_natural_persons WHERE account_id = :a",
          soci::use(who.account_id), soci::into(r);
      if (!s->got_data()) break;
      return {{"kind", "person"},
              {"person",
               {{"id_type", r.get<std::string>(0)}, {"id_number", r.get<std::string>(1)}, {"name", r.get<std::string>(2)},
                {"gender_code", r.get<std::string>(3)}, {"ethnicity", r.get<std::string>(4)},
                {"mobile", r.get<std::string>(5)}, {"email", r.get<std::string>(6)},
                {"real_name_verified", row_integer(r, 7) != 0}}}};
    case Principal::Kind::legal:
      *s << "SELECT credit_code, name, legal_representative, registered_address, registered_date, business_scope"
            " FROM wb_legal_persons WHERE account_id = :a",
          soci::use(who.account_id), soci::into(r);
      if (!s->got_data()) break;
      return {{"kind", "legal"},
              {"legal",
               {{"credit_code", r.get<std::string>(0)}, {"name", r.get<std::string>(1)},
                {"legal_representative", r.get<std::string>(2)}, {"registered_address", r.get<std::string>(3)},
                {"registered_date", r.get<std::string>(4)}, {"business_scope", r.get<std::string>(5)}}}};
    case Principal::Kind::staff:
      *s << "SELECT a.username, a.display_name, a.org_unit_id, o.name, a.mobile, a.email FROM wb_accounts a"
            " LEFT JOIN wb_org_units o ON o.id = a.org_unit_id WHERE a.id = :a",
          soci::use(who.account_id), soci::into(r);
      if (!s->got_data()) break;
      return {{"kind", "staff"},
              {"staff",
               {{"username", r.get<std::string>(0)}, {"display_name", r.get<std::string>(1)},
                {"org_unit_id", r.get_indicator(2) == soci::i_null ? json(nullptr) : json(r.get<std::string>(2))},
                {"org_name", r.get_indicator(3) == soci::i_null ? json(nullptr) : json(r.get<std::string>(3))},
                {"mobile", r.get<std::string>(4)}, {"email", r.get<std::string>(5)}}}};
    default:
      break;
  }
  throw Problem::not_found("profile.none", "当前身份没有个人信息记录 (no profile for this caller)");
}

void update_profile(Database& db, const Principal& who, const json& fields) {
  std::vector<std::pair<std::string, std::string>> changes;
  const char* table = nullptr;
  const char* key = "account_id";
  if (who.kind == Principal::Kind::person) {
    changes = editable(fields, kPersonFields);
    table = "wb_natural_persons";
  } else if (who.kind == Principal::Kind::legal) {
    changes = editable(fields, kLegalFields);
    table = "wb_legal_persons";
  } else if (who.kind == Principal::Kind::staff) {
    changes = editable(fields, kStaffFields);
    table = "wb_accounts";
    key = "id";
  } else {
    throw Problem::forbidden("profile.not_editable", "系统管理令牌没有个人信息 (the system token has no profile)");
  }
  if (changes.empty()) return;
  auto s = db.session();
  WriteTransaction tx(*s, db.dialect());
  for (auto& [column, value] : changes)  // names come from the fixed lists above, never from the request
    *s << "UPDATE " << table << " SET " << column << " = :v WHERE " << key << " = :a", soci::use(value),
        soci::use(who.account_id);
  tx.commit();
}

}  // namespace wangban::kernel
