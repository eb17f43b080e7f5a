// Network pairs in the harness; see network_run.h.
#include "harness/network_run.h"

#include <sys/resource.h>

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "core/clock.h"
#include "core/memory.h"
#include "core/text.h"
#include "db/postgres_database.h"
#include "db/techempower_db.h"
#include "harness/statistics.h"
#include "load/techempower_check.h"

namespace duet {
namespace {

// The load block's numeric keys, their params overrides and ranges.
struct NumericKey {
  const char* name;
  double min, max;
  bool integer;
};
constexpr NumericKey kNumericKeys[] = {
    {"connections", 1, 100000, true},
    {"message_size", 1, 64.0 * 1024 * 1024, true},
    {"requests", 1, 1e12, true},
    {"duration", 0.001, 3600, false},
    {"pipeline", 1, 64, true},
};

Status CheckNumber(const NumericKey& key, const nlohmann::json& value, const char* where) {
  bool ok = value.is_number() && (!key.integer || value.is_number_integer()) &&
            value.get<double>() >= key.min && value.get<double>() <= key.max;
  if (ok) return Status::Ok();
  return Status::Error(fmt::format("{}\"{}\" must be {} in [{:g}, {:g}], got {}", where, key.name,
                                   key.integer ? "an integer" : "a number", key.min, key.max, value.dump()));
}

size_t OpenDescriptors() {
  std::error_code ec;
  auto fds = std::filesystem::directory_iterator("/proc/self/fd", ec);
  return ec ? 0 : static_cast<size_t>(std::distance(fds, std::filesystem::directory_iterator()));
}

// After the generator has closed its ends, serves until the server has closed its own (the process
// holds no more descriptors than before the iteration), so the next iteration — or the other
// runtime — starts from the same descriptors and memory. Bounded: a server that keeps
// connections open only costs this wait.
Status ServeUntilClosed(Runtime& runtime, size_t descriptors_before) {
  std::thread watcher;
  Status served = runtime.Serve([&](std::function<void()> done) {
    watcher = std::thread([descriptors_before, done = std::move(done)] {
      auto deadline = std::chrono::steady_clock::now() +
                      std::chrono::duration_cast<std::chrono::steady_clock::duration>(
                          std::chrono::duration<double>(NetworkLane::kDrainSeconds));
      while (OpenDescriptors() > descriptors_before && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      done();
    });
    return Status::Ok();
  });
  if (watcher.joinable()) watcher.join();
  return served;
}

}  // namespace

Status ValidateLoadBlock(const nlohmann::json& load) {
  if (!load.is_object()) return Status::Error("must be an object");
  LoadMode mode;
  if (!load.contains("mode") || !load["mode"].is_string() || !ParseLoadMode(load["mode"].get<std::string>(), &mode)) {
    std::string names;
    for (const std::string& name : LoadModeNames()) {
      names += (names.empty() ? "\"" : name == LoadModeNames().back() ? " or \"" : ", \"") + name + "\"";
    }
    return Status::Error("\"mode\" must be " + names);
  }
  for (const auto& item : load.items()) {
    // Not a structured binding: clang 14 (the sanitizer build) cannot capture one in a lambda.
    const std::string& name = item.key();
    const nlohmann::json& value = item.value();
    if (name == "mode") continue;
    if (name == "path") {
      if (!value.is_string()) return Status::Error("\"path\" must be a string");
      continue;
    }
    if (name == "check") {
      std::function<Status(const HttpResponse&)> check;
      if (!value.is_string()) return Status::Error("\"check\" must be a string");
      DUET_RETURN_IF_ERROR(TechEmpowerResponseCheck(value.get<std::string>(), "/", &check));
      if (load["mode"] != "http") return Status::Error("\"check\" is for mode \"http\"");
      continue;
    }
    auto key = std::find_if(std::begin(kNumericKeys), std::end(kNumericKeys),
                            [&](const NumericKey& k) { return name == k.name; });
    if (key == std::end(kNumericKeys)) {
      return Status::Error("unknown key \"" + name +
                           "\" (mode, connections, message_size, requests, duration, path, pipeline, check)");
    }
    DUET_RETURN_IF_ERROR(CheckNumber(*key, value, ""));
  }
  return Status::Ok();
}

Status ResolveLoadOptions(const nlohmann::json& load, const nlohmann::json& params, LoadOptions* options) {
  DUET_RETURN_IF_ERROR(ValidateLoadBlock(load));
  LoadOptions o;
  ParseLoadMode(load["mode"].get<std::string>(), &o.mode);
  if (load.contains("path")) o.path = load["path"].get<std::string>();
  for (const NumericKey& key : kNumericKeys) {
    nlohmann::json value = load.value(key.name, nlohmann::json());
    if (params.is_object() && params.contains(key.name)) {
      value = params[key.name];
      DUET_RETURN_IF_ERROR(CheckNumber(key, value, "param "));
    }
    if (value.is_null()) continue;
    std::string name = key.name;
    if (name == "connections") o.connections = value.get<int>();
    if (name == "message_size") o.size = value.get<size_t>();
    if (name == "requests") o.requests = value.get<uint64_t>();
    if (name == "duration") o.duration_s = value.get<double>();
    if (name == "pipeline") o.pipeline = value.get<int>();
  }
  if (load.contains("check")) {
    DUET_RETURN_IF_ERROR(TechEmpowerResponseCheck(load["check"].get<std::string>(), o.path, &o.check));
  }
  *options = o;
  LoadOptions checked = o;
  checked.port = 1;  // the real one comes from setup()
  return ValidateLoadOptions(checked);
}

WebLoad ResolveWebLoad(const nlohmann::json& load, const nlohmann::json& params) {
  WebLoad web;
  if (load.is_object() && load.contains("check") && load["check"].is_string()) web.test = load["check"].get<std::string>();
  if (!web.test.empty() && params.is_object() && params.contains("db") && params["db"].is_string()) {
    web.db_url = params["db"].get<std::string>();
  }
  return web;
}

Status NetworkLane::Precheck(Runtime& runtime, int port, const std::string& script) {
  std::vector<TechEmpowerCheck> checks;
  std::thread checker;
  Status opened;
  Status served = runtime.Serve([&](std::function<void()> done) {
    checker = std::thread([&, done = std::move(done)] {
      std::unique_ptr<SqlDatabase> db;
      if (!web_.db_url.empty()) opened = PostgresDatabase::Open(web_.db_url, &db);
      TechEmpowerCheckOptions check_options;
      check_options.db = db.get();
      check_options.repeat = 1;
      if (opened.ok()) checks = CheckTechEmpowerServer(port, check_options);
      done();
    });
    return Status::Ok();
  });
  if (checker.joinable()) checker.join();
  DUET_RETURN_IF_ERROR(served);
  if (!opened.ok()) return Status::Error("the verifier pass cannot open the database: " + opened.message(), script);
  for (const TechEmpowerCheck& check : checks) {
    if (!check.status.ok()) {
      return Status::Error(fmt::format("TechEmpower's verifier pass failed on {} GET {}: {}", check.test, check.target,
                                       check.status.message()),
                           script);
    }
  }
  verified_ = std::move(checks);
  return Status::Ok();
}

std::optional<Status> CompareVerifiedBodies(const NetworkLane& a, std::string_view a_name, const NetworkLane& b,
                                            std::string_view b_name) {
  if (a.verified().empty() || b.verified().empty()) return std::nullopt;
  for (const TechEmpowerCheck& x : a.verified()) {
    auto y = std::find_if(b.verified().begin(), b.verified().end(),
                          [&](const TechEmpowerCheck& c) { return c.target == x.target; });
    if (y == b.verified().end()) continue;
    Status same = CompareTechEmpowerBodies(x.test, x.body, y->body);
    if (!same.ok()) {
      return Status::Error(fmt::format("{} and {} answer GET {} differently (TechEmpower's verifier compares the "
                                       "frameworks' {} answers): {}",
                                       a_name, b_name, x.target, x.test, same.message()));
    }
  }
  return Status::Ok();
}

Status NetworkLane::Iterate(Runtime& runtime, const std::string& script, Sample* sample) {
  nlohmann::json port;
  DUET_RETURN_IF_ERROR(runtime.StateValue("port", &port));
  if (!port.is_number_integer() || port.get<int>() < 1 || port.get<int>() > 65535) {
    return Status::Error("a network pair's setup() must return a state whose \"port\" is the port it listens on; got " +
                             port.dump(),
                         script);
  }
  LoadOptions options = options_;
  options.port = port.get<int>();
  bool idle = options.mode == LoadMode::kIdle;
  if (!web_.test.empty() && !prechecked_) {
    DUET_RETURN_IF_ERROR(Precheck(runtime, options.port, script));
    prechecked_ = true;
    // run(state) counts what the server took since it was last called: not the verifier's requests.
    Sample ignored;
    if (runtime.exports().run) DUET_RETURN_IF_ERROR(runtime.RunOnce(&ignored));
  }
  // Statements the server ran (pg_stat_statements), read before and after: outside the sample.
  int64_t statements_before = 0;
  if (!web_.db_url.empty() && counting_) {
    Status counted = counter_ ? Status::Ok() : PostgresDatabase::Open(web_.db_url, &counter_);
    if (counted.ok()) counted = CountStatements(counter_.get(), &statements_before);
    counting_ = counted.ok();
  }
  // Echo and http: both ends of every connection live in this process; idle: the server's only.
  DUET_RETURN_IF_ERROR(EnsureDescriptors(
      (idle ? 1 : 2) * static_cast<uint64_t>(options.connections),
      fmt::format("{} loopback connections {}", options.connections, idle ? "to the server" : "with the server in-process")));

  size_t descriptors_before = OpenDescriptors();
  LoadGenerator generator;
  LoadProcess client(duet_binary_);
  // Idle: this process's RSS before the clients start and with every connection open and echoed.
  uint64_t rss_before = CurrentRssBytes();
  std::atomic<uint64_t> rss_held{0};
  // The server's own child processes, if setup() started any.
  ChildrenUsage children0 = SubtreesUsage(server_children_);
  uint64_t cpu0 = ThreadCpuNs();
  uint64_t process_cpu0 = ProcessCpuNs();
  uint64_t wall0 = NowNs();
  Status served = runtime.Serve([&](std::function<void()> done) {
    if (!idle) return generator.Start(options, std::move(done));
    return client.Start(options, [&] { rss_held = CurrentRssBytes(); }, std::move(done));
  });
  LoadResult load;
  Status joined = Status::Ok();
  if (idle) {
    if (served.ok()) joined = client.Join(&load);
  } else {
    load = generator.Join();
  }
  Sample run;  // run(state): the server's own count, the cross-check
  if (served.ok() && joined.ok()) served = runtime.RunOnce(&run);
  sample->wall_ns = NowNs() - wall0;
  sample->cpu_ns = ThreadCpuNs() - cpu0;
  uint64_t process_cpu = ProcessCpuNs() - process_cpu0;
  ChildrenUsage children1 = SubtreesUsage(server_children_);
  if (!joined.ok()) return Status::Error(joined.message(), script);
  DUET_RETURN_IF_ERROR(served);
  DUET_RETURN_IF_ERROR(ServeUntilClosed(runtime, descriptors_before));

  if (load.error_count() > 0 || load.completed == 0) {
    std::string kinds;
    for (const auto& [kind, n] : load.errors) kinds += fmt::format("{}{} {}", kinds.empty() ? "" : ", ", kind, n);
    // A server out of descriptors drops or stalls connections; the budget helps read its EMFILE.
    std::string budget;
    rlimit limit{};
    if (idle && getrlimit(RLIMIT_NOFILE, &limit) == 0) {
      budget = fmt::format("; duet may hold {} descriptors, {} of them for the server's ends", limit.rlim_cur,
                           options.connections);
    }
    std::string first_bad = load.first_bad_response.empty() ? "" : "; the first bad response: " + load.first_bad_response;
    return Status::Error(fmt::format("the load generator got {} and {} ({}) from port {}{}{}",
                                     Counted(load.completed, "answer"), Counted(load.error_count(), "error"),
                                     kinds.empty() ? "none answered" : kinds, options.port, budget, first_bad),
                         script);
  }
  if (idle && !client.held()) {
    return Status::Error(fmt::format("the load generator's child process did not get all {} connections open and "
                                     "echoed within its --duration of {:g} s ({} were)",
                                     options.connections, options.duration_s, load.completed),
                         script);
  }
  if (!web_.db_url.empty() && counting_) {
    int64_t statements_after = 0;
    counting_ = CountStatements(counter_.get(), &statements_after).ok();
    statements_ += statements_after - statements_before;
  }
  rss_max_ = std::max(rss_max_, CurrentRssBytes());
  ++iterations_;
  completed_ += load.completed;
  unfinished_ += load.unfinished;
  bytes_ += load.bytes_received;
  latency_.Merge(load.latency);
  throughput_.push_back(load.throughput());
  cpu_per_message_.push_back(static_cast<double>(sample->cpu_ns) / static_cast<double>(load.completed));
  if (!idle) {
    // Every thread but the generator's: the server's own threads too (waitress's workers, V8's
    // helpers), which the main thread's figure leaves out.
    uint64_t server = process_cpu > load.client_cpu_ns ? process_cpu - load.client_cpu_ns : 0;
    // A child that ended meanwhile took its CPU time with it: never less than none.
    uint64_t children = children1.cpu_ns > children0.cpu_ns ? children1.cpu_ns - children0.cpu_ns : 0;
    process_cpu_per_message_.push_back(static_cast<double>(server + children) / static_cast<double>(load.completed));
    if (children1.processes > 0) {
      children_cpu_per_message_.push_back(static_cast<double>(children) / static_cast<double>(load.completed));
      children_max_ = std::max(children_max_, children1.processes);
      children_rss_max_ = std::max(children_rss_max_, children1.rss_bytes);
    }
  }
  if (idle && rss_held > rss_before) {
    rss_per_connection_ = std::max(rss_per_connection_, static_cast<double>(rss_held - rss_before) /
                                                            static_cast<double>(options.connections));
  }
  return Status::Ok();
}

void NetworkLane::BeforeSetup() {
  children_before_setup_ = DirectChildren();
  setup_started_ns_ = NowNs();
}

void NetworkLane::AfterSetup() {
  setup_ns_ = NowNs() - setup_started_ns_;
  server_children_.clear();
  for (pid_t child : DirectChildren()) {
    if (children_before_setup_.count(child) == 0) server_children_.insert(child);
  }
}

void NetworkLane::Reset() {
  iterations_ = 0;
  completed_ = unfinished_ = bytes_ = 0;
  latency_ = LatencyHistogram();
  throughput_.clear();
  cpu_per_message_.clear();
  process_cpu_per_message_.clear();
  children_cpu_per_message_.clear();
  statements_ = 0;
  // Kept: the idle RSS per connection (the first iteration shows the cost), the RSS high-water
  // mark, the verifier pass and the counting connection.
}

nlohmann::json NetworkLane::Summary() const {
  // Each figure's median over the iterations and its 95% bootstrap interval, as the timings have
  // (stats): what a ranking needs to say whether two servers differ at all. One bootstrap each.
  const duet::Summary throughput = Summarize(throughput_), cpu = Summarize(cpu_per_message_),
                      process_cpu = Summarize(process_cpu_per_message_),
                      children_cpu = Summarize(children_cpu_per_message_);
  auto interval = [](const duet::Summary& summary) {
    return summary.count == 0 ? nlohmann::json() : nlohmann::json::array({summary.median_ci_low, summary.median_ci_high});
  };
  return {
      {"mode", LoadModeName(options_.mode)},
      {"connections", options_.connections},
      {"message_size", options_.mode == LoadMode::kHttp ? nlohmann::json() : nlohmann::json(options_.size)},
      {"requests_per_iteration", options_.mode == LoadMode::kIdle ? options_.connections : options_.requests},
      {"iterations", iterations_},
      {"requests", completed_},
      {"unfinished", unfinished_},
      {"bytes_received", bytes_},
      {"throughput_rps", throughput.median},
      {"throughput_rps_ci95", interval(throughput)},
      {"throughput_rps_samples", throughput_},
      {"cpu_per_message_ns", cpu.median},
      {"cpu_per_message_ns_ci95", interval(cpu)},
      {"latency_ns",
       {{"p50", latency_.Percentile(50)},
        {"p90", latency_.Percentile(90)},
        {"p99", latency_.Percentile(99)},
        {"p999", latency_.Percentile(99.9)},
        {"max", latency_.max()}}},
      {"rss_per_connection_bytes", options_.mode == LoadMode::kIdle ? nlohmann::json(rss_per_connection_) : nlohmann::json()},
      {"process_cpu_per_message_ns",
       process_cpu.count == 0 ? nlohmann::json() : nlohmann::json(process_cpu.median)},
      {"process_cpu_per_message_ns_ci95", interval(process_cpu)},
      {"pipeline", options_.pipeline},
      {"check", web_.test.empty() ? nlohmann::json() : nlohmann::json(web_.test)},
      {"rss_bytes_max", rss_max_},
      {"children", children_max_ == 0 ? nlohmann::json()
                                       : nlohmann::json{{"processes", children_max_},
                                                        {"cpu_per_message_ns", children_cpu.median},
                                                        {"rss_bytes_max", children_rss_max_},
                                                        {"rss_bytes_per_process",
                                                         static_cast<double>(children_rss_max_) / children_max_},
                                                        {"start_ns_per_process", server_children_.empty()
                                                             ? nlohmann::json()
                                                             : nlohmann::json(static_cast<double>(setup_ns_) /
                                                                              static_cast<double>(server_children_.size()))}}},
      {"db_statements_per_request", !web_.db_url.empty() && counting_ && completed_ > 0
                                        ? nlohmann::json(static_cast<double>(statements_) / static_cast<double>(completed_))
                                        : nlohmann::json()},
  };
}

}  // namespace duet
