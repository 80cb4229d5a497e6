// ProbeContract: a contract for the tests (the real ones live in plugin-api/include/wangban/contracts/):
// the probe plugin provides it, the prober plugin finds it through Context::contracts().
#pragma once

#include <string>

namespace probe {

class ProbeContract {
 public:
  static constexpr const char* kName = "test.probe";
  static constexpr int kVersion = 1;
  virtual ~ProbeContract() = default;
  virtual std::string version() const = 0;
  virtual long long answers() = 0;  // how many times version() was asked
};

}  // namespace probe
