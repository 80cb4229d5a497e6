// RouteMetrics: request counts by status class and a latency histogram for one route,
// rendered in the Prometheus text format. Lock-free updates; thread-safe.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace wangban::kernel {

class RouteMetrics {
 public:
  static constexpr std::array<double, 12> kBucketsSeconds = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                             0.1,   0.25,   0.5,   1,    2.5,   10};
  void record(int status, std::uint64_t micros);
  // Appends this route's series; `labels` is already formatted: method="GET",route="/api/x".
  void render(std::string& out, const std::string& labels) const;

 private:
  std::array<std::atomic<std::uint64_t>, 5> by_class_{};  // 1xx..5xx
  std::array<std::atomic<std::uint64_t>, kBucketsSeconds.size()> buckets_{};
  std::atomic<std::uint64_t> count_{0};
  std::atomic<std::uint64_t> sum_micros_{0};
};

}  // namespace wangban::kernel
