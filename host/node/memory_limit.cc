// V8HeapLimit (--js-max-heap): near the limit V8 asks us, and instead of letting it abort the
// process we give it room to unwind and terminate the script. Mirrors python/memory_limit.cc.
#include <fmt/format.h>

#include <algorithm>

#include "node/isolate_tools.h"

namespace duet {

V8HeapLimit::V8HeapLimit(v8::Isolate* isolate) : isolate_(isolate) {
  isolate_->AddNearHeapLimitCallback(&V8HeapLimit::OnNearHeapLimit, this);
}

V8HeapLimit::~V8HeapLimit() { isolate_->RemoveNearHeapLimitCallback(&V8HeapLimit::OnNearHeapLimit, initial_limit_); }

size_t V8HeapLimit::OnNearHeapLimit(void* data, size_t current_limit, size_t initial_limit) {
  auto* self = static_cast<V8HeapLimit*>(data);
  self->reached_ = true;
  self->initial_limit_ = initial_limit;
  self->isolate_->TerminateExecution();
  return current_limit + std::max<size_t>(current_limit / 4, size_t{32} << 20);
}

std::string V8HeapLimit::Message(const std::string& what) const {
  return fmt::format("JavaScript heap out of memory during {} (heap limit {} MiB; --js-max-heap)", what,
                     initial_limit_ >> 20);
}

void V8HeapLimit::Restore() {
  reached_ = false;
  if (initial_limit_ == 0) return;
  // Removing the callback with the initial limit lowers the heap limit back to it.
  isolate_->RemoveNearHeapLimitCallback(&V8HeapLimit::OnNearHeapLimit, initial_limit_);
  isolate_->AddNearHeapLimitCallback(&V8HeapLimit::OnNearHeapLimit, this);
  initial_limit_ = 0;
}

}  // namespace duet
