// The built-in binding modules, one line per function. Runtimes never hand-write glue for these.
#include "bindings/declare.h"  // Python.h first

#include <zlib.h>

#include "core/clock.h"

namespace duet {
namespace {

int64_t Now() noexcept { return static_cast<int64_t>(NowNs()); }

int64_t Crc32(BytesView data) noexcept { return static_cast<int64_t>(crc32_z(0L, data.data, data.size)); }

uint64_t Fnv1a64(BytesView data) noexcept {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < data.size; ++i) {
    h ^= data.data[i];
    h *= 1099511628211ull;
  }
  return h;
}

// Folded to 53 bits so the value is exact as a JS Number too.
int64_t Fnv1a53(BytesView data) noexcept { return static_cast<int64_t>(Fnv1a64(data) & ((1ull << 53) - 1)); }

// The benchmark's subjects (bench/bindings): the cost of the crossing itself.
void Noop() noexcept {}
int64_t Add(int64_t a, int64_t b) noexcept { return a + b; }
int64_t FastCalls() noexcept { return static_cast<int64_t>(g_fast_api_calls); }

}  // namespace

std::vector<BindingModule> BuiltinModules() {
  std::vector<BindingModule> modules;
  modules.push_back({"duet", "The host: clock, parameters, result sink.",
                     {
                         Fn<&Now>("now", "Monotonic clock in nanoseconds."),
                     }});
  modules.push_back({"hash", "Checksums computed natively.",
                     {
                         Fn<&Crc32>("crc32", {"data"}, "CRC-32 (zlib) of bytes."),
                         Fn<&Fnv1a64>("fnv1a64", {"data"}, "FNV-1a 64-bit hash of bytes (a BigInt in JS when above 2^53)."),
                         Fn<&Fnv1a53>("fnv1a53", {"data"}, "FNV-1a 64-bit hash of bytes, masked to 53 bits."),
                     }});
  modules.push_back({"bench", "What a call into native code costs (bench/bindings).",
                     {
                         Fn<&Noop>("noop", "Does nothing (V8 fast path when optimised)."),
                         Fn<&Add>("add", {"a", "b"}, "a + b (V8 fast path when optimised)."),
                         Fn<&Noop>("noop_slow", "Does nothing, always through the V8 FunctionCallback.", FastPath::kSlowOnly),
                         Fn<&Add>("add_slow", {"a", "b"}, "a + b, always through the V8 FunctionCallback.", FastPath::kSlowOnly),
                         Fn<&FastCalls>("fast_calls", "Calls that took V8's fast path (v8::CFunction) so far in this process."),
                     }});
  return modules;
}

}  // namespace duet
