// ProfilerNotes: the JIT facts an engine hands back when its profiler stops
// (Runtime::StopProfiling), beside the CpuProfile: what V8 optimised and deoptimised, how much
// of CPython's hottest code the adaptive interpreter specialised. profile/ prints them.
#pragma once

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

namespace duet {

// Where a function was deoptimised and V8's reason.
struct Deoptimisation {
  std::string function;
  std::string url;
  int line = 0;
  std::string reason;
};

// One of CPython's hottest functions: of its instructions, how many are specialised (PEP 659).
struct Specialisation {
  std::string function;
  std::string url;
  int line = 0;
  int64_t specialised = 0;
  int64_t instructions = 0;
};

struct ProfilerNotes {
  // V8.
  std::set<std::string> optimised;               // functions optimised while profiling
  std::vector<Deoptimisation> deoptimisations;
  std::map<std::string, uint64_t> code_events;  // V8's code events by type
  // CPython.
  std::vector<Specialisation> specialisation;  // the five hottest functions
  uint64_t sample_requests = 0;                // samples the sampler thread asked for
};

}  // namespace duet
