// Fn<&F>(...) for code linked with both adapters (tests, embedders): a declaration that fills
// the CPython and the V8 entry points at once. See bindings/declare.h. It lives in the session
// layer, the one above both adapters, because it names both.
#pragma once

#include "python/binding_glue.h"  // Python.h first
#include "node/binding_glue.h"
#include "bindings/declare.h"

namespace duet {

using BothRuntimes = Declare<pyglue::Entries, v8glue::Entries>;

template <auto F, size_t N>
BindingFunction Fn(const char* name, const char* const (&params)[N], const char* doc,
                   FastPath fast = FastPath::kWhenScalar) {
  return BothRuntimes::Fn<F>(name, params, doc, fast);
}

template <auto F>
BindingFunction Fn(const char* name, const char* doc, FastPath fast = FastPath::kWhenScalar) {
  return BothRuntimes::Fn<F>(name, doc, fast);
}

}  // namespace duet
