// libFuzzer target: arbitrary bytes into every decoder of the trust services — the GB/T 38540
// seal decoder (and whatever decodes back through the encoder), the seal-signature verifier, the
// CMS SignedData parser with the signer check, and the RFC 3161 time-stamp token check — and so
// into the DER reader under them all. Built and run under ASan/UBSan by run.sh.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "trust/cms_signature.hpp"
#include "trust/der.hpp"
#include "trust/electronic_seal.hpp"
#include "trust/seal_signature.hpp"
#include "trust/time_stamp_authority.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  namespace k = wangban::kernel;
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  const std::string document = "document";
  try {
    auto seal = k::decode_seal(bytes);
    (void)k::encode_seal(seal);
  } catch (const k::der::Error&) {  // refused: the expected outcome for most inputs
  }
  (void)k::verify_seal_signature(bytes, std::string(32, '\0'));  // reports, never throws
  try {
    auto signed_data = k::cms::parse(bytes);
    for (auto& signer : signed_data.signers) (void)k::cms::check_signer(signed_data, signer, document);
  } catch (const k::der::Error&) {
  }
  (void)k::check_time_stamp(bytes, document);
  return 0;
}
