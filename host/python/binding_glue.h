// Generates a binding's CPython side from its typed C++ signature (nanobind-style templates):
// one METH_FASTCALL function per binding that converts and checks every argument, with no
// per-call allocation for scalars. Mirrors v8/binding_glue.h.
#pragma once

#include "python/ref.h"  // Python.h first

#include <array>
#include <cstring>
#include <optional>
#include <tuple>

#include "bindings/registry.h"
#include "bindings/types.h"

namespace duet::pyglue {

// Script value -> C++ value; Read() may keep storage (a buffer export) until the call returns.
template <typename T> struct Arg;

inline bool IsInt(PyObject* x) { return PyLong_Check(x) && !PyBool_Check(x); }

template <> struct Arg<int64_t> {
  int64_t v = 0;
  Conv Read(PyObject* x) {
    if (PyLong_CheckExact(x)) {  // one digit (|x| < 2^30): read in place, as Cython does for 3.11
      Py_ssize_t size = Py_SIZE(x);
      if (size >= -1 && size <= 1) {
        v = size * static_cast<int64_t>(reinterpret_cast<PyLongObject*>(x)->ob_digit[0]);
        return Conv::kOk;
      }
    }
    if (!IsInt(x)) return Conv::kType;
    int overflow = 0;
    v = PyLong_AsLongLongAndOverflow(x, &overflow);
    return overflow != 0 ? Conv::kRange : Conv::kOk;
  }
  int64_t get() const { return v; }
};

template <> struct Arg<uint64_t> {
  uint64_t v = 0;
  Conv Read(PyObject* x) {
    if (!IsInt(x)) return Conv::kType;
    v = PyLong_AsUnsignedLongLong(x);
    if (v == static_cast<uint64_t>(-1) && PyErr_Occurred()) {
      PyErr_Clear();  // negative or too large: our own OverflowError names the parameter
      return Conv::kRange;
    }
    return Conv::kOk;
  }
  uint64_t get() const { return v; }
};

template <> struct Arg<double> {
  double v = 0;
  Conv Read(PyObject* x) {
    if (PyFloat_CheckExact(x)) {
      v = PyFloat_AS_DOUBLE(x);
      return Conv::kOk;
    }
    if (!PyFloat_Check(x) && !IsInt(x)) return Conv::kType;
    v = PyFloat_AsDouble(x);
    if (v == -1.0 && PyErr_Occurred()) {
      PyErr_Clear();
      return Conv::kRange;
    }
    return Conv::kOk;
  }
  double get() const { return v; }
};

template <> struct Arg<bool> {
  bool v = false;
  Conv Read(PyObject* x) {
    if (x != Py_True && x != Py_False) return Conv::kType;
    v = x == Py_True;
    return Conv::kOk;
  }
  bool get() const { return v; }
};

// The UTF-8 CPython caches inside a str: no copy.
inline bool Utf8Of(PyObject* x, std::string_view* out) {
  Py_ssize_t size = 0;
  const char* data = PyUnicode_AsUTF8AndSize(x, &size);
  if (data == nullptr) {
    PyErr_Clear();  // lone surrogates: reported as a wrong type
    return false;
  }
  *out = {data, static_cast<size_t>(size)};
  return true;
}

template <> struct Arg<std::string_view> {
  std::string_view v;
  Conv Read(PyObject* x) { return PyUnicode_Check(x) && Utf8Of(x, &v) ? Conv::kOk : Conv::kType; }
  std::string_view get() const { return v; }
};

template <> struct Arg<std::string> : Arg<std::string_view> {
  std::string get() const { return std::string(v); }
};

// A buffer export, released when the call is over; while it is held a bytearray cannot resize,
// which is what makes reading it in place safe.
class BufferExport {
 public:
  BufferExport() = default;
  BufferExport(const BufferExport&) = delete;
  BufferExport& operator=(const BufferExport&) = delete;
  ~BufferExport() {
    if (held_) PyBuffer_Release(&view_);
  }
  bool Get(PyObject* x, int flags) {
    held_ = PyObject_GetBuffer(x, &view_, flags) == 0;
    if (!held_) PyErr_Clear();
    return held_;
  }
  const Py_buffer& view() const { return view_; }

 private:
  Py_buffer view_{};
  bool held_ = false;
};

template <> struct Arg<BytesView> {
  BytesView v;
  BufferExport buffer;
  Conv Read(PyObject* x) {
    if (PyBytes_CheckExact(x)) {
      v = {reinterpret_cast<const uint8_t*>(PyBytes_AS_STRING(x)), static_cast<size_t>(PyBytes_GET_SIZE(x))};
      return Conv::kOk;
    }
    if (PyUnicode_Check(x)) {  // text is accepted as its UTF-8 bytes, as in JS
      std::string_view text;
      if (!Utf8Of(x, &text)) return Conv::kType;
      v = {reinterpret_cast<const uint8_t*>(text.data()), text.size()};
      return Conv::kOk;
    }
    if (!PyObject_CheckBuffer(x) || !buffer.Get(x, PyBUF_SIMPLE)) return Conv::kType;
    v = {static_cast<const uint8_t*>(buffer.view().buf), static_cast<size_t>(buffer.view().len)};
    return Conv::kOk;
  }
  BytesView get() const { return v; }
};

// A contiguous buffer of C doubles (array('d'), a float64 memoryview) is read in place; any
// other sequence of numbers is copied.
template <> struct Arg<DoublesView> {
  DoublesView v;
  BufferExport buffer;
  std::vector<double> storage;
  Conv Read(PyObject* x) {
    if (PyObject_CheckBuffer(x)) {
      if (!buffer.Get(x, PyBUF_FORMAT | PyBUF_C_CONTIGUOUS)) return Conv::kType;
      const Py_buffer& view = buffer.view();
      std::string_view format = view.format != nullptr ? view.format : "B";
      if (view.itemsize != sizeof(double) || (format != "d" && format != "@d" && format != "=d" && format != "<d")) {
        return Conv::kType;
      }
      v = {static_cast<const double*>(view.buf), static_cast<size_t>(view.len) / sizeof(double)};
      return Conv::kOk;
    }
    if (PyUnicode_Check(x) || !PySequence_Check(x)) return Conv::kType;
    PyRef items(PySequence_Fast(x, "not a sequence"));
    if (!items) {
      PyErr_Clear();
      return Conv::kType;
    }
    Py_ssize_t n = PySequence_Fast_GET_SIZE(items.get());
    PyObject** item = PySequence_Fast_ITEMS(items.get());
    storage.resize(n);
    for (Py_ssize_t i = 0; i < n; ++i) {
      Arg<double> element;
      if (element.Read(item[i]) != Conv::kOk) return Conv::kType;
      storage[i] = element.get();
    }
    v = {storage.data(), storage.size()};
    return Conv::kOk;
  }
  DoublesView get() const { return v; }
};

template <typename T> struct Arg<std::optional<T>> {
  std::optional<Arg<T>> inner;
  Conv Read(PyObject* x) {
    if (x == nullptr || x == Py_None) return Conv::kOk;  // nullptr: an omitted trailing argument
    return inner.emplace().Read(x);
  }
  std::optional<T> get() const {
    if (!inner) return std::nullopt;
    return T(inner->get());
  }
};

// C++ value -> new reference (nullptr with an exception set on failure).
template <typename T> struct Ret;
template <> struct Ret<int64_t> {
  static PyObject* To(int64_t v) { return PyLong_FromLongLong(v); }
};
template <> struct Ret<uint64_t> {
  static PyObject* To(uint64_t v) { return PyLong_FromUnsignedLongLong(v); }
};
template <> struct Ret<double> {
  static PyObject* To(double v) { return PyFloat_FromDouble(v); }
};
template <> struct Ret<bool> {
  static PyObject* To(bool v) { return PyBool_FromLong(v); }
};
template <> struct Ret<std::string> {
  static PyObject* To(const std::string& v) { return PyUnicode_FromStringAndSize(v.data(), v.size()); }
};
template <> struct Ret<std::string_view> {
  static PyObject* To(std::string_view v) { return PyUnicode_FromStringAndSize(v.data(), v.size()); }
};
template <> struct Ret<Bytes> {
  static PyObject* To(const Bytes& v) {
    return PyBytes_FromStringAndSize(reinterpret_cast<const char*>(v.data()), v.size());
  }
};
template <> struct Ret<Doubles> {
  static PyObject* To(const Doubles& v) {
    PyRef list(PyList_New(v.size()));
    for (size_t i = 0; list && i < v.size(); ++i) {
      PyObject* item = PyFloat_FromDouble(v[i]);
      if (item == nullptr) return nullptr;
      PyList_SET_ITEM(list.get(), i, item);
    }
    return list.release();
  }
};
template <typename T> struct Ret<std::optional<T>> {
  static PyObject* To(const std::optional<T>& v) {
    if (!v) Py_RETURN_NONE;
    return Ret<T>::To(*v);
  }
};

template <typename R, typename... A> struct Arg<Callback<R(A...)>> {
  PyObject* fn = nullptr;  // borrowed: the caller holds it for the duration of the call
  Conv Read(PyObject* x) {
    if (!PyCallable_Check(x)) return Conv::kType;
    fn = x;
    return Conv::kOk;
  }
  Callback<R(A...)> get() const {
    return Callback<R(A...)>([fn = fn](A... args) -> R {
      std::array<PyRef, sizeof...(A)> owned{PyRef(Ret<std::decay_t<A>>::To(args))...};
      std::array<PyObject*, sizeof...(A) + 1> argv{};
      for (size_t i = 0; i < owned.size(); ++i) {
        if (!owned[i]) throw ScriptError();  // the conversion's exception is set
        argv[i] = owned[i].get();
      }
      // On an exception the script's own error stays set and the glue lets it propagate.
      PyRef result(PyObject_Vectorcall(fn, argv.data(), sizeof...(A), nullptr));
      if (!result) throw ScriptError();
      if constexpr (!std::is_void_v<R>) {
        Arg<R> out;
        if (out.Read(result.get()) != Conv::kOk) throw BindingTypeError("callback must return " + TypeNameOf<R>());
        return out.get();
      }
    });
  }
};

inline const BindingFunction& FunctionOf(PyObject* self) {
  return *static_cast<const BindingFunction*>(PyCapsule_GetPointer(self, nullptr));
}

inline PyObject* Raise(duet_error_kind kind, const std::string& message) {
  PyObject* type = PyExc_RuntimeError;
  switch (kind) {
    case DUET_TYPE_ERROR: type = PyExc_TypeError; break;
    case DUET_VALUE_ERROR: type = PyExc_ValueError; break;
    case DUET_RANGE_ERROR: type = PyExc_IndexError; break;
    case DUET_ERROR: break;
  }
  PyErr_SetString(type, message.c_str());
  return nullptr;
}

// Inside a catch block: C++ exceptions stop here, as Python exceptions (CPython frames must
// never unwind through them). A ScriptError's Python exception is already set.
inline PyObject* RaiseCurrentException(PyObject* self) {
  try {
    throw;
  } catch (const ScriptError&) {
    return nullptr;
  } catch (...) {
    std::string message;
    duet_error_kind kind = ClassifyCurrentException(&message);
    return Raise(kind, FunctionOf(self).name + "(): " + message);
  }
}

// Sets the TypeError / OverflowError for argument `index`; always false. Kept out of line so
// the conversions inline into each entry point.
[[gnu::cold, gnu::noinline]] inline bool ArgFailed(PyObject* self, size_t index, Conv c) {
  const BindingFunction& fn = FunctionOf(self);
  if (c == Conv::kType) {
    PyErr_SetString(PyExc_TypeError, ArgumentTypeError(fn, index).c_str());
  } else {
    PyErr_SetString(PyExc_OverflowError, ArgumentRangeError(fn, index).c_str());
  }
  return false;
}

// False (with the exception set) unless argument `index` converted.
template <typename T>
[[gnu::always_inline]] inline bool ReadArg(PyObject* self, PyObject* const* args, size_t nargs, size_t index,
                                           Arg<T>* arg) {
  Conv c = arg->Read(index < nargs ? args[index] : nullptr);
  if (c == Conv::kOk) [[likely]] return true;
  return ArgFailed(self, index, c);
}

[[gnu::cold, gnu::noinline]] inline PyObject* CountFailed(PyObject* self, size_t nargs) {
  PyErr_SetString(PyExc_TypeError, ArgumentCountError(FunctionOf(self), nargs).c_str());
  return nullptr;
}

template <auto F, typename Sig> struct Glue;
template <auto F, typename R, typename... A>
struct Glue<F, R (*)(A...)> {
  static PyObject* Call(PyObject* self, PyObject* const* args, Py_ssize_t nargs) {
    return CallImpl(self, args, static_cast<size_t>(nargs), std::index_sequence_for<A...>{});
  }

  template <size_t... I>
  static PyObject* CallImpl(PyObject* self, [[maybe_unused]] PyObject* const* args, size_t nargs,
                            std::index_sequence<I...>) {
    using S = Signature<R (*)(A...)>;
    if (nargs < S::kRequired || nargs > S::kArity) [[unlikely]] return CountFailed(self, nargs);
    std::tuple<Arg<std::decay_t<A>>...> converted;
    if (!(ReadArg(self, args, nargs, I, &std::get<I>(converted)) && ...)) return nullptr;
    try {
      if constexpr (std::is_void_v<R>) {
        F(std::get<I>(converted).get()...);
        Py_RETURN_NONE;
      } else {
        return Ret<R>::To(F(std::get<I>(converted).get()...));
      }
    } catch (...) {
      return RaiseCurrentException(self);
    }
  }
};

template <auto F>
PyEntry EntryFor() {
  return &Glue<F, PlainSignature<decltype(F)>>::Call;
}

// The CPython side of a declaration (bindings/declare.h).
struct Entries {
  template <auto F>
  static void Fill(BindingFunction* fn, FastPath) {
    fn->python = EntryFor<F>();
  }
};

}  // namespace duet::pyglue
