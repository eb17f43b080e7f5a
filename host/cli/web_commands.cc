// The `pg` and `web` commands, one file for the two small families of the web pairs: `pg start`
// (a private PostgreSQL for a developer, with TechEmpower's data on request, until Ctrl-C) prints
// the URL the servers use on stdout (one line, for scripts) and the rest on stderr, then waits for
// SIGINT/SIGTERM while watching the server, so a cluster that dies is reported rather than
// silently gone; `web check` runs TechEmpower's response checks against a running server.
#include <signal.h>

#include <chrono>
#include <memory>

#include <fmt/format.h>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "db/postgres_database.h"
#include "db/techempower_db.h"
#include "load/techempower_check.h"

namespace duet {
namespace {

struct PgStartOptions {
  bool techempower = false;
  std::string pg_url;
  std::string directory;
};

int PgStart(const PgStartOptions& o) {
  if (!o.pg_url.empty() && !o.techempower) return Fail(Status::Usage("--pg-url needs --techempower"));
  // Blocked before the server starts so Ctrl-C during start-up is taken in order after it.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  sigaddset(&stop_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  auto started = std::chrono::steady_clock::now();
  TechEmpowerDbOptions options;
  options.pg_url = o.pg_url;
  options.cluster.directory = o.directory;
  std::unique_ptr<TechEmpowerDb> techempower;
  std::unique_ptr<PrivateCluster> plain;
  Status status = o.techempower ? TechEmpowerDb::Start(options, &techempower) : PrivateCluster::Start(options.cluster, &plain);
  if (!status.ok()) return Fail(status);
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  PrivateCluster* cluster = techempower ? techempower->cluster() : plain.get();
  if (cluster == nullptr) {  // --pg-url: loaded, nothing to keep running
    fmt::print("{}\n", techempower->app_url());
    fmt::print(stderr, "duet: TechEmpower's tables loaded in {:.2f} s\n", seconds);
    return 0;
  }
  fmt::print("{}\n", techempower ? techempower->app_url() : cluster->Url());
  std::fflush(stdout);
  fmt::print(stderr, "duet: PostgreSQL 15 in {} (pid {}), ready in {:.2f} s{}\n", cluster->directory().string(),
             cluster->pid(), seconds, techempower ? ", TechEmpower's tables loaded" : "");
  if (techempower) {
    fmt::print(stderr, "duet: as the superuser: {}\n", techempower->admin_url());
    std::unique_ptr<SqlDatabase> admin;
    nlohmann::json durability;
    if (PostgresDatabase::Open(techempower->admin_url(), &admin).ok() && ReadDurability(admin.get(), &durability).ok()) {
      fmt::print(stderr, "duet: durability: {}\n", durability.dump());
    }
  }
  fmt::print(stderr, "duet: only this OS user can connect (peer authentication on the socket); Ctrl-C stops it\n");
  while (true) {
    timespec tick{0, 200'000'000};
    if (sigtimedwait(&stop_signals, nullptr, &tick) > 0) break;
    if (Status running = cluster->CheckRunning(); !running.ok()) {
      (void)cluster->Stop();  // the server is gone: its exit is the error; Stop removes what is left
      return Fail(running);
    }
  }
  Status stopped = cluster->Stop();
  if (!stopped.ok()) return Fail(stopped);
  fmt::print(stderr, "duet: stopped and removed\n");
  return 0;
}

struct WebCheckOptions {
  int port = 0;
  std::string db_url;
  int repeat = 2;
};

int WebCheck(const WebCheckOptions& o) {
  std::unique_ptr<SqlDatabase> db;
  if (!o.db_url.empty()) {
    if (Status opened = PostgresDatabase::Open(o.db_url, &db); !opened.ok()) return Fail(opened);
  }
  TechEmpowerCheckOptions options;
  options.db = db.get();
  options.repeat = o.repeat;
  int failed = 0;
  for (const TechEmpowerCheck& check : CheckTechEmpowerServer(o.port, options)) {
    failed += !check.status.ok();
    fmt::print("{:<10} {:<28} {}\n", check.test, check.target, check.status.ok() ? "ok" : check.status.ToString());
  }
  // A check that fails is the server's result, as a failed workload is the run's.
  return failed == 0 ? 0 : kExitWorkloadFailed;
}

}  // namespace

CommandRun AddPgStartCommand(CLI::App* start) {
  auto options = std::make_shared<PgStartOptions>();
  start->add_flag("--techempower", options->techempower,
                  "load TechEmpower's World and Fortune tables (database hello_world, role benchmarkdbuser) and "
                  "print the URL the web servers connect with");
  start->add_option("--pg-url", options->pg_url,
                    "with --techempower: load the tables into this existing database instead, print it and exit");
  start->add_option("--dir", options->directory,
                    "the cluster's directory, which must not exist (default: a new one in $TMPDIR)");
  return [options](const CommandContext&) { return PgStart(*options); };
}

CommandRun AddWebCheckCommand(CLI::App* check) {
  auto options = std::make_shared<WebCheckOptions>();
  check->add_option("--port", options->port, "the server's port on 127.0.0.1")->required()->check(WholeNumber(1, 65535));
  check->add_option("--db", options->db_url,
                    "the server's database, read to check fortunes and that updates are stored (without it: "
                    "fortunes against the standard rows, updates for shape only)");
  check->add_option("--repeat", options->repeat, "requests per target (default: 2)")->check(WholeNumber(1, 1000));
  return [options](const CommandContext&) { return WebCheck(*options); };
}

}  // namespace duet
