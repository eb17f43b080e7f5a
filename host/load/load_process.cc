// LoadProcess: posix_spawn (no fork of a large, threaded process) with the child's stdin, stdout
// and stderr on pipes; one thread reads both outputs, waits for the child and bounds it.
#include "load/load_process.h"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <vector>

#include "core/text.h"
#include "load/load_json.h"

extern char** environ;

namespace duet {
namespace {

constexpr const char* kHeld = "held ";

Status MakePipe(int fds[2]) {
  if (pipe2(fds, O_CLOEXEC) == 0) return Status::Ok();
  return Status::Error(std::string("load process: pipe2: ") + std::strerror(errno));
}

// posix_spawn's file actions, destroyed with the scope.
class SpawnActions {
 public:
  SpawnActions() { posix_spawn_file_actions_init(&actions_); }
  ~SpawnActions() { posix_spawn_file_actions_destroy(&actions_); }
  SpawnActions(const SpawnActions&) = delete;
  SpawnActions& operator=(const SpawnActions&) = delete;
  posix_spawn_file_actions_t* get() { return &actions_; }

 private:
  posix_spawn_file_actions_t actions_;
};

// ": <the last non-empty line>" of a child's stderr, or nothing: what it said last is why it ended.
std::string LastLine(const std::string& text) {
  size_t end = text.find_last_not_of("\r\n");
  if (end == std::string::npos) return "";
  size_t start = text.rfind('\n', end);
  start = start == std::string::npos ? 0 : start + 1;
  return ": " + text.substr(start, end + 1 - start);
}

}  // namespace

LoadProcess::Fd& LoadProcess::Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    reset();
    fd_ = std::exchange(other.fd_, -1);
  }
  return *this;
}

void LoadProcess::Fd::reset() {
  if (fd_ >= 0) close(fd_);
  fd_ = -1;
}

LoadProcess::~LoadProcess() {
  abandon_ = true;  // the reading thread releases the child, which then ends on its own
  if (thread_.joinable()) thread_.join();
}

Status LoadProcess::Start(const LoadOptions& options, std::function<void()> on_held, std::function<void()> on_done) {
  if (thread_.joinable()) return Status::Error("load process: a run is already in progress");
  if (options.mode != LoadMode::kIdle) return Status::Error("load process: only idle mode runs in a child process");
  DUET_RETURN_IF_ERROR(ValidateLoadOptions(options));
  std::vector<std::string> argv = {binary_, "load", "--mode", "idle", "--hold", "--json", "-",
                                   "--host", options.host, "--port", std::to_string(options.port),
                                   "--connections", std::to_string(options.connections),
                                   "--size", std::to_string(options.size),
                                   "--duration", fmt::format("{}", options.duration_s),
                                   "--timeout", fmt::format("{}", options.timeout_s)};
  std::vector<char*> args;
  for (std::string& arg : argv) args.push_back(arg.data());
  args.push_back(nullptr);

  int in[2], out[2], err[2];
  DUET_RETURN_IF_ERROR(MakePipe(in));
  Fd in_read(in[0]), in_write(in[1]);
  DUET_RETURN_IF_ERROR(MakePipe(out));
  Fd out_read(out[0]), out_write(out[1]);
  DUET_RETURN_IF_ERROR(MakePipe(err));
  Fd err_read(err[0]), err_write(err[1]);
  // The child's 0, 1 and 2 are the pipes' other ends; every other descriptor is close-on-exec.
  SpawnActions actions;
  posix_spawn_file_actions_adddup2(actions.get(), in_read.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), out_write.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(actions.get(), err_write.get(), STDERR_FILENO);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, binary_.c_str(), actions.get(), nullptr, args.data(), environ);
  if (rc != 0) return Status::Error(fmt::format("cannot start the load generator's child process {}: {}", binary_, std::strerror(rc)));

  pid_ = pid;
  stdin_ = std::move(in_write);
  stdout_ = std::move(out_read);
  stderr_ = std::move(err_read);
  held_ = killed_ = abandon_ = false;
  wait_status_ = 0;
  out_.clear();
  err_.clear();
  double limit_s = options.duration_s + kMarginSeconds;
  thread_ = std::thread([this, limit_s, on_held = std::move(on_held), on_done = std::move(on_done)] {
    Communicate(limit_s, on_held);
    if (on_done) on_done();
  });
  return Status::Ok();
}

void LoadProcess::Communicate(double limit_s, const std::function<void()>& on_held) {
  auto deadline = std::chrono::steady_clock::now() +
                  std::chrono::duration_cast<std::chrono::steady_clock::duration>(std::chrono::duration<double>(limit_s));
  auto kill_child = [&] {
    kill(pid_, SIGKILL);
    killed_ = true;
  };
  pollfd fds[2] = {{stdout_.get(), POLLIN, 0}, {stderr_.get(), POLLIN, 0}};
  std::string* sinks[2] = {&out_, &err_};
  int open = 2;
  std::vector<char> buffer(64 * 1024);
  while (open > 0) {
    if (abandon_) stdin_.reset();
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      kill_child();
      break;
    }
    // Wakes at least every 100 ms to see whether the owner is going away.
    int ready = poll(fds, 2, static_cast<int>(std::min<int64_t>(left.count(), 100)));
    if (ready < 0 && errno != EINTR) {
      kill_child();
      break;
    }
    for (int i = 0; i < 2 && ready > 0; ++i) {
      if (fds[i].fd < 0 || fds[i].revents == 0) continue;
      ssize_t got = read(fds[i].fd, buffer.data(), buffer.size());
      if (got > 0) {
        sinks[i]->append(buffer.data(), static_cast<size_t>(got));
      } else if (got == 0 || (errno != EINTR && errno != EAGAIN)) {
        fds[i].fd = -1;  // poll() skips negative descriptors
        --open;
      }
    }
    if (!held_ && out_.rfind(kHeld, 0) == 0 && out_.find('\n') != std::string::npos) {
      held_ = true;
      if (on_held) on_held();
      stdin_.reset();  // the release: the child closes its connections, writes its result and exits
    }
  }
  stdin_.reset();
  // Both outputs closed: the child is exiting. Still bounded, in case it closed them and lingers.
  int status = 0;
  for (;;) {
    pid_t done = waitpid(pid_, &status, killed_ ? 0 : WNOHANG);
    if (done == pid_ || (done < 0 && errno != EINTR)) break;
    if (done == 0 && std::chrono::steady_clock::now() >= deadline) kill_child();
    if (done == 0) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  wait_status_ = status;
  pid_ = -1;
}

Status LoadProcess::Join(LoadResult* result) {
  if (!thread_.joinable()) return Status::Error("load process: no run was started");
  thread_.join();
  stdout_.reset();
  stderr_.reset();
  if (killed_) {
    return Status::Timeout(fmt::format("the load generator's child process ({} load) outlived its --duration and "
                                       "{:g} s more, and was killed{}",
                                       binary_, kMarginSeconds, LastLine(err_)));
  }
  if (WIFSIGNALED(wait_status_)) {
    return Status::Error(fmt::format("the load generator's child process ({} load) died of {}{}", binary_,
                                     SignalName(WTERMSIG(wait_status_)), LastLine(err_)));
  }
  int code = WEXITSTATUS(wait_status_);
  std::string json = out_;
  if (held_) json.erase(0, json.find('\n') + 1);
  nlohmann::json doc = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  // Exit code 1 is a run with errors, which its result counts; 2 and up left no result.
  if (code > 1 || doc.is_discarded()) {
    return Status::Error(fmt::format("the load generator's child process ({} load) exited with code {}{}", binary_,
                                     code, LastLine(err_)));
  }
  Status parsed = LoadResultFromJson(doc, result);
  if (!parsed.ok()) return Status::Error("the load generator's child process wrote a bad result: " + parsed.message());
  return Status::Ok();
}

}  // namespace duet
