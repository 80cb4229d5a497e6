// libFuzzer target: arbitrary bytes into the GB/T 38540 seal decoder and its DER reader, and
// whatever decodes back through the encoder. Built and run under ASan/UBSan by run.sh.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "trust/der.hpp"
#include "trust/electronic_seal.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  try {
    auto seal = wangban::kernel::decode_seal(std::string_view(reinterpret_cast<const char*>(data), size));
    (void)wangban::kernel::encode_seal(seal);
  } catch (const wangban::kernel::der::Error&) {  // refused: the expected outcome for most inputs
  }
  return 0;
}
