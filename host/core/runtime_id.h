// RuntimeId: which of the two embedded engines something belongs to, and the one table of the
// names each is known by. Code outside the adapters names an engine by its RuntimeId and turns it
// into text (a JSON key, a file name) only through this table, so a misspelt "cpyhton" cannot compile.
#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string_view>

namespace duet {

// X(id, key, language, label), in session order (JS first, as the harness interleaves them):
//   key       the engine's key in reports, duet-run/1 JSON, history and workload params (duet.runtime)
//   language  the language's short name: profile file names, a web pair's "frameworks" map
//   label     for people: HTML legends and rows
#define DUET_RUNTIME_MAP(X)                      \
  X(kV8, "v8", "js", "JavaScript (V8)")         \
  X(kCPython, "cpython", "py", "Python (CPython)")

enum class RuntimeId {
#define DUET_RUNTIME_ENUM(id, key, language, label) id,
  DUET_RUNTIME_MAP(DUET_RUNTIME_ENUM)
#undef DUET_RUNTIME_ENUM
};

struct RuntimeNames {
  RuntimeId id;
  std::string_view key;
  std::string_view language;
  std::string_view label;
};

// Indexed by RuntimeId, so every engine has exactly one row.
inline constexpr std::array kRuntimes = {
#define DUET_RUNTIME_ROW(id, key, language, label) RuntimeNames{RuntimeId::id, key, language, label},
    DUET_RUNTIME_MAP(DUET_RUNTIME_ROW)
#undef DUET_RUNTIME_ROW
};

static_assert(
    [] {
      for (size_t i = 0; i < kRuntimes.size(); ++i) {
        if (kRuntimes[i].id != static_cast<RuntimeId>(i)) return false;
      }
      return true;
    }(),
    "kRuntimes is indexed by RuntimeId");

constexpr const RuntimeNames& NamesOf(RuntimeId id) { return kRuntimes[static_cast<size_t>(id)]; }
constexpr std::string_view RuntimeKey(RuntimeId id) { return NamesOf(id).key; }
constexpr std::string_view RuntimeLanguage(RuntimeId id) { return NamesOf(id).language; }
constexpr std::string_view RuntimeLabel(RuntimeId id) { return NamesOf(id).label; }

// The engine whose key is `key` ("v8", "cpython"); nullopt for any other text, which a reader of
// JSON turns into an error rather than guessing.
constexpr std::optional<RuntimeId> RuntimeFromKey(std::string_view key) {
  for (const RuntimeNames& names : kRuntimes) {
    if (names.key == key) return names.id;
  }
  return std::nullopt;
}

}  // namespace duet
