// Claims with conditions (duet-claims/2) end to end through the duet command: a verdict per
// condition and the overall sentence from a fixture run with known ratios, for every verdict kind;
// the bundled claims cite their articles verbatim; the shareable page rendered in headless Chromium.
#include <gtest/gtest.h>

#include <map>
#include <regex>

#include "cli/duet_command.h"
#include "cli/synthetic_run.h"

namespace duet::testing {
namespace {

const std::filesystem::path kWorkloads = std::filesystem::path(DUET_SOURCE_DIR) / "workloads";
// The articles the claims cite, kept beside the project (../shared/articles) rather than in it.
const std::filesystem::path kArticles = std::filesystem::path(DUET_SOURCE_DIR).parent_path() / "shared" / "articles";

// A run where CPython is 3x slower on slow-py, 3x faster on fast-py and equal on same (its
// interval straddles 1), and claims over it whose conditions earn each verdict once.
struct Fixture {
  std::filesystem::path dir;
  std::string run, claims;
};

Fixture KnownRatios() {
  Fixture f{TestDir(), "", ""};
  nlohmann::json doc = SyntheticRun({{"synthetic", "slow-py", 1e6, 3e6}, {"synthetic", "fast-py", 3e6, 1e6},
                                     {"synthetic", "same", 1e6, 1e6}}, 11);
  nlohmann::json& same = doc["workloads"][2]["runtimes"];
  same["cpython"]["samples_ns"] = same["v8"]["samples_ns"];
  f.run = WriteRun(f.dir / "run.json", doc);
  f.claims = (f.dir / "claims.json").string();
  WriteText(f.claims, R"({"schema": "duet-claims/2", "claims": [
    {"id": "v8-faster", "claim": "V8 is faster", "question": "Is V8 faster?",
     "sources": [{"article": "a.txt", "quote": "V8 is fast."}, {"article": "b.txt", "quote": "No it is not.", "against": true}],
     "conditions": [
       {"id": "cpu", "label": "CPU-bound code", "bound": "cpu", "workloads": ["synthetic/slow-py"]},
       {"id": "io", "label": "I/O-bound code", "bound": "io", "workloads": ["synthetic/fast-py"]},
       {"id": "both", "label": "both kinds", "workloads": ["synthetic/slow-py", "synthetic/fast-py"]},
       {"id": "same", "label": "equal code", "workloads": ["synthetic/same"]},
       {"id": "gone", "label": "a workload not in the run", "workloads": ["synthetic/nowhere"]},
       {"id": "procs", "label": "N processes", "workers": "N", "parallelism": "processes", "pending": "needs Node"},
       {"id": "npm", "label": "the ecosystem", "tier": "ecosystem",
        "workloads": [{"workload": "synthetic/slow-py", "pending": "its JS twin needs npm"}]}]},
    {"id": "all-supported", "claim": "V8 wins on CPU", "origin": "duet's own",
     "conditions": [{"id": "cpu", "label": "CPU-bound code", "workloads": ["synthetic/slow-py"]},
                    {"id": "later", "label": "later", "pending": "not yet"}]}],
   "untestable": [{"claim": "easier to learn", "reason": "no program measures it",
                   "sources": [{"article": "a.txt", "quote": "Python is friendly."}]}]})");
  return f;
}

TEST(ClaimConditionsTest, EachConditionEarnsItsVerdictAndTheOverallSentenceNamesThem) {
  Fixture f = KnownRatios();
  Outcome outcome = Duet("claims --from " + f.run + " --claims " + f.claims + " --json " + (f.dir / "v.json").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  nlohmann::json doc = nlohmann::json::parse(Slurp(f.dir / "v.json"));
  ASSERT_EQ(doc["schema"], "duet-claims-verdict/2");
  const nlohmann::json& claim = doc["claims"][0];
  std::map<std::string, std::string> by_id;
  for (const auto& c : claim["conditions"]) by_id[c["id"]] = c["verdict"];
  EXPECT_EQ(by_id["cpu"], "supported");
  EXPECT_EQ(by_id["io"], "contradicted");
  EXPECT_EQ(by_id["both"], "mixed");
  EXPECT_EQ(by_id["same"], "inconclusive");
  // How a mixed condition's evidence split, counted over the measured pieces only.
  EXPECT_EQ(claim["conditions"][2]["tally"], nlohmann::json({{"supports", 1}, {"contradicts", 1}, {"inconclusive", 0}}));
  EXPECT_EQ(claim["conditions"][3]["tally"], nlohmann::json({{"supports", 0}, {"contradicts", 0}, {"inconclusive", 1}}));
  EXPECT_EQ(claim["conditions"][4]["tally"], nlohmann::json({{"supports", 0}, {"contradicts", 0}, {"inconclusive", 0}}));
  EXPECT_EQ(by_id["gone"], "not measured");
  EXPECT_EQ(by_id["procs"], "not measured yet");
  EXPECT_EQ(by_id["npm"], "not measured yet");
  EXPECT_EQ(claim["verdict"], "depends");
  EXPECT_EQ(claim["overall"],
            "supported for CPU-bound code; contradicted for I/O-bound code; mixed for both kinds; inconclusive for "
            "equal code; not measured for a workload not in the run; not measured yet for N processes and the ecosystem");
  EXPECT_EQ(claim["conditions"][0]["evidence"][0]["ci95"].size(), 2u);
  EXPECT_EQ(claim["sources"][1]["against"], true);
  // Pending conditions are left out of the claim's verdict: the one measured condition decides.
  EXPECT_EQ(doc["claims"][1]["verdict"], "supported");
  EXPECT_EQ(doc["claims"][1]["overall"], "supported for CPU-bound code; not measured yet for later");
  // The terminal: the overall sentence, each condition with its verdict, each ratio with its interval.
  EXPECT_NE(outcome.out.find("  overall: supported for CPU-bound code; contradicted"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("condition I/O-bound code (plain tier, 1 thread, I/O-bound, quick/full size): contradicted"),
            std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("condition both kinds (plain tier, 1 thread, CPU-bound, quick/full size): mixed (1 supports, 1 contradicts)\n"),
            std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("condition equal code (plain tier, 1 thread, CPU-bound, quick/full size): inconclusive\n"),
            std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("    not measured yet: needs Node"), std::string::npos) << outcome.out;
  EXPECT_TRUE(std::regex_search(outcome.out, std::regex(R"(synthetic/fast-py +0\.3\dx \[0\.\d\d-0\.\d\d\] +CPython/V8 time above 1\.00 +contradicts)")))
      << outcome.out;
}

// The parallelism verdicts: a pool workload run with 1 and N workers, as parallel/jobs is, where
// N threads take as long as 1 (the GIL) and N processes 0.55 of it; and servers in 2 processes,
// which need 3 cores, judged on a run from a 2-core machine and on one from a 4-core machine.
TEST(ClaimConditionsTest, ScalingPerWorkerKindAndServersInconclusiveOnAMachineWithTooFewCores) {
  auto dir = TestDir();
  nlohmann::json doc = SyntheticRun({{"synthetic", "pool", 1e6, 1e6}, {"synthetic", "pool", 1e6, 1e6},
                                     {"synthetic", "pool", 1e6, 1e6}, {"synthetic", "pool", 1e6, 0.55e6},
                                     {"synthetic", "servers", 1e6, 3e6}}, 23);
  const char* const kinds[] = {"threads", "threads", "processes", "processes"};
  for (int i = 0; i < 4; ++i) {
    doc["workloads"][i]["params"] = {{"kind", kinds[i]}, {"workers", i % 2 == 0 ? 1 : 2}};
  }
  std::string claims = (dir / "claims.json").string();
  WriteText(claims, R"({"schema": "duet-claims/2", "claims": [
    {"id": "gil", "claim": "Python threads cannot run in parallel", "origin": "a test",
     "caveat": "no CPython without the GIL is packaged here",
     "quantity": "scaling", "runtime": "cpython", "supported_when": "above", "threshold": 0.9,
     "conditions": [
       {"id": "threads", "label": "threads", "workers": "N", "parallelism": "threads",
        "workloads": [{"workload": "synthetic/pool", "params": {"kind": "threads", "workers": 2},
                       "baseline_params": {"kind": "threads", "workers": 1}}]},
       {"id": "processes", "label": "processes", "workers": "N", "parallelism": "processes",
        "workloads": [{"workload": "synthetic/pool", "params": {"kind": "processes", "workers": 2},
                       "baseline_params": {"kind": "processes", "workers": 1}}]}]},
    {"id": "servers", "claim": "V8 serves faster", "origin": "a test",
     "conditions": [{"id": "one", "label": "1 process", "bound": "io", "workloads": ["synthetic/servers"]},
                    {"id": "two", "label": "2 processes", "bound": "io", "workers": "N", "parallelism": "processes",
                     "min_cores": 3, "workloads": ["synthetic/servers"]}]}]})");
  auto judge = [&](int cores) {
    doc["environment"]["machine"]["cores"] = cores;
    std::string run = WriteRun(dir / ("run-" + std::to_string(cores) + ".json"), doc);
    std::string out = (dir / ("v-" + std::to_string(cores) + ".json")).string();
    Outcome outcome = Duet("claims --from " + run + " --claims " + claims + " --json " + out);
    EXPECT_EQ(outcome.exit_code, 0) << outcome.err;
    return std::pair{outcome, nlohmann::json::parse(Slurp(out))};
  };
  auto [two_cores, verdicts] = judge(2);
  const nlohmann::json& gil = verdicts["claims"][0];
  EXPECT_EQ(gil["conditions"][0]["verdict"], "supported");     // 2 threads vs 1: 1.00x, above 0.9
  EXPECT_EQ(gil["conditions"][1]["verdict"], "contradicted");  // 2 processes vs 1: 0.55x
  EXPECT_NEAR(gil["conditions"][1]["evidence"][0]["value"].get<double>(), 0.55, 0.03);
  EXPECT_EQ(gil["overall"], "supported for threads; contradicted for processes");
  EXPECT_EQ(gil["caveat"], "no CPython without the GIL is packaged here");
  EXPECT_NE(two_cores.out.find("  note: no CPython without the GIL is packaged here"), std::string::npos) << two_cores.out;
  const nlohmann::json& servers = verdicts["claims"][1];
  EXPECT_EQ(servers["conditions"][0]["verdict"], "supported");
  EXPECT_EQ(servers["conditions"][1]["verdict"], "inconclusive on this machine");
  EXPECT_EQ(servers["verdict"], "depends");
  EXPECT_EQ(servers["overall"], "supported for 1 process; inconclusive on this machine for 2 processes");
  EXPECT_NE(two_cores.out.find("    inconclusive on this machine: needs 3 cores, this machine has 2"), std::string::npos)
      << two_cores.out;
  // The figures are still shown: only the verdict is withheld.
  EXPECT_TRUE(servers["conditions"][1]["evidence"][0]["measured"].get<bool>());

  auto [four_cores, enough] = judge(4);
  EXPECT_EQ(enough["claims"][1]["conditions"][1]["verdict"], "supported");
  EXPECT_EQ(enough["claims"][1]["verdict"], "supported");
}

TEST(ClaimConditionsTest, BundledClaimsQuoteTheirArticlesVerbatimAndSayWhy) {
  nlohmann::json doc = nlohmann::json::parse(Slurp(kWorkloads / "claims.json"));
  ASSERT_EQ(doc["schema"], "duet-claims/2");
  if (!std::filesystem::is_directory(kArticles)) GTEST_SKIP() << "no articles at " << kArticles;
  auto check = [&](const nlohmann::json& sources, const std::string& who) {
    for (const auto& s : sources) {
      std::string text = Slurp(kArticles / s["article"].get<std::string>());
      EXPECT_FALSE(text.empty()) << who << ": " << s["article"];
      EXPECT_NE(text.find(s["quote"].get<std::string>()), std::string::npos) << who << ": " << s["quote"];
    }
  };
  size_t quoted = 0;
  for (const auto& c : doc["claims"]) {
    std::string id = c["id"];
    // A claim cites the articles, or says why it does not (duet's own addition).
    EXPECT_TRUE(!c["sources"].empty() || !c.value("origin", "").empty()) << id;
    check(c["sources"], id);
    quoted += c["sources"].size();
    for (const auto& cond : c["conditions"]) {
      EXPECT_TRUE(!cond.value("workloads", nlohmann::json::array()).empty() || !cond.value("pending", "").empty())
          << id << "/" << cond["id"];
    }
  }
  ASSERT_GE(doc["untestable"].size(), 8u);
  for (const auto& u : doc["untestable"]) {
    EXPECT_FALSE(u["reason"].get<std::string>().empty()) << u["claim"];
    EXPECT_FALSE(u["sources"].empty()) << u["claim"];
    check(u["sources"], u["claim"]);
  }
  EXPECT_GE(quoted, 30u);
}

// The web servers' verdicts: V8's median throughput over CPython's, with the interval over the
// iterations (runtimes.<rt>.load.throughput_rps_samples), for a server twice as fast in V8, one
// twice as fast in CPython, and a workload with no throughput (not a network pair).
TEST(ClaimConditionsTest, ThroughputRatiosOfTheWebServersJudgeTheirConditions) {
  auto dir = TestDir();
  nlohmann::json doc = SyntheticRun({{"web", "pair:json", 1e6, 1e6}, {"web", "pair:ws-room", 1e6, 1e6},
                                     {"synthetic", "no-load", 1e6, 1e6}}, 31);
  auto load = [](double center) {
    nlohmann::json samples = nlohmann::json::array();
    for (int i = 0; i < 5; ++i) samples.push_back(center * (0.97 + 0.015 * i));
    return nlohmann::json{{"throughput_rps_samples", samples}};
  };
  doc["workloads"][0]["runtimes"]["v8"]["load"] = load(8000);
  doc["workloads"][0]["runtimes"]["cpython"]["load"] = load(4000);
  doc["workloads"][1]["runtimes"]["v8"]["load"] = load(3000);
  doc["workloads"][1]["runtimes"]["cpython"]["load"] = load(6000);
  std::string run = WriteRun(dir / "run.json", doc);
  std::string claims = (dir / "claims.json").string();
  WriteText(claims, R"({"schema": "duet-claims/2", "claims": [
    {"id": "serves", "claim": "V8 serves more", "origin": "a test",
     "quantity": "throughput_v8_over_cpython", "supported_when": "above", "threshold": 1.0,
     "conditions": [{"id": "http", "label": "HTTP", "bound": "io", "workloads": ["web/pair:json"]},
                    {"id": "room", "label": "a room", "bound": "io", "workloads": ["web/pair:ws-room"]},
                    {"id": "none", "label": "no load", "workloads": ["synthetic/no-load"]}]}]})");
  std::string out = (dir / "v.json").string();
  Outcome outcome = Duet("claims --from " + run + " --claims " + claims + " --json " + out);
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  nlohmann::json verdicts = nlohmann::json::parse(Slurp(out));
  const nlohmann::json& conditions = verdicts["claims"][0]["conditions"];
  EXPECT_EQ(conditions[0]["verdict"], "supported");
  EXPECT_NEAR(conditions[0]["evidence"][0]["value"].get<double>(), 2.0, 1e-9);
  EXPECT_EQ(conditions[1]["verdict"], "contradicted");
  EXPECT_NEAR(conditions[1]["evidence"][0]["value"].get<double>(), 0.5, 1e-9);
  EXPECT_EQ(conditions[2]["verdict"], "not measured");
  EXPECT_TRUE(std::regex_search(outcome.out, std::regex(R"(web/pair:json +2\.00x \[\d\.\d\d-\d\.\d\d\] +V8/CPython throughput above 1\.00 +supports)")))
      << outcome.out;
  EXPECT_NE(outcome.out.find("no throughput samples"), std::string::npos) << outcome.out;
}

TEST(ClaimsPageTest, RendersOneSectionPerClaimWithAChartPerMeasuredConditionInHeadlessChromium) {
  Fixture f = KnownRatios();
  std::string html = (f.dir / "claims.html").string();
  Outcome written = Duet("claims --from " + f.run + " --claims " + f.claims + " --html " + html);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::string page = Slurp(html);
  // Self-contained: nothing fetched at view time; links only within the page.
  for (const char* external : {"src=", "href=\"http", "href=\"/", "url(", "@import"}) {
    EXPECT_EQ(page.find(external), std::string::npos) << external;
  }
  Outcome dom = RenderedDom(html);
  ASSERT_EQ(dom.exit_code, 0) << dom.err;
  EXPECT_EQ(dom.err.find(":CONSOLE"), std::string::npos) << dom.err;
  auto count = [&](const std::string& pattern) { return CountMatches(dom.out, pattern); };
  EXPECT_EQ(count(R"(<section id="claim-[^"]+" class="claim-section")"), 2);
  // Measured conditions get a chart (cpu, io, both, same; cpu of the second claim); the rest say why not.
  EXPECT_EQ(count(R"(<svg class="chart condition-chart")"), 5);
  EXPECT_EQ(count(R"(<circle class="ratio-point")"), 6);
  EXPECT_EQ(count(R"(Not measured yet: )"), 2);
  EXPECT_EQ(count(R"(<span class="tally">\(1 supports, 1 contradicts\)</span>)"), 1);
  EXPECT_EQ(count(R"(<blockquote class="against">)"), 1);
  EXPECT_EQ(count(R"re(<section id="(untestable|environment|code)")re"), 3);
  EXPECT_NE(dom.out.find("no program measures it"), std::string::npos);
  EXPECT_NE(dom.out.find("synthetic"), std::string::npos);  // the machine record of the run

  std::filesystem::path screenshot = std::filesystem::path(DUET_TEST_OUTPUT) / "claims-screenshot.png";
  Outcome shot = Screenshot(html, screenshot);
  ASSERT_EQ(shot.exit_code, 0) << shot.err;
  ASSERT_GT(Slurp(screenshot).size(), 20000u) << "a blank page compresses to almost nothing";
}

// A chart whose rows are judged on opposite sides of the line (as node:cluster's speed-up and
// Python's lack of one are) labels neither side, and a label too long for the margin is cut
// with an ellipsis and kept whole as its tooltip.
TEST(ClaimsPageTest, RowsJudgedOnOppositeSidesAndLongLabels) {
  Fixture f = KnownRatios();
  std::string claims = (f.dir / "opposite.json").string();
  WriteText(claims, R"({"schema": "duet-claims/2", "claims": [
    {"id": "opposite", "claim": "rows judged both ways", "origin": "a test",
     "conditions": [{"id": "both", "label": "both ways", "workloads": [
       {"workload": "synthetic/slow-py", "label": "CPython, three times slower than V8 here", "supported_when": "above"},
       {"workload": "synthetic/fast-py", "label": "fast", "supported_when": "below"}]}]}]})");
  std::string html = (f.dir / "opposite.html").string();
  Outcome written = Duet("claims --from " + f.run + " --claims " + claims + " --html " + html);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::string page = Slurp(html);
  EXPECT_NE(page.find("each row on its own side of the line"), std::string::npos);
  EXPECT_EQ(page.find(">supports</text>"), std::string::npos);
  EXPECT_NE(page.find("<title>CPython, three times slower than V8 here</title>CPython, three times"), std::string::npos);
  EXPECT_NE(page.find("\u2026</text>"), std::string::npos);
  EXPECT_NE(page.find(">fast</text>"), std::string::npos);  // short enough: shown whole, no tooltip
}

TEST(ClaimsPageTest, TheBundledClaimsPageEmbedsTheWorkloadsCode) {
  auto dir = TestDir();
  std::string html = (dir / "claims.html").string();
  Outcome written = Duet("claims --size tiny --filter '^json-native$' --runs 3 --warmup 0 --no-history --html " + html);
  ASSERT_EQ(written.exit_code, 0) << written.err;
  std::string page = Slurp(html);
  EXPECT_NE(page.find("<details id=\"code-data-json-roundtrip\">"), std::string::npos);
  EXPECT_NE(page.find("<a href=\"#code-data-json-roundtrip\">"), std::string::npos);
  EXPECT_NE(page.find("def run(state)"), std::string::npos);         // the Python twin
  EXPECT_NE(page.find("export function run(state)"), std::string::npos);  // the JS twin
  EXPECT_NE(page.find("Written by duet"), std::string::npos);
  EXPECT_NE(page.find("cpython version"), std::string::npos);  // the engine versions it ran on
}

// The start-up claim's verdict says what its Node figures stand on: Debian's node 18 without V8's
// start-up snapshot.
TEST(ClaimConditionsTest, TheColdStartVerdictNamesTheMissingSnapshot) {
  auto dir = TestDir();
  std::string run = WriteRun(dir / "run.json", SyntheticRun({{"startup", "module-graph", 3e6, 1e6}}, 41));
  Outcome outcome = Duet("claims --from " + run + " --filter '^cold-start$' --json " + (dir / "v.json").string());
  ASSERT_EQ(outcome.exit_code, 0) << outcome.err;
  EXPECT_NE(outcome.out.find("  note: V8's figures are Debian's node 18"), std::string::npos) << outcome.out;
  EXPECT_NE(outcome.out.find("without V8's start-up snapshot"), std::string::npos) << outcome.out;
  nlohmann::json verdicts = nlohmann::json::parse(Slurp(dir / "v.json"));
  EXPECT_EQ(verdicts["claims"][0]["verdict"], "supported");  // CPython 3x faster to its first result
  EXPECT_NE(verdicts["claims"][0]["caveat"].get<std::string>().find("bench/startup.py"), std::string::npos);
}

}  // namespace
}  // namespace duet::testing
