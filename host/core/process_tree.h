// The processes a workload started, seen from /proc: the children this process gained while the
// workload set up, and their descendants, with their CPU time and resident memory. What a server
// spread over processes (node:cluster workers, SO_REUSEPORT children) costs beyond duet's own
// process, told apart from the other children duet has (a private PostgreSQL and its backends,
// the other runtime's workers).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <set>

namespace duet {

struct ChildrenUsage {
  int processes = 0;
  uint64_t cpu_ns = 0;     // user + system time of their live threads (schedstat: exact)
  uint64_t rss_bytes = 0;  // the sum of their resident sets
};

// This process's direct children now.
std::set<pid_t> DirectChildren();

// `children` (direct children of this process) and all their descendants, summed.
ChildrenUsage SubtreesUsage(const std::set<pid_t>& children);

}  // namespace duet
