// The registry's list of modules (built-ins first, then plugins and test modules) and the
// argument error texts both runtimes raise.
#include "bindings/registry.h"

#include "bindings/builtin_modules.h"

namespace duet {
namespace {

std::deque<BindingModule>& MutableModules() {
  static std::deque<BindingModule> modules = [] {
    // Names, parameters and types only: each adapter generates its entry points for these from
    // the same table (python/duet_module.cc, node/duet_module.cc), so this layer names neither.
    std::vector<BindingModule> builtins = DeclareBuiltinModules<Declare<>>();
    return std::deque<BindingModule>(std::make_move_iterator(builtins.begin()), std::make_move_iterator(builtins.end()));
  }();
  return modules;
}

std::string ParamList(const BindingFunction& fn) {
  std::string list;
  for (const std::string& p : fn.params) list += (list.empty() ? "" : ", ") + p;
  return list;
}

std::string Argument(const BindingFunction& fn, size_t index) {
  return fn.name + "(): argument " + std::to_string(index + 1) + " (" + fn.params[index] + ")";
}

}  // namespace

const std::deque<BindingModule>& Modules() { return MutableModules(); }

const BindingModule* FindModule(std::string_view name) {
  for (const BindingModule& m : Modules()) {
    if (name == m.name) return &m;
  }
  return nullptr;
}

Status AddModule(BindingModule module) {
  if (FindModule(module.name) != nullptr) {
    return Status::Error("a binding module named '" + module.name + "' is already registered");
  }
  MutableModules().push_back(std::move(module));
  return Status::Ok();
}

std::string ArgumentCountError(const BindingFunction& fn, size_t got) {
  std::string takes = fn.required == fn.params.size()
                          ? std::to_string(fn.params.size())
                          : std::to_string(fn.required) + " to " + std::to_string(fn.params.size());
  return fn.name + "() takes " + takes + " argument(s) (" + ParamList(fn) + "), got " + std::to_string(got);
}

std::string ArgumentTypeError(const BindingFunction& fn, size_t index) {
  return Argument(fn, index) + " must be " + fn.param_types[index];
}

std::string ArgumentRangeError(const BindingFunction& fn, size_t index) {
  return Argument(fn, index) + " is out of range for " + fn.param_types[index];
}

std::string SignatureText(const BindingFunction& fn) {
  std::string text = fn.name + "(";
  for (size_t i = 0; i < fn.params.size(); ++i) {
    text += (i > 0 ? ", " : "") + fn.params[i] + ": " + fn.param_types[i];
  }
  return text + ") -> " + fn.result_type;
}

}  // namespace duet
