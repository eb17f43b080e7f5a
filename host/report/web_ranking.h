// The web pairs' ranking: per TechEmpower test (json, plaintext, db, queries-N, fortunes,
// updates-N), every framework that ran it, in either runtime, ranked by requests per second, with
// latency percentiles, server CPU per request, RSS and database statements per request. A side
// that failed is listed after the ranked ones with its reason, never with a number.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "harness/harness.h"

namespace duet {

// duet-run/1's web.rankings: [{"test", "target", "entries": [...]}] in WebTests() order; empty
// when no result is a web test's.
nlohmann::json WebRankingJson(const std::vector<WorkloadResult>& results);
// The same as terminal tables, one per test; "" when there is none. `database` is
// SessionRecord::web_database (said in the heading).
std::string FormatWebRanking(const std::vector<WorkloadResult>& results, const nlohmann::json& database);

// One entry of a ranking as text, the same in the terminal and the HTML page: its pair's name
// ("web/express-flask:db" -> "express-flask") and, for a measured entry, each figure ("-" where
// there is none). CPU is the whole server process's where measured, else the serving thread's.
struct WebRankingCells {
  std::string pair, throughput, interval, p50, p99, p999, cpu, rss, statements;
};
WebRankingCells RankingCells(const nlohmann::json& entry);

// What a ranking measured, after its test's name: "GET /plaintext, pipelined 16 deep", or "a
// WebSocket room at /room, each message to every client".
std::string WebRankingTitle(const nlohmann::json& ranking);
// The ranking's unit as its columns abbreviate it: "req" (requests), "dlv" (the room's deliveries).
std::string WebRankingUnit(const nlohmann::json& ranking);

}  // namespace duet
