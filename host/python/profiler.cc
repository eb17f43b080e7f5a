// CPython's side of `duet profile`: a sampler of duet's own, not cProfile's tracing. A timer
// thread asks for a sample every interval with Py_AddPendingCall; the call runs on the main
// thread at the interpreter's next safe point (a call, a backward jump), holding the GIL, and
// folds the frame stack (co_qualname, co_filename, co_firstlineno) into a CpuProfile. Reading
// frames from the timer thread instead would need the GIL there, which CPython hands over only
// every switch interval (5 ms); the pending call costs one stack walk. eval_breaker.c makes the
// main thread notice it. Mirrors host/node/profiler.cc.
#include <atomic>
#include <condition_variable>
#include <map>
#include <mutex>
#include <thread>
#include <tuple>
#include <unordered_map>

#include "core/clock.h"
#include "profile/cpu_profile.h"
#include "python/errors.h"
#include "python/runtime.h"

extern "C" void duet_wake_eval_loop(void);  // eval_breaker.c

namespace duet {

class PythonRuntime::Sampler {
 public:
  explicit Sampler(int interval_us) : interval_us_(interval_us) {}
  ~Sampler() { Stop(); }
  Sampler(const Sampler&) = delete;
  Sampler& operator=(const Sampler&) = delete;

  void Start() {
    profile_.start_us = static_cast<int64_t>(NowNs() / 1000);
    accepting_ = true;
    thread_ = std::thread([this] { Tick(); });
  }

  // Joins the timer thread, then runs (and ignores) a request still queued, so no pending call
  // outlives the sampler. Main thread, GIL held.
  void Stop() {
    if (!thread_.joinable()) return;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stop_ = true;
    }
    wake_.notify_all();
    thread_.join();
    profile_.end_us = static_cast<int64_t>(NowNs() / 1000);
    accepting_ = false;
    while (requested_.load()) {
      if (Py_MakePendingCalls() < 0) PyErr_Clear();
    }
  }

  CpuProfile& profile() { return profile_; }
  // The code object behind a frame of the profile (kept alive while the sampler is).
  PyObject* CodeFor(const CallFrame& frame) const {
    auto found = code_by_frame_.find(std::make_tuple(frame.function, frame.url, frame.line));
    return found == code_by_frame_.end() ? nullptr : found->second;
  }
  uint64_t requests() const { return requests_; }

 private:
  void Tick() {
    auto next = std::chrono::steady_clock::now();
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_) {
      next += std::chrono::microseconds(interval_us_);
      if (wake_.wait_until(lock, next, [this] { return stop_; })) break;
      // One request in flight at most: a main thread stuck in C code gets one sample after it,
      // not a burst (CPython's pending-call queue is small, and signals share it).
      if (!requested_.exchange(true)) {
        ++requests_;
        if (Py_AddPendingCall(&Sampler::Take, this) != 0) {
          requested_ = false;
        } else {
          duet_wake_eval_loop();
        }
      }
      // Keep the cadence through a late wake-up (a busy machine); resume it from now only when
      // a whole interval was missed.
      auto now = std::chrono::steady_clock::now();
      if (now - next > std::chrono::microseconds(interval_us_)) next = now;
    }
  }

  static int Take(void* self) {
    static_cast<Sampler*>(self)->TakeSample();
    return 0;
  }

  void TakeSample() {
    if (accepting_) {
      int64_t now_us = static_cast<int64_t>(NowNs() / 1000);
      std::vector<PyObject*> chain;  // leaf first; borrowed from codes_
      PyFrameObject* frame = PyEval_GetFrame();  // borrowed
      Py_XINCREF(frame);
      while (frame != nullptr) {
        PyCodeObject* code = PyFrame_GetCode(frame);  // new reference
        chain.push_back(Remember(code));
        Py_DECREF(code);
        PyFrameObject* back = PyFrame_GetBack(frame);  // new reference or null
        Py_DECREF(frame);
        frame = back;
      }
      int node = CpuProfile::kRoot;
      if (chain.empty()) node = profile_.Child(node, CallFrame{"(idle)", "", 0, 0, 0});
      for (auto it = chain.rbegin(); it != chain.rend(); ++it) node = profile_.Child(node, frames_.at(*it));
      profile_.AddSample(node, now_us);
    }
    requested_ = false;
  }

  // The code object's frame, computed once; the object is kept alive so its address stays unique.
  PyObject* Remember(PyCodeObject* code) {
    PyObject* key = reinterpret_cast<PyObject*>(code);
    if (frames_.count(key) == 0) {
      const char* name = PyUnicode_AsUTF8(code->co_qualname);
      const char* file = PyUnicode_AsUTF8(code->co_filename);
      if (name == nullptr || file == nullptr) PyErr_Clear();
      CallFrame f{name ? name : "?", file ? file : "", code->co_firstlineno, 0, 0};
      code_by_frame_[std::make_tuple(f.function, f.url, f.line)] = key;
      frames_.emplace(key, std::move(f));
      codes_.push_back(PyRef::Borrow(key));
    }
    return key;
  }

  const int interval_us_;
  CpuProfile profile_;
  std::unordered_map<PyObject*, CallFrame> frames_;
  std::map<std::tuple<std::string, std::string, int>, PyObject*> code_by_frame_;
  std::vector<PyRef> codes_;
  bool accepting_ = false;  // main thread only
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::atomic<bool> requested_{false};
  std::atomic<uint64_t> requests_{0};
};

Status PythonRuntime::StartProfiling(int interval_us) {
  if (interval_us <= 0) return Status::Error("the sampling interval must be positive");
  sampler_ = std::make_shared<Sampler>(interval_us);
  sampler_->Start();
  return Status::Ok();
}

Status PythonRuntime::StopProfiling(CpuProfile* profile, ProfilerNotes* notes) {
  if (!sampler_) return Status::Error("Python profiling was not started");
  sampler_->Stop();
  // Adaptive specialisation (PEP 659) of the hottest functions: how many of their instructions
  // the interpreter has rewritten into specialised forms (dis.get_instructions(adaptive=True)).
  *notes = ProfilerNotes();
  for (const SelfTime& hot : sampler_->profile().TopSelfTimes(5)) {
    PyObject* code = sampler_->CodeFor(hot.frame);
    if (code == nullptr) continue;
    PyRef counts = CallHostHelper("specialisation", {code});
    long long specialised = 0, total = 0;
    if (!counts || !PyArg_ParseTuple(counts.get(), "LL", &specialised, &total)) {
      PyErr_Clear();
      continue;
    }
    notes->specialisation.push_back({hot.frame.function, hot.frame.url, hot.frame.line, specialised, total});
  }
  notes->sample_requests = sampler_->requests();
  *profile = std::move(sampler_->profile());
  sampler_.reset();
  return Status::Ok();
}

}  // namespace duet
