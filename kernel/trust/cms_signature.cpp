// CmsSignature: SignedData written with the DER writer and read back with the strict reader.
#include "trust/cms_signature.hpp"

#include <utility>

#include "trust/certificate.hpp"
#include "trust/der.hpp"
#include "trust/signing_key.hpp"
#include "util/digest.hpp"

namespace wangban::kernel::cms {
namespace {

constexpr const char* kContentTypeAttr = "1.2.840.113549.1.9.3";
constexpr const char* kMessageDigestAttr = "1.2.840.113549.1.9.4";
constexpr const char* kSigningTimeAttr = "1.2.840.113549.1.9.5";

struct DigestOid {
  const char* oid;
  const char* name;
};
constexpr DigestOid kDigests[] = {{kSm3, "SM3"},
                                  {"2.16.840.1.101.3.4.2.1", "SHA256"},
                                  {"2.16.840.1.101.3.4.2.2", "SHA384"},
                                  {"2.16.840.1.101.3.4.2.3", "SHA512"}};

// The key algorithm a signature algorithm OID needs, and the digest it fixes (if any).
struct SignatureOid {
  const char* oid;
  const char* key;
  const char* digest;  // nullptr: the SignerInfo's digestAlgorithm
};
constexpr SignatureOid kSignatures[] = {
    {kSm2Sign, "SM2", "SM3"},
    {"1.2.156.10197.1.501", "SM2", "SM3"},
    {"1.2.840.10045.2.1", "EC", nullptr},
    {"1.2.840.10045.4.3.2", "EC", "SHA256"},
    {"1.2.840.10045.4.3.3", "EC", "SHA384"},
    {"1.2.840.10045.4.3.4", "EC", "SHA512"},
    {"1.2.840.113549.1.1.1", "RSA", nullptr},
    {"1.2.840.113549.1.1.11", "RSA", "SHA256"},
    {"1.2.840.113549.1.1.12", "RSA", "SHA384"},
    {"1.2.840.113549.1.1.13", "RSA", "SHA512"},
};

std::string algorithm(std::string_view oid) { return der::sequence({der::oid(oid)}); }

std::string read_algorithm(der::Reader& r, const char* what) {
  auto node = r.expect(der::kSequence, what);
  der::Reader a(node.content);
  std::string oid = der::to_oid(a.expect(der::kOid, what));
  if (!a.done()) a.next();  // parameters (NULL, or absent)
  if (!a.done()) throw der::Error(std::string(what) + ": more than an OID and its parameters");
  return oid;
}

bool is_signed_data(std::string_view oid) { return oid == kGbSignedData || oid == kSignedData; }

}  // namespace

std::string digest_name(std::string_view oid) {
  for (auto& d : kDigests)
    if (oid == d.oid) return d.name;
  return {};
}

std::string digest_oid(std::string_view name) {
  for (auto& d : kDigests)
    if (name == d.name) return d.oid;
  return {};
}

std::string attribute(std::string_view type_oid, std::string_view value_der) {
  return der::sequence({der::oid(type_oid), der::set_of({std::string(value_der)})});
}

std::string signed_attributes(std::string_view content_type, std::string_view message_digest, std::time_t signing_time,
                              const std::vector<std::string>& extra) {
  std::vector<std::string> attrs = {attribute(kContentTypeAttr, der::oid(content_type)),
                                    attribute(kSigningTimeAttr, der::utc_time(signing_time)),
                                    attribute(kMessageDigestAttr, der::octets(message_digest))};
  attrs.insert(attrs.end(), extra.begin(), extra.end());
  return der::set_of(std::move(attrs));
}

std::string assemble(const SignedDataParts& p) {
  auto cert = read_certificate(p.signer_certificate);
  std::string sid = der::sequence({cert.issuer_der, cert.serial_der});
  // The signed attributes go in as [0] IMPLICIT: the same content under another tag.
  der::Reader attrs_reader(p.signed_attributes);
  auto attrs = attrs_reader.expect(der::kSet, "signed attributes");
  std::vector<std::string> signer = {der::integer(1), sid, algorithm(p.digest_algorithm),
                                     der::explicit_tag(0, attrs.content), algorithm(p.signature_algorithm),
                                     der::octets(p.signature)};
  if (!p.unsigned_attributes.empty()) {
    std::string set = der::set_of(p.unsigned_attributes);
    der::Reader r(set);
    signer.push_back(der::explicit_tag(1, r.next().content));
  }
  std::vector<std::string> all_certs = {p.signer_certificate};
  all_certs.insert(all_certs.end(), p.more_certificates.begin(), p.more_certificates.end());
  std::string cert_set = der::set_of(std::move(all_certs));  // [0] IMPLICIT SET OF: sorted like any SET OF
  std::string certs(der::Reader(cert_set).next().content);
  std::vector<std::string> encap = {der::oid(p.econtent_type)};
  if (p.econtent) encap.push_back(der::explicit_tag(0, der::octets(*p.econtent)));
  std::string signed_data = der::sequence({der::integer(p.econtent_type == kData || p.econtent_type == kGbData ? 1 : 3),
                                           der::set_of({algorithm(p.digest_algorithm)}), der::sequence(encap),
                                           der::explicit_tag(0, certs), der::set_of({der::sequence(signer)})});
  return der::sequence({der::oid(p.content_info_type), der::explicit_tag(0, signed_data)});
}

std::string sign_detached(std::string_view data, const SigningKey& key, std::string_view certificate_der, std::time_t at,
                          const std::vector<std::string>& more_certificates) {
  SignedDataParts p;
  p.signer_certificate = std::string(certificate_der);
  p.more_certificates = more_certificates;
  p.signed_attributes = signed_attributes(kGbData, digest_bytes("SM3", data), at);
  p.signature = key.sign(p.signed_attributes);
  return assemble(p);
}

namespace {

// Attribute values by type; each attribute must hold exactly one value.
void read_signed_attributes(std::string_view set_content, Signer& s) {
  der::Reader r(set_content);
  while (!r.done()) {
    der::Reader attr(r.expect(der::kSequence, "Attribute").content);
    std::string type = der::to_oid(attr.expect(der::kOid, "Attribute.type"));
    der::Reader values(attr.expect(der::kSet, "Attribute.values").content);
    if (!attr.done()) throw der::Error("Attribute has trailing data");
    auto value = values.next();
    if (!values.done()) throw der::Error("attribute " + type + " has more than one value");
    if (type == kContentTypeAttr) {
      if (!s.content_type.empty()) throw der::Error("two contentType attributes");
      s.content_type = der::to_oid(value);
    } else if (type == kMessageDigestAttr) {
      if (!s.message_digest.empty()) throw der::Error("two messageDigest attributes");
      s.message_digest = der::to_octets(value);
      if (s.message_digest.empty()) throw der::Error("empty messageDigest");
    } else if (type == kSigningTimeAttr) {
      s.signing_time = der::to_time(value);
    }
  }
}

void read_unsigned_attributes(std::string_view set_content, Signer& s) {
  der::Reader r(set_content);
  while (!r.done()) {
    der::Reader attr(r.expect(der::kSequence, "Attribute").content);
    std::string type = der::to_oid(attr.expect(der::kOid, "Attribute.type"));
    der::Reader values(attr.expect(der::kSet, "Attribute.values").content);
    if (type == kSignatureTimeStampToken) {
      auto token = values.expect(der::kSequence, "TimeStampToken");
      s.time_stamp_token = std::string(token.whole);
    }
  }
}

Signer read_signer(std::string_view content, const std::vector<std::string>& certificates) {
  Signer s;
  der::Reader r(content);
  auto version = der::to_integer(r.expect(der::kInteger, "SignerInfo.version"));
  if (version != 1) throw der::Error("only signers named by issuer and serial number (SignerInfo version 1) are supported");
  auto sid = r.expect(der::kSequence, "IssuerAndSerialNumber");
  s.digest_algorithm = read_algorithm(r, "SignerInfo.digestAlgorithm");
  auto attrs = r.next();
  if (attrs.tag != 0xA0) throw der::Error("signed attributes are required (messageDigest and contentType)");
  // What was signed is the attributes under the SET tag.
  s.signed_attributes = der::tlv(der::kSet, attrs.content);
  read_signed_attributes(attrs.content, s);
  if (s.content_type.empty() || s.message_digest.empty())
    throw der::Error("the signed attributes lack contentType or messageDigest");
  s.signature_algorithm = read_algorithm(r, "SignerInfo.signatureAlgorithm");
  s.signature = der::to_octets(r.expect(der::kOctetString, "SignerInfo.signature"));
  if (!r.done()) {
    auto unsigned_attrs = r.next();
    if (unsigned_attrs.tag != 0xA1) throw der::Error("unexpected field after the signature");
    read_unsigned_attributes(unsigned_attrs.content, s);
  }
  if (!r.done()) throw der::Error("SignerInfo has trailing data");
  der::Reader id(sid.content);
  auto issuer = id.expect(der::kSequence, "issuer");
  auto serial = id.expect(der::kInteger, "serialNumber");
  for (auto& c : certificates) {
    try {
      auto info = read_certificate(c);
      if (info.issuer_der == issuer.whole && info.serial_der == serial.whole) s.certificate = c;
    } catch (const std::invalid_argument&) {
    }
  }
  return s;
}

}  // namespace

SignedData parse(std::string_view bytes) {
  SignedData out;
  der::Reader top(bytes);
  auto info = top.expect(der::kSequence, "ContentInfo");
  if (!top.done()) throw der::Error("bytes after the ContentInfo");
  der::Reader ci(info.content);
  out.content_info_type = der::to_oid(ci.expect(der::kOid, "ContentInfo.contentType"));
  if (!is_signed_data(out.content_info_type)) throw der::Error("content type " + out.content_info_type + " is not signedData");
  der::Reader wrapper(ci.expect(0xA0, "ContentInfo.content").content);
  if (!ci.done()) throw der::Error("ContentInfo has trailing data");
  der::Reader sd(wrapper.expect(der::kSequence, "SignedData").content);
  if (!wrapper.done()) throw der::Error("trailing data after SignedData");
  der::to_integer(sd.expect(der::kInteger, "SignedData.version"));
  sd.expect(der::kSet, "digestAlgorithms");
  der::Reader encap(sd.expect(der::kSequence, "encapContentInfo").content);
  out.econtent_type = der::to_oid(encap.expect(der::kOid, "eContentType"));
  if (!encap.done()) {
    der::Reader e(encap.expect(0xA0, "eContent").content);
    out.econtent = der::to_octets(e.expect(der::kOctetString, "eContent"));
    if (!e.done() || !encap.done()) throw der::Error("encapContentInfo has trailing data");
  }
  auto next = sd.next();
  if (next.tag == 0xA0) {
    der::Reader certs(next.content);
    while (!certs.done()) {
      auto c = certs.next();
      if (c.tag == der::kSequence) out.certificates.emplace_back(c.whole);
    }
    next = sd.next();
  }
  if (next.tag == 0xA1) next = sd.next();  // CRLs: revocation comes from the configured CRLs
  if (next.tag != der::kSet) throw der::Error("signerInfos missing");
  if (!sd.done()) throw der::Error("SignedData has trailing data");
  der::Reader signers(next.content);
  while (!signers.done()) out.signers.push_back(read_signer(signers.expect(der::kSequence, "SignerInfo").content, out.certificates));
  if (out.signers.empty()) throw der::Error("no signer");
  return out;
}

SignerCheck check_signer(const SignedData& data, const Signer& s, std::string_view content) {
  if (s.certificate.empty()) return SignerCheck::no_certificate;
  const SignatureOid* sig = nullptr;
  for (auto& candidate : kSignatures)
    if (s.signature_algorithm == candidate.oid) sig = &candidate;
  std::string digest = digest_name(s.digest_algorithm);
  if (!sig || digest.empty()) return SignerCheck::unsupported_algorithm;
  if (sig->digest && digest != sig->digest && std::string_view(sig->key) != "SM2") return SignerCheck::unsupported_algorithm;
  if (std::string_view(sig->key) == "SM2" && digest != "SM3") return SignerCheck::unsupported_algorithm;
  CertificateInfo cert;
  try {
    cert = read_certificate(s.certificate);
  } catch (const std::invalid_argument&) {
    return SignerCheck::no_certificate;
  }
  if (cert.key_algorithm != sig->key) return SignerCheck::unsupported_algorithm;
  if (s.content_type != data.econtent_type) return SignerCheck::content_type_mismatch;
  if (!signature_valid(s.certificate, digest.c_str(), s.signed_attributes, s.signature)) return SignerCheck::bad_signature;
  if (digest_bytes(digest.c_str(), content) != s.message_digest) return SignerCheck::digest_mismatch;
  return SignerCheck::ok;
}

}  // namespace wangban::kernel::cms
