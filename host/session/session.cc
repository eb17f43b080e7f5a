// Session set-up and teardown order; see session.h.
#include "session/session.h"

#include "core/clock.h"
#include "core/text.h"
#include "python/runtime.h"
#include "node/library.h"
#include "session/node_library.h"

namespace duet {

Session::Session() = default;

Session::~Session() {
  python_.reset();
  node_.reset();
  loop_.Close();
}

Status Session::Init(const SessionLimits& limits, Engines engines, const std::vector<std::string>& node_options) {
  DUET_RETURN_IF_ERROR(loop_.Init());
  uint64_t started = NowNs();
  if (engines == Engines::kBoth) {
    const NodeLibrary* node = nullptr;
    DUET_RETURN_IF_ERROR(LoadNodeLibrary(&node));
    DUET_RETURN_IF_ERROR(node->start_runtime(&loop_, node_options, limits.js_max_heap_bytes, &node_));
    cold_start_.v8_ns = NowNs() - started;
  }
  started = NowNs();
  python_ = std::make_unique<PythonRuntime>(&loop_);
  DUET_RETURN_IF_ERROR(python_->Init(engines == Engines::kBoth ? PythonRuntime::Use::kHarness : PythonRuntime::Use::kScript));
  if (limits.py_max_memory_bytes > 0) PythonRuntime::SetMaxMemory(limits.py_max_memory_bytes);
  cold_start_.cpython_ns = NowNs() - started;
  return Status::Ok();
}

Status Session::Start(const EngineOptions& engine, const SessionLimits& limits, Engines engines) {
  PythonRuntime::SetXOptions(engine.py_options);
  DUET_RETURN_IF_ERROR(Init(limits, engines, engine.NodeOptionWords()));
  return python_->SetAsyncioLoop(engine.py_loop);
}

void Session::TracePythonMalloc(bool on) { python_->set_trace_malloc(on); }

std::vector<std::string> EngineOptions::NodeOptionWords() const {
  std::vector<std::string> words = SplitOptionWords(v8_flags);
  for (std::string& word : SplitOptionWords(node_options)) words.push_back(std::move(word));
  return words;
}

Runtime& Session::js() { return *node_; }
PythonRuntime& Session::python() { return *python_; }

std::vector<Runtime*> Session::runtimes() {
  std::vector<Runtime*> started;
  if (node_ != nullptr) started.push_back(node_.get());
  if (python_ != nullptr) started.push_back(python_.get());
  return started;
}

Runtime* Session::ForScript(const std::string& path) {
  auto ends_with = [&](const char* suffix) {
    std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".js") || ends_with(".mjs") || ends_with(".cjs")) return node_.get();
  if (ends_with(".py")) return python_.get();
  return nullptr;
}

}  // namespace duet
