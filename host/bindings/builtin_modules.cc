// The built-in binding modules with their CPython entry points; the table is in builtin_modules.h.
#include "python/binding_glue.h"  // Python.h first
#include "bindings/builtin_modules.h"

namespace duet {

std::vector<BindingModule> BuiltinModules() { return DeclareBuiltinModules<Declare<pyglue::Entries>>(); }

}  // namespace duet
