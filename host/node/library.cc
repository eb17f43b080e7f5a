// libduet_node.so's entry table (node/library.h): the two ways the executable starts Node.
#include "node/library.h"

#include <fmt/format.h>

#include <optional>

#include "core/version.h"
#include "node/runtime.h"

namespace duet {
namespace {

Status StartRuntime(Loop* loop, const std::vector<std::string>& node_options, size_t max_heap_bytes,
                    std::unique_ptr<Runtime>* runtime) {
  std::vector<std::string> argv = {"duet"};
  argv.insert(argv.end(), node_options.begin(), node_options.end());
  NodeProcess* process = nullptr;
  DUET_RETURN_IF_ERROR(NodeProcess::Shared(argv, &process));
  auto node = std::make_unique<NodeRuntime>(loop, process);
  DUET_RETURN_IF_ERROR(node->Init(max_heap_bytes));
  *runtime = std::move(node);
  return Status::Ok();
}

int RunCommandLine(const std::vector<std::string>& argv) {
  // Declared in teardown order's reverse: the runtime goes first, then the loop, then Node.
  NodeProcess process;
  std::optional<int> early_exit;
  Status status = process.Init(argv, &early_exit);
  if (status.ok() && early_exit) return *early_exit;
  Loop loop;
  if (status.ok()) status = loop.Init();
  NodeRuntime node(&loop, &process);
  if (status.ok()) status = node.Init();
  int exit_code = 0;
  if (status.ok()) status = node.ExecCommandLine(&exit_code);
  if (!status.ok()) {
    fmt::print(stderr, "duet: cannot start Node: {}\n", status.ToString());
    return 1;
  }
  return exit_code;
}

constexpr NodeLibrary kLibrary = {{NodeLibrary::kInterfaceVersion, kDuetGitCommit}, &StartRuntime, &RunCommandLine};

}  // namespace
}  // namespace duet

// Typed as core/host_library.h calls it (UBSan checks the function type): the stamp, which is
// the table's first member.
extern "C" __attribute__((visibility("default"))) const duet::HostLibraryStamp* duet_node_library() {
  return &duet::kLibrary.stamp;
}
