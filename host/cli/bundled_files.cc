// Locates the bundled files from the running binary's own path; see bundled_files.h.
#include "cli/bundled_files.h"

#include <system_error>

namespace duet {

std::filesystem::path BundledDataDir() {
  std::error_code ec;
  std::filesystem::path exe = std::filesystem::read_symlink("/proc/self/exe", ec);
  // The binary in its build tree measures the source tree's workloads, so an edit is picked up
  // without installing; every other copy is an installed one (scripts/install lays it out).
  if (ec || std::filesystem::equivalent(exe.parent_path(), DUET_BUILD_DIR, ec)) return DUET_SOURCE_DIR;
  return exe.parent_path().parent_path() / "share" / "duet";
}

std::filesystem::path BundledWorkloads() { return BundledDataDir() / "workloads"; }

}  // namespace duet
