// TimerService on a dedicated Asio thread; PluginScheduler bookkeeping.
#include "scheduler/timer_service.hpp"

#include <algorithm>
#include <thread>

#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <spdlog/spdlog.h>

#include "util/worker_pool.hpp"

namespace wangban::kernel {

struct TimerService::Timer {
  explicit Timer(boost::asio::io_context& io) : timer(io) {}
  boost::asio::steady_timer timer;
};

struct TimerService::Impl {
  boost::asio::io_context io;
  boost::asio::executor_work_guard<boost::asio::io_context::executor_type> guard{io.get_executor()};
  std::thread thread{[this] { io.run(); }};
};

TimerService::TimerService(WorkerPool& workers) : impl_(std::make_unique<Impl>()), workers_(workers) {}

TimerService::~TimerService() { stop(); }

void TimerService::stop() {
  if (!impl_->thread.joinable()) return;
  impl_->guard.reset();
  impl_->io.stop();
  impl_->thread.join();
}

std::shared_ptr<TimerService::Timer> TimerService::arm(std::chrono::milliseconds delay, std::function<void()> fire) {
  auto t = std::make_shared<Timer>(impl_->io);
  t->timer.expires_after(delay);
  t->timer.async_wait([this, t, fire = std::move(fire)](const boost::system::error_code& ec) {
    if (!ec) workers_.post(fire);
  });
  return t;
}

void TimerService::cancel(const std::shared_ptr<Timer>& timer) {
  boost::asio::post(impl_->io, [timer] { timer->timer.cancel(); });
}

struct PluginScheduler::Task {
  std::string name;
  std::chrono::milliseconds interval{0};  // zero: runs once
  std::function<void()> fn;               // plugin code: reset before the plugin unloads
  std::shared_ptr<TimerService::Timer> timer;
};

// Shared with the timer callbacks, which may outlive the PluginScheduler object.
struct PluginScheduler::State {
  State(TimerService& t, std::shared_ptr<spdlog::logger> l) : timers(t), log(std::move(l)) {}
  TimerService& timers;
  std::shared_ptr<spdlog::logger> log;
  std::mutex mutex;
  std::condition_variable idle;
  bool cancelled = false;
  int running = 0;
  std::vector<std::shared_ptr<Task>> tasks;
};

PluginScheduler::PluginScheduler(TimerService& timers, std::shared_ptr<spdlog::logger> log)
    : state_(std::make_shared<State>(timers, std::move(log))) {}

PluginScheduler::~PluginScheduler() { cancel_and_wait(); }

void PluginScheduler::after(std::string name, std::chrono::milliseconds delay, std::function<void()> task) {
  auto t = std::make_shared<Task>(Task{std::move(name), std::chrono::milliseconds(0), std::move(task), nullptr});
  arm(state_, t, delay);
}

void PluginScheduler::every(std::string name, std::chrono::milliseconds interval, std::function<void()> task) {
  if (interval.count() <= 0) throw std::invalid_argument("scheduler: interval must be positive: " + name);
  auto t = std::make_shared<Task>(Task{std::move(name), interval, std::move(task), nullptr});
  arm(state_, t, interval);
}

void PluginScheduler::arm(const std::shared_ptr<State>& state, const std::shared_ptr<Task>& task,
                          std::chrono::milliseconds delay) {
  std::lock_guard lock(state->mutex);
  if (state->cancelled) return;
  task->timer = state->timers.arm(delay, [state, task] { run(state, task); });
  if (std::find(state->tasks.begin(), state->tasks.end(), task) == state->tasks.end()) state->tasks.push_back(task);
}

void PluginScheduler::run(const std::shared_ptr<State>& state, const std::shared_ptr<Task>& task) {
  {
    std::lock_guard lock(state->mutex);
    if (state->cancelled || !task->fn) return;
    ++state->running;
  }
  try {
    task->fn();
  } catch (const std::exception& e) {
    state->log->error("scheduled task {} failed: {}", task->name, e.what());
  } catch (...) {
    state->log->error("scheduled task {} failed with a non-standard exception", task->name);
  }
  bool again = task->interval.count() > 0;
  {
    std::lock_guard lock(state->mutex);
    if (!again) {
      task->fn = nullptr;
      std::erase(state->tasks, task);
    }
    --state->running;
  }
  state->idle.notify_all();
  if (again) arm(state, task, task->interval);
}

void PluginScheduler::cancel_and_wait() {
  std::unique_lock lock(state_->mutex);
  state_->cancelled = true;
  for (auto& t : state_->tasks)
    if (t->timer) state_->timers.cancel(t->timer);
  state_->idle.wait(lock, [this] { return state_->running == 0; });
  for (auto& t : state_->tasks) t->fn = nullptr;
  state_->tasks.clear();
}

}  // namespace wangban::kernel
