// V8Runtime's heap limit (--js-max-heap): near the limit V8 asks us, and instead of letting it
// abort the process we give it room to unwind and terminate the script, which then fails with
// "heap out of memory". Mirrors python/memory_limit.cc.
#include <algorithm>

#include "v8/runtime.h"

namespace duet {

size_t V8Runtime::OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit) {
  auto* self = static_cast<V8Runtime*>(data);
  self->heap_limit_reached_ = true;
  self->initial_heap_limit_ = initial_limit;
  self->isolate_->TerminateExecution();
  return current_limit + std::max<size_t>(current_limit / 4, size_t{32} << 20);
}

void V8Runtime::RestoreHeapLimit() {
  if (initial_heap_limit_ == 0) return;
  // The workload that ran out of heap is gone: back to the limit the next one is held to.
  isolate_->RemoveNearHeapLimitCallback(&V8Runtime::OnNearHeapLimit, initial_heap_limit_);
  isolate_->AddNearHeapLimitCallback(&V8Runtime::OnNearHeapLimit, this);
  initial_heap_limit_ = 0;
}

}  // namespace duet
