// Trace implementation; see trace.h.
#include "profile/trace.h"

#include <algorithm>

namespace duet {

const char* Trace::TrackName(Track track) {
  switch (track) {
    case kV8: return "V8";
    case kV8Gc: return "V8 GC";
    case kCPython: return "CPython";
    case kCPythonGc: return "CPython GC";
    case kLoop: return "libuv loop";
  }
  return "?";
}

void Trace::Span(Track track, std::string name, std::string category, uint64_t start_ns, uint64_t end_ns,
                 nlohmann::json args) {
  events_.push_back(Event{'X', track, std::move(name), std::move(category), start_ns, std::max(start_ns, end_ns),
                          std::move(args)});
}

void Trace::Instant(Track track, std::string name, std::string category, uint64_t ts_ns, nlohmann::json args) {
  events_.push_back(Event{'i', track, std::move(name), std::move(category), ts_ns, ts_ns, std::move(args)});
}

nlohmann::json Trace::ToJson() const {
  std::vector<const Event*> sorted;
  for (const Event& e : events_) sorted.push_back(&e);
  // By start; an enclosing span before the spans it holds, as the viewers expect.
  std::stable_sort(sorted.begin(), sorted.end(), [](const Event* a, const Event* b) {
    return a->start_ns != b->start_ns ? a->start_ns < b->start_ns : a->end_ns > b->end_ns;
  });
  uint64_t origin = sorted.empty() ? 0 : sorted.front()->start_ns;
  nlohmann::json events = nlohmann::json::array();
  events.push_back({{"ph", "M"}, {"name", "process_name"}, {"pid", 1}, {"tid", 0}, {"args", {{"name", "duet"}}}});
  for (Track track : {kV8, kV8Gc, kCPython, kCPythonGc, kLoop}) {
    events.push_back({{"ph", "M"}, {"name", "thread_name"}, {"pid", 1}, {"tid", track}, {"args", {{"name", TrackName(track)}}}});
    events.push_back({{"ph", "M"}, {"name", "thread_sort_index"}, {"pid", 1}, {"tid", track}, {"args", {{"sort_index", track}}}});
  }
  for (const Event* e : sorted) {
    nlohmann::json out = {{"ph", std::string(1, e->phase)},
                          {"name", e->name},
                          {"cat", e->category},
                          {"pid", 1},
                          {"tid", e->track},
                          {"ts", static_cast<double>(e->start_ns - origin) / 1000.0}};
    if (e->phase == 'X') out["dur"] = static_cast<double>(e->end_ns - e->start_ns) / 1000.0;
    if (e->phase == 'i') out["s"] = "t";
    if (!e->args.empty()) out["args"] = e->args;
    events.push_back(std::move(out));
  }
  return {{"traceEvents", events}, {"displayTimeUnit", "ms"}};
}

}  // namespace duet
