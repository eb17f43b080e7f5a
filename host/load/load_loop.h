// What every load run owns on its thread: a uv_loop_t of its own (never the one the runtimes
// share), its time limit and its timeout sweep. LoadRun (echo, http, idle) and the WebSocket room
// both run on one; a run that was initialised and never executed is closed by the destructor.
#pragma once

#include <uv.h>

#include "core/status.h"
#include "load/load_generator.h"

namespace duet {

class LoadLoop {
 public:
  LoadLoop() = default;
  LoadLoop(const LoadLoop&) = delete;
  LoadLoop& operator=(const LoadLoop&) = delete;
  ~LoadLoop();

  // The loop and its two timers, whose callbacks get `owner` as their handle's data.
  Status Init(void* owner);
  uv_loop_t* get() { return &loop_; }
  // Starts the time limit (options.duration_s) and the sweep for timeouts (every timeout_s / 4,
  // 1-100 ms: the hot path stays free of a timer per request).
  void StartTimers(const LoadOptions& options, uv_timer_cb on_deadline, uv_timer_cb on_sweep);
  void CloseTimers();
  // Runs until every handle has closed, then closes the loop.
  void Run();

 private:
  uv_loop_t loop_{};
  bool open_ = false;
  uv_timer_t deadline_{};
  uv_timer_t sweep_{};
};

}  // namespace duet
