// Workload discovery and manifest parsing; see workload_pair.h.
#include "harness/workload_pair.h"

#include <fmt/format.h>

#include <algorithm>
#include <fstream>
#include <limits>
#include <sstream>

#include "core/text.h"
#include "harness/network_run.h"

namespace duet {
namespace {

// A folder holding <folder>.js and <folder>.py is a workload even when its workload.json is
// missing: it is reported as broken rather than skipped without a word.
bool LooksLikeWorkload(const std::filesystem::path& dir) {
  std::string stem = dir.filename().string();
  return std::filesystem::is_regular_file(dir / (stem + ".js")) && std::filesystem::is_regular_file(dir / (stem + ".py"));
}

}  // namespace

WorkloadPair ReadWorkloadPair(const std::filesystem::path& dir) {
  WorkloadPair pair;
  pair.dir = std::filesystem::weakly_canonical(dir);
  pair.manifest = pair.dir / "workload.json";
  pair.name = pair.dir.filename().string();
  pair.category = pair.dir.parent_path().filename().string();
  std::string stem = pair.dir.filename().string();
  pair.js = pair.dir / (stem + ".js");
  pair.py = pair.dir / (stem + ".py");
  const std::string manifest = pair.manifest.string();

  std::ifstream in(pair.manifest, std::ios::binary);
  if (!in) {
    pair.problem = std::filesystem::exists(pair.manifest)
                       ? Status::ScriptError("cannot read workload.json", manifest, 0)
                       : Status::ScriptError("missing workload.json in " + pair.dir.string() + " (every workload folder needs one)");
    return pair;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  ParseManifest(buffer.str(), &pair);
  if (!pair.problem.ok()) return pair;
  // "js"/"py": the scripts live elsewhere (the web servers, shared by several pairs), relative to
  // the folder; ParseManifest kept them as given.
  if (!pair.js.is_absolute()) pair.js = std::filesystem::weakly_canonical(pair.dir / pair.js);
  if (!pair.py.is_absolute()) pair.py = std::filesystem::weakly_canonical(pair.dir / pair.py);
  for (const auto& script : {pair.js, pair.py}) {
    if (!std::filesystem::is_regular_file(script)) {
      pair.problem = Status::ScriptError("missing script " + script.filename().string(), manifest, 1);
      return pair;
    }
  }
  return pair;
}

void ParseManifest(const std::string& text, WorkloadPair* parsed) {
  WorkloadPair& pair = *parsed;
  const std::string manifest = pair.manifest.string();
  nlohmann::json doc;
  try {
    doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    // nlohmann counts bytes read (1-based); the reader wants a line and a column.
    TextPosition at = PositionOf(text, e.byte == 0 ? 0 : e.byte - 1);
    pair.problem = Status::ScriptError(fmt::format("invalid JSON at line {}, column {}: {}", at.line, at.column, e.what()),
                                 manifest, at.line);
    return;
  } catch (const nlohmann::json::out_of_range& e) {
    // A number beyond a double (1e400): nlohmann names the number but not where it is.
    std::string what = e.what();
    size_t quote = what.find('\'');
    std::string number = quote == std::string::npos ? "" : what.substr(quote + 1, what.rfind('\'') - quote - 1);
    size_t at = number.empty() ? std::string::npos : text.find(number);
    pair.problem = Status::ScriptError("invalid JSON: " + what, manifest, at == std::string::npos ? 1 : PositionOf(text, at).line);
    return;
  }
  if (!doc.is_object()) {
    pair.problem = Status::ScriptError("workload.json must hold an object", manifest, 1);
    return;
  }
  // Typed fields: a wrong type is reported, never silently ignored.
  auto text_field = [&](const char* key, std::string* out) {
    if (!doc.contains(key)) return true;
    if (!doc[key].is_string()) {
      pair.problem = Status::ScriptError(std::string("\"") + key + "\" must be a string", manifest, 1);
      return false;
    }
    *out = doc[key].get<std::string>();
    return true;
  };
  auto count_field = [&](const char* key, std::optional<int>* out) {
    if (!doc.contains(key)) return true;
    if (!doc[key].is_number_integer() || doc[key].get<int64_t>() < 0 ||
        doc[key].get<int64_t>() > std::numeric_limits<int>::max()) {
      pair.problem = Status::ScriptError(std::string("\"") + key + "\" must be a non-negative integer", manifest, 1);
      return false;
    }
    *out = doc[key].get<int>();
    return true;
  };
  bool warmup_is_auto = doc.contains("warmup") && doc["warmup"] == "auto";
  if (!text_field("name", &pair.name) || !text_field("category", &pair.category) ||
      !text_field("claim", &pair.claim) || !text_field("description", &pair.description) ||
      !count_field("runs", &pair.runs) || (!warmup_is_auto && !count_field("warmup", &pair.warmup))) {
    return;
  }
  pair.warmup_auto = warmup_is_auto;
  if (doc.contains("startup")) {
    if (!doc["startup"].is_boolean()) {
      pair.problem = Status::ScriptError("\"startup\" must be true or false", manifest, 1);
      return;
    }
    pair.startup = doc["startup"].get<bool>();
  }
  if (doc.contains("time_budget")) {
    if (!doc["time_budget"].is_number() || doc["time_budget"].get<double>() <= 0) {
      pair.problem = Status::ScriptError("\"time_budget\" must be a positive number of seconds", manifest, 1);
      return;
    }
    pair.time_budget_s = doc["time_budget"].get<double>();
  }
  if (doc.contains("params")) {
    if (!doc["params"].is_object()) {
      pair.problem = Status::ScriptError("\"params\" must be an object", manifest, 1);
      return;
    }
    pair.params = doc["params"];
  }
  if (doc.contains("sizes")) {
    if (!doc["sizes"].is_object()) {
      pair.problem = Status::ScriptError("\"sizes\" must map size names to parameter objects", manifest, 1);
      return;
    }
    for (const auto& [name, overrides] : doc["sizes"].items()) {
      if (name.empty()) {  // --size "" means the plain params: such a size could never apply
        pair.problem = Status::ScriptError("\"sizes\" has a size without a name", manifest, 1);
        return;
      }
      if (!overrides.is_object()) {
        pair.problem = Status::ScriptError("\"sizes\".\"" + name + "\" must be an object", manifest, 1);
        return;
      }
    }
    pair.sizes = doc["sizes"];
  }
  for (const char* key : {"js", "py"}) {
    if (!doc.contains(key)) continue;
    if (!doc[key].is_string() || doc[key].get<std::string>().empty()) {
      pair.problem = Status::ScriptError(std::string("\"") + key + "\" must be the script's path, relative to the folder", manifest, 1);
      return;
    }
    (std::string(key) == "js" ? pair.js : pair.py) = doc[key].get<std::string>();
  }
  if (doc.contains("web")) {
    const nlohmann::json& web = doc["web"];
    auto names_both = [&](const char* key) {
      return web.contains(key) && web[key].is_object() && web[key].value("js", nlohmann::json()).is_string() &&
             web[key].value("py", nlohmann::json()).is_string();
    };
    if (!web.is_object() || !names_both("frameworks")) {
      pair.problem = Status::ScriptError("\"web\" must be {\"frameworks\": {\"js\": NAME, \"py\": NAME}}", manifest, 1);
      return;
    }
    for (const WebTest& test : WebTests()) {
      if (test.opt_in != nullptr && web.contains(test.opt_in) && !names_both(test.opt_in)) {
        pair.problem = Status::ScriptError(fmt::format("\"web\": \"{}\" must be {{\"js\": NAME, \"py\": NAME}}", test.opt_in),
                                           manifest, 1);
        return;
      }
    }
    if (!doc.contains("load") || !doc["load"].is_object() || doc["load"].value("mode", "") != "http") {
      pair.problem = Status::ScriptError("a \"web\" pair needs a \"load\" block with mode \"http\"", manifest, 1);
      return;
    }
    pair.web = web;
  }
  if (doc.contains("load")) {
    Status valid = ValidateLoadBlock(doc["load"]);
    if (!valid.ok()) {
      pair.problem = Status::ScriptError("\"load\": " + valid.message(), manifest, 1);
      return;
    }
    pair.load = doc["load"];
  }
}

void ApplySize(const std::string& size, WorkloadPair* pair) {
  if (size.empty() || !pair->problem.ok()) return;
  if (!pair->sizes.contains(size)) {
    pair->problem = Status::ScriptError("no size \"" + size + "\" in workload.json", pair->manifest.string(), 1);
    return;
  }
  for (const auto& [key, value] : pair->sizes[size].items()) pair->params[key] = value;
}

const std::vector<WebTest>& WebTests() {
  static const std::vector<WebTest> kTests = {
      {"json", "json", "/json", 1},
      {"plaintext", "plaintext", "/plaintext", 16},
      {"db", "db", "/db", 1},
      {"queries-1", "queries", "/queries?queries=1", 1},
      {"queries-5", "queries", "/queries?queries=5", 1},
      {"queries-20", "queries", "/queries?queries=20", 1},
      {"fortunes", "fortunes", "/fortunes", 1},
      {"updates-1", "updates", "/updates?queries=1", 1},
      {"updates-20", "updates", "/updates?queries=20", 1},
      {"ws-room", "websocket", "/room", 1, "websocket_room", LoadMode::kRoom},
  };
  return kTests;
}

void ExpandWebTests(std::vector<WorkloadPair>* pairs) {
  std::vector<WorkloadPair> out;
  for (WorkloadPair& pair : *pairs) {
    if (!pair.is_web() || !pair.problem.ok()) {
      out.push_back(std::move(pair));
      continue;
    }
    for (const WebTest& test : WebTests()) {
      if (test.opt_in != nullptr && !pair.web.contains(test.opt_in)) continue;
      WorkloadPair one = pair;
      one.name = pair.name + ":" + test.label;
      one.load["path"] = test.target;
      if (test.mode == LoadMode::kHttp) {
        one.load["check"] = test.test;  // the room checks every delivery itself
      } else {
        one.load["mode"] = LoadModeName(test.mode);
        one.web["frameworks"] = pair.web[test.opt_in];
      }
      if (test.pipeline > 1) one.load["pipeline"] = test.pipeline;
      one.web["test"] = test.test;
      one.web["target"] = test.target;
      one.web["label"] = test.label;
      one.web["pair"] = pair.name;
      out.push_back(std::move(one));
    }
  }
  *pairs = std::move(out);
}

Status DiscoverWorkloads(const std::vector<std::filesystem::path>& roots,
                         std::vector<WorkloadPair>* pairs) {
  std::vector<std::filesystem::path> dirs;
  for (const auto& root : roots) {
    std::error_code ec;
    if (!std::filesystem::is_directory(root, ec)) {
      return Status::Usage("no such workload folder: " + root.string());
    }
    if (std::filesystem::exists(root / "workload.json") || LooksLikeWorkload(root)) {
      dirs.push_back(root);
      continue;
    }
    for (auto it = std::filesystem::recursive_directory_iterator(root, ec);
         !ec && it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (it->is_directory() && it->path().filename() == "node_modules") {
        it.disable_recursion_pending();
        continue;
      }
      if (it->path().filename() == "workload.json") dirs.push_back(it->path().parent_path());
      if (it->is_directory() && !std::filesystem::exists(it->path() / "workload.json") && LooksLikeWorkload(it->path())) {
        dirs.push_back(it->path());  // reported as broken: its manifest is missing
      }
    }
    if (ec) return Status::Io("cannot list " + root.string() + ": " + ec.message());
  }
  std::sort(dirs.begin(), dirs.end());
  dirs.erase(std::unique(dirs.begin(), dirs.end()), dirs.end());
  for (const auto& dir : dirs) pairs->push_back(ReadWorkloadPair(dir));
  ExpandWebTests(pairs);
  return Status::Ok();
}

}  // namespace duet
