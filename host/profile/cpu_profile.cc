// CpuProfile implementation; see cpu_profile.h.
#include "profile/cpu_profile.h"

#include <algorithm>

namespace duet {

CpuProfile::CpuProfile() { nodes_.push_back(ProfileNode{kRoot, CallFrame{"(root)", "", 0, 0, 0}, 0, {}, {}, {}}); }

int CpuProfile::Child(int parent, const CallFrame& frame) {
  auto key = std::make_pair(parent, std::make_tuple(frame.function, frame.url, frame.line, frame.column));
  auto found = child_index_.find(key);
  if (found != child_index_.end()) return found->second;
  int id = static_cast<int>(nodes_.size()) + 1;
  nodes_.push_back(ProfileNode{id, frame, 0, {}, {}, {}});
  node(parent).children.push_back(id);
  child_index_.emplace(std::move(key), id);
  return id;
}

void CpuProfile::AddSample(int leaf, int64_t timestamp_us) {
  samples_.push_back(leaf);
  timestamps_us_.push_back(timestamp_us);
  ++node(leaf).hit_count;
}

nlohmann::json CpuProfile::ToDevToolsJson() const {
  nlohmann::json nodes = nlohmann::json::array();
  for (const ProfileNode& n : nodes_) {
    nlohmann::json entry = {
        {"id", n.id},
        {"callFrame",
         {{"functionName", n.frame.function},
          {"scriptId", std::to_string(n.frame.script_id)},
          {"url", n.frame.url},
          {"lineNumber", n.frame.line - 1},
          {"columnNumber", n.frame.column - 1}}},
        {"hitCount", n.hit_count},
        {"children", n.children},
    };
    if (!n.deopt_reasons.empty()) entry["deoptReason"] = n.deopt_reasons.front();
    if (!n.bailout_reason.empty()) entry["bailoutReason"] = n.bailout_reason;
    nodes.push_back(std::move(entry));
  }
  nlohmann::json deltas = nlohmann::json::array();
  int64_t previous = start_us;
  for (int64_t ts : timestamps_us_) {
    deltas.push_back(ts - previous);
    previous = ts;
  }
  return {{"nodes", nodes}, {"startTime", start_us}, {"endTime", end_us}, {"samples", samples_}, {"timeDeltas", deltas}};
}

std::vector<SelfTime> CpuProfile::TopSelfTimes(size_t limit) const {
  std::map<std::tuple<std::string, std::string, int, int>, SelfTime> by_frame;
  for (size_t i = 0; i < samples_.size(); ++i) {
    int64_t next = i + 1 < samples_.size() ? timestamps_us_[i + 1] : end_us;
    const ProfileNode& n = node(samples_[i]);
    if (n.frame.function == "(root)" || n.frame.function == "(program)" || n.frame.function == "(idle)" ||
        n.frame.function == "(garbage collector)") {
      continue;
    }
    SelfTime& entry = by_frame[std::make_tuple(n.frame.function, n.frame.url, n.frame.line, n.frame.column)];
    entry.frame = n.frame;
    entry.self_us += static_cast<uint64_t>(std::max<int64_t>(0, next - timestamps_us_[i]));
    ++entry.samples;
  }
  std::vector<SelfTime> top;
  for (auto& [key, entry] : by_frame) top.push_back(std::move(entry));
  std::sort(top.begin(), top.end(), [](const SelfTime& a, const SelfTime& b) {
    return a.self_us != b.self_us ? a.self_us > b.self_us : a.samples > b.samples;
  });
  if (top.size() > limit) top.resize(limit);
  return top;
}

}  // namespace duet
