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

// The names errors and docs use for a type: the same words in both languages.
template <typename T> struct TypeName;
template <> struct TypeName<void> { static std::string Get() { return "None"; } };
template <> struct TypeName<int64_t> { static std::string Get() { return "int"; } };
template <> struct TypeName<uint64_t> { static std::string Get() { return "unsigned int"; } };
template <> struct TypeName<double> { static std::string Get() { return "float"; } };
template <> struct TypeName<bool> { static std::string Get() { return "bool"; } };
template <> struct TypeName<std::string> { static std::string Get() { return "str"; } };
template <> struct TypeName<std::string_view> { static std::string Get() { return "str"; } };
template <> struct TypeName<BytesView> { static std::string Get() { return "bytes"; } };
template <> struct TypeName<Bytes> { static std::string Get() { return "bytes"; } };
template <> struct TypeName<DoublesView> { static std::string Get() { return "float array"; } };
template <> struct TypeName<Doubles> { static std::string Get() { return "float array"; } };
template <typename T> struct TypeName<std::optional<T>> {
  static std::string Get() { return TypeName<T>::Get() + " or None"; }
};
template <typename R, typename... A> struct TypeName<Callback<R(A...)>> {
  static std::string Get() { return "function"; }
};
template <typename T> std::string TypeNameOf() { return TypeName<std::decay_t<T>>::Get(); }

}  // namespace duet
