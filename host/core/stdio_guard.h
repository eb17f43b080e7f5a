// StdioGuard: keeps duet's own stdout and stderr usable whatever a workload does to fd 1 and 2
// (closes them, or reopens them onto a file): Check() notices, puts the originals back and says so.
#pragma once

#include <sys/types.h>

#include "core/status.h"

namespace duet {

class StdioGuard {
 public:
  StdioGuard();   // keeps a close-on-exec copy of fd 1 and fd 2
  ~StdioGuard();  // closes the copies
  StdioGuard(const StdioGuard&) = delete;
  StdioGuard& operator=(const StdioGuard&) = delete;

  // OK when fd 1 and 2 are still the files they were; otherwise restores them and fails, naming
  // the descriptor the workload took away.
  Status Check();

 private:
  struct Saved {
    int fd = -1;
    int copy = -1;
    dev_t dev = 0;
    ino_t ino = 0;
  };
  Saved saved_[2];
};

}  // namespace duet
