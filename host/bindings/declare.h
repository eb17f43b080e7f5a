// Declaring a binding: one line per function, Fn<&Crc32>("crc32", {"data"}, "doc"). The typed
// signature of the C++ function decides every conversion; the V8 and CPython entry points are
// generated from it (v8/binding_glue.h, python/binding_glue.h). No per-runtime glue by hand.
#pragma once

#include "python/binding_glue.h"  // Python.h first
#include "node/binding_glue.h"

#include <array>

namespace duet {

// kSlowOnly: no V8 fast path, for comparison (the benchmark) or for functions that must see
// every argument check (the fast path ignores extra arguments, as V8 does for its own builtins).
enum class FastPath { kWhenScalar, kSlowOnly };

namespace detail {
template <typename Sig> struct ParamTypes;
template <typename R, typename... A> struct ParamTypes<R (*)(A...)> {
  static std::vector<std::string> Get() { return {TypeNameOf<A>()...}; }
  static std::string Result() { return TypeNameOf<R>(); }
};

template <auto F>
BindingFunction Declare(const char* name, std::vector<std::string> params, const char* doc, FastPath fast) {
  using Sig = PlainSignature<decltype(F)>;
  BindingFunction fn;
  fn.name = name;
  fn.doc = doc;
  fn.params = std::move(params);
  fn.param_types = ParamTypes<Sig>::Get();
  fn.result_type = ParamTypes<Sig>::Result();
  fn.required = Signature<Sig>::kRequired;
  fn.v8 = v8glue::EntryFor<F>(fast == FastPath::kWhenScalar);
  fn.python = pyglue::EntryFor<F>();
  return fn;
}
}  // namespace detail

template <auto F, size_t N>
BindingFunction Fn(const char* name, const char* const (&params)[N], const char* doc,
                   FastPath fast = FastPath::kWhenScalar) {
  static_assert(N == Signature<PlainSignature<decltype(F)>>::kArity, "name every parameter, once");
  return detail::Declare<F>(name, std::vector<std::string>(params, params + N), doc, fast);
}

// A function without parameters.
template <auto F>
BindingFunction Fn(const char* name, const char* doc, FastPath fast = FastPath::kWhenScalar) {
  static_assert(Signature<PlainSignature<decltype(F)>>::kArity == 0, "this function takes parameters: name them");
  return detail::Declare<F>(name, {}, doc, fast);
}

}  // namespace duet
