// Loop: the one uv_loop_t that both runtimes share, and the function that spins it (Node's
// SpinEventLoop plus Python's pending work). Not thread-safe: lives on the main thread.
#pragma once

#include <uv.h>

#include <atomic>
#include <functional>
#include <vector>

#include "core/status.h"

namespace duet {

// A runtime's work that lives outside libuv (V8 platform tasks and microtasks, Python pending
// calls). The loop drains every participant between libuv iterations.
class LoopParticipant {
 public:
  virtual ~LoopParticipant() = default;
  // Runs whatever is ready now without blocking; returns true when it did any work.
  virtual bool DrainReady() = 0;
};

class Loop {
 public:
  Loop();
  ~Loop();  // closes every handle still open, then the loop; aborts nothing.
  Loop(const Loop&) = delete;
  Loop& operator=(const Loop&) = delete;

  // Must succeed before any other call.
  Status Init();
  uv_loop_t* get() { return &loop_; }

  void AddParticipant(LoopParticipant* p);
  void RemoveParticipant(LoopParticipant* p);

  // Runs the loop until `done()` holds. Fails when nothing is left that could make it hold
  // (no live handle and no participant work): a promise or future that can never settle.
  Status SpinUntil(const std::function<bool()>& done);
  // Runs until nothing is alive (the end of `duet exec`).
  void SpinUntilIdle();

  // Thread-safe (the watchdog's call): SpinUntil stops waiting and fails, now or as soon as the
  // running callback returns, until ClearInterrupt. Wakes a loop blocked in uv_run.
  void Interrupt();
  void ClearInterrupt() { interrupted_ = false; }
  // Read by loops that spin the shared uv loop themselves (Python's asyncio on libuv).
  const std::atomic<bool>& interrupted() const { return interrupted_; }

  // Closes every handle and the loop; returns the uv_loop_close result (0 or UV_EBUSY).
  int Close();

 private:
  bool DrainParticipants();

  uv_loop_t loop_{};
  uv_async_t wakeup_{};  // unreferenced: it never keeps the loop alive by itself
  std::atomic<bool> interrupted_{false};
  bool initialized_ = false;
  std::vector<LoopParticipant*> participants_;
};

}  // namespace duet
