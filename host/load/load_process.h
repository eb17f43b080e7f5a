// LoadProcess: idle-mode load from a child process (`duet load --mode idle --hold --json -`), so
// that the server under test is alone in this process: its descriptors, its RSS. Same Start/Join
// shape as LoadGenerator; the child's duet-load/1 result comes back as a LoadResult.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <functional>
#include <string>
#include <thread>
#include <utility>

#include "core/status.h"
#include "load/load_generator.h"

namespace duet {

class LoadProcess {
 public:
  static constexpr const char* kSelfExe = "/proc/self/exe";
  // On top of the child's --duration: its start (exec) and its end (closing, the JSON).
  static constexpr double kMarginSeconds = 5;

  // `duet_binary` runs `load`: this very executable for `duet run`, the built one for tests.
  explicit LoadProcess(std::string duet_binary = kSelfExe) : binary_(std::move(duet_binary)) {}
  ~LoadProcess();  // releases a child still holding its connections and waits for it (bounded)
  LoadProcess(const LoadProcess&) = delete;
  LoadProcess& operator=(const LoadProcess&) = delete;

  // Starts the child on `options` (idle mode) and a thread that reads it. On that thread:
  // `on_held` once the child reports every connection open (then the child is released: it closes
  // them and finishes), `on_done` once it has exited. Fails without starting anything.
  Status Start(const LoadOptions& options, std::function<void()> on_held, std::function<void()> on_done = {});
  // Waits for the child and reads its result; the reason when there is none: it could not start,
  // exited with code 2 or more or died, wrote no duet-load/1, or outlived --duration + the margin
  // (then it is killed).
  Status Join(LoadResult* result);
  // After Join: whether the child reported every connection held before it ended.
  bool held() const { return held_; }

 private:
  // The reading thread: stdout (the held line, then the JSON) and stderr, until both end.
  void Communicate(double limit_s, const std::function<void()>& on_held);

  // One end of a pipe, closed when reset or destroyed.
  class Fd {
   public:
    Fd() = default;
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() { reset(); }
    Fd(Fd&& other) noexcept : fd_(std::exchange(other.fd_, -1)) {}
    Fd& operator=(Fd&& other) noexcept;
    int get() const { return fd_; }
    void reset();

   private:
    int fd_ = -1;
  };

  std::string binary_;
  pid_t pid_ = -1;
  Fd stdin_;  // our ends of the child's pipes
  Fd stdout_;
  Fd stderr_;
  std::thread thread_;
  std::atomic<bool> abandon_{false};  // set by the destructor: release the child now
  bool held_ = false;
  bool killed_ = false;
  int wait_status_ = 0;
  std::string out_;
  std::string err_;
};

}  // namespace duet
