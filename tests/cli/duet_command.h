// Runs the built duet binary as a user would, for the CLI tests: both streams captured, the
// exit code decoded, and the duet-run/1 JSON parsed when asked for.
#pragma once

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace duet::testing {

struct Outcome {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// Runs `duet ARGS` through the shell.
inline Outcome Duet(const std::string& args) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("duet-cli-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string command = std::string(DUET_BINARY) + " " + args + " >" + (dir / "out").string() + " 2>" +
                        (dir / "err").string();
  int status = std::system(command.c_str());
  Outcome outcome;
  outcome.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  outcome.out = Slurp(dir / "out");
  outcome.err = Slurp(dir / "err");
  return outcome;
}

#ifdef DUET_NODE_BASELINE
// Runs `node ARGS` with the standalone node duet is compared against (Debian's node 18) and
// stdin from /dev/null.
inline Outcome NodeBaseline(const std::string& args) {
  auto dir = std::filesystem::path(::testing::TempDir()) / ("node-" + std::to_string(getpid()));
  std::filesystem::create_directories(dir);
  std::string command = std::string(DUET_NODE_BASELINE) + " " + args + " >" + (dir / "out").string() + " 2>" +
                        (dir / "err").string() + " </dev/null";
  int status = std::system(command.c_str());
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), Slurp(dir / "out"), Slurp(dir / "err")};
}

// A test-name suffix from a file name: "modules/main.cjs" -> "modules_main_cjs".
inline std::string ParamName(std::string name) {
  for (char& c : name) c = isalnum(static_cast<unsigned char>(c)) ? c : '_';
  return name;
}
#endif

// Runs `duet ARGS --json FILE` and parses FILE (null when it was not written).
inline std::pair<Outcome, nlohmann::json> DuetJson(const std::string& args) {
  std::string path = ::testing::TempDir() + "/duet-" + std::to_string(getpid()) + ".json";
  std::filesystem::remove(path);
  Outcome outcome = Duet(args + " --json " + path);
  nlohmann::json doc = nlohmann::json::parse(Slurp(path), nullptr, /*allow_exceptions=*/false);
  return {outcome, doc.is_discarded() ? nlohmann::json(nullptr) : doc};
}

}  // namespace duet::testing
