// Plugin loading: dlopen, the one C entry point, the ABI version check, then each C function
// table becomes registry entries whose glue converts by the declared type codes.
#include "bindings/plugin.h"

#include <dlfcn.h>

#include <memory>
#include <vector>

#include "bindings/registry.h"
#include "bindings/types.h"

namespace duet {
namespace {

struct DlClose {
  void operator()(void* handle) const { dlclose(handle); }
};
using Library = std::unique_ptr<void, DlClose>;

// Open until exit: functions, names and docs of the registered modules point into them. Built
// before the runtimes (plugins load first), so destroyed after them.
std::vector<Library>& Libraries() {
  static std::vector<Library> libraries;
  return libraries;
}

Status ToModule(const std::string& path, const duet_module& m, BindingModule* out) {
  if (m.name == nullptr || m.name[0] == '\0') return Status::Error(path + ": a module has no name");
  out->name = m.name;
  out->doc = m.doc != nullptr ? m.doc : "";
  for (uint32_t f = 0; f < m.function_count; ++f) {
    const duet_function& c = m.functions[f];
    std::string where = path + ": " + out->name + "." + (c.name != nullptr ? c.name : "?");
    if (c.name == nullptr || c.call == nullptr) return Status::Error(where + ": no name or no function");
    BindingFunction fn;
    fn.name = c.name;
    fn.doc = c.doc != nullptr ? c.doc : "";
    for (uint32_t i = 0; i < c.param_count; ++i) {
      const char* type = PluginTypeName(c.param_types[i]);
      if (type == nullptr || c.param_types[i] == DUET_VOID) {
        return Status::Error(where + ": parameter " + std::to_string(i + 1) + " has unknown type code " +
                             std::to_string(c.param_types[i]));
      }
      fn.params.push_back(c.param_names != nullptr && c.param_names[i] != nullptr ? c.param_names[i]
                                                                                 : "arg" + std::to_string(i + 1));
      fn.param_types.push_back(type);
    }
    if (PluginTypeName(c.result_type) == nullptr) {
      return Status::Error(where + ": unknown result type code " + std::to_string(c.result_type));
    }
    fn.result_type = PluginTypeName(c.result_type);
    fn.required = c.param_count;
    fn.plugin = &c;
    out->functions.push_back(std::move(fn));
  }
  return Status::Ok();
}

}  // namespace

Status LoadPlugin(const std::string& path) {
  // A path without a slash would make dlopen search the library path instead of the file named.
  std::string file = path.find('/') == std::string::npos ? "./" + path : path;
  Library library(dlopen(file.c_str(), RTLD_NOW | RTLD_LOCAL));
  if (!library) return Status::Error(std::string("cannot load plugin: ") + dlerror());
  auto entry = reinterpret_cast<duet_plugin_entry_fn>(dlsym(library.get(), DUET_PLUGIN_ENTRY));
  if (entry == nullptr) {
    return Status::Error(path + ": not a duet plugin (it does not export " DUET_PLUGIN_ENTRY ")");
  }
  const duet_plugin* plugin = entry(DUET_PLUGIN_ABI_VERSION);
  if (plugin == nullptr) {
    return Status::Error(path + ": the plugin refused this duet (plugin ABI " +
                         std::to_string(DUET_PLUGIN_ABI_VERSION) + ")");
  }
  // Only the first field is read before the version is known to match.
  if (plugin->abi_version != DUET_PLUGIN_ABI_VERSION) {
    return Status::Error(path + ": built for duet plugin ABI " + std::to_string(plugin->abi_version) +
                         ", but this duet speaks plugin ABI " + std::to_string(DUET_PLUGIN_ABI_VERSION) +
                         "; rebuild it against this duet's duet/plugin.h");
  }
  std::vector<BindingModule> modules(plugin->module_count);
  for (uint32_t i = 0; i < plugin->module_count; ++i) {
    DUET_RETURN_IF_ERROR(ToModule(path, plugin->modules[i], &modules[i]));
  }
  for (BindingModule& module : modules) {
    Status added = AddModule(std::move(module));
    if (!added.ok()) return Status::Error(path + ": " + added.message());
  }
  Libraries().push_back(std::move(library));
  return Status::Ok();
}

}  // namespace duet
