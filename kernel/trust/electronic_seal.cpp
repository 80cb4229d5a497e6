// ElectronicSeal: the SESeal v4 layout in DER, both ways, and the maker's signature.
#include "trust/electronic_seal.hpp"

#include "trust/der.hpp"
#include "trust/signing_key.hpp"

namespace wangban::kernel {

std::string encode_seal_info(const ElectronicSeal& s) {
  std::vector<std::string> certs;
  for (auto& c : s.signer_certs) certs.push_back(der::octets(c));
  return der::sequence({
      der::sequence({der::ia5("ES"), der::integer(4), der::ia5(s.vid)}),
      der::ia5(s.es_id),
      der::sequence({der::integer(s.type), der::utf8(s.name), der::integer(1), der::sequence(certs),
                     der::generalized_time(s.create_date), der::generalized_time(s.valid_start),
                     der::generalized_time(s.valid_end)}),
      der::sequence({der::ia5(s.picture_type), der::octets(s.picture), der::integer(s.width_mm),
                     der::integer(s.height_mm)}),
  });
}

std::string encode_seal(const ElectronicSeal& s) {
  std::string info = s.seal_info_der.empty() ? encode_seal_info(s) : s.seal_info_der;
  return der::sequence({info, der::octets(s.maker_cert), der::oid(kSm2WithSm3), der::bits(s.signed_value)});
}

ElectronicSeal decode_seal(std::string_view bytes) {
  ElectronicSeal s;
  der::Reader top(bytes);
  auto seal = top.expect(der::kSequence, "SESeal");
  if (!top.done()) throw der::Error("bytes after the SESeal");
  der::Reader fields(seal.content);
  auto info = fields.expect(der::kSequence, "SES_SealInfo");
  s.seal_info_der = std::string(info.whole);
  s.maker_cert = std::string(fields.expect(der::kOctetString, "cert").content);
  auto alg = der::to_oid(fields.expect(der::kOid, "signAlgID"));
  if (alg != kSm2WithSm3) throw der::Error("signAlgID " + alg + " is not SM2-with-SM3 (1.2.156.10197.1.501)");
  s.signed_value = der::to_bits(fields.expect(der::kBitString, "signedValue"));
  if (!fields.done()) throw der::Error("SESeal has more than 4 elements (not v4)");

  der::Reader i(info.content);
  der::Reader header(i.expect(der::kSequence, "header").content);
  if (header.expect(der::kIa5String, "header.id").content != "ES") throw der::Error("header id is not \"ES\"");
  auto version = der::to_integer(header.expect(der::kInteger, "header.version"));
  if (version != 4) throw der::Error("seal version " + std::to_string(version) + " is not 4");
  s.vid = std::string(header.expect(der::kIa5String, "header.vid").content);
  s.es_id = std::string(i.expect(der::kIa5String, "esID").content);
  der::Reader p(i.expect(der::kSequence, "property").content);
  s.type = static_cast<int>(der::to_integer(p.expect(der::kInteger, "property.type")));
  s.name = std::string(p.expect(der::kUtf8String, "property.name").content);
  if (der::to_integer(p.expect(der::kInteger, "property.certListType")) != 1)
    throw der::Error("certListType other than 1 (certificates) is not supported yet");
  der::Reader certs(p.expect(der::kSequence, "property.certList").content);
  while (!certs.done()) s.signer_certs.emplace_back(certs.expect(der::kOctetString, "certList entry").content);
  s.create_date = der::to_time(p.next());
  s.valid_start = der::to_time(p.next());
  s.valid_end = der::to_time(p.next());
  der::Reader pic(i.expect(der::kSequence, "picture").content);
  s.picture_type = std::string(pic.expect(der::kIa5String, "picture.type").content);
  s.picture = std::string(pic.expect(der::kOctetString, "picture.data").content);
  s.width_mm = static_cast<int>(der::to_integer(pic.expect(der::kInteger, "picture.width")));
  s.height_mm = static_cast<int>(der::to_integer(pic.expect(der::kInteger, "picture.height")));
  return s;  // extDatas, when present, are kept inside seal_info_der and not interpreted yet
}

void make_seal(ElectronicSeal& seal, const SigningKey& maker_key, std::string maker_cert_der) {
  seal.maker_cert = std::move(maker_cert_der);
  seal.seal_info_der = encode_seal_info(seal);
  seal.signed_value = maker_key.sign(seal.seal_info_der);
}

bool maker_signature_valid(const ElectronicSeal& seal, const SigningKey& maker_public_key) {
  std::string info = seal.seal_info_der.empty() ? encode_seal_info(seal) : seal.seal_info_der;
  return maker_public_key.verify(info, seal.signed_value);
}

}  // namespace wangban::kernel
