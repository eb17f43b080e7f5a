// Response checks of TechEmpower's six test types, as their verifier makes them: status,
// Server/Date/Content-Type and framing headers, the JSON shapes, the query count clamped to
// 1..500, the fortunes page (every row plus the one added at request time, sorted, escaped,
// compared after normalising whitespace between tags and equivalent entities) and updates that
// are really stored. A check fails with the reason and the start of the offending response.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "core/status.h"
#include "db/sql_database.h"
#include "db/techempower_db.h"
#include "load/http_client.h"

namespace duet {

// TechEmpower's rule: absent, not an integer or below 1 means 1; above 500 means 500.
int ClampQueries(const std::optional<std::string>& text);

Status CheckJsonResponse(const HttpResponse& response);
Status CheckPlaintextResponse(const HttpResponse& response);
Status CheckDbResponse(const HttpResponse& response);
// `count` worlds, each well formed (queries and updates).
Status CheckWorldsResponse(const HttpResponse& response, int count);
// CheckWorldsResponse, then every returned randomNumber is what `db` now holds for that id.
Status CheckUpdatesResponse(const HttpResponse& response, int count, SqlDatabase* db);
// `table` is the Fortune table as the server read it (StandardFortunes() or the database's rows).
Status CheckFortunesResponse(const HttpResponse& response, const std::vector<FortuneRow>& table);

// The fortunes page as TechEmpower's template renders `table` plus the added row, and any
// page in the canonical form both are compared in: no whitespace between tags, a lowercase
// doctype, every character reference decoded and only '<', '>' and '&' escaped (as &lt; &gt;
// &amp;), so &#34;, &quot; and a bare '"' are the same while a bare '<' in a message is not.
std::string ExpectedFortunesHtml(const std::vector<FortuneRow>& table);
std::string CanonicalHtml(const std::string& html);

// The check every response of one test type gets under load, as the load generator takes it
// (LoadOptions::check): `test` is one of the six names, `target` the request target (its
// ?queries= sets how many worlds queries and updates must return). Fortunes are compared with
// StandardFortunes(); updates for shape only (CheckTechEmpowerServer reads them back, once).
Status TechEmpowerResponseCheck(const std::string& test, const std::string& target,
                                std::function<Status(const HttpResponse&)>* check);
// The six names, in TechEmpower's order.
const std::vector<std::string>& TechEmpowerTests();

struct TechEmpowerCheck {
  std::string test;    // "json", "db", "queries", "fortunes", "updates", "plaintext"
  std::string target;  // the request target, e.g. "/queries?queries=foo"
  Status status;
  std::string body;    // the last response's body, to compare servers (CompareTechEmpowerBodies)
};

// TechEmpower's verifier also compares the frameworks' answers with each other where the rules
// make them deterministic: json parsed (key order and spacing aside), the fortunes page in
// CanonicalHtml's form (so &#34; and &quot; are the same), plaintext byte for byte. Ok for the
// other tests, whose rows are random; else where `a` and `b` differ, with both shown.
Status CompareTechEmpowerBodies(const std::string& test, const std::string& a, const std::string& b);

struct TechEmpowerCheckOptions {
  int repeat = 2;  // requests per target (db and fortunes: more rows seen; updates: more writes)
  std::chrono::milliseconds timeout{10'000};
  // The database the server uses, read to check fortunes and updates; null: fortunes are
  // compared with StandardFortunes() and updates are checked for shape only.
  SqlDatabase* db = nullptr;
};

// Every test type against the server on 127.0.0.1:port over one keep-alive connection, with
// the verifier's query values (2, 0, foo, 501, none) and plaintext also pipelined 16 deep.
// One entry per target; a connection that breaks fails the rest with the reason.
std::vector<TechEmpowerCheck> CheckTechEmpowerServer(int port, const TechEmpowerCheckOptions& options);

}  // namespace duet
