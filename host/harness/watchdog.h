// Watchdog: one thread that ends a runaway workload call (design §8). The harness arms it around
// every call into a runtime; past the deadline it calls Runtime::Interrupt from its own thread,
// and if that is not enough, ends the process rather than hang.
#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <utility>

#include "core/runtime.h"

namespace duet {

class Watchdog {
 public:
  // A runtime still busy this long after its interrupt (at least the timeout again) cannot be
  // stopped from inside the process: the watchdog ends the process with this exit code.
  static constexpr double kMinGraceS = 5.0;
  static constexpr int kExitUnstoppable = 3;

  Watchdog();
  ~Watchdog();  // stops and joins the thread
  Watchdog(const Watchdog&) = delete;
  Watchdog& operator=(const Watchdog&) = delete;

  // Armed for one call while alive: `runtime` is interrupted if the scope outlives `timeout_s`
  // (0: never). On destruction it disarms and, when it fired, clears the runtime's interrupt.
  class Scope {
   public:
    Scope(Watchdog* watchdog, Runtime* runtime, double timeout_s);
    ~Scope();
    Scope(const Scope&) = delete;
    Scope& operator=(const Scope&) = delete;
    // Whether the deadline passed and the runtime was interrupted.
    bool fired() const;

   private:
    Watchdog* watchdog_;
    Runtime* runtime_;
  };

 private:
  void Main();

  std::mutex mu_;
  std::condition_variable changed_;
  Runtime* target_ = nullptr;  // armed when set
  std::chrono::steady_clock::time_point deadline_;
  std::chrono::steady_clock::duration grace_{};
  // What the thread sleeps until (max: until woken); arming wakes it only when that is too late.
  std::chrono::steady_clock::time_point waiting_until_ = std::chrono::steady_clock::time_point::max();
  bool fired_ = false;
  bool stop_ = false;
  std::thread thread_;  // last: starts once the state above exists
};

}  // namespace duet
