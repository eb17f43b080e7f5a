// WorkloadPair: one workload folder (design §2) — its manifest and its JS and Python twins —
// and the discovery that finds them under a set of roots.
#pragma once

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/runtime_id.h"
#include "core/status.h"
#include "load/load_generator.h"

namespace duet {

struct WorkloadPair {
  std::string name;      // from workload.json, else the folder name
  std::string category;  // from workload.json, else the parent folder name
  std::string claim;
  std::string description;
  std::filesystem::path dir;
  std::filesystem::path manifest;  // workload.json
  std::filesystem::path js;        // <folder>.js
  std::filesystem::path py;        // <folder>.py
  nlohmann::json params = nlohmann::json::object();
  // Named parameter sets ("tiny", "full", ...) that --size merges over params.
  nlohmann::json sizes = nlohmann::json::object();
  // The manifest's sampling suggestions; the command line overrides them.
  std::optional<int> runs;
  std::optional<double> time_budget_s;
  std::optional<int> warmup;
  bool warmup_auto = false;  // "warmup": "auto"
  // "startup": true — every iteration starts cold (fresh context / freshly imported module
  // graph) and is timed from load to the first result.
  bool startup = false;
  // A network pair's "load" block (docs/json-output.md, workloads/README.md): how the built-in
  // load generator drives the server setup() started; null for every other pair.
  nlohmann::json load;
  // A web pair (workload.json "web": {"frameworks": {"js": ..., "py": ...}}): one per TechEmpower
  // test once expanded (ExpandWebTests), with "test", "target" and "label" added; null otherwise.
  nlohmann::json web;
  // Why the folder cannot be run (bad manifest, missing script); the pair is still reported.
  Status problem;

  std::string id() const { return category + "/" + name; }
  bool network() const { return load.is_object(); }
  bool is_web() const { return web.is_object(); }
  // The twin `runtime` loads.
  const std::filesystem::path& Script(RuntimeId runtime) const { return runtime == RuntimeId::kV8 ? js : py; }
};

// TechEmpower's test types as duet runs them, each a request target (with the ?queries= counts
// measured) and its pipelining depth: json, plaintext (16 deep), db, queries 1/5/20, fortunes,
// updates 1/20; and beyond TechEmpower, a WebSocket room (LoadMode::kRoom) for the pairs whose
// manifest names its frameworks ("web": {"websocket_room": {"js": ..., "py": ...}}).
struct WebTest {
  const char* label;   // the expanded workload's name suffix: "queries-20"
  const char* test;    // the check: json, plaintext, db, queries, fortunes, updates; "websocket"
  const char* target;
  int pipeline;
  // The "web" key a pair must have to run this test (it names the test's frameworks instead of
  // "frameworks"); null: every web pair runs it.
  const char* opt_in = nullptr;
  LoadMode mode = LoadMode::kHttp;

  // What the ranking's figure counts: "requests", or the room's "deliveries" (each message once per client).
  const char* unit() const { return mode == LoadMode::kRoom ? "deliveries" : "requests"; }
};
const std::vector<WebTest>& WebTests();

// Replaces every web pair by one pair per WebTests() entry, named "<pair>:<label>", whose load
// block targets that test with that test's response check and pipelining.
void ExpandWebTests(std::vector<WorkloadPair>* pairs);

// Finds every folder holding a workload.json under `roots` (a root may itself be a workload
// folder), sorted by path. A missing root is an error; a broken workload is returned with its
// `problem` set so the session can report it and go on.
Status DiscoverWorkloads(const std::vector<std::filesystem::path>& roots,
                         std::vector<WorkloadPair>* pairs);

// Merges sizes[size] over the pair's params; an unknown size leaves the pair marked broken.
void ApplySize(const std::string& size, WorkloadPair* pair);

// Parses one workload folder. Never fails: problems land in the pair's `problem`.
WorkloadPair ReadWorkloadPair(const std::filesystem::path& dir);
// The manifest part of ReadWorkloadPair: `text` is workload.json's content; fills the pair's
// fields or sets its `problem` (file:line from pair->manifest). Fuzzed by tests/fuzz.
void ParseManifest(const std::string& text, WorkloadPair* pair);

}  // namespace duet
