// The Handle type of `_duet_loop`: call_soon's callback with its arguments and context, which is
// what asyncio.Handle is, in C (uvloop's cbhandles.pyx); and running one entry of the ready queue,
// which holds these Handles, asyncio's own ones (debug mode) and due TimerHandles alike.
#include "python/event_loop.h"

#include <structmember.h>

#include <string>

namespace duet::pyloop {
namespace {

struct HandleObject {
  PyObject_HEAD
  PyObject* callback;
  PyObject* args;  // a tuple
  PyObject* context;
  PyObject* loop;
  char cancelled;
  PyObject* weakrefs;
};

int HandleTraverse(HandleObject* self, visitproc visit, void* arg) {
  Py_VISIT(self->callback);
  Py_VISIT(self->args);
  Py_VISIT(self->context);
  Py_VISIT(self->loop);
  return 0;
}

int HandleClear(HandleObject* self) {
  Py_CLEAR(self->callback);
  Py_CLEAR(self->args);
  Py_CLEAR(self->context);
  Py_CLEAR(self->loop);
  return 0;
}

void HandleDealloc(HandleObject* self) {
  PyObject_GC_UnTrack(self);
  if (self->weakrefs != nullptr) PyObject_ClearWeakRefs(reinterpret_cast<PyObject*>(self));
  HandleClear(self);
  Py_TYPE(self)->tp_free(self);
}

PyObject* HandleCancel(HandleObject* self, PyObject*) {
  if (!self->cancelled) {
    self->cancelled = 1;
    // As asyncio does: drop the callback so its references go now, not when the loop gets to it.
    Py_CLEAR(self->callback);
    Py_CLEAR(self->args);
  }
  Py_RETURN_NONE;
}

PyObject* HandleCancelled(HandleObject* self, PyObject*) { return PyBool_FromLong(self->cancelled); }

PyObject* HandleRepr(HandleObject* self) {
  if (self->cancelled || self->callback == nullptr || g_format_callback == nullptr) {
    return PyUnicode_FromFormat("<Handle%s>", self->cancelled ? " cancelled" : "");
  }
  PyObject* args[] = {self->callback, self->args};
  PyObject* text = PyObject_Vectorcall(g_format_callback, args, 2, nullptr);
  if (text == nullptr) return nullptr;
  PyObject* repr = PyUnicode_FromFormat("<Handle %U>", text);
  Py_DECREF(text);
  return repr;
}

PyObject* RunHandleCallback(HandleObject* h);

PyObject* HandleRun(HandleObject* self, PyObject*) {
  if (self->cancelled) Py_RETURN_NONE;
  return RunHandleCallback(self);
}

PyMethodDef kHandleMethods[] = {
    {"cancel", reinterpret_cast<PyCFunction>(HandleCancel), METH_NOARGS, "Cancel the call."},
    {"cancelled", reinterpret_cast<PyCFunction>(HandleCancelled), METH_NOARGS, "Whether cancel() was called."},
    {"_run", reinterpret_cast<PyCFunction>(HandleRun), METH_NOARGS, "Run the callback now."},
    {nullptr, nullptr, 0, nullptr}};

PyMemberDef kHandleMembers[] = {
    {"_callback", T_OBJECT, offsetof(HandleObject, callback), READONLY, nullptr},
    {"_args", T_OBJECT, offsetof(HandleObject, args), READONLY, nullptr},
    {"_context", T_OBJECT, offsetof(HandleObject, context), READONLY, nullptr},
    {"_cancelled", T_BOOL, offsetof(HandleObject, cancelled), READONLY, nullptr},
    {nullptr, 0, 0, 0, nullptr}};

PyTypeObject HandleType = [] {
  PyTypeObject t = BlankType();
  t.tp_name = "_duet_loop.Handle";
  t.tp_basicsize = sizeof(HandleObject);
  t.tp_flags = Py_TPFLAGS_DEFAULT | Py_TPFLAGS_HAVE_GC;
  t.tp_doc = "A callback scheduled by call_soon.";
  t.tp_traverse = reinterpret_cast<traverseproc>(HandleTraverse);
  t.tp_clear = reinterpret_cast<inquiry>(HandleClear);
  t.tp_dealloc = reinterpret_cast<destructor>(HandleDealloc);
  t.tp_repr = reinterpret_cast<reprfunc>(HandleRepr);
  t.tp_methods = kHandleMethods;
  t.tp_members = kHandleMembers;
  t.tp_weaklistoffset = offsetof(HandleObject, weakrefs);
  return t;
}();

PyObject* RunHandleCallback(HandleObject* h) {
  // Hold the callback: it may cancel its own handle, which drops these references.
  PyObject* callback = h->callback;
  PyObject* args = h->args;
  PyObject* context = h->context;
  Py_INCREF(callback);
  Py_INCREF(args);
  Py_INCREF(context);
  PyObject* result = nullptr;
  if (PyContext_Enter(context) == 0) {
    result = PyObject_Vectorcall(callback, &PyTuple_GET_ITEM(args, 0), PyTuple_GET_SIZE(args), nullptr);
    if (PyContext_Exit(context) != 0) Py_CLEAR(result);
  }
  bool failed = result == nullptr;
  Py_XDECREF(result);
  PyObject* out = Py_None;
  if (failed) {
    if (IsExitException()) {
      out = nullptr;
    } else {
      PyObject* source = nullptr;
      if (g_format_callback != nullptr) {
        PyObject *t, *v, *tb;
        PyErr_Fetch(&t, &v, &tb);
        PyObject* fargs[] = {callback, args};
        source = PyObject_Vectorcall(g_format_callback, fargs, 2, nullptr);
        if (source == nullptr) PyErr_Clear();
        PyErr_Restore(t, v, tb);
      }
      std::string message = "Exception in callback ";
      if (source != nullptr) {
        const char* s = PyUnicode_AsUTF8(source);
        message += s ? s : "?";
      }
      PyObject* extra = PyDict_New();
      if (extra != nullptr) PyDict_SetItem(extra, N().handle, reinterpret_cast<PyObject*>(h));
      CallExceptionHandler(h->loop, message.c_str(), extra);
      Py_XDECREF(extra);
      Py_XDECREF(source);
    }
  }
  Py_DECREF(callback);
  Py_DECREF(args);
  Py_DECREF(context);
  if (out != nullptr) Py_INCREF(out);
  return out;
}

}  // namespace

PyObject* NewHandle(PyObject* loop, PyObject* callback, PyObject* args, PyObject* context) {
  HandleObject* h = PyObject_GC_New(HandleObject, &HandleType);
  if (h == nullptr) return nullptr;
  h->weakrefs = nullptr;
  h->cancelled = 0;
  Py_INCREF(callback);
  h->callback = callback;
  Py_INCREF(args);
  h->args = args;
  Py_INCREF(loop);
  h->loop = loop;
  if (context == nullptr || context == Py_None) {
    h->context = PyContext_CopyCurrent();
  } else {
    Py_INCREF(context);
    h->context = context;
  }
  if (h->context == nullptr) {
    Py_DECREF(h);
    return nullptr;
  }
  PyObject_GC_Track(h);
  return reinterpret_cast<PyObject*>(h);
}

bool RunReady(PyObject* entry) {
  if (Py_IS_TYPE(entry, &HandleType)) {
    HandleObject* h = reinterpret_cast<HandleObject*>(entry);
    if (h->cancelled) return true;
    PyObject* r = RunHandleCallback(h);
    if (r == nullptr) return false;
    Py_DECREF(r);
    return true;
  }
  PyObject* cancelled = PyObject_GetAttr(entry, N().cancelled);
  if (cancelled == nullptr) return false;
  int is_cancelled = PyObject_IsTrue(cancelled);
  Py_DECREF(cancelled);
  if (is_cancelled != 0) return is_cancelled > 0;
  PyObject* r = PyObject_CallMethodNoArgs(entry, N().run);  // asyncio's Handle reports its own errors
  if (r == nullptr) return false;
  Py_DECREF(r);
  return true;
}

int AddHandleType(PyObject* module) {
  if (PyType_Ready(&HandleType) < 0) return -1;
  return PyModule_AddObjectRef(module, "Handle", reinterpret_cast<PyObject*>(&HandleType));
}

}  // namespace duet::pyloop
