// PythonRuntime: interpreter lifecycle and the workload contract. PyConfig in isolated mode for
// the harness, python3's own for a script; every PyStatus checked, the `duet` module registered
// before initialisation.
#include "python/runtime.h"

#include <signal.h>

#include "core/clock.h"
#include "python/errors.h"
#include "python/event_loop.h"
#include "python/json_value.h"

extern "C" PyObject* PyInit_duet();

namespace duet {
namespace {

std::vector<std::string>& XOptions() {
  static std::vector<std::string> options;
  return options;
}

// The interpreter lives once per process: extension modules do not survive a re-init. The first
// Get decides what it starts for.
class PythonProcess {
 public:
  static PythonProcess& Get(PythonRuntime::Use use = PythonRuntime::Use::kHarness) {
    static PythonProcess process(use);
    return process;
  }
  const Status& status() const { return status_; }

 private:
  explicit PythonProcess(PythonRuntime::Use use) {
    // The harness is isolated, so a run measures the same interpreter whatever the shell has set
    // (PYTHONPATH, PYTHONHASHSEED, PYTHONMALLOC...). A script starts as `python3 FILE` would:
    // PYTHON* variables, the user's site-packages, and Ctrl-C as KeyboardInterrupt and SIGPIPE
    // ignored (CPython's handlers; no Node shares the process and no watchdog signals it).
    const bool as_python3 = use == PythonRuntime::Use::kScript;
    if (PyImport_AppendInittab("duet", &PyInit_duet) != 0 ||
        PyImport_AppendInittab("_duet_loop", &PyInit__duet_loop) != 0) {
      status_ = Status::Error("PyImport_AppendInittab(duet, _duet_loop) failed");
      return;
    }
    // Text encodings as python3 picks them: LC_CTYPE from the environment, and UTF-8 mode under
    // the C/POSIX locale (the isolated defaults would leave stdout ASCII even under C.UTF-8).
    PyPreConfig preconfig;
    if (as_python3) {
      PyPreConfig_InitPythonConfig(&preconfig);
    } else {
      PyPreConfig_InitIsolatedConfig(&preconfig);
    }
    preconfig.configure_locale = 1;
    preconfig.utf8_mode = -1;
#ifdef DUET_PY_OBJECTS_FROM_MALLOC
    preconfig.allocator = PYMEM_ALLOCATOR_MALLOC;
#endif
    PyStatus pre = Py_PreInitialize(&preconfig);
    if (PyStatus_Exception(pre)) {
      status_ = Status::Error(std::string("Python pre-initialisation failed: ") + (pre.err_msg ? pre.err_msg : "unknown"));
      return;
    }
    PyConfig config;
    if (as_python3) {
      PyConfig_InitPythonConfig(&config);
    } else {
      PyConfig_InitIsolatedConfig(&config);
    }
    // The harness's interpreter must not take SIGINT and friends from the host.
    config.install_signal_handlers = as_python3 ? 1 : 0;
    config.parse_argv = 0;  // duet parsed its command line; sys.argv is set per script
    // Debian's CPython under /usr, whatever python3 comes first on PATH; sys.executable names
    // the real interpreter so subprocess and multiprocessing can start it.
    PyStatus st = PyConfig_SetString(&config, &config.home, DUET_PYTHON_HOME);
    if (!PyStatus_Exception(st)) st = PyConfig_SetString(&config, &config.executable, DUET_PYTHON_EXECUTABLE);
    if (!PyStatus_Exception(st)) st = PyConfig_SetString(&config, &config.program_name, DUET_PYTHON_EXECUTABLE);
    for (const std::string& option : XOptions()) {
      if (PyStatus_Exception(st)) break;
      wchar_t* wide = Py_DecodeLocale(option.c_str(), nullptr);
      st = wide != nullptr ? PyWideStringList_Append(&config.xoptions, wide) : PyStatus_NoMemory();
      PyMem_RawFree(wide);
    }
    if (!PyStatus_Exception(st)) st = Py_InitializeFromConfig(&config);
    PyConfig_Clear(&config);
    if (PyStatus_Exception(st)) {
      status_ = Status::Error(std::string("Python initialisation failed: ") +
                              (st.err_msg ? st.err_msg : "unknown") + (st.func ? std::string(" in ") + st.func : ""));
      return;
    }
    initialized_ = true;
  }
  ~PythonProcess() {
    if (initialized_) Py_FinalizeEx();
  }
  Status status_;
  bool initialized_ = false;
};

}  // namespace

void PythonRuntime::SetXOptions(std::vector<std::string> options) { XOptions() = std::move(options); }

PythonRuntime::PythonRuntime(Loop* loop) : loop_(loop) {}

PythonRuntime::~PythonRuntime() {
  if (!PythonProcess::Get().status().ok()) return;
  loop_->RemoveParticipant(this);
  DropWorkload();
  if (!CallHostHelper("close_session_loop", {})) PyErr_Clear();
  pyloop::SetHostLoop(nullptr, nullptr);
}

Status PythonRuntime::Init(Use use) {
  DUET_RETURN_IF_ERROR(PythonProcess::Get(use).status());
  if (HostHelpers() == nullptr) return pyrt::StatusFromPyErr("cannot start the host helpers");
  DUET_RETURN_IF_ERROR(InstallGcCallback());
  main_thread_ = pthread_self();
  // A script alone skips both (~0.3-0.5 ms of its start): nothing interrupts it, and no Node
  // shares its stdout.
  if (use == Use::kHarness) {
    // A no-op Python handler, so the signal goes through CPython's own C handler (see Interrupt).
    PyRef signum(PyLong_FromLong(WatchdogSignal()));
    if (!CallHostHelper("install_watchdog_signal", {signum.get()})) return pyrt::StatusFromPyErr("the watchdog's signal");
    if (!CallHostHelper("private_stdio", {})) return pyrt::StatusFromPyErr("stdout and stderr");
  }
  loop_->AddParticipant(this);
  pyloop::SetHostLoop(loop_->get(), &loop_->interrupted());
  return Status::Ok();
}

int PythonRuntime::RaiseInterrupt(void* self) {
  // Queued by the watchdog; stale when the call it was meant for has already returned.
  if (!static_cast<PythonRuntime*>(self)->interrupting_) return 0;
  PyErr_SetString(PyExc_KeyboardInterrupt, "interrupted by duet's watchdog");
  return -1;
}

void PythonRuntime::Interrupt() {
  interrupting_ = true;
  // Runs at the next bytecode boundary, or where C code checks for signals (sleep, select, re);
  // a long C loop that does neither (sum(range(10**12))) is out of reach.
  Py_AddPendingCall(&PythonRuntime::RaiseInterrupt, this);
  // CPython 3.11 only notices a pending call added by another thread when the main thread next
  // recomputes its "eval breaker"; a signal does that (on the main thread, in CPython's handler).
  pthread_kill(main_thread_, WatchdogSignal());
  loop_->Interrupt();  // a coroutine waiting on the loop stops waiting
}

void PythonRuntime::ClearInterrupt() {
  interrupting_ = false;
  loop_->ClearInterrupt();
  // Tasks the interrupted workload left on the session loop must not run in the next one.
  if (!CallHostHelper("reset_session_loop", {})) PyErr_Clear();
}

Status PythonRuntime::SetAsyncioLoop(std::string_view kind) {
  if (kind != "uv" && kind != "asyncio") {
    return Status::Error("unknown Python event loop '" + std::string(kind) + "' (expected uv or asyncio)");
  }
  PyRef name(PyUnicode_FromStringAndSize(kind.data(), static_cast<Py_ssize_t>(kind.size())));
  if (!CallHostHelper("set_loop_kind", {name.get()})) return pyrt::StatusFromPyErr("--py-loop");
  return Status::Ok();
}

std::string PythonRuntime::version() const {
  std::string v = Py_GetVersion();
  return v.substr(0, v.find(' '));
}

bool PythonRuntime::DrainReady() {
  // Pending calls (signals, other threads' Py_AddPendingCall) run at the next bytecode
  // boundary while Python runs; between iterations the loop runs them here.
  // An error there (a KeyboardInterrupt) has no script to land in; drop it.
  if (Py_MakePendingCalls() < 0) PyErr_Clear();
  return false;
}

void PythonRuntime::DropWorkload() {
  if (module_) {
    PyRef folder(PyUnicode_FromString(script_.parent_path().c_str()));
    if (!CallHostHelper("unload", {folder.get()})) PyErr_Clear();
  }
  state_ = PyRef();
  result_ = PyRef();
  params_ = PyRef();
  module_ = PyRef();
  exports_ = {};
}

PyObject* PythonRuntime::Export(const char* name) const {
  if (!module_) return nullptr;
  PyObject* dict = PyModule_GetDict(module_.get());  // borrowed
  PyObject* fn = PyDict_GetItemString(dict, name);   // borrowed
  return fn != nullptr && PyCallable_Check(fn) ? fn : nullptr;
}

Status PythonRuntime::Load(const std::filesystem::path& script, const nlohmann::json& params) {
  DropWorkload();
  script_ = std::filesystem::weakly_canonical(std::filesystem::absolute(script));
  DUET_RETURN_IF_ERROR(SetParams(params));
  Status loaded = MemoryChecked(LoadModule(script_, &module_), "import");
  FlushStdio();
  DUET_RETURN_IF_ERROR(loaded);
  exports_.setup = Export("setup") != nullptr;
  exports_.run = Export("run") != nullptr;
  exports_.verify = Export("verify") != nullptr;
  exports_.teardown = Export("teardown") != nullptr;
  if (!exports_.run) {
    return Status::Error("the module does not define a function named run", script_.string(), 1);
  }
  return Status::Ok();
}

Status PythonRuntime::Call(PyObject* fn, std::vector<PyObject*> args, const char* what, PyRef* result) {
  PyRef value(PyObject_Vectorcall(fn, args.data(), args.size(), nullptr));
  if (value) {
    // The same test inspect.isawaitable makes, without a Python call on the hot path.
    PyAsyncMethods* async = Py_TYPE(value.get())->tp_as_async;
    if (async != nullptr && async->am_await != nullptr) {
      value = CallHostHelper("run_awaitable", {value.get()});
    }
  }
  if (!value) return MemoryChecked(pyrt::StatusFromPyErr(what, script_.string()), what);
  *result = std::move(value);
  return MemoryChecked(Status::Ok(), what);
}

Status PythonRuntime::Setup() {
  if (exports_.setup) {
    Status status = Call(Export("setup"), {params_.get()}, "setup", &state_);
    FlushStdio();
    return status;
  }
  state_ = PyRef::Borrow(Py_None);
  return Status::Ok();
}

Status PythonRuntime::RunOnce(Sample* sample) {
  PyObject* run = Export("run");
  PyRef result;
  // The last iteration's result is dropped before this one starts: kept alive through the run, its
  // lone object holds a pymalloc pool that the run's own allocations then churn, and every other
  // sample came out ~12% slower than the rest (15.0/16.9 ms alternating on the busy loop).
  result_ = PyRef();

  uint64_t cpu0 = ThreadCpuNs();
  uint64_t wall0 = NowNs();
  Status status = Call(run, {state_ ? state_.get() : Py_None}, "run", &result);
  uint64_t wall1 = NowNs();
  uint64_t cpu1 = ThreadCpuNs();

  FlushStdio();
  DUET_RETURN_IF_ERROR(status);
  sample->wall_ns = wall1 - wall0;
  sample->cpu_ns = cpu1 - cpu0;
  result_ = std::move(result);
  return Status::Ok();
}

Status PythonRuntime::LastResult(nlohmann::json* out) {
  if (!result_) return Status::Error("run has not returned a result yet");
  return pyrt::ToJson(result_.get(), script_.string(), out);
}

Status PythonRuntime::Verify(bool* passed) {
  PyRef verdict;
  Status status = Call(Export("verify"), {result_.get(), params_.get()}, "verify", &verdict);
  FlushStdio();
  DUET_RETURN_IF_ERROR(status);
  int truth = PyObject_IsTrue(verdict.get());
  if (truth < 0) return pyrt::StatusFromPyErr("verify", script_.string());
  *passed = truth == 1;
  return Status::Ok();
}

Status PythonRuntime::Teardown() {
  Status status;
  if (exports_.teardown) {
    PyRef ignored;
    status = Call(Export("teardown"), {state_ ? state_.get() : Py_None}, "teardown", &ignored);
    FlushStdio();
  }
  DropWorkload();
  // Collect the old workload's cycles now rather than inside the next one's timing.
  PyGC_Collect();
  return status;
}

Status PythonRuntime::Exec(const std::filesystem::path& script, const std::vector<std::string>& args,
                           int* exit_code) {
  script_ = std::filesystem::absolute(script);
  std::vector<std::string> argv = {script.string()};
  argv.insert(argv.end(), args.begin(), args.end());
  DUET_RETURN_IF_ERROR(SetArgv(argv));
  PyRef path(PyUnicode_FromString(script_.c_str()));
  PyRef ok = CallHostHelper("exec_main", {path.get()});
  if (ok) {
    loop_->SpinUntilIdle();
    FlushStdio();
    *exit_code = 0;
    return Status::Ok();
  }
  if (!PyErr_ExceptionMatches(PyExc_SystemExit)) {
    // Ctrl-C that the script did not catch: python3 prints the traceback and ends by SIGINT,
    // which a shell reports as 130.
    *exit_code = PyErr_ExceptionMatches(PyExc_KeyboardInterrupt) ? 128 + SIGINT : 1;
    Status status = pyrt::StatusFromPyErr("uncaught exception", script_.string());
    FlushStdio();
    return status;
  }
  // sys.exit(): None is 0, an int is the code, anything else is printed and means 1.
  PyObject *type, *value, *traceback;
  PyErr_Fetch(&type, &value, &traceback);
  PyErr_NormalizeException(&type, &value, &traceback);
  PyRef owned_type(type), owned_value(value), owned_tb(traceback);
  PyRef code = CallHostHelper("exit_code_of", {value});
  *exit_code = code ? static_cast<int>(PyLong_AsLong(code.get())) : 1;
  PyErr_Clear();
  FlushStdio();
  return Status::Ok();
}

}  // namespace duet
