// `duet pg start` (a private PostgreSQL for a developer, with TechEmpower's data on request,
// until Ctrl-C) and `duet web check` (TechEmpower's response checks against a running server).
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

namespace duet {

class WebCommands {
 public:
  explicit WebCommands(CLI::App& app);
  // The exit code of the parsed command, or nothing when none of these was parsed.
  std::optional<int> Dispatch() const;

 private:
  int PgStart() const;
  int WebCheck() const;

  CLI::App* pg_start_ = nullptr;
  CLI::App* web_check_ = nullptr;
  bool techempower_ = false;
  std::string pg_url_;
  std::string directory_;
  int port_ = 0;
  std::string db_url_;
  int repeat_ = 2;
};

}  // namespace duet
