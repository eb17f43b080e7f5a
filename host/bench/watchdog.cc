// The watchdog thread; see watchdog.h. The interrupt is sent with the lock held, so disarming
// waits for an interrupt in flight and a fired scope is always seen as fired.
#include "bench/watchdog.h"

namespace duet {

Watchdog::Watchdog() : thread_([this] { Main(); }) {}

Watchdog::~Watchdog() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  changed_.notify_all();
  thread_.join();
}

void Watchdog::Main() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    if (target_ == nullptr || fired_) {
      changed_.wait(lock);
      continue;
    }
    if (changed_.wait_until(lock, deadline_) == std::cv_status::timeout && target_ != nullptr && !fired_ &&
        std::chrono::steady_clock::now() >= deadline_) {
      target_->Interrupt();
      fired_ = true;
    }
  }
}

Watchdog::Scope::Scope(Watchdog* watchdog, Runtime* runtime, double timeout_s)
    : watchdog_(timeout_s > 0 ? watchdog : nullptr), runtime_(runtime) {
  if (watchdog_ == nullptr) return;
  {
    std::lock_guard<std::mutex> lock(watchdog_->mu_);
    watchdog_->target_ = runtime;
    watchdog_->fired_ = false;
    watchdog_->deadline_ = std::chrono::steady_clock::now() +
                           std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(timeout_s));
  }
  watchdog_->changed_.notify_all();
}

Watchdog::Scope::~Scope() {
  if (watchdog_ == nullptr) return;
  bool fired = false;
  {
    std::lock_guard<std::mutex> lock(watchdog_->mu_);
    watchdog_->target_ = nullptr;
    fired = std::exchange(watchdog_->fired_, false);
  }
  watchdog_->changed_.notify_all();
  if (fired) runtime_->ClearInterrupt();
}

bool Watchdog::Scope::fired() const {
  if (watchdog_ == nullptr) return false;
  std::lock_guard<std::mutex> lock(watchdog_->mu_);
  return watchdog_->fired_;
}

}  // namespace duet
