// `duet load`: the built-in load generator against a loopback port. The generator runs on its own
// thread (host/load); this file holds the flags and prints what it measured. Exit codes: 0 every
// request answered or cut off by the time limit without errors, 1 errors or nothing answered,
// 2 bad options.
#include <unistd.h>

#include <fmt/format.h>

#include <memory>
#include <string>

#include "cli/command.h"
#include "cli/exit_codes.h"
#include "cli/options.h"
#include "core/file_io.h"
#include "load/load_generator.h"
#include "load/techempower_check.h"
#include "report/json_report.h"
#include "report/load_report.h"

namespace duet {
namespace {

struct LoadCommandOptions {
  LoadOptions load;
  std::string mode = "echo";
  std::string json_path;
  bool hold = false;  // idle: hold the connections open until stdin's end (LoadOptions::release_fd)
  std::string check;  // http: a TechEmpower test type every response is checked as
};

int Load(LoadCommandOptions options) {
  ParseLoadMode(options.mode, &options.load.mode);
  if (!options.check.empty()) {
    if (options.load.mode != LoadMode::kHttp) return Fail(Status::Usage("--check is for --mode http"), "duet load");
    Status known = TechEmpowerResponseCheck(options.check, options.load.path, &options.load.check);
    // CLI11 checked the name already; this is the one place that knows the tests, and what it
    // refuses is the command line's.
    if (!known.ok()) return Fail(Status::Usage(known.message(), known.file(), known.line()), "duet load");
  }
  if (options.hold) {
    options.load.held_fd = STDOUT_FILENO;
    options.load.release_fd = STDIN_FILENO;
  }
  LoadResult result;
  Status ran = RunLoad(options.load, &result);
  if (!ran.ok()) return Fail(ran, "duet load");
  std::string summary = FormatLoadSummary(result);
  std::fputs(summary.c_str(), options.json_path == "-" ? stderr : stdout);
  if (!options.json_path.empty()) {
    Status written = WriteJsonFile(options.json_path, LoadJson(result));
    if (!written.ok()) return Fail(written, "duet load");
  }
  // Errors on the wire are the load's result, reported in it, as a failed workload's are.
  return result.error_count() == 0 && result.completed > 0 ? 0 : kExitWorkloadFailed;
}

}  // namespace

CommandRun AddLoadCommand(CLI::App* load) {
  auto options = std::make_shared<LoadCommandOptions>();
  LoadOptions& o = options->load;
  load->add_option("--port", o.port, "the server's port")->required()->check(WholeNumber(1, 65535));
  load->add_option("--host", o.host, "127.0.0.0/8, ::1 or localhost: loopback only (default: 127.0.0.1)");
  load->add_option("--connections,-c", o.connections, "concurrent connections, one request in flight on each (default: 10)");
  load->add_option("--size", o.size, "echo, idle, ws-room: bytes per message (default: 64)");
  load->add_option("--requests,-n", o.requests, "requests in total over all connections (default: 100000)");
  load->add_option("--duration,-d", o.duration_s, "time limit in seconds, whatever is left unsent (default: 10)");
  load->add_option("--timeout", o.timeout_s,
                   "seconds a request or connect may wait before it counts as an error and closes its connection "
                   "(default: 2)");
  load->add_option("--mode", options->mode,
                   "echo: send --size bytes, expect them back; http: GET --path; idle: one --size echo per "
                   "connection, then hold them all open; ws-room: every connection joins the WebSocket room at "
                   "--path, sends --requests messages in all, one at a time, and must receive every one "
                   "(docs/web-workloads.md) (default: echo)")
      ->check(CLI::IsMember(LoadModeNames()));
  load->add_flag("--hold", options->hold,
                 "idle mode: once every connection is open and has echoed once, print `held N` on a line to stdout "
                 "and keep them all open until stdin reaches EOF (or --duration ends); then close them and finish");
  load->add_option("--path", o.path, "http: the request target; ws-room: the room's (default: /)");
  load->add_option("--pipeline", o.pipeline,
                   "http: requests written back to back on a connection before reading their responses, as "
                   "TechEmpower's plaintext test does with 16 (default: 1)")
      ->check(WholeNumber(1, 64));
  load->add_option("--check", options->check,
                   "http: check every response as this TechEmpower test type wants it (json, plaintext, db, queries, "
                   "fortunes, updates; ?queries=N in --path sets how many worlds); a wrong one is an error")
      ->check(CLI::IsMember(TechEmpowerTests()));
  load->add_option("--json", options->json_path, "also write duet-load/1 JSON to FILE ('-' for stdout)");
  return [options](const CommandContext&) { return Load(*options); };
}

}  // namespace duet
