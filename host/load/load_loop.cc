// LoadLoop; see load_loop.h.
#include "load/load_loop.h"

#include <algorithm>
#include <cmath>
#include <string>

namespace duet {

LoadLoop::~LoadLoop() {
  if (!open_) return;
  uv_walk(&loop_, [](uv_handle_t* h, void*) { if (!uv_is_closing(h)) uv_close(h, nullptr); }, nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  uv_loop_close(&loop_);
}

Status LoadLoop::Init(void* owner) {
  int rc = uv_loop_init(&loop_);
  if (rc != 0) return Status::Error(std::string("load generator: uv_loop_init: ") + uv_strerror(rc));
  open_ = true;
  uv_timer_init(&loop_, &deadline_);
  uv_timer_init(&loop_, &sweep_);
  deadline_.data = sweep_.data = owner;
  return Status::Ok();
}

void LoadLoop::StartTimers(const LoadOptions& options, uv_timer_cb on_deadline, uv_timer_cb on_sweep) {
  // The loop's clock was read when Init ran, maybe on another thread; and it counts whole
  // milliseconds, so a timer may fire up to 1 ms early: one more keeps the limit a lower bound.
  uv_update_time(&loop_);
  uv_timer_start(&deadline_, on_deadline, static_cast<uint64_t>(std::ceil(options.duration_s * 1000)) + 1, 0);
  uint64_t sweep_ms = std::clamp<uint64_t>(static_cast<uint64_t>(options.timeout_s * 250), 1, 100);
  uv_timer_start(&sweep_, on_sweep, sweep_ms, sweep_ms);
}

void LoadLoop::CloseTimers() {
  uv_close(reinterpret_cast<uv_handle_t*>(&deadline_), nullptr);
  uv_close(reinterpret_cast<uv_handle_t*>(&sweep_), nullptr);
}

void LoadLoop::Run() {
  uv_run(&loop_, UV_RUN_DEFAULT);
  if (uv_loop_close(&loop_) == 0) open_ = false;  // else the destructor closes what is left
}

}  // namespace duet
