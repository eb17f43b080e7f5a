// `duet claims`: measures the workloads behind each selected claim of workloads/claims.json
// (with the claim's parameter overrides) in one session, or reads a recorded run (--from), then
// prints each claim's verdict with its numbers; --json and --html write them for sharing.
#include <unistd.h>

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <memory>
#include <regex>
#include <sstream>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/measure.h"
#include "cli/run_options.h"
#include "cli/web_run.h"
#include "core/file_io.h"
#include "report/claims.h"
#include "report/claims_page.h"
#include "report/json_report.h"
#include "report/table.h"
#include "report/web_ranking.h"

namespace duet {
namespace {

struct ClaimsOptions {
  RunOptions run;           // the workloads, sampling, limits and history, as `duet run` has them
  std::string claims_path;  // default: DefaultClaimsPath()
  std::string filter;       // claim ids
  std::string from;         // judge this run instead of measuring
  std::string json_path;    // the verdicts (and the run) as JSON
  std::string html_path;    // the shareable page
};

// The text of a file, or empty: the claims page embeds each workload's code when it can read it.
std::string SlurpOrEmpty(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// `duet claims --html FILE`: the verdicts, the untestable claims of `claims_path`, the machine,
// and the code of every workload in `pairs` the claims name.
Status WriteClaimsPage(const std::string& path, const std::string& claims_path, const std::vector<ClaimVerdict>& verdicts,
                       const SessionRecord& record, const std::string& size, const std::vector<WorkloadPair>& pairs) {
  ClaimsPageInput page{verdicts, {}, record, size, {}};
  // A recorded run (--from) says its size in the command line it was measured with.
  const nlohmann::json words = record.environment.value("command_line", nlohmann::json::array());
  for (size_t i = 0; page.size.empty() && i + 1 < words.size(); ++i) {
    if (words[i] == "--size" && words[i + 1].is_string()) page.size = words[i + 1].get<std::string>();
  }
  std::vector<ClaimSpec> ignored;
  DUET_RETURN_IF_ERROR(LoadClaims(claims_path, &ignored, &page.untestable));
  for (const auto& v : verdicts) {
    for (const auto& e : v.evidence) {
      auto pair = std::find_if(pairs.begin(), pairs.end(), [&](const WorkloadPair& p) { return p.id() == e.spec.workload; });
      if (pair == pairs.end() || page.code.count(e.spec.workload)) continue;
      page.code[e.spec.workload] = {pair->js.filename().string(), SlurpOrEmpty(pair->js), pair->py.filename().string(),
                                    SlurpOrEmpty(pair->py)};
    }
  }
  return WriteFileAtomically(path, ClaimsPage(page));
}

int Claims(const ClaimsOptions& claims_options, const CommandContext& context) {
  const RunOptions& options = claims_options.run;
  std::string path = claims_options.claims_path.empty() ? DefaultClaimsPath() : claims_options.claims_path;
  std::vector<ClaimSpec> all, claims;
  Status status = LoadClaims(path, &all);
  std::regex re;
  if (Status compiled = CompileFilter(claims_options.filter, &re); !compiled.ok()) status = compiled;
  if (!status.ok()) return Fail(status);
  for (auto& claim : all) {
    if (std::regex_search(claim.id, re)) claims.push_back(std::move(claim));
  }
  if (claims.empty()) {
    return Fail(Status::Usage("no claim in " + path + " matches '" + claims_options.filter + "'"));
  }
  SessionRecord record;
  std::vector<WorkloadResult> results;
  // The web servers' database, as `duet run` starts it: for the whole measurement, when a claim
  // names a web test; stopped (a private cluster removed) when the claims are judged.
  WebRunDatabase web_database;
  if (!claims_options.from.empty()) {
    nlohmann::json doc;
    std::string title;
    status = ReadRun(claims_options.from, options.history, &doc, &title);
    if (status.ok()) status = ResultsFromRunJson(doc, &record, &results);
    if (!status.ok()) return Fail(status);
  } else {
    std::vector<WorkloadPair> available, pairs;
    status = DiscoverWorkloads(WorkloadRoots(options.paths), &available);
    for (const Measurement& m : MeasurementsFor(claims)) {
      if (!status.ok()) break;
      auto pair = std::find_if(available.begin(), available.end(), [&](const WorkloadPair& p) { return p.id() == m.workload; });
      if (pair == available.end()) {
        status = Status::Usage("claims name workload '" + m.workload + "', which is not in the workload folders", path);
        break;
      }
      WorkloadPair measured = *pair;
      ApplySize(options.size == "quick" ? "" : options.size, &measured);
      for (const auto& [key, value] : m.params.items()) measured.params[key] = value;
      pairs.push_back(std::move(measured));
    }
    if (status.ok()) status = web_database.Prepare(options.pg_url, &pairs);
    if (!status.ok()) return Fail(status);
    record.web_database = web_database.record();
    Status exported;  // claims write no --json/--csv/--markdown exports of the run
    if (Status measured = MeasurePairs(context, pairs, options, &record, &results, &exported); !measured.ok()) {
      return Fail(measured);
    }
    std::fputs(FormatTable(results, TableWidth(STDERR_FILENO)).c_str(), stderr);
    std::fputs(FormatWebRanking(results, record.web_database).c_str(), stderr);
    RecordRun(options.history, RunJson(record, results));
  }
  std::vector<ClaimVerdict> verdicts = JudgeClaims(claims, results, MachineCores(record.environment));
  std::string text = FormatClaims(verdicts);
  std::fputs(text.c_str(), claims_options.json_path == "-" ? stderr : stdout);
  if (!claims_options.json_path.empty()) {
    nlohmann::json out = ClaimsJson(verdicts);
    out["run"] = RunJson(record, results);
    Status written = WriteJsonFile(claims_options.json_path, out);
    if (!written.ok()) fmt::print(stderr, "duet: {}\n", written.ToString());
  }
  if (!claims_options.html_path.empty()) {
    std::vector<WorkloadPair> pairs;
    Status written = DiscoverWorkloads(WorkloadRoots(options.paths), &pairs);
    if (written.ok()) written = WriteClaimsPage(claims_options.html_path, path, verdicts, record, options.size, pairs);
    if (!written.ok()) return Fail(written);
  }
  return WorkloadsExitCode(results);
}

}  // namespace

CommandRun AddClaimsCommand(CLI::App* claims) {
  auto options = std::make_shared<ClaimsOptions>();
  AddWorkloadPaths(claims, &options->run);
  claims->add_option("--size", options->run.size, "quick (default: each workload's \"params\"), full, or tiny (for tests)");
  // Not the workloads' --filter: claims are selected, and each brings the workloads it names.
  claims->add_option("--filter", options->filter, "only claims whose id matches this regex");
  claims->add_option("--claims", options->claims_path, "the claims file (default: workloads/claims.json)");
  claims->add_option("--from", options->from, "judge a recorded run (JSON file or history id) instead of measuring");
  AddSamplingOptions(claims, &options->run);
  AddRobustnessOptions(claims, &options->run, /*isolation=*/false);
  AddWebDatabaseOption(claims, &options->run);
  claims->add_option("--json", options->json_path, "also write the verdicts and the run as JSON to FILE ('-' for stdout)");
  claims->add_option("--html", options->html_path, "also write a self-contained page of the verdicts, charts and code to FILE");
  AddHistoryOptions(claims, &options->run.history, true);
  return [options](const CommandContext& context) { return Claims(*options, context); };
}

}  // namespace duet
