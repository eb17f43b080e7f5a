// What duet measures and guards on Node's V8 isolate: GC pauses and heap figures, the CPU
// profiler, and the heap limit that fails a script instead of the process. NodeRuntime owns one
// of each.
// Mirrors host/python/counters.cc, memory_limit.cc and profiler.cc.
#pragma once

#include <v8-profiler.h>
#include <v8.h>

#include <map>
#include <memory>
#include <string>

#include <nlohmann/json.hpp>

#include "core/pause_stats.h"
#include "core/runtime.h"

namespace duet {

class CpuProfile;

// GC pauses by type, timed from V8's prologue/epilogue callbacks, and the heap's figures.
// Only this isolate's: worker threads' isolates have their own heaps and are not counted.
class V8GcCounters {
 public:
  explicit V8GcCounters(v8::Isolate* isolate);  // starts listening
  ~V8GcCounters();                              // stops
  V8GcCounters(const V8GcCounters&) = delete;
  V8GcCounters& operator=(const V8GcCounters&) = delete;

  void Begin() { pauses_.clear(); }
  // The pauses since Begin and the heap as it is now (design §4).
  EngineCounters End() const;
  void SetListener(GcListener listener) { listener_ = std::move(listener); }

 private:
  static void OnPrologue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);
  static void OnEpilogue(v8::Isolate* isolate, v8::GCType type, v8::GCCallbackFlags flags, void* data);

  v8::Isolate* isolate_;
  std::map<std::string, PauseStats> pauses_;  // by GC type name, since Begin
  std::map<int, uint64_t> started_ns_;        // by GC type, while a GC runs
  GcListener listener_;
};

// --js-max-heap: near the limit V8 asks us, and instead of letting it abort the process we give
// it room to unwind and terminate the script, which then fails with "heap out of memory".
class V8HeapLimit {
 public:
  explicit V8HeapLimit(v8::Isolate* isolate);  // installs the near-heap-limit callback
  ~V8HeapLimit();
  V8HeapLimit(const V8HeapLimit&) = delete;
  V8HeapLimit& operator=(const V8HeapLimit&) = delete;

  bool reached() const { return reached_; }
  // "JavaScript heap out of memory during WHAT (heap limit N MiB; --js-max-heap)".
  std::string Message(const std::string& what) const;
  // The workload that ran out of heap is gone: back to the limit the next one is held to.
  void Restore();

 private:
  static size_t OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit);

  v8::Isolate* isolate_;
  bool reached_ = false;
  size_t initial_limit_ = 0;  // when the limit was raised to unwind, else 0
};

// `duet profile` on V8: v8::CpuProfiler samples the isolate, and its top-down tree, samples and
// deopt infos become a CpuProfile; a CodeEventHandler counts the functions the optimising
// compiler finishes meanwhile. Only the isolate it was made for: not workers'.
class V8Profiler {
 public:
  explicit V8Profiler(v8::Isolate* isolate);
  ~V8Profiler();  // disposes the CpuProfiler
  V8Profiler(const V8Profiler&) = delete;
  V8Profiler& operator=(const V8Profiler&) = delete;

  Status Start(int interval_us);
  // Fills `profile` (call tree, timed samples) and `notes` (optimisations, deopts, code events).
  Status Stop(CpuProfile* profile, ProfilerNotes* notes);

 private:
  class CodeEvents;
  v8::Isolate* isolate_;
  v8::CpuProfiler* cpu_profiler_ = nullptr;
  std::unique_ptr<CodeEvents> code_events_;
};

}  // namespace duet
