// duet-load/1 and the load summary; percentiles come from the run's LatencyHistogram.
#include "report/load_report.h"

#include <fmt/format.h>

#include "report/table.h"

namespace duet {
namespace {

// The percentiles every report quotes: JSON key, printed label, percentile.
struct Quoted {
  const char* key;
  const char* label;
  double p;
};
constexpr Quoted kPercentiles[] = {{"p50_ns", "p50", 50}, {"p90_ns", "p90", 90}, {"p99_ns", "p99", 99},
                                   {"p99_9_ns", "p99.9", 99.9}};

}  // namespace

nlohmann::json LoadJson(const LoadResult& r) {
  const LoadOptions& o = r.options;
  nlohmann::json latency = {{"count", r.latency.count()},
                            {"min_ns", r.latency.min()},
                            {"mean_ns", r.latency.mean()},
                            {"max_ns", r.latency.max()},
                            {"relative_error", LatencyHistogram::kRelativeError}};
  for (const Quoted& q : kPercentiles) latency[q.key] = r.latency.Percentile(q.p);
  return {{"schema", kLoadSchema},
          {"target", {{"host", o.host}, {"port", o.port}, {"mode", LoadModeName(o.mode)},
                      {"path", o.mode == LoadMode::kHttp ? nlohmann::json(o.path) : nlohmann::json(nullptr)}}},
          {"options", {{"connections", o.connections},
                       {"size", o.mode == LoadMode::kEcho ? nlohmann::json(o.size) : nlohmann::json(nullptr)},
                       {"requests", o.requests}, {"duration_s", o.duration_s}, {"timeout_s", o.timeout_s}}},
          {"completed", r.completed},
          {"unfinished", r.unfinished},
          {"errors", {{"total", r.error_count()}, {"by_kind", r.errors}}},
          {"stopped_by", StopReasonName(r.stopped_by)},
          {"wall_ns", r.wall_ns},
          {"throughput_per_s", r.throughput()},
          {"latency", latency},
          {"bytes", {{"sent", r.bytes_sent}, {"received", r.bytes_received}}},
          {"client_cpu_ns", r.client_cpu_ns}};
}

std::string FormatLoadSummary(const LoadResult& r) {
  const LoadOptions& o = r.options;
  static const char* const kWhy[] = {"every request answered", "time limit reached", "no connection left"};
  std::string what = o.mode == LoadMode::kEcho ? fmt::format("{} B echo messages", o.size) : "GET " + o.path;
  std::string text = fmt::format("duet load: {}:{}, {} connection(s), {}\n", o.host, o.port, o.connections, what);
  text += fmt::format("  requests   {} completed, {} unfinished, {} error(s); stopped: {}\n", r.completed, r.unfinished,
                      r.error_count(), kWhy[static_cast<int>(r.stopped_by)]);
  text += fmt::format("  wall       {}, {:.0f} requests/s, client CPU {}\n", FormatDuration(r.wall_ns), r.throughput(),
                      FormatDuration(r.client_cpu_ns));
  if (r.latency.count() > 0) {
    text += "  latency   ";
    for (const Quoted& q : kPercentiles) text += fmt::format(" {} {}", q.label, FormatDuration(r.latency.Percentile(q.p)));
    text += fmt::format("  (min {}, mean {}, max {})\n", FormatDuration(r.latency.min()),
                        FormatDuration(static_cast<uint64_t>(r.latency.mean())), FormatDuration(r.latency.max()));
  }
  text += fmt::format("  bytes      sent {}, received {}\n", FormatBytes(static_cast<double>(r.bytes_sent)),
                      FormatBytes(static_cast<double>(r.bytes_received)));
  if (!r.errors.empty()) {
    text += "  errors    ";
    for (const auto& [kind, n] : r.errors) text += fmt::format(" {} {}", kind, n);
    text += "\n";
  }
  return text;
}

}  // namespace duet
