// SampleSet figures; see sample_set.h.
#include "harness/sample_set.h"

#include <algorithm>

namespace duet {

uint64_t Median(std::vector<uint64_t> values) {
  if (values.empty()) return 0;
  size_t mid = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + static_cast<long>(mid), values.end());
  uint64_t upper = values[mid];
  if (values.size() % 2 == 1) return upper;
  uint64_t lower = *std::max_element(values.begin(), values.begin() + static_cast<long>(mid));
  return lower + (upper - lower) / 2;
}

std::vector<uint64_t> SampleSet::WallNs() const {
  std::vector<uint64_t> out;
  for (const Sample& s : samples_) out.push_back(s.wall_ns);
  return out;
}

std::vector<uint64_t> SampleSet::CpuNs() const {
  std::vector<uint64_t> out;
  for (const Sample& s : samples_) out.push_back(s.cpu_ns);
  return out;
}

uint64_t SampleSet::MedianWallNs() const { return Median(WallNs()); }
uint64_t SampleSet::MedianCpuNs() const { return Median(CpuNs()); }

}  // namespace duet
