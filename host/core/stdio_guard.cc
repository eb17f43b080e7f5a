// StdioGuard; see stdio_guard.h. A file is identified by device and inode, so a descriptor that
// was closed and then reused by some other open() is caught as well.
#include "core/stdio_guard.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <string>

namespace duet {

StdioGuard::StdioGuard() {
  for (int i = 0; i < 2; ++i) {
    Saved& s = saved_[i];
    s.fd = i + 1;
    struct stat st {};
    if (fstat(s.fd, &st) != 0) continue;  // not open to begin with: nothing to keep
    s.copy = fcntl(s.fd, F_DUPFD_CLOEXEC, 10);
    s.dev = st.st_dev;
    s.ino = st.st_ino;
  }
}

StdioGuard::~StdioGuard() {
  for (const Saved& s : saved_) {
    if (s.copy >= 0) close(s.copy);
  }
}

Status StdioGuard::Check() {
  std::string taken;
  for (const Saved& s : saved_) {
    if (s.copy < 0) continue;
    struct stat st {};
    if (fstat(s.fd, &st) == 0 && st.st_dev == s.dev && st.st_ino == s.ino) continue;
    dup2(s.copy, s.fd);
    taken += std::string(taken.empty() ? "" : " and ") + (s.fd == 1 ? "fd 1 (stdout)" : "fd 2 (stderr)");
  }
  if (taken.empty()) return Status::Ok();
  return Status::Error("the workload closed or replaced " + taken + "; duet restored it");
}

}  // namespace duet
