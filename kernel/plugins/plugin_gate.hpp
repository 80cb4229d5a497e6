// PluginGate: counts the calls into one loaded plugin and closes the door before it stops.
//
// Every HTTP handler call and event delivery enters the gate and leaves it when
// done. close_and_drain() refuses new entries and waits until the plugin has
// no call in progress: only then may it be stopped and unloaded. A gate is
// never reopened; a reloaded plugin gets a new one. Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>

namespace wangban::kernel {

class PluginGate {
 public:
  bool enter() {
    std::lock_guard lock(mutex_);
    if (closed_) return false;
    ++in_flight_;
    return true;
  }
  void leave() {
    std::lock_guard lock(mutex_);
    if (--in_flight_ == 0) drained_.notify_all();
  }
  // Returns false if calls were still running when `timeout` ran out.
  bool close_and_drain(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    closed_ = true;
    return drained_.wait_for(lock, timeout, [this] { return in_flight_ == 0; });
  }
  bool closed() const {
    std::lock_guard lock(mutex_);
    return closed_;
  }

 private:
  mutable std::mutex mutex_;
  std::condition_variable drained_;
  int in_flight_ = 0;
  bool closed_ = false;
};

// Leaves the gate when it goes out of scope.
class GatePass {
 public:
  explicit GatePass(PluginGate& g) : gate_(g.enter() ? &g : nullptr) {}
  ~GatePass() {
    if (gate_) gate_->leave();
  }
  GatePass(const GatePass&) = delete;
  GatePass& operator=(const GatePass&) = delete;
  explicit operator bool() const { return gate_ != nullptr; }

 private:
  PluginGate* gate_;
};

}  // namespace wangban::kernel
