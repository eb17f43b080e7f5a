// libFuzzer target: workload.json parsing (harness/workload_pair.h ParseManifest) on any bytes.
// Properties: never a crash or an exception; a problem names the manifest and a line inside
// the text; an accepted manifest holds exactly the values it wrote, and every size applies.
#include <algorithm>
#include <limits>

#include "harness/workload_pair.h"
#include "fuzz_support.h"

using duet::fuzz::Check;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  duet::WorkloadPair pair;
  pair.dir = "/fuzz/cpu/example";
  pair.manifest = pair.dir / "workload.json";
  pair.name = "example";
  duet::ParseManifest(text, &pair);

  if (!pair.problem.ok()) {
    Check(pair.problem.file() == pair.manifest.string(), "a problem names workload.json");
    int lines = 1 + static_cast<int>(std::count(text.begin(), text.end(), '\n'));
    Check(pair.problem.line() >= 1 && pair.problem.line() <= lines,
          "a problem's line is inside the text: " + pair.problem.ToString());
    return 0;
  }
  nlohmann::json doc = nlohmann::json::parse(text);  // accepted, so it parses
  Check(doc.is_object(), "an accepted manifest is an object");
  auto count = [&](const char* key, const std::optional<int>& field) {
    if (!doc.contains(key) || (std::string(key) == "warmup" && doc[key] == "auto")) return;
    Check(field.has_value() && doc[key].is_number_integer() && doc[key].get<int64_t>() == *field,
          std::string("\"") + key + "\" is read exactly as written: " + doc[key].dump());
  };
  count("runs", pair.runs);
  count("warmup", pair.warmup);
  if (doc.contains("name")) Check(pair.name == doc["name"], "name as written");
  if (doc.contains("time_budget")) Check(pair.time_budget_s && *pair.time_budget_s > 0, "time_budget positive");
  Check(pair.params.is_object() && pair.sizes.is_object(), "params and sizes are objects");
  for (const auto& [name, overrides] : pair.sizes.items()) {
    duet::WorkloadPair sized = pair;
    duet::ApplySize(name, &sized);
    Check(sized.problem.ok(), "a size the manifest names applies");
    for (const auto& [key, value] : overrides.items()) Check(sized.params[key] == value, "size overrides apply");
  }
  return 0;
}
