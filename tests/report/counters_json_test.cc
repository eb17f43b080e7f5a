// EngineCounters as duet-run/1 JSON: exactly the keys the adapters wrote before the struct existed
// (docs/json-output.md; readers of stored runs depend on them), and back again unchanged.
#include "report/counters_json.h"

#include <gtest/gtest.h>

namespace duet {
namespace {

EngineCounters V8Counters() {
  EngineCounters c;
  c.runtime = RuntimeId::kV8;
  c.gc.pauses = {2, 1290000, 900000};
  c.gc.by_kind = std::map<std::string, PauseStats>{{"scavenge", {2, 1290000, 900000}}, {"incremental_marking", {1, 5, 5}}};
  c.heap = V8HeapCounters{4300000, 6100000, 4345298944, 0, 8192, {{"new_space", 0}, {"old_space", 12}}};
  c.code = V8CodeCounters{181000, 23000, 7};
  c.main_isolate_only = true;
  return c;
}

EngineCounters CPythonCounters() {
  EngineCounters c;
  c.runtime = RuntimeId::kCPython;
  c.gc.pauses = {3, 300, 200};
  c.gc.by_kind = std::map<std::string, PauseStats>{{"0", {2, 100, 60}}, {"2", {1, 200, 200}}};
  c.gc.collected = 17;
  c.gc.uncollectable = 0;
  c.allocated_blocks_delta = -42;
  return c;
}

TEST(CountersJsonTest, V8KeysAreTheRecordedOnes) {
  nlohmann::json expected = nlohmann::json::parse(R"({
    "gc": {"pauses": {"count": 2, "total_ns": 1290000, "max_ns": 900000},
           "by_type": {"scavenge": {"count": 2, "total_ns": 1290000, "max_ns": 900000},
                       "incremental_marking": {"count": 1, "total_ns": 5, "max_ns": 5}}},
    "heap": {"used_bytes": 4300000, "total_bytes": 6100000, "limit_bytes": 4345298944,
             "external_bytes": 0, "malloced_bytes": 8192, "space_used_bytes": {"new_space": 0, "old_space": 12}},
    "code": {"code_and_metadata_bytes": 181000, "bytecode_and_metadata_bytes": 23000,
             "external_script_source_bytes": 7},
    "isolates": "main"})");
  EXPECT_EQ(CountersJson(V8Counters()), expected) << CountersJson(V8Counters()).dump(2);
}

TEST(CountersJsonTest, CPythonKeysAreTheRecordedOnes) {
  nlohmann::json expected = nlohmann::json::parse(R"({
    "gc": {"pauses": {"count": 3, "total_ns": 300, "max_ns": 200},
           "by_generation": {"0": {"count": 2, "total_ns": 100, "max_ns": 60}, "2": {"count": 1, "total_ns": 200, "max_ns": 200}},
           "collected": 17, "uncollectable": 0},
    "allocated_blocks_delta": -42,
    "traced_peak_bytes": null})");
  EXPECT_EQ(CountersJson(CPythonCounters()), expected) << CountersJson(CPythonCounters()).dump(2);
  EngineCounters traced = CPythonCounters();
  traced.traced_peak_bytes = 5 << 20;
  EXPECT_EQ(CountersJson(traced)["traced_peak_bytes"], 5 << 20);
}

TEST(CountersJsonTest, RoundTrip) {
  for (const EngineCounters& c : {V8Counters(), CPythonCounters()}) {
    nlohmann::json json = CountersJson(c);
    EXPECT_EQ(CountersJson(CountersFromJson(json, c.runtime)), json) << json.dump(2);
  }
  EngineCounters traced = CPythonCounters();
  traced.traced_peak_bytes = 123;
  EXPECT_EQ(CountersFromJson(CountersJson(traced), RuntimeId::kCPython).traced_peak_bytes, 123);
}

TEST(CountersJsonTest, WhatAStoredRunLacksStaysUnset) {
  // tests/cli/synthetic_run.h writes only the pauses.
  nlohmann::json sparse = {{"gc", {{"pauses", {{"count", 3}, {"total_ns", 1500000}, {"max_ns", 900000}}}}}};
  EngineCounters c = CountersFromJson(sparse, RuntimeId::kV8);
  EXPECT_EQ(c.gc.pauses.count, 3u);
  EXPECT_EQ(c.gc.pauses.total_ns, 1500000u);
  EXPECT_FALSE(c.gc.by_kind.has_value());
  EXPECT_FALSE(c.heap.has_value());
  EXPECT_FALSE(c.main_isolate_only);
  EXPECT_EQ(CountersJson(c), sparse);
}

TEST(CountersJsonTest, AFieldOfTheWrongTypeThrows) {
  nlohmann::json bad = {{"gc", {{"pauses", {{"count", "three"}}}}}};
  EXPECT_THROW(CountersFromJson(bad, RuntimeId::kV8), nlohmann::json::exception);
}

}  // namespace
}  // namespace duet
