// Module loading for PythonRuntime, and the host's Python-side helpers: import a file as a
// fresh module, run a coroutine, serialise a result, describe an exception. Python code does
// what CPython's own machinery does best (importlib, traceback, json, asyncio).
#include "python/duet_asyncio.h"
#include "python/errors.h"
#include "python/runtime.h"

namespace duet {
namespace {

constexpr const char* kHostHelpersSource = R"PY(
# Modules are imported where first needed, not here: start-up is measured (asyncio alone
# costs ~25 ms, json and importlib.util ~5 ms each).
import os, sys

_loop = None
_loop_kind = "uv"  # "asyncio": leave asyncio's stock selector loop as the default (--py-loop)
_DUET_ASYNCIO_SOURCE = None  # set by the host: py/duet_asyncio.py

def specialisation(code):
    """(specialised, total): how many of code's instructions the adaptive interpreter has
    rewritten into specialised forms so far (PEP 659), for duet profile's summary."""
    import dis, opcode
    specialised_names = set(opcode._specialized_instructions)
    total = specialised = 0
    for instruction in dis.get_instructions(code, adaptive=True):
        total += 1
        specialised += instruction.opname in specialised_names
    return specialised, total

def set_loop_kind(kind):
    global _loop_kind
    _loop_kind = kind

class _InstallLoopAfter:
    """asyncio's own loader, plus making duet's loop the default once asyncio has loaded."""
    def __init__(self, loader):
        self._loader = loader
    def __getattr__(self, name):
        return getattr(self._loader, name)
    def create_module(self, spec):
        return self._loader.create_module(spec)
    def exec_module(self, module):
        self._loader.exec_module(module)
        import duet_asyncio
        duet_asyncio.install()

class AsyncioHook:
    """On sys.meta_path: duet_asyncio is importable, and importing asyncio installs it, so
    start-up pays nothing for a loop the workload may never use."""
    @staticmethod
    def find_spec(name, path=None, target=None):
        if name == "duet_asyncio":
            import importlib.machinery
            return importlib.machinery.ModuleSpec(name, _DuetAsyncioLoader)
        if name != "asyncio" or _loop_kind != "uv":
            return None
        import importlib.machinery
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        if spec is not None and spec.loader is not None:
            spec.loader = _InstallLoopAfter(spec.loader)
        return spec

class _DuetAsyncioLoader:
    @staticmethod
    def create_module(spec):
        return None
    @staticmethod
    def exec_module(module):
        exec(compile(_DUET_ASYNCIO_SOURCE, "<duet_asyncio>", "exec"), module.__dict__)

sys.meta_path.insert(0, AsyncioHook)

def private_stdio():
    """sys.stdout and sys.stderr wait out a full pipe instead of failing. Node's libuv sets
    O_NONBLOCK on descriptors 1 and 2 (a flag of the description they share with CPython) once a
    script touches process.stdout; CPython's own writes would then fail with BlockingIOError on a
    full pipe and lose output. They still write to descriptors 1 and 2 themselves, so
    redirecting those (os.dup2) redirects them, as in python3."""
    import io

    class _WaitingWriter(io.RawIOBase):
        def __init__(self, fd, name):
            self._fd, self._name = fd, name
        name = property(lambda self: self._name)
        mode = "wb"
        def fileno(self):
            return self._fd
        def writable(self):
            return True
        def isatty(self):
            return os.isatty(self._fd)
        def write(self, data):
            while True:
                try:
                    return os.write(self._fd, data)
                except BlockingIOError:
                    import select
                    select.select([], [self._fd], [])

    for name in ("stdout", "stderr"):
        stream = getattr(sys, name)
        try:
            fd = stream.fileno()
        except (OSError, ValueError, AttributeError):
            continue  # no real descriptor behind it: nothing for libuv to change
        stream.flush()
        replacement = io.TextIOWrapper(io.BufferedWriter(_WaitingWriter(fd, f"<{name}>")), encoding=stream.encoding,
                                       errors=stream.errors, line_buffering=stream.line_buffering,
                                       write_through=stream.write_through)
        setattr(sys, name, replacement)
        setattr(sys, f"__{name}__", replacement)

def install_watchdog_signal(signum):
    # Nothing to do in Python: the pending call the watchdog queued raises the interrupt.
    # _signal, not signal: the wrapper imports enum, 8 ms of every start-up.
    import _signal
    _signal.signal(signum, lambda signum, frame: None)

def _contain_exits():
    # os._exit would end duet with every result unsaved: in a workload it raises SystemExit
    # instead. A forked child (multiprocessing) still really exits.
    real_exit, parent = os._exit, os.getpid()
    if getattr(real_exit, "_duet_contained", False):
        return
    def _exit(status):
        if os.getpid() != parent:
            real_exit(status)
        exc = SystemExit(status)
        exc._duet_headline = (f"os._exit({status!r}) called; duet stopped it "
                              "(--isolation=process gives each workload its own process)")
        raise exc
    _exit._duet_contained = True
    os._exit = _exit

def load(path, name):
    _contain_exits()
    import importlib.util
    spec = importlib.util.spec_from_file_location(name, path)
    if spec is None:
        raise ImportError(f"cannot import {path}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    folder = os.path.dirname(path)
    sys.path.insert(0, folder)  # sibling imports, as python3 FILE allows
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(name, None)
        raise
    finally:
        sys.path.remove(folder)
    return module

def unload(folder):
    # Forget every module imported from the workload's folder, so the next load starts cold.
    prefix = folder.rstrip("/") + "/"
    for name, module in list(sys.modules.items()):
        if (getattr(module, "__file__", None) or "").startswith(prefix):
            del sys.modules[name]

_unretrieved = []  # exceptions of tasks nobody awaited, as the loop reports them

def _on_loop_exception(loop, context):
    exc = context.get("exception")
    if exc is not None and context.get("message", "").startswith("Task exception was never retrieved"):
        exc._duet_headline = "a task's exception was never retrieved: " + \
            "".join(__import__("traceback").format_exception_only(exc)).strip()
        _unretrieved.append(exc)
        return
    loop.default_exception_handler(context)

def _session_loop():
    # One loop for the whole session, as a long-lived server process would have.
    global _loop
    import asyncio
    if _loop is None or _loop.is_closed():
        _loop = asyncio.new_event_loop()
        _loop.set_exception_handler(_on_loop_exception)
    return _loop

def run_awaitable(awaitable):
    result = _session_loop().run_until_complete(awaitable)
    if _unretrieved:
        # node ends on an unhandled rejection; the twin of that here is a failed iteration.
        exc = _unretrieved[0]
        _unretrieved.clear()
        raise exc
    return result

def serve(wait):
    # The load generator ends on a thread of its own: a worker blocked in wait() turns that end
    # into a future, and the loop serves the workload's sockets until it resolves.
    return run_awaitable(_session_loop().run_in_executor(None, wait))

def state_value(state, key):
    import collections.abc
    value = state.get(key) if isinstance(state, collections.abc.Mapping) else getattr(state, key, None)
    return to_json(value)

def reset_session_loop():
    # After the watchdog ended a workload: its tasks and timers go with the loop they were on.
    global _loop
    loop, _loop = _loop, None
    _unretrieved.clear()
    if loop is None or loop.is_closed() or loop.is_running():
        return
    import asyncio
    for task in asyncio.all_tasks(loop):
        task._log_destroy_pending = False
        task.cancel()
    loop.close()

def close_session_loop():
    # The host's libuv loop is going away with the runtime; so must the loop on it.
    global _loop
    if _loop is not None and not _loop.is_closed() and not _loop.is_running():
        _loop.close()
    _loop = None

def to_json(value):
    import json
    return json.dumps(value, allow_nan=False)

def exec_main(path):
    import runpy
    sys.path.insert(0, os.path.dirname(path))
    runpy.run_path(path, run_name="__main__")

def exit_code_of(exc):
    code = exc.code
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    print(code, file=sys.stderr)
    return 1

def _without_host_frames(tb):
    # The host's own frames (this helper, runpy, importlib) come first; python3 FILE shows none.
    while tb is not None and tb.tb_frame.f_code.co_filename.startswith("<"):
        tb = tb.tb_next
    return tb

def describe(exc, script):
    """(headline, file, line, traceback text), locating the error in the workload when possible."""
    import traceback
    exc.__traceback__ = _without_host_frames(exc.__traceback__)
    detail = "".join(traceback.format_exception(exc))
    headline = getattr(exc, "_duet_headline", None) or traceback.format_exception_only(exc)[-1].strip()
    if isinstance(exc, SystemExit) and not hasattr(exc, "_duet_headline"):
        headline = f"sys.exit({exc.code!r}) called"
    if isinstance(exc, KeyboardInterrupt):
        headline = "interrupted"  # the watchdog's: the harness says why
    if isinstance(exc, SyntaxError) and exc.filename:
        return headline, exc.filename, exc.lineno or 0, detail
    frames = [f for f in traceback.extract_tb(exc.__traceback__)
              if not f.filename.startswith("<")]
    folder = os.path.dirname(script)
    own = [f for f in frames if folder and f.filename.startswith(folder)]
    if not own:
        # Raised where the host called the library itself (json for a result, asyncio stopped
        # by the watchdog): no line of the workload's to show, and a stdlib line would mislead.
        return headline, "", 0, detail
    return headline, own[-1].filename, own[-1].lineno or 0, detail
)PY";

std::string ModuleNameFor(const std::filesystem::path& file) {
  std::string name = "duet_workload_" + file.stem().string();
  for (char& c : name) {
    if (!isalnum(static_cast<unsigned char>(c))) c = '_';
  }
  return name;
}

}  // namespace

PyObject* PythonRuntime::HostHelpers() {
  static PyObject* helpers = [] {  // immortal for the process, like a built-in module
    PyRef code(Py_CompileString(kHostHelpersSource, "<duet-host>", Py_file_input));
    PyObject* module = code ? PyImport_ExecCodeModule("_duet_host", code.get()) : nullptr;
    PyRef source(PyUnicode_FromString(kDuetAsyncioSource));
    if (module != nullptr && (!source || PyObject_SetAttrString(module, "_DUET_ASYNCIO_SOURCE", source.get()) != 0)) {
      Py_CLEAR(module);
    }
    return module;
  }();
  return helpers;
}

PyRef PythonRuntime::CallHostHelper(const char* name, std::initializer_list<PyObject*> args) {
  for (PyObject* arg : args) {
    if (arg == nullptr) return PyRef();  // its constructor failed and set the error
  }
  PyObject* helpers = HostHelpers();
  PyRef function(helpers ? PyObject_GetAttrString(helpers, name) : nullptr);
  if (!function) return PyRef();
  return PyRef(PyObject_Vectorcall(function.get(), std::data(args), args.size(), nullptr));
}

Status PythonRuntime::LoadModule(const std::filesystem::path& file, PyRef* out) {
  PyRef path(PyUnicode_FromString(file.c_str()));
  PyRef name(PyUnicode_FromString(ModuleNameFor(file).c_str()));
  *out = CallHostHelper("load", {path.get(), name.get()});
  if (!*out) return pyrt::StatusFromPyErr("error while importing", file.string());
  return Status::Ok();
}

}  // namespace duet
