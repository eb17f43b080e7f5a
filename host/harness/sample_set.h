// SampleSet: the timed iterations of one workload in one runtime and the summary figures
// reports quote. The fuller statistics (intervals, outliers) build on this.
#pragma once

#include <cstdint>
#include <vector>

#include "core/runtime.h"

namespace duet {

class SampleSet {
 public:
  void Add(const Sample& s) { samples_.push_back(s); }
  bool empty() const { return samples_.empty(); }
  size_t size() const { return samples_.size(); }
  const std::vector<Sample>& samples() const { return samples_; }

  std::vector<uint64_t> WallNs() const;
  std::vector<uint64_t> CpuNs() const;
  // Median wall time (the mean of the two middle samples for an even count); 0 when empty.
  uint64_t MedianWallNs() const;
  uint64_t MedianCpuNs() const;

 private:
  std::vector<Sample> samples_;
};

// Median of `values` (the mean of the two middle values for an even count); 0 when empty.
uint64_t Median(std::vector<uint64_t> values);

}  // namespace duet
