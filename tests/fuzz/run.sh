#!/usr/bin/env bash
# Builds the trust decoders' fuzz target with clang (libFuzzer, ASan, UBSan) and runs it for the
# given seconds from the seed corpus; fails on any crash, leak or undefined behaviour.
#   tests/fuzz/run.sh SOURCE_DIR BUILD_DIR SECONDS
set -euo pipefail
src=$1 build=$2 seconds=${3:-60}
out="$build/fuzz"
mkdir -p "$out/corpus"
cp -n "$src/tests/fuzz/corpus/"* "$out/corpus/" 2>/dev/null || true
clang++ -std=c++20 -O1 -g -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
  -I "$src/kernel" -I "$src/plugin-api/include" \
  "$src/tests/fuzz/seal_decoder_fuzz.cpp" "$src/kernel/trust/der.cpp" "$src/kernel/trust/electronic_seal.cpp" \
  "$src/kernel/trust/seal_signature.cpp" "$src/kernel/trust/certificate.cpp" "$src/kernel/trust/cms_signature.cpp" \
  "$src/kernel/trust/time_stamp_authority.cpp" \
  "$src/kernel/trust/signing_key.cpp" "$src/kernel/util/digest.cpp" "$src/kernel/util/files.cpp" -lcrypto \
  -o "$out/seal_decoder_fuzz"
ASAN_OPTIONS=detect_leaks=1 "$out/seal_decoder_fuzz" -max_total_time="$seconds" -max_len=4096 -print_final_stats=1 \
  "$out/corpus" 2>&1 | tail -n 15
