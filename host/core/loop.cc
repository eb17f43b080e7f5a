// Loop implementation; see loop.h.
#include "core/loop.h"

#include <signal.h>

#include <algorithm>
#include <string>

namespace duet {

Loop::Loop() = default;

Loop::~Loop() { Close(); }

Status Loop::Init() {
  // A peer that goes away must be an EPIPE on the write, not a signal that kills the host:
  // node and python3 both ignore SIGPIPE at start-up, and so must a process embedding both.
  signal(SIGPIPE, SIG_IGN);
  int rc = uv_loop_init(&loop_);
  if (rc != 0) return Status::Error(std::string("uv_loop_init: ") + uv_strerror(rc));
  initialized_ = true;
  rc = uv_async_init(&loop_, &wakeup_, [](uv_async_t*) {});  // waking uv_run is all it does
  if (rc != 0) return Status::Error(std::string("uv_async_init: ") + uv_strerror(rc));
  uv_unref(reinterpret_cast<uv_handle_t*>(&wakeup_));
  return Status::Ok();
}

void Loop::AddParticipant(LoopParticipant* p) { participants_.push_back(p); }

void Loop::RemoveParticipant(LoopParticipant* p) {
  participants_.erase(std::remove(participants_.begin(), participants_.end(), p),
                      participants_.end());
}

bool Loop::DrainParticipants() {
  bool did = false;
  // A participant may schedule work for another (a Python callback resolving a JS promise),
  // so drain until a whole pass does nothing.
  for (bool again = true; again;) {
    again = false;
    for (LoopParticipant* p : participants_) again |= p->DrainReady();
    did |= again;
  }
  return did;
}

void Loop::Interrupt() {
  interrupted_ = true;
  if (initialized_) uv_async_send(&wakeup_);
}

Status Loop::SpinUntil(const std::function<bool()>& done) {
  auto interrupted = [] { return Status::Error("interrupted while waiting on the event loop"); };
  while (true) {
    DrainParticipants();
    if (done()) return Status::Ok();
    if (interrupted_) return interrupted();
    int alive = uv_run(&loop_, UV_RUN_ONCE);
    bool did = DrainParticipants();
    if (done()) return Status::Ok();
    if (interrupted_) return interrupted();
    if (!alive && !did && !uv_loop_alive(&loop_)) {
      return Status::Error("the event loop has nothing left to run, so this will never settle");
    }
  }
}

void Loop::SpinUntilIdle() {
  do {
    DrainParticipants();
  } while (uv_run(&loop_, UV_RUN_DEFAULT) != 0 || DrainParticipants());
}

int Loop::Close() {
  if (!initialized_) return 0;
  // libuv frees nothing itself: close whatever is still open and let the close callbacks run.
  uv_walk(
      &loop_,
      [](uv_handle_t* h, void*) {
        if (!uv_is_closing(h)) uv_close(h, nullptr);
      },
      nullptr);
  uv_run(&loop_, UV_RUN_DEFAULT);
  int rc = uv_loop_close(&loop_);
  if (rc == 0) initialized_ = false;
  return rc;
}

}  // namespace duet
