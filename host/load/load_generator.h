// The built-in load generator: N connections to a loopback port driving closed-loop request/response
// traffic (echo or HTTP/1.1 keep-alive GET), bounded by a request count and a time limit. It runs on
// its own thread with its own uv_loop_t, never on the loop the runtimes share, so it can drive a
// server running in this very process. A LoadGenerator is used from one thread.
#pragma once

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "core/status.h"
#include "load/histogram.h"
#include "load/http_client.h"

namespace duet {

// kIdle: every connection exchanges one echo message (so the server has surely set it up), and
// once all are open the run records the process RSS and ends, or holds them (LoadOptions::release_fd):
// the memory an idle connection costs. kRoom: the connections are WebSocket members of one room
// at `path`, every message broadcast to all (websocket_room.h).
enum class LoadMode { kEcho, kHttp, kIdle, kRoom };
// Why a run ended: every request answered, the time limit, or no connection left to send on.
enum class StopReason { kRequests, kDuration, kConnections };

const char* LoadModeName(LoadMode mode);
// "echo" / "http" / "idle" / "ws-room"; false for anything else.
const std::vector<LoadMode>& LoadModes();
// LoadModeName of each of LoadModes(), in order: what --mode and a "load" block accept.
const std::vector<std::string>& LoadModeNames();
bool ParseLoadMode(std::string_view name, LoadMode* mode);
const char* StopReasonName(StopReason reason);
bool ParseStopReason(std::string_view name, StopReason* reason);

struct LoadOptions {
  std::string host = "127.0.0.1";  // 127.0.0.0/8, ::1 or localhost; anything else is refused
  int port = 0;
  int connections = 10;         // ws-room: the clients in the room
  size_t size = 64;             // echo, idle, ws-room: bytes per message (http: ignored)
  uint64_t requests = 100000;   // in total, over all connections (idle: one per connection; ws-room: messages sent)
  double duration_s = 10;       // the run ends at this time limit even with requests left
  double timeout_s = 2;         // a request (or connect) older than this is an error and closes its connection
  LoadMode mode = LoadMode::kEcho;
  std::string path = "/";       // http: the request target; ws-room: the room's
  // http: requests written back to back on a connection before its responses are read
  // (TechEmpower's plaintext pipelines 16); each response's latency runs from that write.
  int pipeline = 1;
  // http: every response is handed to it, whole (head and body), on the generator's thread; a
  // failed Status counts as a "wrong_response" error and the first one is kept in the result.
  // Unset: only the status and the framing are checked.
  std::function<Status(const HttpResponse&)> check;
  // Idle mode, for a client in a process of its own (`duet load --hold`, LoadProcess): once every
  // connection is open and has echoed, write "held N\n" to held_fd and keep them all open until
  // release_fd is at end of file (or the time limit). -1: no hold, the run ends there.
  int held_fd = -1;
  int release_fd = -1;
};

// Checks ranges and that the host is loopback. Returns the reason, naming the option, when not.
Status ValidateLoadOptions(const LoadOptions& options);

struct LoadResult {
  LoadOptions options;
  // Requests answered in full and correctly (their latency is recorded); ws-room: deliveries,
  // each message once per client.
  uint64_t completed = 0;
  uint64_t unfinished = 0;  // requests (deliveries) still due when the time limit ended the run: not errors
  uint64_t messages = 0;    // ws-room: the messages the clients sent
  // Errors by kind: libuv's name for socket errors (ECONNREFUSED, ECONNRESET, EOF = closed by the
  // server), "timeout", "connect_timeout", "bad_response" (wrong echo bytes, malformed HTTP),
  // "http_NNN" (a non-2xx status; the request still counts as completed), "wrong_response" (the
  // options' check failed; it counts as completed too); ws-room: "lost_message" (a delivery that
  // never came: skipped, or not there after timeout_s) and "closed_by_server" (a close frame).
  std::map<std::string, uint64_t> errors;
  uint64_t bytes_sent = 0;
  uint64_t bytes_received = 0;
  uint64_t wall_ns = 0;        // from the first connect to the end of the run (a hold: to every connection open)
  uint64_t client_cpu_ns = 0;  // the generator thread's own CPU time over the run
  StopReason stopped_by = StopReason::kRequests;
  LatencyHistogram latency;    // ns from the first byte written to the last byte of the response
  // Idle mode: the process RSS before the first connect and with every connection open.
  uint64_t rss_start_bytes = 0;
  uint64_t rss_held_bytes = 0;
  // The first response that was wrong (a check failed, a non-2xx status, malformed HTTP): why,
  // and the start of it. Empty when none was.
  std::string first_bad_response;

  uint64_t error_count() const;
  double throughput() const;   // completed requests per second of wall time
};

class LoadGenerator {
 public:
  LoadGenerator() = default;
  ~LoadGenerator();  // waits for a run still in progress (it is bounded)
  LoadGenerator(const LoadGenerator&) = delete;
  LoadGenerator& operator=(const LoadGenerator&) = delete;

  // Validates the options and starts the run on a new thread; fails without starting anything.
  // `on_done` runs on that thread once the run has ended (to wake whoever serves meanwhile).
  Status Start(const LoadOptions& options, std::function<void()> on_done = {});
  // Waits for the run started last to end and returns what it measured.
  LoadResult Join();

 private:
  std::thread thread_;
  LoadResult result_;
};

// Whether `mode` sends its requests to LoadOptions::path (http, ws-room).
bool LoadModeHasPath(LoadMode mode);

// Makes room for `descriptors` more open files: raises the soft RLIMIT_NOFILE, and the hard one
// when the process may (root); a clear error naming `what` when it cannot.
Status EnsureDescriptors(uint64_t descriptors, const std::string& what);

// Start + Join: runs the load to its end on a thread of its own.
Status RunLoad(const LoadOptions& options, LoadResult* result);

}  // namespace duet
