// The bindings registry: every native module duet exposes to scripts, each function declared
// once (bindings/declare.h) with its generated V8 and CPython entry points. Runtimes iterate it.
// Thread-safety: filled before the runtimes start (built-ins, then --plugin), read-only after.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <deque>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"
#include "duet/plugin.h"

namespace v8 {
class Value;
template <typename T> class FunctionCallbackInfo;
class CFunction;
}  // namespace v8
struct _object;  // PyObject

namespace duet {

// kSlowOnly: no V8 fast path, for comparison (the benchmark) or for functions that must see
// every argument check (the fast path ignores extra arguments, as V8 does for its own builtins).
enum class FastPath { kWhenScalar, kSlowOnly };

// A function's V8 entry points: the FunctionCallback every call may take, and for scalar
// signatures the v8::CFunction that optimised code calls instead.
struct V8Entry {
  void (*slow)(const v8::FunctionCallbackInfo<v8::Value>&) = nullptr;
  const v8::CFunction* (*fast)() = nullptr;  // null: no fast path
};
// A function's CPython entry point, called as METH_FASTCALL with the function's capsule as self.
using PyEntry = _object* (*)(_object* self, _object* const* args, ssize_t nargs);

struct BindingFunction {
  std::string name;
  std::string doc;
  std::vector<std::string> params;       // parameter names, for errors and docs
  std::vector<std::string> param_types;  // their type names ("int", "bytes", ...)
  std::string result_type;
  size_t required = 0;  // leading parameters that must be passed (the rest are optional)
  V8Entry v8;
  PyEntry python = nullptr;
  const duet_function* plugin = nullptr;  // plugin functions: the C thunk the entries call
};

struct BindingModule {
  // Scripts import it as 'duet:<name>' (JS) and `from duet import <name>` (Python); the module
  // named "duet" is the core module itself.
  std::string name;
  std::string doc;
  std::vector<BindingFunction> functions;
};

// Built-ins (bindings/builtin_modules.h, the core module "duet" first), then every module added
// since, in order. Elements never move.
const std::deque<BindingModule>& Modules();
const BindingModule* FindModule(std::string_view name);
// Adds a module before the runtimes start (plugins, tests); a name already taken is an error.
Status AddModule(BindingModule module);

// The error texts both runtimes raise, so the two languages report bad calls alike.
std::string ArgumentCountError(const BindingFunction& fn, size_t got);
std::string ArgumentTypeError(const BindingFunction& fn, size_t index);    // TypeError
std::string ArgumentRangeError(const BindingFunction& fn, size_t index);   // RangeError / OverflowError
// "add(a: int, b: int) -> int": the first line of each function's doc string.
std::string SignatureText(const BindingFunction& fn);

// Calls that took V8's fast path (v8::CFunction) since start; tests and the benchmark read it
// (bench.fast_calls()) to prove optimised code really calls the fast entry.
inline uint64_t g_fast_api_calls = 0;

}  // namespace duet
