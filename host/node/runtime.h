// NodeRuntime: Node 18 itself (Debian's libnode, through node.h's embedder API) on duet's one
// libuv loop. This first step runs `duet exec FILE.js` and `duet [node options] FILE.js` as `node`
// would; the harness still measures workloads on the V8Runtime subset (host/v8) until they move.
// Not thread-safe: lives on the main thread, like the loop.
#pragma once

#include <node.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/loop.h"
#include "core/status.h"

namespace duet {

// Node's once-per-process state: options parsed, V8 and the platform initialised, OpenSSL,
// ICU, node's signal handling and stdio set up exactly as the `node` binary sets them up.
// V8 can be initialised once per process, so a process uses either this or V8Runtime.
class NodeProcess {
 public:
  NodeProcess() = default;
  ~NodeProcess();  // TearDownOncePerProcess: disposes V8 and the platform
  NodeProcess(const NodeProcess&) = delete;
  NodeProcess& operator=(const NodeProcess&) = delete;

  // `argv` is node's command line ("duet", node options..., script, script args...). Node
  // prints what it has to say about bad options; `*early_exit` is then set to the exit code
  // `node` would have used (also for --v8-options and the like, which print and end).
  Status Init(const std::vector<std::string>& argv, std::optional<int>* early_exit);

  node::MultiIsolatePlatform* platform() const { return result_->platform(); }
  // What node left of the command line: argv[0], the script and its arguments.
  const std::vector<std::string>& args() const { return result_->args(); }
  // Node's own options (process.execArgv), also what child_process.fork passes on.
  const std::vector<std::string>& exec_args() const { return result_->exec_args(); }

 private:
  std::unique_ptr<node::InitializationResult> result_;
};

class NodeRuntime {
 public:
  NodeRuntime(Loop* loop, NodeProcess* process);
  ~NodeRuntime();  // frees the environment, the isolate data and the isolate, in that order
  NodeRuntime(const NodeRuntime&) = delete;
  NodeRuntime& operator=(const NodeRuntime&) = delete;

  // Creates the isolate on the loop (node::NewIsolate registers it with the platform, which
  // adds a uv_async to the loop: the loop must be initialised first) and enters it for the
  // runtime's lifetime, as node's main thread does: Node's libuv callbacks run whoever spins
  // the loop (Python's asyncio too).
  Status Init();

  // Starts node's main in a fresh environment for `args` ("duet", the script and its
  // arguments) and `exec_args` (node's options): the script's top level runs now (or -e, -p,
  // the REPL, stdin), its callbacks as the loop runs. Node itself prints uncaught errors.
  Status Start(const std::vector<std::string>& args, const std::vector<std::string>& exec_args);
  // Spins the loop until node would exit (beforeExit, exit), frees the environment and sets
  // `*exit_code` to node's: process.exit's code, process.exitCode, 1 after an uncaught exception.
  Status Finish(int* exit_code);
  // Start and Finish for the process's own command line: `node FILE ARGS`.
  Status Exec(int* exit_code);

  v8::Isolate* isolate() const { return isolate_; }

 private:
  // What SpinEventLoop does, on duet's loop: run libuv, drain the platform's tasks, emit
  // beforeExit, until nothing is alive or node::Stop was called. Returns false once stopped.
  bool SpinUntilExit();

  Loop* loop_;
  NodeProcess* process_;
  std::shared_ptr<node::ArrayBufferAllocator> allocator_;
  v8::Isolate* isolate_ = nullptr;
  std::unique_ptr<v8::Locker> locker_;  // held from Init to destruction, with the isolate entered
  node::IsolateData* isolate_data_ = nullptr;
  node::Environment* env_ = nullptr;  // between Start and Finish
  v8::Global<v8::Context> context_;
  v8::Global<v8::Value> blackhole_sink_;  // duet.blackhole's target (node/duet_module.h)
  bool stopping_ = false;  // process.exit (or an uncaught exception) called node::Stop
  int exit_code_ = 0;
};

}  // namespace duet
