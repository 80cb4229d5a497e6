// RouteMetrics: recording and Prometheus rendering.
#include "http/route_metrics.hpp"

#include <cstdio>

namespace wangban::kernel {

void RouteMetrics::record(int status, std::uint64_t micros) {
  int cls = status / 100;
  if (cls >= 1 && cls <= 5) by_class_[static_cast<std::size_t>(cls - 1)].fetch_add(1, std::memory_order_relaxed);
  double seconds = static_cast<double>(micros) / 1e6;
  for (std::size_t i = 0; i != kBucketsSeconds.size(); ++i)
    if (seconds <= kBucketsSeconds[i]) {
      buckets_[i].fetch_add(1, std::memory_order_relaxed);
      break;
    }
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_micros_.fetch_add(micros, std::memory_order_relaxed);
}

void RouteMetrics::render(std::string& out, const std::string& labels) const {
  static const char* classes[] = {"1xx", "2xx", "3xx", "4xx", "5xx"};
  for (std::size_t i = 0; i != 5; ++i) {
    auto n = by_class_[i].load(std::memory_order_relaxed);
    if (n) out += "wangban_http_requests_total{" + labels + ",status=\"" + classes[i] + "\"} " + std::to_string(n) + "\n";
  }
  std::uint64_t cumulative = 0;
  char le[32];
  for (std::size_t i = 0; i != kBucketsSeconds.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    std::snprintf(le, sizeof le, "%g", kBucketsSeconds[i]);
    out += "wangban_http_request_duration_seconds_bucket{" + labels + ",le=\"" + le + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  auto count = count_.load(std::memory_order_relaxed);
  out += "wangban_http_request_duration_seconds_bucket{" + labels + ",le=\"+Inf\"} " + std::to_string(count) + "\n";
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", static_cast<double>(sum_micros_.load(std::memory_order_relaxed)) / 1e6);
  out += "wangban_http_request_duration_seconds_sum{" + labels + "} " + sum + "\n";
  out += "wangban_http_request_duration_seconds_count{" + labels + "} " + std::to_string(count) + "\n";
}

}  // namespace wangban::kernel
