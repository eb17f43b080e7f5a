// RuntimeId's table: every engine's key parses back to it, the keys are the ones duet-run/1 JSON,
// history and duet.runtime have always used, and anything else is refused.
#include "core/runtime_id.h"

#include <set>
#include <string>

#include <gtest/gtest.h>

namespace duet {
namespace {

TEST(RuntimeIdTest, KeysRoundTrip) {
  for (const RuntimeNames& names : kRuntimes) {
    ASSERT_TRUE(RuntimeFromKey(names.key).has_value()) << names.key;
    EXPECT_EQ(*RuntimeFromKey(names.key), names.id) << names.key;
    EXPECT_EQ(RuntimeKey(names.id), names.key);
  }
}

TEST(RuntimeIdTest, NamesAreTheRecordedOnes) {
  // Stored runs and history files hold these keys: changing one breaks every file written before.
  EXPECT_EQ(RuntimeKey(RuntimeId::kV8), "v8");
  EXPECT_EQ(RuntimeKey(RuntimeId::kCPython), "cpython");
  EXPECT_EQ(RuntimeLanguage(RuntimeId::kV8), "js");
  EXPECT_EQ(RuntimeLanguage(RuntimeId::kCPython), "py");
  EXPECT_EQ(RuntimeLabel(RuntimeId::kV8), "JavaScript (V8)");
  EXPECT_EQ(RuntimeLabel(RuntimeId::kCPython), "Python (CPython)");
  // Session order: V8 first, as the harness interleaves them and reports list them.
  ASSERT_EQ(kRuntimes.size(), 2u);
  EXPECT_EQ(kRuntimes[0].id, RuntimeId::kV8);
  EXPECT_EQ(kRuntimes[1].id, RuntimeId::kCPython);
}

TEST(RuntimeIdTest, NamesAreDistinct) {
  std::set<std::string_view> keys, languages, labels;
  for (const RuntimeNames& names : kRuntimes) {
    EXPECT_TRUE(keys.insert(names.key).second) << names.key;
    EXPECT_TRUE(languages.insert(names.language).second) << names.language;
    EXPECT_TRUE(labels.insert(names.label).second) << names.label;
  }
}

TEST(RuntimeIdTest, UnknownKeysAreRefused) {
  for (std::string key : {"", "V8", "python", "js", "py", "cpython ", "node"}) {
    EXPECT_FALSE(RuntimeFromKey(key).has_value()) << '"' << key << '"';
  }
}

}  // namespace
}  // namespace duet
