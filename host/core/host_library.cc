// Finds, loads and checks duet's own shared libraries; see host_library.h.
#include "core/host_library.h"

#include <dlfcn.h>

#include <filesystem>
#include <string>
#include <system_error>

#include "core/version.h"

namespace duet {
namespace {

using EntryFunction = const HostLibraryStamp* (*)();

std::filesystem::path ExecutableDirectory() {
  std::error_code error;
  std::filesystem::path self = std::filesystem::read_symlink("/proc/self/exe", error);
  return error ? std::filesystem::path() : self.parent_path();
}

Status Check(const HostLibraryStamp* stamp, uint32_t interface_version, const std::string& where) {
  if (stamp->interface_version != interface_version || std::string(stamp->git_commit) != kDuetGitCommit) {
    return Status::Error(where + " comes from another build of duet (commit " + stamp->git_commit + ", this duet is " +
                         kDuetGitCommit + "); rebuild (scripts/build) or reinstall (scripts/install)");
  }
  return Status::Ok();
}

}  // namespace

Status LoadHostLibrary(const char* file_name, const char* entry_symbol, uint32_t interface_version,
                       const HostLibraryStamp** table) {
  if (auto entry = reinterpret_cast<EntryFunction>(dlsym(RTLD_DEFAULT, entry_symbol))) {
    *table = entry();
    return Check(*table, interface_version, std::string("the linked ") + file_name);
  }
  std::filesystem::path directory = ExecutableDirectory();
  std::string tried;
  for (const std::filesystem::path& candidate : {directory / file_name, directory / ".." / "lib" / "duet" / file_name}) {
    if (!std::filesystem::exists(candidate)) {
      tried += (tried.empty() ? "" : ", ") + candidate.lexically_normal().string();
      continue;
    }
    // RTLD_GLOBAL: what the library brings is there for later libraries too (Node's native
    // addons find napi_* and V8's symbols in libnode, as they do in the node binary).
    // RTLD_LAZY, as the node binary binds libnode: binding every PLT entry of libnode and its
    // libraries at once cost `duet exec empty.js` 2% of its CPU (285 -> 280 ms); the stamp
    // below already refuses a library from another build.
    void* handle = dlopen(candidate.c_str(), RTLD_LAZY | RTLD_GLOBAL | RTLD_NODELETE);
    if (handle == nullptr) return Status::Error(dlerror());
    auto entry = reinterpret_cast<EntryFunction>(dlsym(handle, entry_symbol));
    if (entry == nullptr) return Status::Error(candidate.string() + " has no " + entry_symbol);
    *table = entry();
    return Check(*table, interface_version, candidate.string());
  }
  return Status::Error(std::string(file_name) + " not found (looked for " + tried +
                       "); rebuild (scripts/build) or reinstall (scripts/install)");
}

}  // namespace duet
