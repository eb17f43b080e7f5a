// Summaries, bootstrap intervals and the warmup steadiness test; see statistics.h.
// Formulas follow Python's statistics module so reports can be checked against it.
#include "harness/statistics.h"

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace duet {
namespace {

constexpr double kLowPercentile = 0.025;
constexpr double kHighPercentile = 0.975;

// Sum with Neumaier compensation: timings spanning several orders of magnitude would otherwise
// lose their small terms, and the tests compare against Python's exact arithmetic.
double AccurateSum(std::span<const double> values) {
  double sum = 0, compensation = 0;
  for (double v : values) {
    double t = sum + v;
    if (std::abs(sum) >= std::abs(v)) {
      compensation += (sum - t) + v;
    } else {
      compensation += (v - t) + sum;
    }
    sum = t;
  }
  return sum + compensation;
}

// Written exactly as Python's statistics.median so the two agree to the last bit.
double MedianOfSorted(std::span<const double> sorted) {
  size_t n = sorted.size();
  if (n == 0) return 0;
  if (n % 2 == 1) return sorted[n / 2];
  return (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
}

// Median that may reorder `values`: nth_element keeps each bootstrap resample linear in its size.
double MedianInPlace(std::vector<double>& values) {
  size_t n = values.size();
  if (n == 0) return 0;
  auto mid = values.begin() + static_cast<std::ptrdiff_t>(n / 2);
  std::nth_element(values.begin(), mid, values.end());
  double upper = *mid;
  if (n % 2 == 1) return upper;
  double lower = *std::max_element(values.begin(), mid);
  return (lower + upper) / 2;
}

// Quartile i (1..3) with Python's "inclusive" method, same operation order as CPython 3.11.
double InclusiveQuartile(std::span<const double> sorted, size_t i) {
  constexpr size_t kParts = 4;
  size_t m = sorted.size() - 1;
  if (m == 0) return sorted[0];
  size_t j = i * m / kParts;
  size_t delta = i * m - j * kParts;
  return (sorted[j] * static_cast<double>(kParts - delta) +
          sorted[j + 1] * static_cast<double>(delta)) /
         static_cast<double>(kParts);
}

// Linear interpolation between closest ranks (numpy's default), on sorted values.
double Percentile(std::span<const double> sorted, double p) {
  if (sorted.empty()) return 0;
  double pos = p * static_cast<double>(sorted.size() - 1);
  size_t lo = static_cast<size_t>(std::floor(pos));
  size_t hi = std::min(lo + 1, sorted.size() - 1);
  double frac = pos - static_cast<double>(lo);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * frac;
}

// Unbiased index in [0, n) straight from the engine: std::uniform_int_distribution's algorithm
// differs between standard libraries, which would make "same seed, same interval" per-platform.
size_t UniformIndex(std::mt19937_64& rng, size_t n) {
  uint64_t bound = n;
  uint64_t threshold = (0 - bound) % bound;  // 2^64 mod n: draws below it would favour low indices
  for (;;) {
    uint64_t r = rng();
    if (r >= threshold) return static_cast<size_t>(r % bound);
  }
}

// Median of one bootstrap resample of `data`; `scratch` is reused to avoid an allocation per draw.
double ResampledMedian(std::span<const double> data, std::mt19937_64& rng,
                       std::vector<double>& scratch) {
  scratch.resize(data.size());
  for (double& v : scratch) v = data[UniformIndex(rng, data.size())];
  return MedianInPlace(scratch);
}

}  // namespace

Summary Summarize(std::span<const double> samples, uint64_t seed, int resamples) {
  Summary s;
  if (samples.empty()) return s;
  std::vector<double> sorted(samples.begin(), samples.end());
  std::sort(sorted.begin(), sorted.end());
  size_t n = sorted.size();
  double count = static_cast<double>(n);

  s.count = n;
  s.min = sorted.front();
  s.max = sorted.back();
  s.median = MedianOfSorted(sorted);
  if (s.min == s.max) {
    // Rounding in the sum could otherwise report a mean off the only value and a tiny stdev.
    s.mean = s.min;
  } else {
    s.mean = std::clamp(AccurateSum(sorted) / count, s.min, s.max);
    if (n >= 2) {
      std::vector<double> squares(n);
      std::transform(sorted.begin(), sorted.end(), squares.begin(),
                     [&](double v) { return (v - s.mean) * (v - s.mean); });
      s.stdev = std::sqrt(AccurateSum(squares) / (count - 1));
    }
  }

  s.q1 = InclusiveQuartile(sorted, 1);
  s.q3 = InclusiveQuartile(sorted, 3);
  double iqr = s.q3 - s.q1;
  double low_fence = s.q1 - 1.5 * iqr;
  double high_fence = s.q3 + 1.5 * iqr;
  s.outliers = static_cast<size_t>(std::count_if(
      sorted.begin(), sorted.end(), [&](double v) { return v < low_fence || v > high_fence; }));

  s.median_ci_low = s.median_ci_high = s.median;
  if (resamples >= 1) {
    std::mt19937_64 rng(seed);
    std::vector<double> medians, scratch;
    medians.reserve(static_cast<size_t>(resamples));
    for (int r = 0; r < resamples; ++r) medians.push_back(ResampledMedian(sorted, rng, scratch));
    std::sort(medians.begin(), medians.end());
    s.median_ci_low = Percentile(medians, kLowPercentile);
    s.median_ci_high = Percentile(medians, kHighPercentile);
  }
  return s;
}

RatioEstimate RatioOfMedians(std::span<const double> numerator,
                             std::span<const double> denominator, uint64_t seed, int resamples) {
  RatioEstimate est;
  if (numerator.empty() || denominator.empty()) return est;
  std::vector<double> num(numerator.begin(), numerator.end());
  std::vector<double> den(denominator.begin(), denominator.end());
  double den_median = MedianInPlace(den);
  if (!(den_median > 0)) return est;
  est.ratio = MedianInPlace(num) / den_median;
  est.low = est.high = est.ratio;

  if (resamples >= 1) {
    std::mt19937_64 rng(seed);
    std::vector<double> ratios, scratch;
    ratios.reserve(static_cast<size_t>(resamples));
    for (int r = 0; r < resamples; ++r) {
      // Both medians from the same engine in a fixed order keeps the whole interval seed-determined.
      double top = ResampledMedian(numerator, rng, scratch);
      double bottom = ResampledMedian(denominator, rng, scratch);
      ratios.push_back(top / bottom);
    }
    std::sort(ratios.begin(), ratios.end());
    est.low = Percentile(ratios, kLowPercentile);
    est.high = Percentile(ratios, kHighPercentile);
  }
  est.significant = est.low > 1.0 || est.high < 1.0;
  return est;
}

MannWhitney MannWhitneyU(std::span<const double> first, std::span<const double> second) {
  MannWhitney result;
  if (first.empty() || second.empty()) return result;
  std::vector<std::pair<double, bool>> all;  // value, belongs to `first`
  all.reserve(first.size() + second.size());
  for (double v : first) all.emplace_back(v, true);
  for (double v : second) all.emplace_back(v, false);
  std::sort(all.begin(), all.end(), [](const auto& a, const auto& b) { return a.first < b.first; });

  double n = static_cast<double>(all.size());
  double rank_sum_first = 0, tie_term = 0;
  for (size_t i = 0; i < all.size();) {
    size_t j = i;
    while (j < all.size() && all[j].first == all[i].first) ++j;
    double tied = static_cast<double>(j - i);
    double average_rank = (static_cast<double>(i + 1) + static_cast<double>(j)) / 2;
    for (size_t k = i; k < j; ++k) {
      if (all[k].second) rank_sum_first += average_rank;
    }
    tie_term += tied * tied * tied - tied;
    i = j;
  }
  double n1 = static_cast<double>(first.size()), n2 = static_cast<double>(second.size());
  result.u = rank_sum_first - n1 * (n1 + 1) / 2;
  double mean = n1 * n2 / 2;
  double variance = n1 * n2 / 12 * ((n + 1) - tie_term / (n * (n - 1)));
  if (!(variance > 0)) return result;
  // scipy takes the larger of the two U values, so z >= 0 and the correction pulls it towards 0.
  double u_max = std::max(result.u, n1 * n2 - result.u);
  result.z = (u_max - mean - 0.5) / std::sqrt(variance);
  result.p_value = std::min(1.0, std::erfc(result.z / std::sqrt(2.0)));
  return result;
}

bool IsSteady(std::span<const double> values, size_t window, double tolerance) {
  window = std::max<size_t>(window, 2);
  if (values.size() < window) return false;
  std::span<const double> tail = values.last(window);

  std::vector<double> slopes;
  slopes.reserve(window * (window - 1) / 2);
  for (size_t i = 0; i < window; ++i) {
    for (size_t j = i + 1; j < window; ++j) {
      slopes.push_back((tail[j] - tail[i]) / static_cast<double>(j - i));
    }
  }
  std::vector<double> level(tail.begin(), tail.end());
  // Relative to the level so one tolerance serves microsecond and second-long iterations alike.
  return MedianInPlace(slopes) >= -tolerance * MedianInPlace(level);
}

}  // namespace duet
