// Citizen ID numbers (GB 11643) and unified social credit codes (GB 32100), with the
// reference values of shared/reference/check-digits.md.
#include <doctest/doctest.h>

#include "wangban/identifiers.hpp"

using namespace wangban;

TEST_CASE("the standard's example citizen ID numbers pass, with birth date and sex read out") {
  auto a = parse_citizen_id("11010519491231002X", "20261127");
  REQUIRE(a);
  CHECK(a->birth_date == "1949-12-31");
  CHECK_FALSE(a->male);
  auto b = parse_citizen_id("440524188001010014", "20261127");
  REQUIRE(b);
  CHECK(b->male);
  CHECK(citizen_id_check("11010519491231002") == 'X');
}

TEST_CASE("a lower-case x is accepted and stored upper-case: a legacy 15-digit number is converted") {
  auto a = parse_citizen_id("11010519491231002x", "20261127");
  REQUIRE(a);
  CHECK(a->number == "11010519491231002X");
  auto legacy = parse_citizen_id("110105491231002", "20261127");
  REQUIRE(legacy);
  CHECK(legacy->number == "11010519491231002X");
}

TEST_CASE("a wrong check character, an impossible or future date and bad shapes are refused with a reason") {
  std::string why;
  CHECK_FALSE(parse_citizen_id("110105194912310021", "20261127", &why));
  CHECK(why == "身份证号码校验位不正确，请核对");
  CHECK_FALSE(parse_citizen_id("110105194902300023", "20261127", &why));  // 30 February
  CHECK(why == "身份证号码中的出生日期无效");
  std::string future = "11010520991231002";
  future += citizen_id_check(future);
  CHECK_FALSE(parse_citizen_id(future, "20261127", &why));
  CHECK(why == "身份证号码中的出生日期晚于今天");
  CHECK_FALSE(parse_citizen_id("1101051949123100", "20261127", &why));
  CHECK(why == "身份证号码应为 18 位");
  CHECK_FALSE(parse_citizen_id("11010519491231A02X", "20261127", &why));
}

TEST_CASE("public unified social credit codes pass both the GB 32100 and the embedded GB 11714 check") {
  for (auto code : {"11100000000013338W", "11430000006122244L", "11220000013544541J", "11330105002500287C",
                    "11110000000021135M", "11100000000013661B"}) {
    INFO(code);
    CHECK(parse_credit_code(code));
  }
  CHECK(parse_credit_code("11100000000013338w") == std::optional<std::string>("11100000000013338W"));
}

TEST_CASE("a credit code with a wrong check character or a forbidden letter is refused") {
  std::string why;
  CHECK_FALSE(parse_credit_code("11100000000013338X", &why));
  CHECK(why == "统一社会信用代码校验位不正确，请核对");
  CHECK_FALSE(parse_credit_code("9I100000000013338W", &why));
  CHECK(why.find("不允许的字符") != std::string::npos);
  CHECK_FALSE(parse_credit_code("1110000000001333", &why));
  CHECK(why == "统一社会信用代码应为 18 位");
}
