// WorkerPool: the threads that run blocking work (handlers, database, crypto, event handlers).
//
// The HTTP event loops never block; they post work here. join() finishes the
// queued work and ends the threads. Thread-safe.
#pragma once

#include <functional>
#include <memory>

namespace wangban::kernel {

class WorkerPool {
 public:
  explicit WorkerPool(unsigned threads);
  ~WorkerPool();
  void post(std::function<void()> work);
  void join();
  unsigned size() const { return threads_; }

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
  unsigned threads_;
};

}  // namespace wangban::kernel
