// The processes a workload started, from /proc: a child this test forks, and the child that child
// forks in turn, are one subtree; children that were there before are left out.
#include "core/process_tree.h"

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gtest/gtest.h>

namespace duet {
namespace {

// A child that forks a grandchild, then both sleep until killed; returns the child's pid once the
// grandchild exists (it writes its pid to the pipe), and the grandchild's in `grandchild`.
pid_t SpawnChildWithGrandchild(pid_t* grandchild) {
  int ready[2];
  if (pipe(ready) != 0) return -1;
  pid_t child = fork();
  if (child == 0) {
    if (fork() == 0) {
      pid_t self = getpid();
      if (write(ready[1], &self, sizeof(self)) != sizeof(self)) _exit(1);
      pause();
      _exit(0);
    }
    pause();
    _exit(0);
  }
  if (read(ready[0], grandchild, sizeof(*grandchild)) != sizeof(*grandchild)) child = -1;
  close(ready[0]);
  close(ready[1]);
  return child;
}

TEST(ProcessTreeTest, AChildAndItsGrandchildAreOneSubtreeAndEarlierChildrenAreLeftOut) {
  pid_t earlier = fork();
  if (earlier == 0) {
    pause();
    _exit(0);
  }
  ASSERT_GT(earlier, 0);
  std::set<pid_t> before = DirectChildren();
  EXPECT_EQ(before.count(earlier), 1u);
  pid_t grandchild = 0;
  pid_t child = SpawnChildWithGrandchild(&grandchild);
  ASSERT_GT(child, 0);
  std::set<pid_t> mine;
  for (pid_t pid : DirectChildren()) {
    if (before.count(pid) == 0) mine.insert(pid);
  }
  EXPECT_EQ(mine, std::set<pid_t>{child});
  ChildrenUsage usage = SubtreesUsage(mine);
  EXPECT_EQ(usage.processes, 2);  // the child and its grandchild, not the earlier child
  EXPECT_GT(usage.rss_bytes, 0u);
  EXPECT_EQ(SubtreesUsage({}).processes, 0);
  EXPECT_EQ(SubtreesUsage({earlier}).processes, 1);
  // The grandchild is reparented when its parent dies, and leaves the subtree with it.
  kill(child, SIGKILL);
  waitpid(child, nullptr, 0);
  EXPECT_EQ(SubtreesUsage(mine).processes, 0);
  kill(grandchild, SIGKILL);
  kill(earlier, SIGKILL);
  waitpid(earlier, nullptr, 0);
}

}  // namespace
}  // namespace duet
