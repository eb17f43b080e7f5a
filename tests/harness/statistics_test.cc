// Statistics: summaries checked against Python's statistics module run on the same data, plus the
// bootstrap intervals, the ratio of medians and the warmup steadiness test.
#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "harness/statistics.h"

namespace duet {
namespace {

// Uniform in [0, 1) from the engine's raw bits: std distributions differ between standard
// libraries, and the data sets should be the same everywhere.
double Uniform(std::mt19937_64& rng) { return static_cast<double>(rng() >> 11) * 0x1p-53; }

// Timing-like data: positive, right-skewed, a few values far out.
std::vector<double> SkewedTimings(size_t n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) out.push_back(1e6 * std::exp(2 * Uniform(rng) * Uniform(rng)));
  return out;
}

// `center` scaled by a symmetric factor in [1 - spread, 1 + spread): the population median is
// exactly `center`.
std::vector<double> AroundCenter(size_t n, double center, double spread, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::vector<double> out;
  for (size_t i = 0; i < n; ++i) out.push_back(center * (1 + spread * (2 * Uniform(rng) - 1)));
  return out;
}

struct Reference {
  double median, mean, stdev, min, max, q1, q3;
};

// `data` as Python source: hex floats, so neither side rounds.
std::string PythonList(const std::vector<double>& data) {
  std::string hex;
  for (double v : data) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%a ", v);
    hex += buf;
  }
  return "[float.fromhex(x) for x in \"" + hex + "\".split()]";
}

// Runs `script` in /usr/bin/python3; it prints `count` floats as hex, which come back exactly.
std::vector<double> PythonFloats(const std::string& script, size_t count) {
  std::string command = "/usr/bin/python3 -c '" + script + "'";
  std::unique_ptr<FILE, int (*)(FILE*)> pipe(popen(command.c_str(), "r"), pclose);
  if (!pipe) {
    ADD_FAILURE() << "cannot start /usr/bin/python3";
    return std::vector<double>(count);
  }
  std::string output;
  std::array<char, 512> chunk;
  while (size_t got = std::fread(chunk.data(), 1, chunk.size(), pipe.get())) {
    output.append(chunk.data(), got);
  }
  std::istringstream in(output);
  std::vector<double> values(count);
  for (double& v : values) {
    std::string word;
    if (!(in >> word)) {
      ADD_FAILURE() << "python printed too little: '" << output << "'";
      return std::vector<double>(count);
    }
    v = std::strtod(word.c_str(), nullptr);
  }
  return values;
}

// Runs Python's statistics module on `data`. Python 3.11 refuses quantiles and stdev for one
// value; the script answers with the conventions statistics.h documents (value, 0).
Reference PythonReference(const std::vector<double>& data) {
  std::string script =
      "import statistics as s\n"
      "d=" + PythonList(data) + "\n"
      "q=s.quantiles(d,n=4,method=\"inclusive\") if len(d)>1 else [d[0]]*3\n"
      "r=[s.median(d),s.mean(d),s.stdev(d) if len(d)>1 else 0.0,min(d),max(d),q[0],q[2]]\n"
      "print(\" \".join(float(v).hex() for v in r))\n";
  std::vector<double> v = PythonFloats(script, 7);
  return {v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
}

::testing::AssertionResult RelativelyClose(double actual, double expected) {
  double scale = std::max(std::abs(actual), std::abs(expected));
  if (std::abs(actual - expected) <= 1e-9 * scale) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure()
         << "actual " << actual << " vs python " << expected << " (diff " << actual - expected
         << ")";
}

void ExpectMatchesPython(const std::vector<double>& data) {
  Reference py = PythonReference(data);
  Summary s = Summarize(data);
  EXPECT_EQ(s.count, data.size());
  EXPECT_TRUE(RelativelyClose(s.median, py.median)) << "median";
  EXPECT_TRUE(RelativelyClose(s.mean, py.mean)) << "mean";
  EXPECT_TRUE(RelativelyClose(s.stdev, py.stdev)) << "stdev";
  EXPECT_TRUE(RelativelyClose(s.min, py.min)) << "min";
  EXPECT_TRUE(RelativelyClose(s.max, py.max)) << "max";
  EXPECT_TRUE(RelativelyClose(s.q1, py.q1)) << "q1";
  EXPECT_TRUE(RelativelyClose(s.q3, py.q3)) << "q3";
}

TEST(StatisticsTest, OddCountMatchesPython) {
  ExpectMatchesPython({5.2, 1.1, 3.3, 9.9, 4.4, 7.7, 2.2});
}

TEST(StatisticsTest, EvenCountMatchesPython) {
  ExpectMatchesPython({12.5, 3.25, 8.0, 1.5, 10.75, 6.0});
}

TEST(StatisticsTest, DataWithOutliersMatchesPython) {
  ExpectMatchesPython({1, 2, 3, 4, 5, 6, 7, 8, 9, 100});
  ExpectMatchesPython({-50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100});
}

TEST(StatisticsTest, OneSampleMatchesPython) { ExpectMatchesPython({42.5}); }

TEST(StatisticsTest, AllEqualMatchesPython) { ExpectMatchesPython(std::vector<double>(10, 0.1)); }

TEST(StatisticsTest, LargeSkewedSetsMatchPython) {
  ExpectMatchesPython(SkewedTimings(1001, 7));
  ExpectMatchesPython(SkewedTimings(1000, 8));
}

TEST(StatisticsTest, NanosecondTimingsWithTinySpreadMatchPython) {
  // Around 1e9 ns with a spread of a few ns: a naive one-pass variance would cancel to noise.
  std::vector<double> data;
  for (int i = 0; i < 500; ++i) data.push_back(1e9 + (i * 37) % 11);
  ExpectMatchesPython(data);
}

TEST(StatisticsTest, EmptyInputIsAllZero) {
  Summary s = Summarize({});
  EXPECT_EQ(s.count, 0u);
  EXPECT_EQ(s.median, 0);
  EXPECT_EQ(s.mean, 0);
  EXPECT_EQ(s.stdev, 0);
  EXPECT_EQ(s.min, 0);
  EXPECT_EQ(s.max, 0);
  EXPECT_EQ(s.q1, 0);
  EXPECT_EQ(s.q3, 0);
  EXPECT_EQ(s.median_ci_low, 0);
  EXPECT_EQ(s.median_ci_high, 0);
  EXPECT_EQ(s.outliers, 0u);
}

TEST(StatisticsTest, CountsOneHighOutlier) {
  std::vector<double> data{1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  Summary s = Summarize(data);
  EXPECT_DOUBLE_EQ(s.q1, 3.25);
  EXPECT_DOUBLE_EQ(s.q3, 7.75);
  EXPECT_EQ(s.outliers, 1u);
}

TEST(StatisticsTest, CountsOutliersOnBothSides) {
  std::vector<double> data{-50, 1, 2, 3, 4, 5, 6, 7, 8, 9, 100};
  EXPECT_EQ(Summarize(data).outliers, 2u);
}

TEST(StatisticsTest, ValueOnTheFenceIsNotAnOutlier) {
  // q1 = 3.25, q3 = 7.75, upper fence = 7.75 + 1.5 * 4.5 = 14.5 exactly.
  std::vector<double> on_fence{1, 2, 3, 4, 5, 6, 7, 8, 9, 14.5};
  EXPECT_EQ(Summarize(on_fence).outliers, 0u);
  std::vector<double> past_fence{1, 2, 3, 4, 5, 6, 7, 8, 9, 14.6};
  EXPECT_EQ(Summarize(past_fence).outliers, 1u);
}

TEST(StatisticsTest, BootstrapIntervalContainsTheMedian) {
  for (const auto& data : {SkewedTimings(31, 1), SkewedTimings(200, 2),
                           std::vector<double>{12.5, 3.25, 8.0, 1.5, 10.75, 6.0}}) {
    Summary s = Summarize(data);
    EXPECT_LE(s.median_ci_low, s.median);
    EXPECT_GE(s.median_ci_high, s.median);
    EXPECT_LT(s.median_ci_low, s.median_ci_high) << "continuous data should give a real interval";
    EXPECT_GE(s.median_ci_low, s.min);
    EXPECT_LE(s.median_ci_high, s.max);
  }
}

TEST(StatisticsTest, OneSampleOrEqualSamplesCollapseTheInterval) {
  Summary one = Summarize(std::vector<double>{42.5});
  EXPECT_EQ(one.median_ci_low, 42.5);
  EXPECT_EQ(one.median_ci_high, 42.5);
  EXPECT_EQ(one.stdev, 0);
  Summary equal = Summarize(std::vector<double>(8, 3.0));
  EXPECT_EQ(equal.median_ci_low, 3.0);
  EXPECT_EQ(equal.median_ci_high, 3.0);
  EXPECT_EQ(equal.stdev, 0);
  EXPECT_EQ(equal.outliers, 0u);
}

TEST(StatisticsTest, BootstrapIsDeterministicForASeed) {
  std::vector<double> data = SkewedTimings(301, 3);
  Summary a = Summarize(data, 99);
  Summary b = Summarize(data, 99);
  EXPECT_EQ(a.median_ci_low, b.median_ci_low);
  EXPECT_EQ(a.median_ci_high, b.median_ci_high);
  // The seed must actually drive the resampling.
  Summary c = Summarize(data, 100);
  EXPECT_TRUE(a.median_ci_low != c.median_ci_low || a.median_ci_high != c.median_ci_high);
}

TEST(StatisticsTest, BootstrapIntervalNarrowsWithMoreSamples) {
  Summary few = Summarize(AroundCenter(25, 100, 0.2, 4));
  Summary many = Summarize(AroundCenter(2500, 100, 0.2, 5));
  double few_width = few.median_ci_high - few.median_ci_low;
  double many_width = many.median_ci_high - many.median_ci_low;
  EXPECT_GT(many_width, 0);
  // 100x the samples: about a tenth of the width; a third leaves room for resampling noise.
  EXPECT_LT(many_width, few_width / 3);
}

TEST(StatisticsTest, ZeroResamplesCollapseTheIntervalToTheMedian) {
  Summary s = Summarize(SkewedTimings(50, 6), 1, 0);
  EXPECT_EQ(s.median_ci_low, s.median);
  EXPECT_EQ(s.median_ci_high, s.median);
}

TEST(RatioOfMediansTest, ClearlyDifferentMediansAreSignificant) {
  std::vector<double> slow = AroundCenter(100, 2.0, 0.1, 10);
  std::vector<double> fast = AroundCenter(100, 1.0, 0.1, 11);
  RatioEstimate r = RatioOfMedians(slow, fast);
  EXPECT_NEAR(r.ratio, 2.0, 0.05);
  EXPECT_LE(r.low, 2.0);
  EXPECT_GE(r.high, 2.0);
  EXPECT_LT(r.low, r.ratio);
  EXPECT_GT(r.high, r.ratio);
  EXPECT_GT(r.low, 1.0);
  EXPECT_TRUE(r.significant);

  RatioEstimate inverse = RatioOfMedians(fast, slow);
  EXPECT_NEAR(inverse.ratio, 0.5, 0.0125);
  EXPECT_LE(inverse.low, 0.5);
  EXPECT_GE(inverse.high, 0.5);
  EXPECT_LT(inverse.high, 1.0);
  EXPECT_TRUE(inverse.significant);
}

TEST(RatioOfMediansTest, SameDistributionIsNotSignificant) {
  std::vector<double> a = AroundCenter(100, 5.0, 0.1, 20);
  std::vector<double> b = AroundCenter(100, 5.0, 0.1, 21);
  RatioEstimate r = RatioOfMedians(a, b);
  EXPECT_LE(r.low, 1.0);
  EXPECT_GE(r.high, 1.0);
  EXPECT_FALSE(r.significant);
}

TEST(RatioOfMediansTest, ExactRatioOfHandMadeSets) {
  RatioEstimate r = RatioOfMedians(std::vector<double>{3, 6, 9}, std::vector<double>{1, 2, 3, 4});
  EXPECT_DOUBLE_EQ(r.ratio, 6 / 2.5);
}

TEST(RatioOfMediansTest, IsDeterministicForASeed) {
  std::vector<double> a = SkewedTimings(80, 30);
  std::vector<double> b = SkewedTimings(90, 31);
  RatioEstimate x = RatioOfMedians(a, b, 5);
  RatioEstimate y = RatioOfMedians(a, b, 5);
  EXPECT_EQ(x.low, y.low);
  EXPECT_EQ(x.high, y.high);
  EXPECT_EQ(x.ratio, y.ratio);
}

TEST(RatioOfMediansTest, EmptyOrZeroDenominatorGivesNoEstimate) {
  std::vector<double> some{1, 2, 3};
  RatioEstimate empty = RatioOfMedians(some, {});
  EXPECT_EQ(empty.ratio, 0);
  EXPECT_FALSE(empty.significant);
  RatioEstimate zero = RatioOfMedians(some, std::vector<double>{0, 0, 0});
  EXPECT_EQ(zero.ratio, 0);
  EXPECT_EQ(zero.low, 0);
  EXPECT_EQ(zero.high, 0);
  EXPECT_FALSE(zero.significant);
}

TEST(IsSteadyTest, DecreasingSequenceIsNotSteady) {
  EXPECT_FALSE(IsSteady(std::vector<double>{200, 180, 160, 140, 120}));
  // A gentle 2%-per-step decline is still a trend at the default 1% tolerance.
  EXPECT_FALSE(IsSteady(std::vector<double>{100, 98, 96, 94, 92, 90}));
}

TEST(IsSteadyTest, FlatNoisySequenceIsSteady) {
  EXPECT_TRUE(IsSteady(std::vector<double>{100, 101.5, 99, 100.5, 98.8, 100.2, 99.6}));
}

TEST(IsSteadyTest, OnlyTheLastWindowCounts) {
  std::vector<double> warming{500, 400, 300, 200, 101, 100, 99.5, 100.4, 100};
  EXPECT_TRUE(IsSteady(warming, 5));
  EXPECT_FALSE(IsSteady(warming, 9));
}

TEST(IsSteadyTest, ToleranceScalesWithTheLevel) {
  // Falls 0.5% per step: within the default 1% but not within 0.1%.
  std::vector<double> slow_decline{1000, 995, 990, 985, 980};
  EXPECT_TRUE(IsSteady(slow_decline));
  EXPECT_FALSE(IsSteady(slow_decline, 5, 0.001));
}

TEST(IsSteadyTest, RisingSequenceIsSteady) {
  EXPECT_TRUE(IsSteady(std::vector<double>{100, 105, 110, 115, 120}));
}

TEST(IsSteadyTest, FewerThanWindowIsNotSteady) {
  EXPECT_FALSE(IsSteady(std::vector<double>{100, 100, 100, 100}));
  EXPECT_FALSE(IsSteady({}));
  EXPECT_TRUE(IsSteady(std::vector<double>{100, 100, 100, 100, 100}));
}

// scipy.stats.mannwhitneyu(method="asymptotic") on the same data: U of the first set and p.
std::pair<double, double> ScipyMannWhitney(const std::vector<double>& a, const std::vector<double>& b) {
  std::string script =
      "from scipy.stats import mannwhitneyu\n"
      "r=mannwhitneyu(" + PythonList(a) + "," + PythonList(b) + ",method=\"asymptotic\")\n"
      "print(float(r.statistic).hex(), float(r.pvalue).hex())\n";
  std::vector<double> v = PythonFloats(script, 2);
  return {v[0], v[1]};
}

void ExpectMatchesScipy(const std::vector<double>& a, const std::vector<double>& b) {
  auto [u, p] = ScipyMannWhitney(a, b);
  MannWhitney mw = MannWhitneyU(a, b);
  EXPECT_NEAR(mw.u, u, 1e-9 * std::max(1.0, u)) << "U";
  EXPECT_NEAR(mw.p_value, p, 1e-12 + 1e-9 * p) << "p";
}

TEST(MannWhitneyTest, MatchesScipyOnShiftedSets) {
  ExpectMatchesScipy(AroundCenter(40, 1e6, 0.1, 1), AroundCenter(35, 1.08e6, 0.1, 2));
}

TEST(MannWhitneyTest, MatchesScipyWithTies) {
  ExpectMatchesScipy({1, 2, 2, 3, 3, 3, 4, 5, 5, 9}, {2, 3, 3, 4, 4, 6, 6, 6, 7, 8, 8});
}

TEST(MannWhitneyTest, MatchesScipyOnSkewedSetsOfOneDistribution) {
  ExpectMatchesScipy(SkewedTimings(200, 3), SkewedTimings(150, 4));
}

TEST(MannWhitneyTest, SeparatedSetsGiveATinyPValueAndNoOverlapGivesUZero) {
  MannWhitney mw = MannWhitneyU(AroundCenter(30, 1.0, 0.05, 5), AroundCenter(30, 2.0, 0.05, 6));
  EXPECT_EQ(mw.u, 0.0);
  EXPECT_LT(mw.p_value, 1e-6);
}

TEST(MannWhitneyTest, EmptyOrAllEqualSetsGivePOne) {
  EXPECT_EQ(MannWhitneyU({}, std::vector<double>{1, 2}).p_value, 1.0);
  EXPECT_EQ(MannWhitneyU(std::vector<double>(5, 3.0), std::vector<double>(4, 3.0)).p_value, 1.0);
}

}  // namespace
}  // namespace duet
