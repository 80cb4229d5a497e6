// WorkerPool over boost::asio::thread_pool.
#include "util/worker_pool.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/thread_pool.hpp>

namespace wangban::kernel {

struct WorkerPool::Impl {
  explicit Impl(unsigned n) : pool(n) {}
  boost::asio::thread_pool pool;
};

WorkerPool::WorkerPool(unsigned threads) : impl_(std::make_unique<Impl>(threads)), threads_(threads) {}
WorkerPool::~WorkerPool() { join(); }

void WorkerPool::post(std::function<void()> work) { boost::asio::post(impl_->pool, std::move(work)); }

void WorkerPool::join() { impl_->pool.join(); }

}  // namespace wangban::kernel
