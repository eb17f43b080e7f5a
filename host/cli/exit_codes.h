// Exit codes: the one table from a failed Status's kind (core/status.h) to duet's process exit
// code, so that every command answers a shell or a CI job alike. README.md's "Exit codes" section
// shows these rows (a test holds it to them). `duet exec` and `duet FILE.js` are not in it: they
// return the script's own exit code, as node and python3 do.
#pragma once

#include <fmt/format.h>

#include <cstdio>

#include "core/status.h"
#include "harness/watchdog.h"

// X(StatusCode, exit code, what the exit code tells whoever reads $?), in the style of libuv's
// UV_ERRNO_MAP. Several kinds may share an exit code: a caller needs to know what to do next
// (fix the command line, the script, the disk, or wait), not which layer failed.
#define DUET_EXIT_CODE_MAP(X)                                                                               \
  X(kOk, 0, "success")                                                                                      \
  X(kScript, 1,                                                                                             \
    "a workload or script failed: an exception, a syntax error, a bad `workload.json`, results that "       \
    "differ, a call past `--timeout`")                                                                      \
  X(kInternal, 1, "duet could not do what was asked: an engine, a database or a child process failed")      \
  X(kUsage, 2,                                                                                              \
    "usage: a bad option or value, an unknown workload, a `--filter` that is not a regular expression or "  \
    "selects nothing")                                                                                      \
  X(kTimeout, 3, "timeout: a workload ignored its interrupt and the watchdog ended duet, or a wait ran out") \
  X(kIo, 4, "I/O: a file or folder could not be read, written or listed (such as `--json FILE`)")

namespace duet {

// The exit code for a Status of kind `code`. A code without a row fails to build (-Wswitch).
constexpr int ExitCode(StatusCode code) {
  switch (code) {
#define DUET_EXIT_CODE_CASE(name, exit_code, meaning) \
  case StatusCode::name:                              \
    return exit_code;
    DUET_EXIT_CODE_MAP(DUET_EXIT_CODE_CASE)
#undef DUET_EXIT_CODE_CASE
  }
  return 1;  // not reached: every code has a row
}

// A failed workload (whatever failed in it, a timeout too) is reported with the others and the
// session goes on; the command then ends with this code (design §8).
inline constexpr int kExitWorkloadFailed = ExitCode(StatusCode::kScript);

// The watchdog ends the process from harness/, below this table, with its own constant: the two must
// agree, or `$? == 3` would mean two things.
static_assert(Watchdog::kExitUnstoppable == ExitCode(StatusCode::kTimeout));

struct ExitCodeRow {
  StatusCode code;
  const char* name;
  int exit_code;
  const char* meaning;
};
inline constexpr ExitCodeRow kExitCodeTable[] = {
#define DUET_EXIT_CODE_ROW(name, exit_code, meaning) {StatusCode::name, #name, exit_code, meaning},
    DUET_EXIT_CODE_MAP(DUET_EXIT_CODE_ROW)
#undef DUET_EXIT_CODE_ROW
};

// How a command ends on a failed Status: "<prefix>: <status>" on stderr, and its exit code.
inline int Fail(const Status& status, const char* prefix = "duet") {
  fmt::print(stderr, "{}: {}\n", prefix, status.ToString());
  return ExitCode(status.code());
}

}  // namespace duet
