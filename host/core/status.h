// Status: the error value every fallible duet call returns (LevelDB style). It carries where a
// script failed (file:line) so reports can name it, and a code saying what kind of failure it is so
// the command line can choose an exit code (cli/exit_codes.h) without parsing messages; it becomes
// an exception only at a language edge.
#pragma once

#include <string>
#include <utility>

namespace duet {

// What kind of failure a Status is. Only the command line turns it into something (an exit code);
// below it, it travels with the message, so whoever creates a Status picks it, where the cause is
// known.
enum class StatusCode {
  kOk,
  kUsage,     // the command line asks for what cannot be: a bad value, an unknown workload or option
  kScript,    // a script or an input file is wrong: an exception, a syntax error, a bad workload.json
  kTimeout,   // something ran past its time: a call the watchdog ended, a wait duet gave up on
  kIo,        // a file or folder could not be read, written, created or listed
  kInternal,  // everything else: the engines, a library, a child process, the system
};

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  // A failure of kind `code` with an optional script location and a longer detail (stack trace,
  // traceback). The named constructors below say the kind at the call site; this one is for
  // passing a kind on (a message rewrapped with more context keeps its code).
  static Status WithCode(StatusCode code, std::string message, std::string file = {}, int line = 0,
                         std::string detail = {}) {
    Status s;
    s.code_ = code == StatusCode::kOk ? StatusCode::kInternal : code;  // a failure is never OK
    s.message_ = std::move(message);
    s.file_ = std::move(file);
    s.line_ = line;
    s.detail_ = std::move(detail);
    return s;
  }
  // An internal failure: the default when no more specific kind is known.
  static Status Error(std::string message, std::string file = {}, int line = 0, std::string detail = {}) {
    return WithCode(StatusCode::kInternal, std::move(message), std::move(file), line, std::move(detail));
  }
  static Status Usage(std::string message, std::string file = {}, int line = 0) {
    return WithCode(StatusCode::kUsage, std::move(message), std::move(file), line);
  }
  static Status ScriptError(std::string message, std::string file = {}, int line = 0, std::string detail = {}) {
    return WithCode(StatusCode::kScript, std::move(message), std::move(file), line, std::move(detail));
  }
  static Status Timeout(std::string message, std::string file = {}, int line = 0, std::string detail = {}) {
    return WithCode(StatusCode::kTimeout, std::move(message), std::move(file), line, std::move(detail));
  }
  static Status Io(std::string message, std::string file = {}, int line = 0) {
    return WithCode(StatusCode::kIo, std::move(message), std::move(file), line);
  }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& detail() const { return detail_; }

  // The same failure with `context` before its message ("history: " + message): its code,
  // location and detail kept, so a caller adding what it was doing never changes the exit code.
  Status Prefixed(const std::string& context) const {
    return ok() ? *this : WithCode(code_, context + message_, file_, line_, detail_);
  }

  // "file:line: message", "file: message" when only the file is known, else just the message.
  std::string ToString() const {
    if (ok()) return "OK";
    if (file_.empty()) return message_;
    return Where() + ": " + message_;
  }
  // "file:line", or just "file" when the line is not known (a script that could not be read).
  std::string Where() const { return line_ > 0 ? file_ + ":" + std::to_string(line_) : file_; }

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string file_;
  int line_ = 0;
  std::string detail_;
};

}  // namespace duet

// Returns early from the enclosing function when `expr` yields a failed Status.
#define DUET_RETURN_IF_ERROR(expr)          \
  do {                                      \
    ::duet::Status _duet_status = (expr);   \
    if (!_duet_status.ok()) return _duet_status; \
  } while (0)
