// ElectronicSeal: the electronic seal (电子印章) of GB/T 38540-2020 (v4), as the reference in
// shared/reference/electronic-seal.md gives it — encoding to DER, decoding strictly, and the
// seal maker's (制章者) SM2 signature over DER(SES_SealInfo).
//
//   SESeal ::= SEQUENCE { eSealInfo SES_SealInfo, cert OCTET STRING (maker's cert),
//                         signAlgID OID 1.2.156.10197.1.501, signedValue BIT STRING }
//   SES_SealInfo ::= SEQUENCE { header SEQUENCE { "ES", 4, vid }, esID IA5String,
//       property SEQUENCE { type, name UTF8String, certListType 1, certs SEQUENCE OF OCTET STRING,
//                           createDate, validStart, validEnd GeneralizedTime },
//       picture SEQUENCE { type IA5String, data OCTET STRING, width, height (mm) } }
// Seal signatures (SES_Signature) over documents come next (issue #5). Pure functions over
// bytes; thread-safe.
#pragma once

#include <ctime>
#include <string>
#include <string_view>
#include <vector>

namespace wangban::kernel {

class SigningKey;

inline constexpr const char* kSm2WithSm3 = "1.2.156.10197.1.501";

// The platform's seal types (the standard leaves them to the application).
enum class SealType { organisation = 1, personal_name = 2 };

struct ElectronicSeal {
  std::string vid = "WANGBAN";  // vendor id in the header
  std::string es_id;            // the seal's unique code
  int type = static_cast<int>(SealType::organisation);
  std::string name;
  std::vector<std::string> signer_certs;  // DER certificates of those who may use the seal
  std::time_t create_date = 0, valid_start = 0, valid_end = 0;
  std::string picture_type = "PNG";
  std::string picture;  // image bytes
  int width_mm = 40, height_mm = 40;
  std::string maker_cert;    // DER
  std::string signed_value;  // the maker's DER SM2 signature over DER(SES_SealInfo)
  std::string seal_info_der;  // as decoded (what signed_value covers); empty for a seal being made
};

std::string encode_seal_info(const ElectronicSeal& seal);
std::string encode_seal(const ElectronicSeal& seal);
// Throws der::Error naming what is wrong; never reads past the input.
ElectronicSeal decode_seal(std::string_view der);

// Signs the seal information with the maker's key (the cert must be the key's certificate).
void make_seal(ElectronicSeal& seal, const SigningKey& maker_key, std::string maker_cert_der);
// The maker's signature over the seal information as found in the encoding.
bool maker_signature_valid(const ElectronicSeal& seal, const SigningKey& maker_public_key);

}  // namespace wangban::kernel
