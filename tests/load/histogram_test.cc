// LatencyHistogram: bucket bounds, exact small values, the documented error bound on large ones,
// monotonic percentiles and merging.
#include "load/histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace duet {
namespace {

// The nearest-rank percentile of sorted values: what the histogram approximates.
uint64_t ExactPercentile(const std::vector<uint64_t>& sorted, double p) {
  auto rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

TEST(LatencyHistogramTest, EmptyAnswersZero) {
  LatencyHistogram h;
  EXPECT_EQ(h.count(), 0u);
  EXPECT_EQ(h.Percentile(50), 0u);
  EXPECT_EQ(h.min(), 0u);
  EXPECT_EQ(h.max(), 0u);
  EXPECT_EQ(h.mean(), 0);
}

TEST(LatencyHistogramTest, BucketsTileTheRangeWithinTheBound) {
  for (size_t b = 0; b < 3000; ++b) {
    ASSERT_EQ(LatencyHistogram::BucketHigh(b) + 1, LatencyHistogram::BucketLow(b + 1)) << b;
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketLow(b)), b);
    ASSERT_EQ(LatencyHistogram::BucketOf(LatencyHistogram::BucketHigh(b)), b);
    uint64_t width = LatencyHistogram::BucketHigh(b) - LatencyHistogram::BucketLow(b) + 1;
    if (b < 128) {
      ASSERT_EQ(width, 1u) << b;
    } else {
      // A midpoint is at most width/2 away from any value of its bucket: width/2 <= low/128.
      ASSERT_LE(static_cast<double>(width) / 2, LatencyHistogram::kRelativeError * LatencyHistogram::BucketLow(b)) << b;
    }
  }
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX), LatencyHistogram::BucketOf(UINT64_MAX - 1));
  EXPECT_EQ(LatencyHistogram::BucketHigh(LatencyHistogram::BucketOf(UINT64_MAX)), UINT64_MAX);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  LatencyHistogram h;
  for (uint64_t v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100u);
  EXPECT_EQ(h.Percentile(50), 50u);
  EXPECT_EQ(h.Percentile(90), 90u);
  EXPECT_EQ(h.Percentile(99), 99u);
  EXPECT_EQ(h.Percentile(99.9), 100u);
  EXPECT_EQ(h.Percentile(0), 1u);
  EXPECT_EQ(h.min(), 1u);
  EXPECT_EQ(h.max(), 100u);
  EXPECT_DOUBLE_EQ(h.mean(), 50.5);
}

TEST(LatencyHistogramTest, LargeValuesWithinTheDocumentedBound) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> latency(std::log(50'000.0), 1.5);  // ~50 µs, long tail
  std::vector<uint64_t> values;
  LatencyHistogram h;
  for (int i = 0; i < 100'000; ++i) {
    auto v = static_cast<uint64_t>(latency(rng)) + 1;
    values.push_back(v);
    h.Record(v);
  }
  std::sort(values.begin(), values.end());
  for (double p : {1.0, 10.0, 25.0, 50.0, 75.0, 90.0, 99.0, 99.9, 99.99, 100.0}) {
    auto exact = static_cast<double>(ExactPercentile(values, p));
    EXPECT_LE(std::abs(static_cast<double>(h.Percentile(p)) - exact), exact * LatencyHistogram::kRelativeError)
        << "p" << p << " exact " << exact << " reported " << h.Percentile(p);
  }
  EXPECT_EQ(h.max(), values.back());
  EXPECT_EQ(h.min(), values.front());
  EXPECT_EQ(h.Percentile(100), values.back());
}

TEST(LatencyHistogramTest, PercentilesAreMonotonicAndWithinMinMax) {
  LatencyHistogram h;
  std::mt19937_64 rng(11);
  std::exponential_distribution<double> gap(1.0 / 20'000);
  for (int i = 0; i < 10'000; ++i) h.Record(static_cast<uint64_t>(gap(rng)) + 300);
  uint64_t previous = h.min();
  for (double p = 0; p <= 100; p += 0.1) {
    uint64_t v = h.Percentile(p);
    ASSERT_GE(v, previous) << p;
    ASSERT_LE(v, h.max()) << p;
    previous = v;
  }
}

TEST(LatencyHistogramTest, OneValueIsEveryPercentile) {
  LatencyHistogram h;
  h.Record(123'456'789);
  for (double p : {0.0, 50.0, 99.9, 100.0}) EXPECT_EQ(h.Percentile(p), 123'456'789u);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingInOne) {
  LatencyHistogram a, b, both;
  for (uint64_t v = 1; v < 5000; v += 7) {
    a.Record(v * 13);
    both.Record(v * 13);
  }
  for (uint64_t v = 1; v < 900; v += 3) {
    b.Record(v * 1001);
    both.Record(v * 1001);
  }
  a.Merge(b);
  EXPECT_EQ(a.count(), both.count());
  EXPECT_EQ(a.min(), both.min());
  EXPECT_EQ(a.max(), both.max());
  EXPECT_DOUBLE_EQ(a.mean(), both.mean());
  for (double p : {10.0, 50.0, 90.0, 99.0, 99.9}) EXPECT_EQ(a.Percentile(p), both.Percentile(p)) << p;
}

}  // namespace
}  // namespace duet
