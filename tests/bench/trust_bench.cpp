// Trust-service micro-benchmarks (issue #5), beside `openssl speed sm2` run by scripts/bench
// in the same run: SM2 signatures (SM3, standard ID) and their verification through the
// kernel's SigningKey, over a 32-byte input as the audit log's tree heads and nonces are.
#include <chrono>
#include <cstdio>
#include <filesystem>

#include "trust/signing_key.hpp"
#include "util/digest.hpp"

using namespace wangban::kernel;
using Clock = std::chrono::steady_clock;

template <class F>
double per_second(int n, F&& f) {
  auto t0 = Clock::now();
  for (int i = 0; i < n; ++i) f(i);
  return n / std::chrono::duration<double>(Clock::now() - t0).count();
}

int main() {
  auto dir = std::filesystem::temp_directory_path() / ("wangban-trust-bench-" + random_hex(4));
  auto key = SigningKey::load_or_create(dir / "k.pem", dir / "master-key");
  std::string data = random_hex(16);
  std::string sig = key.sign(data);
  int ok = 0;
  double signs = per_second(3000, [&](int) { ok += !key.sign(data).empty(); });
  double verifies = per_second(3000, [&](int) { ok += key.verify(data, sig); });
  std::filesystem::remove_all(dir);
  std::printf("\nTrust services (one thread, same run as openssl speed sm2 above)\n");
  std::printf("  SM2 sign through SigningKey                     %9.0f /s\n", signs);
  std::printf("  SM2 verify through SigningKey                   %9.0f /s\n", verifies);
  return ok == 6000 ? 0 : 1;
}
