// The watchdog thread; see watchdog.h. The interrupt is sent with the lock held, so disarming
// waits for an interrupt in flight and a fired scope is always seen as fired.
#include "harness/watchdog.h"

#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdio>

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
    if (target_ == nullptr) {
      waiting_until_ = std::chrono::steady_clock::time_point::max();
      changed_.wait(lock);
      continue;
    }
    auto due = [this] { return fired_ ? deadline_ + grace_ : deadline_; };
    waiting_until_ = due();
    // Not waiting_until_ after the wait: a scope armed meanwhile with a later deadline does not wake
    // the thread, so the deadline slept until may be an earlier scope's.
    if (changed_.wait_until(lock, waiting_until_) != std::cv_status::timeout || target_ == nullptr ||
        std::chrono::steady_clock::now() < due()) {
      continue;  // woken, disarmed, or re-armed with a later deadline: look again
    }
    if (!fired_) {
      target_->Interrupt();
      fired_ = true;
      continue;
    }
    // The runtime did not take the interrupt (one long call into C): waiting on is a hang, and a
    // hang loses more than ending here, since the exports are written after every workload.
    fmt::print(stderr,
               "duet: {} did not stop within {:.0f} s of being interrupted (a long call into C?); ending duet with "
               "exit code {} (--isolation=process keeps the session going)\n",
               target_->name(), std::chrono::duration<double>(grace_).count(), kExitUnstoppable);
    std::fflush(stderr);
    _exit(kExitUnstoppable);
  }
}

Watchdog::Scope::Scope(Watchdog* watchdog, Runtime* runtime, double timeout_s)
    : watchdog_(timeout_s > 0 ? watchdog : nullptr), runtime_(runtime) {
  if (watchdog_ == nullptr) return;
  bool wake = false;
  {
    std::lock_guard<std::mutex> lock(watchdog_->mu_);
    watchdog_->target_ = runtime;
    watchdog_->fired_ = false;
    auto seconds = [](double s) {
      return std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(s));
    };
    watchdog_->deadline_ = std::chrono::steady_clock::now() + seconds(timeout_s);
    watchdog_->grace_ = seconds(std::max(timeout_s, kMinGraceS));
    // Only when the thread would otherwise sleep past this deadline: a wake-up per iteration
    // would put a context switch next to every timed iteration.
    wake = watchdog_->waiting_until_ > watchdog_->deadline_;
  }
  if (wake) watchdog_->changed_.notify_all();
}

Watchdog::Scope::~Scope() {
  if (watchdog_ == nullptr) return;
  bool fired = false;
  {
    std::lock_guard<std::mutex> lock(watchdog_->mu_);
    watchdog_->target_ = nullptr;  // the thread notices at its deadline; no wake-up needed
    fired = std::exchange(watchdog_->fired_, false);
  }
  if (fired) runtime_->ClearInterrupt();
}

bool Watchdog::Scope::fired() const {
  if (watchdog_ == nullptr) return false;
  std::lock_guard<std::mutex> lock(watchdog_->mu_);
  return watchdog_->fired_;
}

}  // namespace duet
