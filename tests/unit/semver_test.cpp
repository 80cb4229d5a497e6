// Semantic versions and ranges as used by plugin requirements.
#include <stdexcept>

#include <doctest/doctest.h>

#include "wangban/semver.hpp"

using wangban::SemVer;
using wangban::VersionRange;

TEST_CASE("a range of two comparators admits exactly the versions between them") {
  auto r = VersionRange::parse(">=1.0 <2");
  CHECK(r.contains(SemVer::parse("1.0.0")));
  CHECK(r.contains(SemVer::parse("1.9.17")));
  CHECK_FALSE(r.contains(SemVer::parse("2.0.0")));
  CHECK_FALSE(r.contains(SemVer::parse("0.9.9")));
}

TEST_CASE("caret and tilde ranges follow the usual meaning") {
  CHECK(VersionRange::parse("^1.4").contains(SemVer::parse("1.9.0")));
  CHECK_FALSE(VersionRange::parse("^1.4").contains(SemVer::parse("2.0.0")));
  CHECK_FALSE(VersionRange::parse("^0.3").contains(SemVer::parse("0.4.0")));
  CHECK(VersionRange::parse("~1.4").contains(SemVer::parse("1.4.9")));
  CHECK_FALSE(VersionRange::parse("~1.4").contains(SemVer::parse("1.5.0")));
  CHECK(VersionRange::parse("=1.2").contains(SemVer::parse("1.2.7")));
  CHECK_FALSE(VersionRange::parse("=1.2").contains(SemVer::parse("1.3.0")));
}

TEST_CASE("bad versions and ranges are refused with the text in the message") {
  CHECK_THROWS_WITH_AS(SemVer::parse("1.x"), doctest::Contains("1.x"), std::invalid_argument);
  CHECK_THROWS_AS(VersionRange::parse(">=banana"), std::invalid_argument);
  CHECK_THROWS_AS(SemVer::parse("1.2.3.4"), std::invalid_argument);
}

TEST_CASE("a requires list names each plugin with its range") {
  auto reqs = wangban::parse_requirements("items >=1.0 <2, audit ^1.1,  hall");
  REQUIRE(reqs.size() == 3);
  CHECK(reqs[0].name == "items");
  CHECK(reqs[1].range.contains(SemVer::parse("1.5.0")));
  CHECK(reqs[2].range.contains(SemVer::parse("7.0.0")));
}
