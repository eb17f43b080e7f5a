// CpuProfile: one runtime's sampled call tree and timed samples, the shape both engines' profilers
// fill (V8's CpuProfiler, duet's CPython sampler) and the one writer of the DevTools .cpuprofile.
// Plain data; not thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <tuple>
#include <vector>

#include <nlohmann/json.hpp>

namespace duet {

// Where a function is: its name, script URL and the 1-based line/column of its start (0: unknown).
struct CallFrame {
  std::string function;
  std::string url;
  int line = 0;
  int column = 0;
  int script_id = 0;
};

struct ProfileNode {
  int id = 0;
  CallFrame frame;
  uint64_t hit_count = 0;
  std::vector<int> children;            // node ids
  std::vector<std::string> deopt_reasons;  // V8: why optimised code of this frame was dropped
  std::string bailout_reason;            // V8: why it was never optimised
};

// A function's share of the samples, summed over every node with its frame.
struct SelfTime {
  CallFrame frame;
  uint64_t self_us = 0;
  uint64_t samples = 0;
};

class CpuProfile {
 public:
  CpuProfile();  // starts with the "(root)" node, id 1

  static constexpr int kRoot = 1;
  // The child of `parent` for `frame`, created when missing.
  int Child(int parent, const CallFrame& frame);
  ProfileNode& node(int id) { return nodes_[static_cast<size_t>(id - 1)]; }
  const ProfileNode& node(int id) const { return nodes_[static_cast<size_t>(id - 1)]; }
  const std::vector<ProfileNode>& nodes() const { return nodes_; }

  // One sample whose leaf is `node`, taken at `timestamp_us` (CLOCK_MONOTONIC, as NowNs()/1000).
  void AddSample(int node, int64_t timestamp_us);
  const std::vector<int>& samples() const { return samples_; }
  const std::vector<int64_t>& timestamps_us() const { return timestamps_us_; }

  int64_t start_us = 0;
  int64_t end_us = 0;

  // The Chrome DevTools .cpuprofile document (lineNumber/columnNumber 0-based there).
  nlohmann::json ToDevToolsJson() const;
  // Functions by self time (each sample weighs the time up to the next one), highest first;
  // the synthetic "(root)", "(program)" and "(idle)" frames are left out.
  std::vector<SelfTime> TopSelfTimes(size_t limit) const;

 private:
  std::vector<ProfileNode> nodes_;
  std::map<std::pair<int, std::tuple<std::string, std::string, int, int>>, int> child_index_;
  std::vector<int> samples_;
  std::vector<int64_t> timestamps_us_;
};

}  // namespace duet
