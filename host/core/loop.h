// Loop: the one uv_loop_t that both runtimes share, and the function that spins it (Node's
// SpinEventLoop plus Python's pending work). Not thread-safe: lives on the main thread.
#pragma once

#include <uv.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
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

  // Told of every poll phase while set: its start and end (NowNs) and how much of it libuv spent
  // blocked waiting (idle); empty to stop. For `duet profile`'s trace.
  using PollListener = std::function<void(uint64_t start_ns, uint64_t end_ns, uint64_t idle_ns)>;
  Status SetPollListener(PollListener listener);
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
  // Around the poll phase: prepare runs just before it, check just after (unreferenced).
  PollListener poll_listener_;
  uv_prepare_t before_poll_{};
  uv_check_t after_poll_{};
  bool poll_hooks_ = false;
  uint64_t poll_started_ns_ = 0;
  uint64_t idle_at_poll_start_ns_ = 0;
};

// A one-shot signal from another thread to the main one (the load generator ending while a
// runtime serves): Notify() from any thread marks it and wakes the loop out of uv_run; the main
// thread polls notified(), or a helper thread blocks in Wait().
class LoopSignal {
 public:
  LoopSignal() = default;
  ~LoopSignal();  // closes the wake-up handle; its memory goes in the close callback
  LoopSignal(const LoopSignal&) = delete;
  LoopSignal& operator=(const LoopSignal&) = delete;

  Status Init(Loop* loop);
  void Notify();
  bool notified();
  void Wait();

 private:
  struct Wakeup;
  Wakeup* wakeup_ = nullptr;  // owned until handed to uv_close
  std::mutex mutex_;
  std::condition_variable changed_;
  bool notified_ = false;
};

}  // namespace duet
