// Loop implementation; see loop.h.
#include "core/loop.h"

#include <signal.h>

#include <algorithm>
#include <memory>
#include <string>

#include "core/clock.h"

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

Status Loop::SetPollListener(PollListener listener) {
  poll_listener_ = std::move(listener);
  if (poll_hooks_ || !poll_listener_) return Status::Ok();
  // Idle time is only accounted once asked for; the option cannot be turned off again.
  int rc = uv_loop_configure(&loop_, UV_METRICS_IDLE_TIME);
  if (rc == 0) rc = uv_prepare_init(&loop_, &before_poll_);
  if (rc == 0) rc = uv_check_init(&loop_, &after_poll_);
  if (rc != 0) return Status::Error(std::string("cannot watch the loop's poll phase: ") + uv_strerror(rc));
  before_poll_.data = after_poll_.data = this;
  uv_prepare_start(&before_poll_, [](uv_prepare_t* h) {
    auto* self = static_cast<Loop*>(h->data);
    self->poll_started_ns_ = NowNs();
    self->idle_at_poll_start_ns_ = uv_metrics_idle_time(h->loop);
  });
  uv_check_start(&after_poll_, [](uv_check_t* h) {
    auto* self = static_cast<Loop*>(h->data);
    if (self->poll_listener_ && self->poll_started_ns_ != 0) {
      self->poll_listener_(self->poll_started_ns_, NowNs(), uv_metrics_idle_time(h->loop) - self->idle_at_poll_start_ns_);
    }
    self->poll_started_ns_ = 0;
  });
  // They watch the loop; they must not keep it alive.
  uv_unref(reinterpret_cast<uv_handle_t*>(&before_poll_));
  uv_unref(reinterpret_cast<uv_handle_t*>(&after_poll_));
  poll_hooks_ = true;
  return Status::Ok();
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

struct LoopSignal::Wakeup {
  uv_async_t async{};
};

Status LoopSignal::Init(Loop* loop) {
  auto wakeup = std::make_unique<Wakeup>();
  // Waking is all it does: the loop returns from uv_run and whoever spins checks notified().
  int rc = uv_async_init(loop->get(), &wakeup->async, [](uv_async_t*) {});
  if (rc != 0) return Status::Error(std::string("uv_async_init: ") + uv_strerror(rc));
  wakeup->async.data = wakeup.get();
  wakeup_ = wakeup.release();
  return Status::Ok();
}

LoopSignal::~LoopSignal() {
  std::lock_guard lock(mutex_);  // a Notify still sending finishes first
  if (wakeup_ == nullptr) return;
  uv_close(reinterpret_cast<uv_handle_t*>(&wakeup_->async),
           [](uv_handle_t* h) { std::unique_ptr<Wakeup> owned(static_cast<Wakeup*>(h->data)); });
}

void LoopSignal::Notify() {
  std::lock_guard lock(mutex_);
  notified_ = true;
  if (wakeup_ != nullptr) uv_async_send(&wakeup_->async);
  changed_.notify_all();
}

bool LoopSignal::notified() {
  std::lock_guard lock(mutex_);
  return notified_;
}

void LoopSignal::Wait() {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [this] { return notified_; });
}

}  // namespace duet
