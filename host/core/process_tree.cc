// The processes a workload started; see process_tree.h. One pass over /proc per call: a map of
// parent ids, then each process's chain of parents up to this one.
#include "core/process_tree.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace duet {
namespace {

// The parent id from /proc/PID/stat; 0 when the process is gone or the line is unreadable.
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string line;
  if (!std::getline(in, line)) return 0;
  // The command name is in parentheses and may hold anything: the fields after its last ')'.
  size_t close = line.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(line.substr(close + 1));
  char state = 0;
  pid_t parent = 0;
  fields >> state >> parent;
  return parent;
}

std::map<pid_t, pid_t> Parents() {
  std::map<pid_t, pid_t> parents;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/proc", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.empty() || name.find_first_not_of("0123456789") != std::string::npos) continue;
    pid_t pid = static_cast<pid_t>(std::strtol(name.c_str(), nullptr, 10));
    if (pid_t parent = ParentOf(pid); parent > 0) parents[pid] = parent;
  }
  return parents;
}

uint64_t CpuNs(pid_t pid) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task", ec)) {
    std::ifstream in(task.path() / "schedstat");
    uint64_t run_ns = 0;
    if (in >> run_ns) total += run_ns;  // a thread that ended meanwhile has no file: nothing to add
  }
  return total;
}

uint64_t RssBytes(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/statm");
  uint64_t size = 0, resident = 0;
  if (!(in >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

}  // namespace

std::set<pid_t> DirectChildren() {
  std::set<pid_t> children;
  const pid_t self = getpid();
  for (const auto& [pid, parent] : Parents()) {
    if (parent == self) children.insert(pid);
  }
  return children;
}

ChildrenUsage SubtreesUsage(const std::set<pid_t>& children) {
  ChildrenUsage usage;
  if (children.empty()) return usage;
  const pid_t self = getpid();
  const std::map<pid_t, pid_t> parents = Parents();
  for (const auto& [pid, parent] : parents) {
    // Up the chain: a descendant reaches this process; the last step names its top-level child.
    pid_t top = pid, up = parent;
    int depth = 0;
    while (up != self && up > 1 && ++depth < 64) {
      auto next = parents.find(up);
      if (next == parents.end()) break;
      top = up;
      up = next->second;
    }
    if (up != self || children.count(top) == 0) continue;
    ++usage.processes;
    usage.cpu_ns += CpuNs(pid);
    usage.rss_bytes += RssBytes(pid);
  }
  return usage;
}

}  // namespace duet
