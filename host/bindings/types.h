// The C++ types a binding's signature may use; each runtime's glue (v8/binding_glue.h,
// python/binding_glue.h) converts script values to and from exactly these. Table: docs/bindings.md.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "duet/plugin.h"

namespace duet {

// Read-only bytes borrowed from the caller for the duration of the call (Uint8Array, any
// ArrayBufferView or ArrayBuffer / bytes, bytearray, memoryview; text as its UTF-8).
struct BytesView {
  const uint8_t* data = nullptr;
  size_t size = 0;
  std::string_view str() const { return {reinterpret_cast<const char*>(data), size}; }
};
// Owned bytes a binding returns: a Uint8Array / bytes.
using Bytes = std::vector<uint8_t>;

// Read-only doubles borrowed from the caller (Float64Array / a buffer of 'd'), or copied from
// an Array / sequence of numbers, for the duration of the call.
struct DoublesView {
  const double* data = nullptr;
  size_t size = 0;
  const double* begin() const { return data; }
  const double* end() const { return data + size; }
};
// Owned doubles a binding returns: a Float64Array / list of floats.
using Doubles = std::vector<double>;

// What reading one argument came to, in both adapters' casters (Arg<T>::Read): converted, the
// wrong type (TypeError), or out of range (RangeError / OverflowError).
enum class Conv { kOk, kType, kRange };

// A script function passed in, callable from C++ with converted arguments while the binding
// runs (never after it returns). When the script function raises, the call throws ScriptError
// and the glue re-raises the script's own exception.
template <typename Sig> class Callback;
template <typename R, typename... A>
class Callback<R(A...)> {
 public:
  explicit Callback(std::function<R(A...)> fn) : fn_(std::move(fn)) {}
  R operator()(A... args) const { return fn_(std::forward<A>(args)...); }

 private:
  std::function<R(A...)> fn_;
};

// The script's exception is already pending in its runtime; only unwinds our own C++ frames.
struct ScriptError : std::exception {
  const char* what() const noexcept override { return "exception in a script callback"; }
};

// Signature introspection shared by both runtimes' glue.
template <typename T> struct IsOptional : std::false_type {};
template <typename T> struct IsOptional<std::optional<T>> : std::true_type {};

// Strips noexcept, which is part of a function pointer's type but not of its signature.
template <typename Sig> struct Plain { using type = Sig; };
template <typename R, typename... A> struct Plain<R (*)(A...) noexcept> { using type = R (*)(A...); };
template <typename Sig> using PlainSignature = typename Plain<Sig>::type;

template <typename Sig> struct Signature;
template <typename R, typename... A>
struct Signature<R (*)(A...)> {
  using Result = R;
  static constexpr size_t kArity = sizeof...(A);
  // Trailing optional parameters may be omitted.
  static constexpr size_t kRequired = [] {
    constexpr bool optional[] = {IsOptional<std::decay_t<A>>::value..., false};
    size_t n = sizeof...(A);
    while (n > 0 && optional[n - 1]) --n;
    return n;
  }();
};

// Every plain type a binding's signature may use, one row each: the C++ type, the name errors
// and docs use for it (the same words in both languages), and its code in the plugin ABI
// (duet/plugin.h; kNoPluginType when plugins cannot use it). TypeName<T> and PluginTypeName()
// are generated from it; docs/bindings.md has the table with each runtime's values.
inline constexpr uint8_t kNoPluginType = 0xff;
#define DUET_BINDING_TYPE_MAP(X)                \
  X(void, "None", DUET_VOID)                    \
  X(int64_t, "int", DUET_INT64)                 \
  X(uint64_t, "unsigned int", kNoPluginType)    \
  X(double, "float", DUET_DOUBLE)               \
  X(bool, "bool", DUET_BOOL)                    \
  X(std::string, "str", DUET_STRING)            \
  X(std::string_view, "str", DUET_STRING)       \
  X(BytesView, "bytes", DUET_BYTES)             \
  X(Bytes, "bytes", DUET_BYTES)                 \
  X(DoublesView, "float array", kNoPluginType)  \
  X(Doubles, "float array", kNoPluginType)

template <typename T> struct TypeName;
#define DUET_TYPE_NAME(type, name, code) \
  template <> struct TypeName<type> {    \
    static std::string Get() { return name; } \
  };
DUET_BINDING_TYPE_MAP(DUET_TYPE_NAME)
#undef DUET_TYPE_NAME

// The name of plugin type code `code`, or nullptr for a code the ABI does not have.
inline const char* PluginTypeName(uint8_t code) {
#define DUET_PLUGIN_TYPE_NAME(type, name, type_code) \
  if (code == (type_code) && code != kNoPluginType) return name;
  DUET_BINDING_TYPE_MAP(DUET_PLUGIN_TYPE_NAME)
#undef DUET_PLUGIN_TYPE_NAME
  return nullptr;
}

template <typename T> struct TypeName<std::optional<T>> {
  static std::string Get() { return TypeName<T>::Get() + " or None"; }
};
template <typename R, typename... A> struct TypeName<Callback<R(A...)>> {
  static std::string Get() { return "function"; }
};
template <typename T> std::string TypeNameOf() { return TypeName<std::decay_t<T>>::Get(); }

}  // namespace duet
