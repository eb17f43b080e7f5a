// Test files for the report and history tests: a fresh folder per test, text and shell helpers,
// and synthetic duet-run/1 documents with known distributions, so compare, the claims and the
// history have a known answer.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <string>
#include <utility>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "cli/duet_command.h"

namespace duet::testing {

// A fresh folder per test under the gtest temp dir.
inline std::filesystem::path TestDir() {
  auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  auto dir = std::filesystem::path(::testing::TempDir()) / "duet-report" /
             (std::string(info->test_suite_name()) + "." + info->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

inline void WriteText(const std::filesystem::path& path, const std::string& text) {
  std::ofstream out(path);
  out << text;
}

struct SyntheticWorkload {
  std::string category, name;
  double v8_ns, cpython_ns;  // the medians the samples scatter around
};

// Samples scattered +-`noise` (uniform) around `center`, from the engine's raw bits so the data
// are the same with every standard library.
inline nlohmann::json Samples(double center, double noise, size_t n, std::mt19937_64& rng) {
  nlohmann::json out = nlohmann::json::array();
  for (size_t i = 0; i < n; ++i) {
    double u = static_cast<double>(rng() >> 11) * 0x1p-53;
    out.push_back(static_cast<uint64_t>(center * (1 + noise * (2 * u - 1))));
  }
  return out;
}

// A minimal duet-run/1 document (docs/json-output.md) holding `workloads`, 60 samples a side.
inline nlohmann::json SyntheticRun(const std::vector<SyntheticWorkload>& workloads, uint64_t seed, double noise = 0.05) {
  std::mt19937_64 rng(seed);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& w : workloads) {
    nlohmann::json runtimes;
    for (auto [runtime, center] : {std::pair{"v8", w.v8_ns}, std::pair{"cpython", w.cpython_ns}}) {
      nlohmann::json samples = Samples(center, noise, 60, rng);
      runtimes[runtime] = {{"samples_ns", samples}, {"cpu_samples_ns", samples}, {"warmup", 2},
                           {"counters", {{"gc", {{"pauses", {{"count", 3}, {"total_ns", 1500000}, {"max_ns", 900000}}}}}}},
                           {"setup", {{"rss_delta_bytes", runtime == std::string("v8") ? 4 << 20 : 9 << 20}}},
                           {"result", 42}, {"verified", true}, {"error", nullptr}};
    }
    list.push_back({{"name", w.name}, {"category", w.category}, {"path", "/synthetic"}, {"claim", "synthetic"},
                    {"params", {{"n", 1}}}, {"plan", {{"mode", "runs"}, {"runs", 60}, {"time_budget_s", nullptr},
                                                      {"warmup", 2}, {"blocks", 5}}},
                    {"results_match", true}, {"error", nullptr}, {"runtimes", runtimes},
                    {"process", {{"peak_rss_delta_bytes", 1 << 20}}}});
  }
  return {{"schema", "duet-run/1"},
          {"environment", {{"host", "duet"}, {"timestamp", "2026-01-01T00:00:00Z"},
                           {"versions", {{"duet", "0.1.0"}, {"v8", "10.2"}, {"cpython", "3.11"}}},
                           {"machine", {{"cores", 2}, {"cpu_model", "synthetic"}}}, {"command_line", {"duet", "run"}}}},
          {"calibration", nlohmann::json::object()},
          {"warnings", nlohmann::json::array()},
          {"workloads", list}};
}

// Headless Chromium, as the HTML page tests drive it: its log on stderr, where every console
// message (errors, uncaught exceptions) appears as "INFO:CONSOLE:<line>] ...".
inline const std::string kChromium = "/usr/bin/chromium --headless --no-sandbox --disable-gpu --hide-scrollbars "
                                     "--enable-logging=stderr --v=0 ";

// The DOM Chromium builds from the page at `html` (a file path).
inline Outcome RenderedDom(const std::string& html) { return Shell(kChromium + "--dump-dom file://" + html); }

// A screenshot of the page at `html` into `png`.
inline Outcome Screenshot(const std::string& html, const std::filesystem::path& png) {
  std::filesystem::remove(png);
  return Shell(kChromium + "--window-size=1000,2600 --screenshot=" + png.string() + " file://" + html);
}

// How many times `pattern` (a regex) matches in `text`.
inline std::ptrdiff_t CountMatches(const std::string& text, const std::string& pattern) {
  std::regex re(pattern);
  return std::distance(std::sregex_iterator(text.begin(), text.end(), re), std::sregex_iterator());
}

inline std::string WriteRun(const std::filesystem::path& path, const nlohmann::json& run) {
  WriteText(path, run.dump(2));
  return path.string();
}

}  // namespace duet::testing
