// Reports end to end through the duet command: the history round trip, compare on synthetic runs
// with a known shift, the exports read by their target tools, the claims verdict and the HTML page
// rendered in headless Chromium.
#include <gtest/gtest.h>

#include <map>
#include <random>
#include <regex>
#include <set>
#include <sstream>

#include "cli/duet_command.h"
#include "cli/synthetic_run.h"

namespace duet::testing {
namespace {

const std::filesystem::path kFixtures = DUET_TEST_FIXTURES;
const std::string kGood = (kFixtures / "workloads" / "good").string();

// --- history ---------------------------------------------------------------------------------

TEST(HistoryTest, RunsAreRecordedListedReadBackExactlyAndCompared) {
  auto dir = TestDir();
  std::string db = (dir / "history.sqlite").string();
  Outcome first = Duet("run " + kGood + "/double --runs 5 --warmup 0 --db " + db + " --json " + (dir / "a.json").string());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_NE(first.err.find("history: run 1 appended to " + db), std::string::npos) << first.err;
  ASSERT_EQ(Duet("run " + kGood + "/double --runs 7 --warmup 0 --db " + db).exit_code, 0);

  Outcome listed = Duet("history --json --db " + db);
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  nlohmann::json runs = nlohmann::json::parse(listed.out);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["id"], 1);
  EXPECT_EQ(runs[1]["workload_count"], 1);
  Outcome filtered = Duet("history --workload 'good/dou' --db " + db);
  EXPECT_NE(filtered.out.find("good/double"), std::string::npos) << filtered.out;
  EXPECT_EQ(nlohmann::json::parse(Duet("history --json --workload nothing-matches --db " + db).out).size(), 0u);

  // Read back from SQLite, the run is the very document `--json` wrote: samples, statistics, environment.
  Outcome exported = Duet("report 1 --export json -o " + (dir / "b.json").string() + " --db " + db);
  ASSERT_EQ(exported.exit_code, 0) << exported.err;
  nlohmann::json a = nlohmann::json::parse(Slurp(dir / "a.json"));
  nlohmann::json b = nlohmann::json::parse(Slurp(dir / "b.json"));
  EXPECT_EQ(a, b);
  EXPECT_EQ(b["workloads"][0]["runtimes"]["cpython"]["samples_ns"].size(), 5u);

  Outcome compared = Duet("compare 1 latest --db " + db);
  EXPECT_EQ(compared.exit_code, 0) << compared.err;
  EXPECT_NE(compared.out.find("A: history run 1"), std::string::npos) << compared.out;
  EXPECT_NE(compared.out.find("B: history run 2"), std::string::npos) << compared.out;
  EXPECT_EQ(std::count(compared.out.begin(), compared.out.end(), '\n'), 6) << compared.out;  // A, B, header, 2 rows, summary
}

TEST(HistoryTest, DefaultLocationFollowsDuetDbThenXdgDataHomeAndNoHistorySkipsIt) {
  auto dir = TestDir();
  std::string run = "run " + kGood + "/double --runs 1 --warmup 0";
  ASSERT_EQ(Duet(run + " --no-history").exit_code, 0);
  // DUET_DB (set for every test by ctest) decides first...
  Outcome by_env = Shell("DUET_DB=" + (dir / "env.sqlite").string() + " " + DUET_BINARY + " " + run);
  ASSERT_EQ(by_env.exit_code, 0) << by_env.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "env.sqlite"));
  // ...then the XDG data directory.
  Outcome by_xdg = Shell("env -u DUET_DB XDG_DATA_HOME=" + (dir / "xdg").string() + " " + DUET_BINARY + " " + run);
  ASSERT_EQ(by_xdg.exit_code, 0) << by_xdg.err;
  EXPECT_TRUE(std::filesystem::exists(dir / "xdg" / "duet" / "history.sqlite")) << by_xdg.err;
  Outcome skipped = Shell("DUET_DB=" + (dir / "skipped.sqlite").string() + " " + DUET_BINARY + " " + run + " --no-history");
  ASSERT_EQ(skipped.exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(dir / "skipped.sqlite"));
}

TEST(HistoryTest, AnUnknownRunIdOrABrokenFileIsAClearError) {
  auto dir = TestDir();
  Outcome missing = Duet("report 99 --export table --db " + (dir / "h.sqlite").string());
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no run 99"), std::string::npos) << missing.err;
  WriteText(dir / "broken.json", "{\n  \"schema\": \"duet-run/1\",\n  \"workloads\": [,]\n}\n");
  Outcome broken = Duet("compare " + (dir / "broken.json").string() + " " + (dir / "broken.json").string());
  EXPECT_EQ(broken.exit_code, 1);
  EXPECT_NE(broken.err.find("broken.json:3:"), std::string::npos) << broken.err;
}

// --- compare ---------------------------------------------------------------------------------

class CompareTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = TestDir();
    base_ = WriteRun(dir_ / "base.json", SyntheticRun({{"synthetic", "shift", 1e6, 3e6}}, 1));
  }
  std::filesystem::path dir_;
  std::string base_;
};

TEST_F(CompareTest, ATwentyPercentRegressionIsFlaggedAndFailsTheBuild) {
  std::string slower = WriteRun(dir_ / "slower.json", SyntheticRun({{"synthetic", "shift", 1e6, 3.6e6}}, 2));
  Outcome outcome = Duet("compare " + base_ + " " + slower + " --fail-on-regression --json " + (dir_ / "c.json").string());
  EXPECT_EQ(outcome.exit_code, 1) << outcome.out << outcome.err;
  EXPECT_TRUE(std::regex_search(outcome.out, std::regex("synthetic/shift +cpython .*\\+(1[89]|2[01])\\.\\d% .*REGRESSION")))
      << outcome.out;
  EXPECT_TRUE(std::regex_search(outcome.out, std::regex("synthetic/shift +v8 .* unchanged"))) << outcome.out;
  nlohmann::json c = nlohmann::json::parse(Slurp(dir_ / "c.json"));
  EXPECT_EQ(c["regressions"], 1);
  EXPECT_EQ(c["changes"][1]["runtime"], "cpython");
  EXPECT_EQ(c["changes"][1]["verdict"], "regression");
  EXPECT_LT(c["changes"][1]["mann_whitney"]["p_value"].get<double>(), 1e-6);
  EXPECT_NEAR(c["changes"][1]["b_over_a"]["ratio"].get<double>(), 1.2, 0.03);
  // Without --fail-on-regression the comparison is information only.
  EXPECT_EQ(Duet("compare " + base_ + " " + slower).exit_code, 0);
  // A higher threshold lets the same change pass.
  EXPECT_EQ(Duet("compare " + base_ + " " + slower + " --threshold 25 --fail-on-regression").exit_code, 0);
}

TEST_F(CompareTest, NoiseAloneIsNotARegression) {
  for (uint64_t seed : {3, 4, 5}) {
    std::string noisy = WriteRun(dir_ / "noisy.json", SyntheticRun({{"synthetic", "shift", 1e6, 3e6}}, seed));
    Outcome outcome = Duet("compare " + base_ + " " + noisy + " --fail-on-regression");
    EXPECT_EQ(outcome.exit_code, 0) << outcome.out;
    EXPECT_EQ(outcome.out.find("REGRESSION"), std::string::npos) << outcome.out;
    EXPECT_NE(outcome.out.find("0 regression(s)"), std::string::npos) << outcome.out;
  }
}

TEST_F(CompareTest, AWorkloadThatNewlyFailsCountsAndMissingOnesAreListed) {
  nlohmann::json failing = SyntheticRun({{"synthetic", "shift", 1e6, 3e6}, {"synthetic", "extra", 1e6, 1e6}}, 6);
  failing["workloads"][0]["error"] = {{"runtime", "v8"}, {"file", "shift.js"}, {"line", 3}, {"message", "boom"}, {"detail", nullptr}};
  Outcome outcome = Duet("compare " + base_ + " " + WriteRun(dir_ / "failing.json", failing) + " --fail-on-regression");
  EXPECT_EQ(outcome.exit_code, 1);
  EXPECT_NE(outcome.out.find("new failure: failed in B: shift.js:3: boom"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("only in B"), std::string::npos) << outcome.out;
}

// --- exports ---------------------------------------------------------------------------------

TEST(ExportTest, MarkdownAndCsvHaveOneRowPerWorkloadAndRuntime) {
  auto dir = TestDir();
  std::string run = WriteRun(dir / "run.json", SyntheticRun({{"synthetic", "a", 2e6, 4e6}, {"synthetic", "b", 1e5, 1e5}}, 7));
  Outcome md = Duet("report " + run + " --export markdown");
  ASSERT_EQ(md.exit_code, 0) << md.err;
  std::vector<std::string> lines;
  std::istringstream in(md.out);
  for (std::string line; std::getline(in, line);) lines.push_back(line);
  ASSERT_EQ(lines.size(), 4u) << md.out;
  EXPECT_EQ(lines[1], "| --- | ---: | ---: | ---: | --- | ---: | ---: | ---: |");
  EXPECT_TRUE(std::regex_search(lines[2], std::regex(R"(^\| synthetic/a \| \d\.\d\d ms ±[\d.]+% \| \d\.\d\d ms ±[\d.]+% \| [12]\.\d\dx \[)")))
      << lines[2];

  Outcome csv = Duet("report " + run + " --export csv -o " + (dir / "run.csv").string());
  ASSERT_EQ(csv.exit_code, 0) << csv.err;
  // Python's csv module reads it: a header and one row per workload and runtime, each with every column.
  Outcome parsed = Shell("/usr/bin/python3 -c 'import csv,sys; r=list(csv.DictReader(open(sys.argv[1]))); "
                         "print(len(r), sorted(set(len(x) for x in r)), r[1][\"runtime\"], r[1][\"samples\"])' " +
                         (dir / "run.csv").string());
  EXPECT_EQ(parsed.out, "4 [22] cpython 60\n") << parsed.err;
}

TEST(ExportTest, GoogleBenchmarkCompareReadsTheGbenchExport) {
  auto dir = TestDir();
  std::string a = WriteRun(dir / "a.json", SyntheticRun({{"synthetic", "shift", 1e6, 3e6}}, 8));
  std::string b = WriteRun(dir / "b.json", SyntheticRun({{"synthetic", "shift", 1e6, 3.6e6}}, 9));
  ASSERT_EQ(Duet("report " + a + " --export gbench -o " + (dir / "a.gbench.json").string()).exit_code, 0);
  ASSERT_EQ(Duet("report " + b + " --export gbench -o " + (dir / "b.gbench.json").string()).exit_code, 0);
  nlohmann::json doc = nlohmann::json::parse(Slurp(dir / "a.gbench.json"));
  EXPECT_EQ(doc["benchmarks"].size(), 2u * (60 + 3));  // per runtime: every sample, then mean/median/stddev
  EXPECT_EQ(doc["benchmarks"][0]["name"], "synthetic/shift/v8");
  // compare.py from Google Benchmark (Debian's libbenchmark-tools) sees the 20% (give or take the noise) on
  // CPython only.
  Outcome compared = Shell("/usr/bin/python3 /usr/share/benchmark/compare.py --no-color --display_aggregates_only "
                           "benchmarks " + (dir / "a.gbench.json").string() + " " + (dir / "b.gbench.json").string());
  ASSERT_EQ(compared.exit_code, 0) << compared.out << compared.err;
  EXPECT_TRUE(std::regex_search(compared.out, std::regex(R"(synthetic/shift/cpython_median\s+\+0\.(1[7-9]|2[0-2])\d\d)")))
      << compared.out;
  EXPECT_TRUE(std::regex_search(compared.out, std::regex(R"(synthetic/shift/v8_median\s+[-+]0\.0[0-4]\d\d)")))
      << compared.out;
}

// --- claims ----------------------------------------------------------------------------------

TEST(ClaimsTest, VerdictsFollowTheRulesOnKnownRatios) {
  auto dir = TestDir();
  nlohmann::json doc = SyntheticRun({{"synthetic", "slow-py", 1e6, 3e6}, {"synthetic", "same", 1e6, 1e6}}, 10);
  // "same": the very same samples in both runtimes, so the ratio's interval straddles 1.
  nlohmann::json& same = doc["workloads"][1]["runtimes"];
  same["cpython"]["samples_ns"] = same["v8"]["samples_ns"];
  std::string run = WriteRun(dir / "run.json", doc);
  WriteText(dir / "claims.json", R"({"schema": "duet-claims/1", "claims": [
    {"id": "v8-faster", "claim": "V8 is faster", "quantity": "cpython_over_v8", "supported_when": "above",
     "threshold": 1.0, "workloads": ["synthetic/slow-py"]},
    {"id": "py-faster", "claim": "CPython is faster", "supported_when": "below", "workloads": ["synthetic/slow-py"]},
    {"id": "mixed", "claim": "V8 is always faster", "workloads": ["synthetic/slow-py", "synthetic/same"]},
    {"id": "opposed", "claim": "CPython is faster on both", "supported_when": "below",
     "workloads": ["synthetic/slow-py", {"workload": "synthetic/same", "quantity": "setup_rss_cpython_over_v8"}]},
    {"id": "memory", "claim": "CPython needs more memory", "quantity": "setup_rss_cpython_over_v8", "threshold": 2.0,
     "workloads": ["synthetic/same"]},
    {"id": "absent", "claim": "not in this run", "workloads": ["synthetic/nowhere"]}]})");
  Outcome outcome = Duet("claims --from " + run + " --claims " + (dir / "claims.json").string() + " --json " +
                         (dir / "verdicts.json").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_TRUE(std::regex_search(outcome.out, std::regex(R"(synthetic/slow-py +3\.\d\dx \[2\.\d\d-3\.\d\d\] +CPython/V8 time above 1\.00 +supports)")))
      << outcome.out;
  nlohmann::json verdicts = nlohmann::json::parse(Slurp(dir / "verdicts.json"));
  std::map<std::string, std::string> by_id;
  for (const auto& c : verdicts["claims"]) by_id[c["id"]] = c["verdict"];
  EXPECT_EQ(by_id["v8-faster"], "supported");
  EXPECT_EQ(by_id["py-faster"], "contradicted");
  EXPECT_EQ(by_id["mixed"], "depends");
  EXPECT_EQ(by_id["opposed"], "contradicted");  // both pieces, of two quantities, lie on the other side
  EXPECT_EQ(by_id["memory"], "supported");  // 9 MiB over 4 MiB
  EXPECT_EQ(by_id["absent"], "not measured");
  EXPECT_EQ(verdicts["claims"][0]["evidence"][0]["ci95"].size(), 2u);
  // V8 and CPython equal: the interval straddles 1, so that evidence neither supports nor contradicts.
  EXPECT_EQ(verdicts["claims"][2]["evidence"][1]["outcome"], "inconclusive");
  EXPECT_EQ(verdicts["claims"][1]["evidence"][0]["outcome"], "contradicts");
}

TEST(ClaimsTest, EveryClaimNamesRealWorkloadsThatTestThatVeryClaim) {
  std::filesystem::path root = std::filesystem::path(DUET_SOURCE_DIR) / "workloads";
  nlohmann::json claims = nlohmann::json::parse(Slurp(root / "claims.json"));
  size_t named = 0;
  for (const auto& c : claims["claims"]) {
    for (const auto& condition : c["conditions"]) {
      for (const auto& w : condition.value("workloads", nlohmann::json::array())) {
        std::string id = w.is_string() ? w.get<std::string>() : w["workload"].get<std::string>();
        // A web pair's test ("web/node-http-aiohttp:json") is its pair's folder.
        std::filesystem::path manifest = root / id.substr(0, id.find(':')) / "workload.json";
        ASSERT_TRUE(std::filesystem::exists(manifest)) << id;
        // Its claim, or one of the others it also speaks to ("also_claims": parallel/jobs is evidence
        // on the GIL and on CPU-bound work).
        nlohmann::json manifest_doc = nlohmann::json::parse(Slurp(manifest));
        nlohmann::json also = manifest_doc.value("also_claims", nlohmann::json::array());
        EXPECT_TRUE(manifest_doc["claim"] == c["claim"] || std::find(also.begin(), also.end(), c["claim"]) != also.end())
            << id << " does not test " << c["claim"];
        ++named;
      }
    }
  }
  EXPECT_GE(named, 30u);
}

TEST(ClaimsTest, ClaimsMeasuresTheClaimsWorkloadsAndPrintsVerdictsWithIntervals) {
  auto dir = TestDir();
  Outcome outcome = Duet("claims --size tiny --filter '^(json-native|gil)$' --runs 3 --warmup 0 --no-history --json " +
                         (dir / "claims.json").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  nlohmann::json doc = nlohmann::json::parse(Slurp(dir / "claims.json"));
  ASSERT_EQ(doc["claims"].size(), 2u);
  for (const auto& claim : doc["claims"]) {
    EXPECT_TRUE(claim["verdict"] == "supported" || claim["verdict"] == "contradicted" || claim["verdict"] == "depends")
        << claim.dump(2);
    for (const auto& e : claim["evidence"]) {
      ASSERT_TRUE(e["measured"].get<bool>()) << e.dump();
      EXPECT_LE(e["ci95"][0].get<double>(), e["value"].get<double>());
      EXPECT_GE(e["ci95"][1].get<double>(), e["value"].get<double>());
    }
  }
  // json-native's workload, and the GIL claim's parameter sets with their baselines: threads/cpu-and-io's
  // two, and parallel/jobs' four (threads or processes, CPU- or I/O-bound).
  EXPECT_EQ(doc["run"]["workloads"].size(), 13u);
  EXPECT_EQ(doc["run"]["workloads"][1]["params"]["threads"], nlohmann::json::array({4}));
  EXPECT_EQ(doc["run"]["workloads"][1]["params"]["sleeps"], 0);
  EXPECT_NE(outcome.out.find("json-native: "), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("blocking waits, 4 threads vs 1"), std::string::npos) << outcome.out;
}

// --- the HTML report in a browser --------------------------------------------------------------

TEST(HtmlReportTest, RendersSelfContainedChartsInHeadlessChromium) {
  auto dir = TestDir();
  std::string run = (dir / "run.json").string();
  ASSERT_EQ(Duet("run " + kFixtures.string() + "/workloads/good " + kFixtures.string() + "/workloads/bad/throws "
                 "--runs 4 --warmup 0 --no-history --json " + run).exit_code, 1);  // bad/throws fails on purpose
  std::string html = (dir / "report.html").string();
  Outcome written = Duet("report " + run + " -o " + html);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::string page = Slurp(html);
  // Nothing is fetched at view time: no scripts, stylesheets, images or fonts from anywhere.
  for (const char* external : {"src=", "href=", "url(", "@import"}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  EXPECT_NE(page.find("good/allocates"), std::string::npos);
  EXPECT_NE(page.find("throws.js:3"), std::string::npos);  // the failure with its location

  Outcome dom = RenderedDom(html);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(dom.err.find(":CONSOLE"), std::string::npos) << dom.err;
  auto count = [&](const std::string& pattern) { return CountMatches(dom.out, pattern); };
  EXPECT_EQ(count(R"(<svg class="chart ratio-chart")"), 1);
  EXPECT_EQ(count(R"(<svg class="chart box-plot")"), 3);  // good/allocates, good/double, bad/throws (its Python side)
  EXPECT_EQ(count(R"(<rect class="box")"), 5);
  EXPECT_EQ(count(R"(<circle class="ratio-point")"), 2);  // the failed workload has no ratio
  EXPECT_EQ(count(R"(<svg class="chart gc-chart")"), 1);
  EXPECT_EQ(count(R"(<svg class="chart memory-chart")"), 1);
  EXPECT_EQ(count(R"re(<section id="(environment|claims|ratios|workloads|gc-memory)")re"), 5);

  std::filesystem::path screenshot = std::filesystem::path(DUET_TEST_OUTPUT) / "report-screenshot.png";
  Outcome shot = Screenshot(html, screenshot);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  std::string png = Slurp(screenshot);
  ASSERT_GT(png.size(), 20000u) << "a blank page compresses to almost nothing";
  EXPECT_EQ(png.substr(1, 3), "PNG");
}

}  // namespace
}  // namespace duet::testing
