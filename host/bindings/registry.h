// The bindings table: every native function duet exposes to scripts is declared here once
// (module, name, signature, doc), and both runtimes build their glue by iterating it.
// Thread-safety: the table is immutable after start-up.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace duet {

// The types a signature may name; each runtime converts its values by these.
enum class BindingType { kVoid, kInt64, kDouble, kBool, kString, kBytes };

// A value on the C++ side of a call. Bytes are held in a std::string (not text).
struct Bytes {
  std::string data;
};
using BindingValue = std::variant<std::monostate, int64_t, double, bool, std::string, Bytes>;

struct BindingFunction {
  const char* name;
  const char* doc;
  BindingType result;
  std::vector<BindingType> params;
  // May throw std::exception; the runtime glue turns it into a JS Error / Python RuntimeError.
  BindingValue (*invoke)(std::span<const BindingValue> args);
};

struct BindingModule {
  // Scripts import it as 'duet:<name>' (JS) and `from duet import <name>` (Python); the module
  // named "duet" is the core module itself.
  const char* name;
  const char* doc;
  std::vector<BindingFunction> functions;
};

// Every built-in module, in registration order. The core module "duet" comes first.
const std::vector<BindingModule>& BuiltinModules();

// Human name of a type for error messages ("int", "bytes", ...).
const char* BindingTypeName(BindingType type);
// The TypeError texts both runtimes raise, so the two languages report bad calls alike.
std::string ArgumentCountError(const BindingFunction& fn, size_t got);
std::string ArgumentTypeError(const BindingFunction& fn, size_t index);

}  // namespace duet
