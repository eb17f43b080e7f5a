// Google Benchmark JSON export; see gbench.h. Field names follow benchmark 1.7's JSONReporter.
#include "report/gbench.h"

#include "report/table.h"

namespace duet {

nlohmann::json GbenchJson(const SessionRecord& session, const std::vector<WorkloadResult>& results) {
  const nlohmann::json& env = session.environment;
  nlohmann::json context = {{"executable", "duet"}, {"library_build_type", "release"}, {"caches", nlohmann::json::array()}};
  if (env.contains("timestamp")) context["date"] = env["timestamp"];
  if (env.contains("machine")) {
    const nlohmann::json& machine = env["machine"];
    context["num_cpus"] = machine.value("cores", 0);
    if (machine.value("load_average", nlohmann::json()).is_array()) context["load_avg"] = machine["load_average"];
    if (machine.value("governor", nlohmann::json()).is_string()) {
      context["cpu_scaling_enabled"] = machine["governor"] != "performance";
    }
  }
  if (env.contains("versions")) context["duet_versions"] = env["versions"];

  nlohmann::json benchmarks = nlohmann::json::array();
  int family = 0;
  for (const WorkloadResult& w : results) {
    for (const RuntimeResult& r : w.runtimes) {
      if (!Quotable(w, &r) || w.failed()) continue;
      std::string name = w.pair.id() + "/" + std::string(RuntimeKey(r.runtime));
      int repetitions = static_cast<int>(r.samples.size());
      auto entry = [&](const std::string& entry_name, double real, double cpu) {
        return nlohmann::json{{"name", entry_name}, {"family_index", family}, {"per_family_instance_index", 0},
                              {"run_name", name},   {"repetitions", repetitions}, {"threads", 1},
                              {"real_time", real},  {"cpu_time", cpu},            {"time_unit", "ns"}};
      };
      int index = 0;
      for (const Sample& s : r.samples.samples()) {
        nlohmann::json it = entry(name, static_cast<double>(s.wall_ns), static_cast<double>(s.cpu_ns));
        it["run_type"] = "iteration";
        it["repetition_index"] = index++;
        it["iterations"] = 1;
        benchmarks.push_back(std::move(it));
      }
      Summary wall = WallSummary(r), cpu = CpuSummary(r);
      for (auto [aggregate, real, cpu_value] : {std::tuple{"mean", wall.mean, cpu.mean},
                                                 std::tuple{"median", wall.median, cpu.median},
                                                 std::tuple{"stddev", wall.stdev, cpu.stdev}}) {
        nlohmann::json agg = entry(name + "_" + aggregate, real, cpu_value);
        agg["run_type"] = "aggregate";
        agg["aggregate_name"] = aggregate;
        agg["aggregate_unit"] = "time";
        agg["iterations"] = repetitions;
        benchmarks.push_back(std::move(agg));
      }
      ++family;
    }
  }
  return {{"context", context}, {"benchmarks", benchmarks}};
}

}  // namespace duet
