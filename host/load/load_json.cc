// duet-load/1 serialisation and its inverse; see load_json.h. Percentiles come from the run's
// LatencyHistogram, which the document carries whole ("buckets") so a reader can rebuild it.
#include "load/load_json.h"

#include <string>

namespace duet {

nlohmann::json LoadJson(const LoadResult& r) {
  const LoadOptions& o = r.options;
  nlohmann::json latency = {{"count", r.latency.count()},
                            {"min_ns", r.latency.min()},
                            {"mean_ns", r.latency.mean()},
                            {"max_ns", r.latency.max()},
                            {"sum_ns", r.latency.sum()},
                            {"relative_error", LatencyHistogram::kRelativeError},
                            {"buckets", nlohmann::json::array()}};
  for (const QuotedPercentile& q : kQuotedPercentiles) latency[q.key] = r.latency.Percentile(q.p);
  for (const auto& [bucket, count] : r.latency.Buckets()) latency["buckets"].push_back({bucket, count});
  nlohmann::json rss = nullptr;
  if (o.mode == LoadMode::kIdle) rss = {{"start_bytes", r.rss_start_bytes}, {"held_bytes", r.rss_held_bytes}};
  return {{"schema", kLoadSchema},
          {"target", {{"host", o.host}, {"port", o.port}, {"mode", LoadModeName(o.mode)},
                      {"path", LoadModeHasPath(o.mode) ? nlohmann::json(o.path) : nlohmann::json(nullptr)}}},
          {"options", {{"connections", o.connections},
                       {"size", o.mode != LoadMode::kHttp ? nlohmann::json(o.size) : nlohmann::json(nullptr)},
                       {"requests", o.requests}, {"duration_s", o.duration_s}, {"timeout_s", o.timeout_s},
                       {"pipeline", o.pipeline}}},
          {"completed", r.completed},
          {"unfinished", r.unfinished},
          {"messages", o.mode == LoadMode::kRoom ? nlohmann::json(r.messages) : nlohmann::json(nullptr)},
          {"errors", {{"total", r.error_count()}, {"by_kind", r.errors}}},
          {"stopped_by", StopReasonName(r.stopped_by)},
          {"wall_ns", r.wall_ns},
          {"throughput_per_s", r.throughput()},
          {"latency", latency},
          {"bytes", {{"sent", r.bytes_sent}, {"received", r.bytes_received}}},
          {"client_cpu_ns", r.client_cpu_ns},
          {"rss", rss},
          {"first_bad_response", r.first_bad_response.empty() ? nlohmann::json(nullptr) : nlohmann::json(r.first_bad_response)}};
}

Status LoadResultFromJson(const nlohmann::json& doc, LoadResult* out) {
  if (!doc.is_object() || doc.value("schema", "") != kLoadSchema) {
    return Status::Error(std::string("not a ") + kLoadSchema + " document");
  }
  // Every field read below, by its JSON pointer, with the reason when it is missing or of the wrong type.
  try {
    auto at = [&](const char* pointer) -> const nlohmann::json& { return doc.at(nlohmann::json::json_pointer(pointer)); };
    auto u64 = [&](const char* pointer) { return at(pointer).get<uint64_t>(); };
    LoadResult r;
    LoadOptions& o = r.options;
    o.host = at("/target/host").get<std::string>();
    o.port = at("/target/port").get<int>();
    if (!ParseLoadMode(at("/target/mode").get<std::string>(), &o.mode)) return Status::Error("unknown target.mode");
    if (at("/target/path").is_string()) o.path = at("/target/path").get<std::string>();
    o.connections = at("/options/connections").get<int>();
    if (at("/options/size").is_number()) o.size = at("/options/size").get<size_t>();
    o.requests = u64("/options/requests");
    o.duration_s = at("/options/duration_s").get<double>();
    o.timeout_s = at("/options/timeout_s").get<double>();
    r.completed = u64("/completed");
    r.unfinished = u64("/unfinished");
    if (doc.contains("messages") && doc["messages"].is_number()) r.messages = u64("/messages");
    r.errors = at("/errors/by_kind").get<std::map<std::string, uint64_t>>();
    if (!ParseStopReason(at("/stopped_by").get<std::string>(), &r.stopped_by)) return Status::Error("unknown stopped_by");
    r.wall_ns = u64("/wall_ns");
    r.bytes_sent = u64("/bytes/sent");
    r.bytes_received = u64("/bytes/received");
    r.client_cpu_ns = u64("/client_cpu_ns");
    if (at("/rss").is_object()) {
      r.rss_start_bytes = u64("/rss/start_bytes");
      r.rss_held_bytes = u64("/rss/held_bytes");
    }
    auto buckets = at("/latency/buckets").get<std::vector<LatencyHistogram::Bucket>>();
    Status rebuilt = LatencyHistogram::FromBuckets(buckets, u64("/latency/min_ns"), u64("/latency/max_ns"),
                                                   u64("/latency/sum_ns"), &r.latency);
    if (!rebuilt.ok()) return Status::Error("latency.buckets: " + rebuilt.message());
    if (r.latency.count() != u64("/latency/count")) return Status::Error("latency.buckets do not add up to latency.count");
    *out = std::move(r);
    return Status::Ok();
  } catch (const nlohmann::json::exception& e) {
    return Status::Error(std::string(kLoadSchema) + ": " + e.what());
  }
}

}  // namespace duet
