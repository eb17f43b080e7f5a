# The host's Python-side helpers (the `_duet_host` module): import a workload file as a fresh
# module, run a coroutine on the session loop, serialise a result, describe an exception, run a
# script as __main__. Python code does what CPython's own machinery does best (importlib,
# traceback, json, asyncio); the C++ side calls these by name (PythonRuntime::CallHostHelper).
# Embedded in the duet binary and compiled as "<duet-host>": tracebacks drop frames whose file
# starts with "<", so none of these shows in a workload's error.

# Modules are imported where first needed, not here: start-up is measured (asyncio alone
# costs ~25 ms, json and importlib.util ~5 ms each).
import os, sys

_loop = None
_loop_kind = "uv"  # "asyncio": leave asyncio's stock selector loop as the default (--py-loop)
_DUET_ASYNCIO_CODE = None  # set by the host: py/duet_asyncio.py, marshalled at build time

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
        import marshal
        exec(marshal.loads(_DUET_ASYNCIO_CODE), module.__dict__)

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
    sys.path.insert(0, os.path.dirname(path))
    if _path_importer(path) is not None:
        # A directory or zip archive with a __main__.py: runpy finds it there, as python3 does.
        import runpy
        runpy.run_path(path, run_name="__main__")
    else:
        _run_file_as_main(path)

def _path_importer(path):
    # pkgutil.get_importer, without importing pkgutil (typing, re, enum, weakref, ...).
    path = os.fsdecode(path)
    try:
        return sys.path_importer_cache[path]
    except KeyError:
        pass
    for path_hook in sys.path_hooks:
        try:
            importer = path_hook(path)
        except ImportError:
            continue
        sys.path_importer_cache.setdefault(path, importer)
        return importer
    return None

def _run_file_as_main(path):
    """runpy.run_path(path, run_name="__main__") for a plain file, step for step, without
    importing runpy and pkgutil: with their imports (importlib.util, contextlib, collections,
    functools, typing, re, enum, ...) they were most of the modules a bare `duet exec` loaded
    that python3 does not. A compiled file (.pyc) runs as its code object, as runpy runs it."""
    import io, marshal
    from _frozen_importlib_external import MAGIC_NUMBER  # importlib.util's, loaded at start-up
    decoded = os.path.abspath(os.fsdecode(path))
    code = None
    with io.open_code(decoded) as f:
        if f.read(4) == MAGIC_NUMBER:
            f.read(12)  # the rest of the .pyc header
            code = marshal.load(f)
    if code is None:
        with io.open_code(decoded) as f:
            code = compile_source(f.read(), path)  # set by the host: compile(..., "exec") in C
    main = type(sys)("__main__")
    main.__dict__.update(__name__="__main__", __file__=path, __cached__=None, __doc__=None,
                         __loader__=None, __package__="", __spec__=None)
    # runpy's _TempModule and _ModifiedArgv0: __main__ and argv[0] are the script's while it runs.
    saved_main = sys.modules.get("__main__", _MISSING)
    sys.modules["__main__"] = main
    try:
        saved_argv0 = sys.argv[0]
        sys.argv[0] = path
        try:
            exec(code, main.__dict__)
        finally:
            sys.argv[0] = saved_argv0
    finally:
        if saved_main is not _MISSING:
            sys.modules["__main__"] = saved_main
        else:
            del sys.modules["__main__"]

_MISSING = object()

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
