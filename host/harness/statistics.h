// Statistics behind a report: per-runtime summaries with bootstrap intervals, the py/js ratio
// with its own interval, and the steadiness test that ends an automatic warmup.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace duet {

// Inputs everywhere are assumed NaN-free (they are timings); a NaN makes every figure meaningless
// because sorting and comparisons no longer define an order.

struct Summary {
  size_t count = 0;
  // stdev is the sample standard deviation (n-1), 0 when count < 2.
  double median = 0, mean = 0, stdev = 0, min = 0, max = 0;
  // Quartiles as Python's statistics.quantiles(data, n=4, method="inclusive"); both equal the
  // value for a single sample (Python 3.11 refuses one sample).
  double q1 = 0, q3 = 0;
  // 95% percentile-bootstrap confidence interval of the median.
  double median_ci_low = 0, median_ci_high = 0;
  // Samples strictly outside the Tukey fences [q1 - 1.5*IQR, q3 + 1.5*IQR].
  size_t outliers = 0;
};

// Summary of `samples` (all zero when empty); the bootstrap draws `resamples` resamples from
// std::mt19937_64 seeded with `seed`, so equal inputs give identical results (resamples < 1
// collapses the interval to the median).
Summary Summarize(std::span<const double> samples, uint64_t seed = 20261123, int resamples = 2000);

struct RatioEstimate {
  double ratio = 0, low = 0, high = 0;
  bool significant = false;  // the interval [low, high] excludes 1.0
};

// median(numerator)/median(denominator) with a 95% percentile-bootstrap interval, resampling the
// two sets independently from one std::mt19937_64 seeded with `seed`; values should be positive.
// All zero (not significant) when either set is empty or the denominator's median is not positive.
RatioEstimate RatioOfMedians(std::span<const double> numerator,
                             std::span<const double> denominator, uint64_t seed = 20261123,
                             int resamples = 2000);

struct MannWhitney {
  double u = 0;        // U of the first set: how often one of its values beats one of the second's
  double z = 0;        // the normal approximation's z-score (continuity-corrected, ties corrected)
  double p_value = 1;  // two-sided; 1 when either set is empty or every value is equal
};

// Mann-Whitney U test of whether the two sets come from one distribution, with the normal
// approximation as scipy.stats.mannwhitneyu(method="asymptotic") computes it: average ranks for
// ties, the tie-corrected variance and a continuity correction. Good from about 8 values a side.
MannWhitney MannWhitneyU(std::span<const double> first, std::span<const double> second);

// True when the last `window` values show no downward trend: their Theil–Sen slope (median of
// pairwise slopes, x = index) is >= -tolerance * (median of those values); false when fewer
// than `window` values. A window below 2 counts as 2, since a trend needs two points.
bool IsSteady(std::span<const double> values, size_t window = 5, double tolerance = 0.01);

}  // namespace duet
