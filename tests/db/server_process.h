// A web server (or any command) under test as a child process: started through /bin/sh (so a
// command may carry `env VAR=...`, as the node 18 baseline does), it must print one line on
// stdout within the timeout (a server: `{"port": N}`); stderr goes to a file shown when something
// fails. SIGTERM at the end, then SIGKILL if it does not exit within two seconds.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace duet::testing {

class ServerProcess {
 public:
  ServerProcess() = default;
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;
  ~ServerProcess() { Stop(); }

  // Runs `exec COMMAND` in `cwd`; true once the port line arrived (else `error` says why).
  bool Start(const std::string& command, const std::string& cwd, std::chrono::milliseconds timeout, std::string* error) {
    std::string line;
    if (!StartForLine(command, cwd, timeout, &line, error)) return false;
    nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (!doc.is_object() || !doc["port"].is_number_integer()) return Fail("not a port line: " + line, error);
    port_ = doc["port"].get<int>();
    return true;
  }

  // The same for any command: true once it printed its first line (without the newline).
  bool StartForLine(const std::string& command, const std::string& cwd, std::chrono::milliseconds timeout,
                    std::string* first_line, std::string* error) {
    stderr_path_ = ::testing::TempDir() + "/server-" + std::to_string(getpid()) + "-" + std::to_string(++count_) + ".err";
    int out[2];
    if (pipe2(out, O_CLOEXEC) != 0) return Fail("pipe", error);
    pid_ = fork();
    if (pid_ == 0) {
      int err = open(stderr_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
      dup2(out[1], STDOUT_FILENO);
      dup2(err, STDERR_FILENO);
      if (chdir(cwd.c_str()) != 0) _exit(127);
      setpgid(0, 0);
      execl("/bin/sh", "sh", "-c", ("exec " + command).c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    close(out[1]);
    stdout_fd_ = out[0];
    auto deadline = std::chrono::steady_clock::now() + timeout;
    std::string line;
    while (line.find('\n') == std::string::npos) {
      int left = static_cast<int>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                      deadline - std::chrono::steady_clock::now()).count());
      pollfd p{stdout_fd_, POLLIN, 0};
      char buffer[256];
      ssize_t n = left > 0 && poll(&p, 1, left) == 1 ? read(stdout_fd_, buffer, sizeof buffer) : -1;
      if (n <= 0) return Fail(left > 0 ? "it exited before it printed a line" : "no line in time", error);
      line.append(buffer, static_cast<size_t>(n));
    }
    *first_line = line.substr(0, line.find('\n'));
    return true;
  }

  // Sends `sig` and waits up to `timeout` for the exit; the wait status, or -1 when it did not exit.
  int SignalAndWait(int sig, std::chrono::milliseconds timeout) {
    kill(pid_, sig);
    int status = 0;
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return -1;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    pid_ = -1;
    return status;
  }

  int port() const { return port_; }
  std::string Stderr() const {
    std::ifstream in(stderr_path_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  }

  void Stop() {
    if (pid_ > 0 && SignalAndWait(SIGTERM, std::chrono::seconds(2)) == -1) {
      kill(-pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
      pid_ = -1;
    }
    if (stdout_fd_ >= 0) close(stdout_fd_);
    stdout_fd_ = -1;
  }

 private:
  bool Fail(const std::string& what, std::string* error) {
    Stop();
    *error = what + "; its stderr:\n" + Stderr();
    return false;
  }

  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int port_ = 0;
  std::string stderr_path_;
  static inline int count_ = 0;
};

}  // namespace duet::testing
