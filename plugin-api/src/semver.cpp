// Semantic versions, ranges and `requires` lists.
#include "wangban/semver.hpp"

#include <charconv>
#include <stdexcept>

namespace wangban {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// Parses "1", "1.2" or "1.2.3" (an optional "v" prefix, a "-pre" or "+build" suffix);
// reports how many parts were given.
bool parse_parts(std::string_view text, SemVer& out, int& parts) {
  if (!text.empty() && text.front() == 'v') text.remove_prefix(1);
  if (auto cut = text.find_first_of("-+"); cut != std::string_view::npos) text = text.substr(0, cut);
  unsigned* fields[3] = {&out.major, &out.minor, &out.patch};
  out = {};
  parts = 0;
  while (parts < 3) {
    auto dot = text.find('.');
    auto piece = text.substr(0, dot);
    if (piece.empty() || piece.size() > 9) return false;
    auto [end, ec] = std::from_chars(piece.data(), piece.data() + piece.size(), *fields[parts]);
    if (ec != std::errc{} || end != piece.data() + piece.size()) return false;
    ++parts;
    if (dot == std::string_view::npos) return true;
    text.remove_prefix(dot + 1);
  }
  return false;  // more than three parts
}

}  // namespace

SemVer SemVer::parse(std::string_view text) {
  SemVer v;
  int parts = 0;
  if (!parse_parts(trim(text), v, parts))
    throw std::invalid_argument("not a semantic version: \"" + std::string(text) + "\"");
  return v;
}

std::string SemVer::str() const {
  return std::to_string(major) + "." + std::to_string(minor) + "." + std::to_string(patch);
}

VersionRange VersionRange::parse(std::string_view text) {
  VersionRange r;
  r.text_ = std::string(trim(text));
  std::string_view rest = r.text_;
  auto fail = [&] { throw std::invalid_argument("not a version range: \"" + std::string(text) + "\""); };
  if (rest.empty()) fail();
  while (!(rest = trim(rest)).empty()) {
    auto space = rest.find(' ');
    auto token = rest.substr(0, space);
    rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    if (token == "*") continue;
    Op op = Op::eq;
    char tilde_or_caret = 0;
    if (token.starts_with(">=")) op = Op::ge, token.remove_prefix(2);
    else if (token.starts_with("<=")) op = Op::le, token.remove_prefix(2);
    else if (token.starts_with(">")) op = Op::gt, token.remove_prefix(1);
    else if (token.starts_with("<")) op = Op::lt, token.remove_prefix(1);
    else if (token.starts_with("=")) op = Op::eq, token.remove_prefix(1);
    else if (token.starts_with("^") || token.starts_with("~")) tilde_or_caret = token.front(), token.remove_prefix(1);
    SemVer v;
    int parts = 0;
    if (!parse_parts(token, v, parts)) fail();
    if (tilde_or_caret) {
      SemVer upper = v;
      if (tilde_or_caret == '^' && v.major > 0) upper = {v.major + 1, 0, 0};
      else if (tilde_or_caret == '^' && v.minor > 0) upper = {0, v.minor + 1, 0};
      else if (tilde_or_caret == '^') upper = {0, 0, v.patch + 1};
      else if (parts == 1) upper = {v.major + 1, 0, 0};
      else upper = {v.major, v.minor + 1, 0};
      r.bounds_.push_back({Op::ge, v});
      r.bounds_.push_back({Op::lt, upper});
    } else if (op == Op::eq && parts < 3) {
      // "=1.2" means any 1.2.x; "=1" any 1.x.
      SemVer upper = parts == 1 ? SemVer{v.major + 1, 0, 0} : SemVer{v.major, v.minor + 1, 0};
      r.bounds_.push_back({Op::ge, v});
      r.bounds_.push_back({Op::lt, upper});
    } else {
      r.bounds_.push_back({op, v});
    }
  }
  return r;
}

bool VersionRange::contains(const SemVer& v) const {
  for (const auto& b : bounds_) {
    bool ok = false;
    switch (b.op) {
      case Op::eq: ok = v == b.v; break;
      case Op::lt: ok = v < b.v; break;
      case Op::le: ok = v <= b.v; break;
      case Op::gt: ok = v > b.v; break;
      case Op::ge: ok = v >= b.v; break;
    }
    if (!ok) return false;
  }
  return true;
}

std::vector<Requirement> parse_requirements(std::string_view spec) {
  std::vector<Requirement> out;
  while (!(spec = trim(spec)).empty()) {
    auto comma = spec.find(',');
    auto entry = trim(spec.substr(0, comma));
    spec = comma == std::string_view::npos ? std::string_view{} : spec.substr(comma + 1);
    if (entry.empty()) continue;
    auto space = entry.find(' ');
    std::string name(entry.substr(0, space));
    auto range = space == std::string_view::npos ? std::string_view{"*"} : entry.substr(space);
    out.push_back({std::move(name), VersionRange::parse(range)});
  }
  return out;
}

}  // namespace wangban
