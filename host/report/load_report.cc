// The load summary; see load_report.h. Percentiles come from the run's LatencyHistogram.
#include "report/load_report.h"

#include <fmt/format.h>

#include "core/units.h"

namespace duet {

std::string FormatLoadSummary(const LoadResult& r) {
  const LoadOptions& o = r.options;
  static const char* const kWhy[] = {"every request answered", "time limit reached", "no connection left"};
  static const char* const kRoomWhy[] = {"every message delivered or lost", "time limit reached", "a member lost"};
  bool room = o.mode == LoadMode::kRoom;
  std::string what = o.mode == LoadMode::kHttp   ? "GET " + o.path
                     : o.mode == LoadMode::kEcho ? fmt::format("{} B echo messages", o.size)
                     : room                      ? fmt::format("one WebSocket room at {}, {} B messages to all", o.path, o.size)
                                                 : fmt::format("idle after one {} B echo each", o.size);
  std::string text = fmt::format("duet load: {}:{}, {} connection(s), {}\n", o.host, o.port, o.connections, what);
  if (room) text += fmt::format("  messages   {} sent, each due to all {} clients\n", r.messages, o.connections);
  const char* unit = room ? "deliveries" : "requests";
  text += fmt::format("  {:<10} {} completed, {} unfinished, {} error(s); stopped: {}\n", unit, r.completed, r.unfinished,
                      r.error_count(), (room ? kRoomWhy : kWhy)[static_cast<int>(r.stopped_by)]);
  text += fmt::format("  wall       {}, {:.0f} {}/s, client CPU {}\n", FormatDuration(r.wall_ns), r.throughput(), unit,
                      FormatDuration(r.client_cpu_ns));
  if (r.latency.count() > 0) {
    text += "  latency   ";
    for (const QuotedPercentile& q : kQuotedPercentiles) {
      text += fmt::format(" {} {}", q.label, FormatDuration(r.latency.Percentile(q.p)));
    }
    text += fmt::format("  (min {}, mean {}, max {})\n", FormatDuration(r.latency.min()),
                        FormatDuration(static_cast<uint64_t>(r.latency.mean())), FormatDuration(r.latency.max()));
  }
  text += fmt::format("  bytes      sent {}, received {}\n", FormatBytes(static_cast<double>(r.bytes_sent)),
                      FormatBytes(static_cast<double>(r.bytes_received)));
  if (o.mode == LoadMode::kIdle && r.rss_held_bytes > 0) {
    double grown = static_cast<double>(r.rss_held_bytes) - static_cast<double>(r.rss_start_bytes);
    text += fmt::format("  memory     this process's RSS {} with every connection open, {:+.0f} B per connection\n",
                        FormatBytes(static_cast<double>(r.rss_held_bytes)), grown / o.connections);
  }
  if (!r.errors.empty()) {
    text += "  errors    ";
    for (const auto& [kind, n] : r.errors) text += fmt::format(" {} {}", kind, n);
    text += "\n";
  }
  if (!r.first_bad_response.empty()) text += "  first bad response: " + r.first_bad_response + "\n";
  return text;
}

}  // namespace duet
