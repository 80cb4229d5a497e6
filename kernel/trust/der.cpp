// DER: encoding and strict decoding of the TLVs in der.hpp.
#include "trust/der.hpp"

#include <algorithm>
#include <cstdio>

namespace wangban::kernel::der {
namespace {

std::string length(std::size_t n) {
  if (n < 0x80) return std::string(1, static_cast<char>(n));
  std::string bytes;
  for (std::size_t v = n; v; v >>= 8) bytes.insert(bytes.begin(), static_cast<char>(v & 0xFF));
  return std::string(1, static_cast<char>(0x80 | bytes.size())) + bytes;
}

}  // namespace

std::string tlv(unsigned char tag, std::string_view content) {
  return std::string(1, static_cast<char>(tag)) + length(content.size()) + std::string(content);
}

std::string sequence(const std::vector<std::string>& items) {
  std::string content;
  for (auto& i : items) content += i;
  return tlv(kSequence, content);
}

std::string set_of(std::vector<std::string> items) {
  std::sort(items.begin(), items.end());  // DER: by the encodings, as unsigned octets compared left to right
  std::string content;
  for (auto& i : items) content += i;
  return tlv(kSet, content);
}

std::string null() { return tlv(kNull, {}); }

std::string integer(std::int64_t value) {
  std::string bytes;
  std::uint64_t v = static_cast<std::uint64_t>(value);
  for (int i = 0; i < 8; ++i) bytes.insert(bytes.begin(), static_cast<char>((v >> (8 * i)) & 0xFF));
  // Minimal two's complement: drop leading bytes that only repeat the sign.
  while (bytes.size() > 1 && ((bytes[0] == 0 && !(bytes[1] & 0x80)) ||
                              (static_cast<unsigned char>(bytes[0]) == 0xFF && (bytes[1] & 0x80))))
    bytes.erase(bytes.begin());
  return tlv(kInteger, bytes);
}

std::string ia5(std::string_view text) {
  for (unsigned char c : text)
    if (c > 0x7F) throw Error("IA5String holds only ASCII");
  return tlv(kIa5String, text);
}
std::string utf8(std::string_view text) { return tlv(kUtf8String, text); }
std::string octets(std::string_view bytes) { return tlv(kOctetString, bytes); }
std::string bits(std::string_view bytes) { return tlv(kBitString, std::string(1, '\0') + std::string(bytes)); }

std::string oid(std::string_view dotted) {
  std::vector<std::uint64_t> arcs;
  std::uint64_t v = 0;
  bool digit = false;
  for (char c : std::string(dotted) + ".") {
    if (c == '.') {
      if (!digit) throw Error("bad OID " + std::string(dotted));
      arcs.push_back(v);
      v = 0;
      digit = false;
    } else if (c >= '0' && c <= '9') {
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
      digit = true;
    } else {
      throw Error("bad OID " + std::string(dotted));
    }
  }
  if (arcs.size() < 2 || arcs[0] > 2) throw Error("bad OID " + std::string(dotted));
  std::string out;
  auto base128 = [&out](std::uint64_t a) {
    std::string b(1, static_cast<char>(a & 0x7F));
    for (a >>= 7; a; a >>= 7) b.insert(b.begin(), static_cast<char>(0x80 | (a & 0x7F)));
    out += b;
  };
  base128(arcs[0] * 40 + arcs[1]);
  for (std::size_t i = 2; i < arcs.size(); ++i) base128(arcs[i]);
  return tlv(kOid, out);
}

std::string generalized_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[20];
  std::strftime(buf, sizeof buf, "%Y%m%d%H%M%SZ", &tm);
  return tlv(kGeneralizedTime, buf);
}

std::string utc_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  if (tm.tm_year < 50 || tm.tm_year >= 150) throw Error("UTCTime holds only the years 1950-2049");
  char buf[16];
  std::strftime(buf, sizeof buf, "%y%m%d%H%M%SZ", &tm);
  return tlv(kUtcTime, buf);
}

std::string explicit_tag(unsigned number, std::string_view content) {
  if (number > 30) throw Error("tag number too large");
  return tlv(static_cast<unsigned char>(0xA0 | number), content);
}

Node Reader::next() {
  if (rest_.size() < 2) throw Error("truncated: a TLV needs at least 2 bytes");
  Node n;
  n.tag = static_cast<unsigned char>(rest_[0]);
  if ((n.tag & 0x1F) == 0x1F) throw Error("multi-byte tags are not used here");
  std::size_t len = static_cast<unsigned char>(rest_[1]), header = 2;
  if (len == 0x80) throw Error("indefinite length is not DER");
  if (len > 0x80) {
    std::size_t count = len & 0x7F;
    if (count > 4) throw Error("length too large");
    if (rest_.size() < 2 + count) throw Error("truncated length");
    len = 0;
    for (std::size_t i = 0; i < count; ++i) len = (len << 8) | static_cast<unsigned char>(rest_[2 + i]);
    if (len < 0x80 || (count > 1 && static_cast<unsigned char>(rest_[2]) == 0)) throw Error("length not minimal (not DER)");
    header += count;
  }
  if (rest_.size() - header < len) throw Error("truncated: the value runs past the end");
  n.content = rest_.substr(header, len);
  n.whole = rest_.substr(0, header + len);
  rest_.remove_prefix(header + len);
  return n;
}

Node Reader::expect(unsigned char tag, const char* what) {
  auto n = next();
  if (n.tag != tag) {
    char buf[96];
    std::snprintf(buf, sizeof buf, "%s: expected tag 0x%02X, found 0x%02X", what, tag, n.tag);
    throw Error(buf);
  }
  return n;
}

std::int64_t to_integer(const Node& n) {
  if (n.tag != kInteger || n.content.empty() || n.content.size() > 8) throw Error("not a small INTEGER");
  std::int64_t v = (static_cast<unsigned char>(n.content[0]) & 0x80) ? -1 : 0;
  for (unsigned char c : n.content) v = static_cast<std::int64_t>((static_cast<std::uint64_t>(v) << 8) | c);
  return v;
}

std::string to_oid(const Node& n) {
  if (n.tag != kOid || n.content.empty()) throw Error("not an OBJECT IDENTIFIER");
  std::string out;
  std::uint64_t v = 0;
  bool first = true;
  for (std::size_t i = 0; i < n.content.size(); ++i) {
    auto c = static_cast<unsigned char>(n.content[i]);
    if (v > (UINT64_MAX >> 7)) throw Error("OID arc too large");
    v = (v << 7) | (c & 0x7F);
    if (c & 0x80) {
      if (i + 1 == n.content.size()) throw Error("truncated OID");
      continue;
    }
    if (first) {
      std::uint64_t a = v < 80 ? v / 40 : 2;
      out = std::to_string(a) + "." + std::to_string(v - a * 40);
      first = false;
    } else {
      out += "." + std::to_string(v);
    }
    v = 0;
  }
  return out;
}

std::string to_bits(const Node& n) {
  if (n.tag != kBitString || n.content.empty() || n.content[0] != 0) throw Error("not a BIT STRING of whole bytes");
  return std::string(n.content.substr(1));
}

std::time_t to_time(const Node& n) {
  // GeneralizedTime YYYYMMDDHHMMSS[.fff]Z (RFC 3161 genTime may carry fractions) or UTCTime YYMMDDHHMMSSZ.
  std::string s(n.content);
  bool utc = n.tag == kUtcTime;
  if ((n.tag != kGeneralizedTime && !utc) || s.empty() || s.back() != 'Z') throw Error("not a GeneralizedTime or UTCTime");
  s.pop_back();
  std::size_t digits = utc ? 12 : 14;
  if (s.size() < digits) throw Error("time too short");
  if (s.size() > digits) {
    if (utc || s[digits] != '.' || s.size() == digits + 1 || s.back() == '0') throw Error("bad fraction of a second");
    for (std::size_t i = digits + 1; i < s.size(); ++i)
      if (s[i] < '0' || s[i] > '9') throw Error("bad fraction of a second");
  }
  for (std::size_t i = 0; i < digits; ++i)
    if (s[i] < '0' || s[i] > '9') throw Error("not a time");
  std::tm tm{};
  std::size_t y = utc ? 2 : 4;
  int year = std::stoi(s.substr(0, y));
  if (utc) year += year < 50 ? 2000 : 1900;
  tm.tm_year = year - 1900;
  tm.tm_mon = std::stoi(s.substr(y, 2)) - 1;
  tm.tm_mday = std::stoi(s.substr(y + 2, 2));
  tm.tm_hour = std::stoi(s.substr(y + 4, 2));
  tm.tm_min = std::stoi(s.substr(y + 6, 2));
  tm.tm_sec = std::stoi(s.substr(y + 8, 2));
  if (tm.tm_mon > 11 || tm.tm_mday < 1 || tm.tm_mday > 31 || tm.tm_hour > 23 || tm.tm_min > 59 || tm.tm_sec > 60)
    throw Error("time out of range");
  return timegm(&tm);
}

std::string to_octets(const Node& n) {
  if (n.tag != kOctetString) throw Error("not an OCTET STRING");
  return std::string(n.content);
}

}  // namespace wangban::kernel::der
