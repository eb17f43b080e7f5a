// LatencyHistogram's bucket layout: values [0, 128) exact, then 64 buckets per power of two.
#include "load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace duet {
namespace {

constexpr uint64_t kExact = uint64_t{2} << LatencyHistogram::kSubBucketBits;  // 128
constexpr uint64_t kHalf = kExact / 2;                                          // 64 buckets per octave

}  // namespace

size_t LatencyHistogram::BucketOf(uint64_t value) {
  if (value < kExact) return static_cast<size_t>(value);
  int exponent = std::bit_width(value) - 1;  // >= 7
  int shift = exponent - kSubBucketBits;
  uint64_t mantissa = value >> shift;  // in [64, 128)
  return static_cast<size_t>(kExact + (exponent - kSubBucketBits - 1) * kHalf + (mantissa - kHalf));
}

uint64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < kExact) return bucket;
  uint64_t octave = (bucket - kExact) / kHalf;  // 0 for values [128, 256)
  uint64_t mantissa = kHalf + (bucket - kExact) % kHalf;
  return mantissa << (octave + 1);
}

uint64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < kExact) return bucket;
  uint64_t octave = (bucket - kExact) / kHalf;
  return BucketLow(bucket) + ((uint64_t{1} << (octave + 1)) - 1);
}

void LatencyHistogram::Record(uint64_t value) {
  size_t bucket = BucketOf(value);
  if (bucket >= counts_.size()) counts_.resize(bucket + 1, 0);
  ++counts_[bucket];
  ++count_;
  min_ = std::min(min_, value);
  max_ = std::max(max_, value);
  sum_ += value;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  if (other.counts_.size() > counts_.size()) counts_.resize(other.counts_.size(), 0);
  for (size_t i = 0; i < other.counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

uint64_t LatencyHistogram::Percentile(double p) const {
  if (count_ == 0) return 0;
  p = std::clamp(p, 0.0, 100.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(p / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  // The extremes are known exactly: no need to approximate them by a bucket.
  if (rank == 1) return min_;
  if (rank == count_) return max_;
  uint64_t seen = 0;
  for (size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    seen += counts_[bucket];
    if (seen >= rank) {
      uint64_t low = BucketLow(bucket);
      uint64_t mid = low + (BucketHigh(bucket) - low) / 2;
      return std::clamp(mid, min_, max_);
    }
  }
  return max_;
}

}  // namespace duet
