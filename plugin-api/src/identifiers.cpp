// Check characters of citizen ID numbers (GB 11643) and unified social credit codes (GB 32100).
#include "wangban/identifiers.hpp"

#include <array>
#include <cctype>

namespace wangban {
namespace {

constexpr std::array<int, 17> kIdWeights = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
constexpr std::string_view kIdChecks = "10X98765432";
constexpr std::string_view kCreditCharset = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr std::array<int, 17> kCreditWeights = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};
constexpr std::array<int, 8> kOrgWeights = {3, 7, 9, 10, 5, 8, 4, 2};

bool all_digits(std::string_view s) {
  for (char c : s)
    if (!std::isdigit(static_cast<unsigned char>(c))) return false;
  return !s.empty();
}

bool leap(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

bool real_date(int y, int m, int d) {
  static const int days[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  if (y < 1850 || m < 1 || m > 12 || d < 1) return false;
  return d <= days[m - 1] + (m == 2 && leap(y) ? 1 : 0);
}

void set(std::string* why, const char* text) {
  if (why) *why = text;
}

}  // namespace

char citizen_id_check(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (first17[i] - '0') * kIdWeights[i];
  return kIdChecks[static_cast<std::size_t>(sum % 11)];
}

std::optional<CitizenId> parse_citizen_id(std::string_view text, std::string_view today, std::string* why) {
  std::string n(text);
  if (n.size() == 15) {  // legacy: 6 address + YYMMDD + 3 sequence, no check character
    if (!all_digits(n)) return set(why, "15 位身份证号码只能由数字组成"), std::nullopt;
    n = n.substr(0, 6) + "19" + n.substr(6);
    n += citizen_id_check(n);
  }
  if (n.size() != 18) return set(why, "身份证号码应为 18 位"), std::nullopt;
  if (n[17] == 'x') n[17] = 'X';
  if (!all_digits(std::string_view(n).substr(0, 17)) || !(std::isdigit(static_cast<unsigned char>(n[17])) || n[17] == 'X'))
    return set(why, "身份证号码前 17 位须为数字，末位为数字或 X"), std::nullopt;
  int y = std::stoi(n.substr(6, 4)), m = std::stoi(n.substr(10, 2)), d = std::stoi(n.substr(12, 2));
  if (!real_date(y, m, d)) return set(why, "身份证号码中的出生日期无效"), std::nullopt;
  if (today.size() == 8 && std::string_view(n).substr(6, 8) > today)
    return set(why, "身份证号码中的出生日期晚于今天"), std::nullopt;
  if (citizen_id_check(n) != n[17]) return set(why, "身份证号码校验位不正确，请核对"), std::nullopt;
  CitizenId id;
  id.number = n;
  id.birth_date = n.substr(6, 4) + "-" + n.substr(10, 2) + "-" + n.substr(12, 2);
  id.male = (n[16] - '0') % 2 == 1;
  return id;
}

char credit_code_check(std::string_view first17) {
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += static_cast<int>(kCreditCharset.find(first17[i])) * kCreditWeights[i];
  int c = 31 - sum % 31;
  return kCreditCharset[static_cast<std::size_t>(c == 31 ? 0 : c)];
}

char organisation_code_check(std::string_view first8) {
  int sum = 0;
  for (std::size_t i = 0; i < 8; ++i) {
    char ch = first8[i];
    int v = std::isdigit(static_cast<unsigned char>(ch)) ? ch - '0' : ch - 55;
    sum += v * kOrgWeights[i];
  }
  int c = 11 - sum % 11;
  return c == 10 ? 'X' : (c == 11 ? '0' : static_cast<char>('0' + c));
}

std::optional<std::string> parse_credit_code(std::string_view text, std::string* why) {
  std::string c(text);
  for (auto& ch : c) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  if (c.size() != 18) return set(why, "统一社会信用代码应为 18 位"), std::nullopt;
  for (char ch : c)
    if (kCreditCharset.find(ch) == std::string_view::npos)
      return set(why, "统一社会信用代码含有不允许的字符（不使用 I、O、S、V、Z）"), std::nullopt;
  if (!all_digits(std::string_view(c).substr(2, 6)))
    return set(why, "统一社会信用代码第 3-8 位应为行政区划码"), std::nullopt;
  if (credit_code_check(c) != c[17]) return set(why, "统一社会信用代码校验位不正确，请核对"), std::nullopt;
  if (organisation_code_check(std::string_view(c).substr(8, 8)) != c[16])
    return set(why, "统一社会信用代码中的组织机构代码校验不正确"), std::nullopt;
  return c;
}

}  // namespace wangban
