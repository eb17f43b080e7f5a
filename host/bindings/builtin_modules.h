// The built-in binding modules, one line per function, declared once for both runtimes: the
// registry instantiates the table without glue (names and types), and each adapter with its own
// (python/duet_module.cc, node/duet_module.cc). Runtimes never hand-write glue for these.
#pragma once

#include <zlib.h>

#include <vector>

#include "bindings/declare.h"
#include "core/clock.h"

namespace duet {
namespace builtin {

inline int64_t Now() noexcept { return static_cast<int64_t>(NowNs()); }

inline int64_t Crc32(BytesView data) noexcept { return static_cast<int64_t>(crc32_z(0L, data.data, data.size)); }

inline uint64_t Fnv1a64(BytesView data) noexcept {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < data.size; ++i) {
    h ^= data.data[i];
    h *= 1099511628211ull;
  }
  return h;
}

// Folded to 53 bits so the value is exact as a JS Number too.
inline int64_t Fnv1a53(BytesView data) noexcept { return static_cast<int64_t>(Fnv1a64(data) & ((1ull << 53) - 1)); }

// The benchmark's subjects (bench/bindings): the cost of the crossing itself.
inline void Noop() noexcept {}
inline int64_t Add(int64_t a, int64_t b) noexcept { return a + b; }
inline int64_t FastCalls() noexcept { return static_cast<int64_t>(g_fast_api_calls); }

}  // namespace builtin

// `D` is a Declare<Glue...> (bindings/declare.h): which entry points the declarations fill.
template <typename D>
std::vector<BindingModule> DeclareBuiltinModules() {
  using namespace builtin;
  std::vector<BindingModule> modules;
  modules.push_back({"duet", "The host: clock, parameters, result sink.",
                     {
                         D::template Fn<&Now>("now", "Monotonic clock in nanoseconds."),
                     }});
  modules.push_back({"hash", "Checksums computed natively.",
                     {
                         D::template Fn<&Crc32>("crc32", {"data"}, "CRC-32 (zlib) of bytes."),
                         D::template Fn<&Fnv1a64>("fnv1a64", {"data"}, "FNV-1a 64-bit hash of bytes (a BigInt in JS when above 2^53)."),
                         D::template Fn<&Fnv1a53>("fnv1a53", {"data"}, "FNV-1a 64-bit hash of bytes, masked to 53 bits."),
                     }});
  modules.push_back({"bench", "What a call into native code costs (bench/bindings).",
                     {
                         D::template Fn<&Noop>("noop", "Does nothing (V8 fast path when optimised)."),
                         D::template Fn<&Add>("add", {"a", "b"}, "a + b (V8 fast path when optimised)."),
                         D::template Fn<&Noop>("noop_slow", "Does nothing, always through the V8 FunctionCallback.", FastPath::kSlowOnly),
                         D::template Fn<&Add>("add_slow", {"a", "b"}, "a + b, always through the V8 FunctionCallback.", FastPath::kSlowOnly),
                         D::template Fn<&FastCalls>("fast_calls", "Calls that took V8's fast path (v8::CFunction) so far in this process."),
                     }});
  return modules;
}

// The declaration of `module`'s function `index` in `declared`, an adapter's own instantiation
// of the table above (with its glue), or nullptr when `module` is not a built-in: how each adapter
// finds the entry points that the registry's glue-less declarations lack.
inline const BindingFunction* DeclaredBuiltin(const std::vector<BindingModule>& declared, const BindingModule& module,
                                              size_t index) {
  for (const BindingModule& builtin : declared) {
    if (builtin.name == module.name && index < builtin.functions.size() &&
        builtin.functions[index].name == module.functions[index].name) {
      return &builtin.functions[index];
    }
  }
  return nullptr;
}

}  // namespace duet
