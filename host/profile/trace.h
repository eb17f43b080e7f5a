// Trace: events of both runtimes on one timeline, written as Chrome Trace Event JSON (opens in
// Perfetto UI and chrome://tracing). Timestamps are NowNs() (CLOCK_MONOTONIC), shown relative to
// the first event. One pid; a track (tid) per runtime, per runtime's GC, and for the loop.
// Not thread-safe: filled on the main thread.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace duet {

class Trace {
 public:
  // Tracks, kept apart so that each one's spans nest (a GC may straddle an iteration's end).
  enum Track { kV8 = 1, kV8Gc = 2, kCPython = 3, kCPythonGc = 4, kLoop = 5 };
  static const char* TrackName(Track track);

  // A complete ("X") event: [start_ns, end_ns) on `track`.
  void Span(Track track, std::string name, std::string category, uint64_t start_ns, uint64_t end_ns,
            nlohmann::json args = nlohmann::json::object());
  // An instant ("i") event, thread scoped: a profile sample.
  void Instant(Track track, std::string name, std::string category, uint64_t ts_ns,
               nlohmann::json args = nlohmann::json::object());

  // {"traceEvents": [...metadata, events by time...], "displayTimeUnit": "ms"}.
  nlohmann::json ToJson() const;

 private:
  struct Event {
    char phase;
    Track track;
    std::string name;
    std::string category;
    uint64_t start_ns;
    uint64_t end_ns;
    nlohmann::json args;
  };
  std::vector<Event> events_;
};

}  // namespace duet
