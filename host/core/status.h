// Status: the error value every fallible duet call returns (LevelDB style). It carries where a
// script failed (file:line) so reports can name it; it becomes an exception only at a language edge.
#pragma once

#include <string>
#include <utility>

namespace duet {

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  static Status Ok() { return Status(); }
  // A failure with an optional script location and a longer detail (stack trace, traceback).
  static Status Error(std::string message, std::string file = {}, int line = 0,
                      std::string detail = {}) {
    Status s;
    s.ok_ = false;
    s.message_ = std::move(message);
    s.file_ = std::move(file);
    s.line_ = line;
    s.detail_ = std::move(detail);
    return s;
  }

  bool ok() const { return ok_; }
  const std::string& message() const { return message_; }
  const std::string& file() const { return file_; }
  int line() const { return line_; }
  const std::string& detail() const { return detail_; }

  // "file:line: message", "file: message" when only the file is known, else just the message.
  std::string ToString() const {
    if (ok_) return "OK";
    if (file_.empty()) return message_;
    return Where() + ": " + message_;
  }
  // "file:line", or just "file" when the line is not known (a script that could not be read).
  std::string Where() const { return line_ > 0 ? file_ + ":" + std::to_string(line_) : file_; }

 private:
  bool ok_ = true;
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
