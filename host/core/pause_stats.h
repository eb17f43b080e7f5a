// PauseStats: count, total and longest of one kind of pause (a V8 GC type, a CPython GC
// generation), shared by both runtimes' counters so they report in the same shape.
#pragma once

#include <algorithm>
#include <cstdint>

namespace duet {

struct PauseStats {
  uint64_t count = 0;
  uint64_t total_ns = 0;
  uint64_t max_ns = 0;

  void Add(uint64_t ns) {
    ++count;
    total_ns += ns;
    max_ns = std::max(max_ns, ns);
  }
  // Folds another kind's pauses into this total.
  void Merge(const PauseStats& other) {
    count += other.count;
    total_ns += other.total_ns;
    max_ns = std::max(max_ns, other.max_ns);
  }
};

}  // namespace duet
