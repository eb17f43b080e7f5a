// PythonRuntime's memory cap (--py-max-memory): hooks that wrap the raw allocator and pymalloc's
// arena allocator count the bytes Python holds and refuse those beyond the cap, so the workload
// gets a MemoryError instead of the machine's OOM killer. Mirrors v8/memory_limit.cc.
// Thread-safe: the raw domain is called without the GIL.
#include <malloc.h>

#include <fmt/format.h>

#include <atomic>

#include "python/runtime.h"

namespace duet {
namespace {

// Room to raise, catch and describe the MemoryError once the cap has refused an allocation.
constexpr int64_t kHeadroomBytes = int64_t{64} << 20;

std::atomic<int64_t> g_used{0};   // bytes allocated since the hooks went in (may dip below 0)
std::atomic<int64_t> g_limit{0};  // 0: no cap
int64_t g_cap = 0;
std::atomic<bool> g_refused{false};
PyMemAllocatorEx g_raw_base;
#ifdef DUET_PY_OBJECTS_FROM_MALLOC
PyMemAllocatorEx g_mem_base;
PyMemAllocatorEx g_object_base;
#else
PyObjectArenaAllocator g_arena_base;
#endif

bool Admit(size_t bytes) {
  int64_t limit = g_limit.load(std::memory_order_relaxed);
  if (limit == 0 || g_used.load(std::memory_order_relaxed) + static_cast<int64_t>(bytes) <= limit) return true;
  if (!g_refused.exchange(true)) g_limit = g_cap + kHeadroomBytes;
  return false;
}

void Count(void* block) {
  if (block != nullptr) g_used += static_cast<int64_t>(malloc_usable_size(block));
}

// ctx is the wrapped domain's own allocator (PyMemAllocatorEx), so one set serves every domain.
PyMemAllocatorEx& Base(void* ctx) { return *static_cast<PyMemAllocatorEx*>(ctx); }

void* CappedMalloc(void* ctx, size_t size) {
  if (!Admit(size)) return nullptr;
  void* block = Base(ctx).malloc(Base(ctx).ctx, size);
  Count(block);
  return block;
}

void* CappedCalloc(void* ctx, size_t count, size_t size) {
  if (size != 0 && count > SIZE_MAX / size) return nullptr;
  if (!Admit(count * size)) return nullptr;
  void* block = Base(ctx).calloc(Base(ctx).ctx, count, size);
  Count(block);
  return block;
}

void* CappedRealloc(void* ctx, void* block, size_t size) {
  size_t before = block != nullptr ? malloc_usable_size(block) : 0;
  if (size > before && !Admit(size - before)) return nullptr;
  void* moved = Base(ctx).realloc(Base(ctx).ctx, block, size);
  if (moved != nullptr) {
    g_used -= static_cast<int64_t>(before);
    Count(moved);
  }
  return moved;
}

void CappedFree(void* ctx, void* block) {
  if (block != nullptr) g_used -= static_cast<int64_t>(malloc_usable_size(block));
  Base(ctx).free(Base(ctx).ctx, block);
}

void Wrap(PyMemAllocatorDomain domain, PyMemAllocatorEx* base) {
  PyMem_GetAllocator(domain, base);
  PyMemAllocatorEx capped = {base, CappedMalloc, CappedCalloc, CappedRealloc, CappedFree};
  PyMem_SetAllocator(domain, &capped);
}

#ifndef DUET_PY_OBJECTS_FROM_MALLOC
void* ArenaAlloc(void*, size_t size) {
  if (!Admit(size)) return nullptr;
  void* arena = g_arena_base.alloc(g_arena_base.ctx, size);
  if (arena != nullptr) g_used += static_cast<int64_t>(size);
  return arena;
}

void ArenaFree(void*, void* arena, size_t size) {
  g_arena_base.free(g_arena_base.ctx, arena, size);
  g_used -= static_cast<int64_t>(size);
}
#endif

}  // namespace

void PythonRuntime::SetMaxMemory(size_t bytes) {
  static bool hooked = [] {
    // Wrappers of the allocators in place, which CPython allows after initialisation; objects
    // up to 512 bytes come from pymalloc's arenas, larger ones from the raw domain.
    Wrap(PYMEM_DOMAIN_RAW, &g_raw_base);
#ifdef DUET_PY_OBJECTS_FROM_MALLOC
    // No pymalloc (sanitizer builds): every object comes from malloc through these domains.
    Wrap(PYMEM_DOMAIN_MEM, &g_mem_base);
    Wrap(PYMEM_DOMAIN_OBJ, &g_object_base);
#else
    PyObject_GetArenaAllocator(&g_arena_base);
    PyObjectArenaAllocator arena = {nullptr, ArenaAlloc, ArenaFree};
    PyObject_SetArenaAllocator(&arena);
#endif
    return true;
  }();
  (void)hooked;
  g_cap = static_cast<int64_t>(bytes);
  g_used = 0;  // the cap is on what workloads add to the interpreter as it stands
  g_refused = false;
  g_limit = g_cap;
}

Status PythonRuntime::MemoryChecked(Status status, const char* what) {
  if (!g_refused.exchange(false)) return status;
  g_limit = g_cap;  // the headroom was for reporting; the next workload gets the cap again
  if (status.ok()) return status;  // the workload caught its MemoryError and went on
  return Status::Error(fmt::format("MemoryError: Python memory cap reached during {} ({} MiB; --py-max-memory)", what,
                                   g_cap >> 20),
                       status.file(), status.line(), status.detail());
}

}  // namespace duet
