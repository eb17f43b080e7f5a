// A private PostgreSQL cluster that only this process can reach: Debian's PostgreSQL 15 started
// from a fresh 0700 directory, with peer authentication on a Unix socket in that directory, no
// TCP listener, and `postgres` a direct child of this process, so it is waited on and the
// directory removed when the PrivateCluster goes, also after a failure; when duet itself dies
// (Ctrl-C, SIGKILL), the server follows it and a small cleanup process removes the directory.
// Used from one thread.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace duet {

struct PrivateClusterOptions {
  // Where Debian installs PostgreSQL 15 (not on PATH).
  std::filesystem::path bin_dir = "/usr/lib/postgresql/15/bin";
  // The cluster's directory; empty: a fresh one under $TMPDIR (else /tmp). A given directory
  // must not exist yet, so a previous run's leftovers are an error, never silently reused.
  std::filesystem::path directory;
  // How long initdb + start-up, and shutdown, may take.
  std::chrono::milliseconds start_timeout{30'000};
  std::chrono::milliseconds stop_timeout{10'000};
  // Extra server settings, "name=value" each (passed as `-c name=value`).
  std::vector<std::string> settings;
  // Further roles this OS user may log in as over peer authentication (a pg_ident.conf map), so
  // an application can connect with a role of lesser rights, as TechEmpower's benchmarkdbuser.
  // Creating the roles is the caller's business.
  std::vector<std::string> peer_roles;
};

class PrivateCluster {
  struct Token {};  // only Start constructs one

 public:
  PrivateCluster(Token, std::filesystem::path directory, std::string role, std::chrono::milliseconds stop_timeout)
      : directory_(std::move(directory)), role_(std::move(role)), stop_timeout_(stop_timeout) {}
  PrivateCluster(const PrivateCluster&) = delete;
  PrivateCluster& operator=(const PrivateCluster&) = delete;
  // Stops the server (bounded) and removes the directory.
  ~PrivateCluster();

  // Creates the directory, runs initdb and starts the server; returns once it accepts
  // connections. On failure nothing is left behind and the error names the cause.
  static Status Start(const PrivateClusterOptions& options, std::unique_ptr<PrivateCluster>* out);

  // OK while the server runs; once it has exited (killed, crashed), an error saying how, with
  // the end of its log, so a run that loses its database says why.
  Status CheckRunning();

  // Fast shutdown, then immediate, then SIGKILL, each bounded; removes the directory. Idempotent.
  Status Stop();

  // A libpq URL for the `postgres` database as the superuser role named after this OS user.
  std::string Url() const { return UrlFor("postgres"); }
  // The same for `database`, as `role` (empty: the superuser; others need peer_roles).
  std::string UrlFor(const std::string& database, const std::string& role = "") const;
  const std::filesystem::path& directory() const { return directory_; }
  const std::string& role() const { return role_; }
  pid_t pid() const { return pid_; }
  // The server's log so far (its stderr), for error messages.
  std::string LogTail(size_t max_bytes = 2000) const;

 private:
  std::filesystem::path directory_;
  std::string role_;
  std::chrono::milliseconds stop_timeout_;
  pid_t pid_ = -1;
  // The cleanup process that removes directory_ if this process dies first, and the write end of
  // the pipe whose end of file tells it so.
  pid_t janitor_pid_ = -1;
  int janitor_pipe_ = -1;
};

}  // namespace duet
