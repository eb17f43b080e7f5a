// The built-in binding modules, one line per function. Runtimes never hand-write glue for these.
#include <zlib.h>

#include "bindings/registry.h"
#include "core/clock.h"

namespace duet {
namespace {

BindingValue Now(std::span<const BindingValue>) { return static_cast<int64_t>(NowNs()); }

BindingValue Crc32(std::span<const BindingValue> args) {
  const std::string& data = std::get<Bytes>(args[0]).data;
  uLong crc = crc32(0L, reinterpret_cast<const Bytef*>(data.data()), static_cast<uInt>(data.size()));
  return static_cast<int64_t>(crc);
}

// FNV-1a, 64-bit, folded to 53 bits so the value is exact as a JS Number too.
BindingValue Fnv1a53(std::span<const BindingValue> args) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : std::get<Bytes>(args[0]).data) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return static_cast<int64_t>(h & ((1ull << 53) - 1));
}

}  // namespace

const std::vector<BindingModule>& BuiltinModules() {
  using T = BindingType;
  static const std::vector<BindingModule> modules = {
      {"duet", "The host: clock, parameters, result sink.",
       {
           {"now", "Monotonic clock in nanoseconds.", T::kInt64, {}, Now},
       }},
      {"hash", "Checksums computed natively.",
       {
           {"crc32", "CRC-32 (zlib) of bytes.", T::kInt64, {T::kBytes}, Crc32},
           {"fnv1a53", "FNV-1a 64-bit hash of bytes, masked to 53 bits.", T::kInt64, {T::kBytes}, Fnv1a53},
       }},
  };
  return modules;
}

const char* BindingTypeName(BindingType type) {
  switch (type) {
    case BindingType::kVoid: return "None";
    case BindingType::kInt64: return "int";
    case BindingType::kDouble: return "float";
    case BindingType::kBool: return "bool";
    case BindingType::kString: return "str";
    case BindingType::kBytes: return "bytes";
  }
  return "?";
}

std::string ArgumentCountError(const BindingFunction& fn, size_t got) {
  return std::string(fn.name) + "() takes " + std::to_string(fn.params.size()) +
         " argument(s), got " + std::to_string(got);
}

std::string ArgumentTypeError(const BindingFunction& fn, size_t index) {
  return std::string(fn.name) + "(): argument " + std::to_string(index + 1) + " must be " +
         BindingTypeName(fn.params[index]);
}

}  // namespace duet
