// Declaring a binding: one line per function, Fn<&Crc32>("crc32", {"data"}, "doc"). The typed
// signature of the C++ function decides every conversion; each runtime's entry points are
// generated from it by that adapter's glue (python/binding_glue.h, node/binding_glue.h). No
// per-runtime glue by hand.
//
// Declare<Glue...> fills the entry points of the adapters named: the registry declares the
// built-ins with none (names and types), each adapter generates its own from the same
// declarations (bindings/builtin_modules.h), and code linked with both (tests, embedders)
// includes session/declare_both.h for the plain Fn<&F>(...).
#pragma once

#include <string>
#include <vector>

#include "bindings/registry.h"
#include "bindings/types.h"

namespace duet {

namespace detail {
template <typename Sig> struct ParamTypes;
template <typename R, typename... A> struct ParamTypes<R (*)(A...)> {
  static std::vector<std::string> Get() { return {TypeNameOf<A>()...}; }
  static std::string Result() { return TypeNameOf<R>(); }
};
}  // namespace detail

// Each Glue has `template <auto F> static void Fill(BindingFunction*, FastPath)`.
template <typename... Glue>
struct Declare {
  template <auto F, size_t N>
  static BindingFunction Fn(const char* name, const char* const (&params)[N], const char* doc,
                            FastPath fast = FastPath::kWhenScalar) {
    static_assert(N == Signature<PlainSignature<decltype(F)>>::kArity, "name every parameter, once");
    return Make<F>(name, std::vector<std::string>(params, params + N), doc, fast);
  }

  // A function without parameters.
  template <auto F>
  static BindingFunction Fn(const char* name, const char* doc, FastPath fast = FastPath::kWhenScalar) {
    static_assert(Signature<PlainSignature<decltype(F)>>::kArity == 0, "this function takes parameters: name them");
    return Make<F>(name, {}, doc, fast);
  }

 private:
  template <auto F>
  static BindingFunction Make(const char* name, std::vector<std::string> params, const char* doc, [[maybe_unused]] FastPath fast) {
    using Sig = PlainSignature<decltype(F)>;
    BindingFunction fn;
    fn.name = name;
    fn.doc = doc;
    fn.params = std::move(params);
    fn.param_types = detail::ParamTypes<Sig>::Get();
    fn.result_type = detail::ParamTypes<Sig>::Result();
    fn.required = Signature<Sig>::kRequired;
    (Glue::template Fill<F>(&fn, fast), ...);
    return fn;
  }
};

}  // namespace duet
