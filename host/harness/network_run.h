// Network pairs (workload.json "load"): each iteration serves the loaded workload on the shared
// loop while the built-in load generator drives it from its own thread (idle mode: from a child
// process), then run(state) returns what the server counted. Per runtime: throughput, latency
// percentiles, server CPU per message, and in idle mode the server's memory per connection.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/process_tree.h"
#include "core/runtime.h"
#include "core/status.h"
#include "db/sql_database.h"
#include "load/load_generator.h"
#include "load/load_process.h"
#include "load/techempower_check.h"

namespace duet {

// The manifest's "load" block: known keys with values in range; the reason when not.
Status ValidateLoadBlock(const nlohmann::json& load);

// The load block, with the params of the same names (connections, message_size, requests,
// duration) taking precedence so that sizes and --param scale the traffic.
Status ResolveLoadOptions(const nlohmann::json& load, const nlohmann::json& params, LoadOptions* options);

// A web pair's side of the load block ("check": a TechEmpower test type): the server's database
// (params "db"), read by the verifier pass and for the statements each request costs.
struct WebLoad {
  std::string test;    // json, plaintext, db, queries, fortunes, updates; empty: not a web test
  std::string db_url;  // params "db"; empty: no database to check against or count in
};
WebLoad ResolveWebLoad(const nlohmann::json& load, const nlohmann::json& params);

// The network side of one runtime's lane in the harness.
class NetworkLane {
 public:
  // `duet_binary` runs idle mode's clients (`duet load --hold`): this executable in `duet run`.
  explicit NetworkLane(const LoadOptions& options, WebLoad web = {}, std::string duet_binary = LoadProcess::kSelfExe)
      : options_(options), web_(std::move(web)), duet_binary_(std::move(duet_binary)) {}

  // Called around the runtime's load and setup(): the child processes that appear in between are
  // the server's (node:cluster workers, SO_REUSEPORT children), counted in its CPU and memory;
  // the time in between, over their number, is what starting one cost.
  void BeforeSetup();
  void AfterSetup();

  // One iteration: the generator runs against state.port while the runtime serves, then
  // run(state). A web test first passes TechEmpower's verifier (CheckTechEmpowerServer, every test
  // type, updates read back) once per lane. The sample is the main (serving) thread's wall and CPU time over both; an
  // iteration with a load error (a reset, a wrong reply, a timeout) fails. Echo and http run the
  // generator on a thread of this process (the sample's CPU time is the server's alone); idle
  // runs it in a child process, so that the descriptors and RSS growth are the server's alone.
  Status Iterate(Runtime& runtime, const std::string& script, Sample* sample);
  // The verifier pass's answers, once it passed (web tests; else empty).
  const std::vector<TechEmpowerCheck>& verified() const { return verified_; }
  // Forgets the iterations so far (the warmup): the summary describes the samples.
  void Reset();
  // runtimes.<name>.load in duet-run/1 (docs/json-output.md).
  nlohmann::json Summary() const;
  // The longest an iteration may take: the generator's time limit plus the final drain (and the
  // child process's start and end).
  double max_seconds() const {
    return options_.duration_s + kDrainSeconds + (options_.mode == LoadMode::kIdle ? LoadProcess::kMarginSeconds : 0);
  }
  static constexpr double kDrainSeconds = 5;

 private:
  // The verifier pass of a web test, while the runtime serves.
  Status Precheck(Runtime& runtime, int port, const std::string& script);

  LoadOptions options_;
  WebLoad web_;
  std::string duet_binary_;
  bool prechecked_ = false;
  std::vector<TechEmpowerCheck> verified_;
  std::unique_ptr<SqlDatabase> counter_;  // web: counts the server's statements (pg_stat_statements)
  bool counting_ = true;                  // false once counting failed: then null, never a guess
  int64_t statements_ = 0;
  uint64_t rss_max_ = 0;                  // the process's RSS after an iteration, the largest
  int iterations_ = 0;
  uint64_t completed_ = 0;
  uint64_t unfinished_ = 0;
  uint64_t bytes_ = 0;
  LatencyHistogram latency_;
  std::vector<double> throughput_;       // requests per second, per iteration
  std::vector<double> cpu_per_message_;  // server (main thread) CPU ns per request, per iteration
  std::vector<double> process_cpu_per_message_;  // every thread but the generator's, per request
  // A server spread over processes (node:cluster workers, SO_REUSEPORT children): the processes
  // the workload started, outside the baseline. Their CPU counts in process_cpu_per_message_.
  std::set<pid_t> children_before_setup_;
  std::set<pid_t> server_children_;
  uint64_t setup_started_ns_ = 0;
  uint64_t setup_ns_ = 0;  // load + setup(), wall time: server_children_ start within it
  std::vector<double> children_cpu_per_message_;
  int children_max_ = 0;
  uint64_t children_rss_max_ = 0;
  // Idle mode: the largest growth of this process's RSS per connection seen, warmup included
  // (later iterations reuse memory the first one grew, so the first is the one that shows the cost).
  double rss_per_connection_ = 0;
};

// TechEmpower's cross-check of two servers that both passed the verifier: their answers to each
// deterministic target compared (CompareTechEmpowerBodies); the first that differs, with both
// bodies, named by `a_name` and `b_name`. Unset when either lane has no verified answers.
std::optional<Status> CompareVerifiedBodies(const NetworkLane& a, std::string_view a_name, const NetworkLane& b,
                                            std::string_view b_name);

}  // namespace duet
