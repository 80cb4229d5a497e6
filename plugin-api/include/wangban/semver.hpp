// Semantic versions and version ranges, as used in a plugin's `requires`.
//
// A range is a space-separated conjunction of comparators: ">=1.0 <2",
// "=1.2.3", "^1.4" (>=1.4.0 <2.0.0), "~1.4" (>=1.4.0 <1.5.0), or "*".
// Missing minor/patch parts are zero. Pre-release and build suffixes are
// parsed and ignored in comparisons. Thread-safe: value types.
#pragma once

#include <compare>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace wangban {

struct SemVer {
  unsigned major = 0, minor = 0, patch = 0;
  auto operator<=>(const SemVer&) const = default;
  // Throws std::invalid_argument naming the text when it is not a version.
  static SemVer parse(std::string_view text);
  std::string str() const;
};

class VersionRange {
 public:
  // Throws std::invalid_argument naming the text when it is not a range.
  static VersionRange parse(std::string_view text);
  bool contains(const SemVer& v) const;
  const std::string& text() const { return text_; }

 private:
  enum class Op { eq, lt, le, gt, ge };
  struct Bound {
    Op op;
    SemVer v;
  };
  std::vector<Bound> bounds_;
  std::string text_;
};

// One entry of a `requires` list: "items >=1.0 <2".
struct Requirement {
  std::string name;
  VersionRange range;
};

// Parses "items >=1.0 <2, audit ^1.1"; throws std::invalid_argument on a bad entry.
std::vector<Requirement> parse_requirements(std::string_view spec);

}  // namespace wangban
