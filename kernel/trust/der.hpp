// DER: the small subset of ASN.1 DER that the seal structures of GB/T 38540, CMS SignedData
// (RFC 5652 / GB/T 35275) and RFC 3161 time stamps need — writing TLVs of the universal types
// used there and reading them back strictly (definite lengths only, minimal length encoding, no
// read past the end). Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <ctime>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel::der {

struct Error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

enum Tag : unsigned char {
  kBoolean = 0x01, kInteger = 0x02, kBitString = 0x03, kOctetString = 0x04, kNull = 0x05, kOid = 0x06,
  kUtf8String = 0x0C, kPrintableString = 0x13, kIa5String = 0x16, kUtcTime = 0x17, kGeneralizedTime = 0x18,
  kSequence = 0x30, kSet = 0x31,
};

std::string tlv(unsigned char tag, std::string_view content);
std::string sequence(const std::vector<std::string>& items);
std::string set_of(std::vector<std::string> items);  // SET OF, elements sorted as DER requires
std::string null();
std::string integer(std::int64_t value);
std::string ia5(std::string_view text);
std::string utf8(std::string_view text);
std::string octets(std::string_view bytes);
std::string bits(std::string_view bytes);  // 0 unused bits
std::string oid(std::string_view dotted);  // "1.2.156.10197.1.501"
std::string generalized_time(std::time_t t);  // YYYYMMDDHHMMSSZ
std::string utc_time(std::time_t t);          // YYMMDDHHMMSSZ (years 1950-2049)
// [n] constructed: EXPLICIT around one TLV, or IMPLICIT in place of a SEQUENCE/SET's own tag.
std::string explicit_tag(unsigned number, std::string_view content);

struct Node {
  unsigned char tag = 0;
  std::string_view content;  // the value bytes
  std::string_view whole;    // tag, length and value, as found
};

// Reads consecutive TLVs from `bytes`. Throws der::Error for anything malformed.
class Reader {
 public:
  explicit Reader(std::string_view bytes) : rest_(bytes) {}
  bool done() const { return rest_.empty(); }
  Node next();
  Node expect(unsigned char tag, const char* what);  // next(), which must carry `tag`

 private:
  std::string_view rest_;
};

std::int64_t to_integer(const Node& n);
std::string to_oid(const Node& n);
std::string to_bits(const Node& n);  // the bytes of a BIT STRING with 0 unused bits
std::time_t to_time(const Node& n);  // GeneralizedTime YYYYMMDDHHMMSSZ (fractions allowed) or UTCTime
std::string to_octets(const Node& n);

}  // namespace wangban::kernel::der
