// LatencyHistogram: log-bucketed counts of nanosecond values (HdrHistogram-like), so a run of any
// length keeps a fixed 30 KiB and still answers percentiles within a known relative error.
// Not thread-safe: one writer (the load generator's thread), read after it has finished.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>
#include <vector>

#include "core/status.h"

namespace duet {

class LatencyHistogram {
 public:
  // Values below 128 have a bucket each; above, every power of two is split into 64 equal buckets
  // and a percentile is reported as its bucket's midpoint, so |reported - true| <= true / 128.
  static constexpr int kSubBucketBits = 6;
  static constexpr double kRelativeError = 1.0 / (2 << kSubBucketBits);

  void Record(uint64_t value);
  // Adds every value `other` holds, as if they had been recorded here.
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  // Exact, not bucketed; 0 when empty.
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  uint64_t sum() const { return sum_; }
  double mean() const { return count_ ? static_cast<double>(sum_) / static_cast<double>(count_) : 0; }
  // The nearest-rank percentile (the value at rank ceil(p/100 * count)), p in [0, 100], within
  // kRelativeError and clamped to [min, max] (rank 1 and the last rank are min and max exactly);
  // 0 when empty. Monotonic in p.
  uint64_t Percentile(double p) const;

  // The non-empty buckets, ascending, as (bucket, count): with count, min, max and sum, everything
  // the histogram holds, so another process can hand its histogram over (duet-load/1 "buckets").
  using Bucket = std::pair<size_t, uint64_t>;
  std::vector<Bucket> Buckets() const;
  // The histogram Buckets() and the exact figures describe; the reason when they contradict each
  // other (counts that do not add up, buckets out of order or range, min/max outside their buckets).
  static Status FromBuckets(const std::vector<Bucket>& buckets, uint64_t min, uint64_t max, uint64_t sum,
                            LatencyHistogram* out);

  // Bucket arithmetic, public for the tests: the bucket holding `value`, and its bounds [low, high].
  static size_t BucketOf(uint64_t value);
  static uint64_t BucketLow(size_t bucket);
  static uint64_t BucketHigh(size_t bucket);

 private:
  std::vector<uint64_t> counts_;  // grown to the highest bucket used
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  // 128-bit would be exact for any input; 64 bits of nanoseconds is 584 years of summed latency.
  uint64_t sum_ = 0;
};

}  // namespace duet
