// LatencyHistogram's bucket layout: values [0, 128) exact, then 64 buckets per power of two.
#include "load/histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <string>

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

std::vector<LatencyHistogram::Bucket> LatencyHistogram::Buckets() const {
  std::vector<Bucket> buckets;
  for (size_t bucket = 0; bucket < counts_.size(); ++bucket) {
    if (counts_[bucket] != 0) buckets.emplace_back(bucket, counts_[bucket]);
  }
  return buckets;
}

Status LatencyHistogram::FromBuckets(const std::vector<Bucket>& buckets, uint64_t min, uint64_t max, uint64_t sum,
                                     LatencyHistogram* out) {
  LatencyHistogram h;
  if (buckets.empty()) {
    if (min != 0 || max != 0 || sum != 0) return Status::Error("no buckets but a non-zero min, max or sum");
    *out = h;
    return Status::Ok();
  }
  static const size_t kLast = BucketOf(UINT64_MAX);
  for (size_t i = 0; i < buckets.size(); ++i) {
    auto [bucket, count] = buckets[i];
    if (bucket > kLast) return Status::Error("bucket " + std::to_string(bucket) + " is out of range");
    if (i > 0 && bucket <= buckets[i - 1].first) return Status::Error("buckets are not in ascending order");
    if (count == 0) return Status::Error("bucket " + std::to_string(bucket) + " has a count of 0");
    h.count_ += count;
  }
  if (BucketOf(min) != buckets.front().first || BucketOf(max) != buckets.back().first || min > max) {
    return Status::Error("min and max are not in the first and last buckets");
  }
  h.counts_.assign(buckets.back().first + 1, 0);
  for (auto [bucket, count] : buckets) h.counts_[bucket] = count;
  h.min_ = min;
  h.max_ = max;
  h.sum_ = sum;
  *out = std::move(h);
  return Status::Ok();
}

}  // namespace duet
