// TechEmpower's response checks; see techempower_check.h. The rules are those of their
// verifier: exact JSON values for json and plaintext, well-formed worlds (id and randomNumber,
// integers in 1..10000) for db, queries and updates, and the fortunes page compared as a whole.
#include "load/techempower_check.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/text.h"

namespace duet {
namespace {

using nlohmann::json;

// The first bytes of a response, for error messages: enough to recognise it.
std::string Describe(const HttpResponse& response) {
  std::string body = response.body.size() > 300 ? response.body.substr(0, 300) + "..." : response.body;
  return " (status " + std::to_string(response.status) + ", Content-Type '" + response.Header("content-type") +
         "', body: " + body + ")";
}

Status Fail(const std::string& what, const HttpResponse& response) { return Status::Error(what + Describe(response)); }

// What every response must have: 200, a Server and a Date header (once each), no Connection:
// close, the media type and, when given, the charset (parameters never repeated).
Status CheckCommon(const HttpResponse& response, const std::string& media_type, const std::string& charset) {
  if (response.status != 200) return Fail("status " + std::to_string(response.status) + ", not 200", response);
  for (const char* header : {"server", "date"}) {
    if (response.HeaderCount(header) != 1 || response.Header(header).empty()) {
      return Fail(std::string("the ") + header + " header must be sent once, with a value; it was sent " +
                      std::to_string(response.HeaderCount(header)) + " time(s)",
                  response);
    }
  }
  // The test types are measured over keep-alive connections; a server closing each one would be
  // measuring connection set-up instead.
  if (AsciiLower(response.Header("connection")) == "close") {
    return Fail("the server closes the connection (Connection: close); the tests keep connections alive", response);
  }
  if (response.HeaderCount("content-type") != 1) return Fail("Content-Type must be sent once", response);
  std::string type = response.Header("content-type");
  size_t semicolon = type.find(';');
  if (AsciiLower(TrimBlanks(type.substr(0, semicolon))) != media_type) return Fail("Content-Type is not " + media_type, response);
  std::map<std::string, std::string> parameters;
  while (semicolon != std::string::npos) {
    size_t next = type.find(';', semicolon + 1);
    std::string parameter = TrimBlanks(type.substr(semicolon + 1, next == std::string::npos ? next : next - semicolon - 1));
    size_t equals = parameter.find('=');
    std::string name = AsciiLower(TrimBlanks(parameter.substr(0, equals)));
    if (!parameters.emplace(name, equals == std::string::npos ? "" : AsciiLower(TrimBlanks(parameter.substr(equals + 1)))).second) {
      return Fail("Content-Type repeats its parameter " + name, response);
    }
    semicolon = next;
  }
  if (!charset.empty() && parameters["charset"] != charset) return Fail("Content-Type lacks charset=" + charset, response);
  return Status::Ok();
}

Status ParseJson(const HttpResponse& response, json* value) {
  *value = json::parse(response.body, nullptr, /*allow_exceptions=*/false);
  if (value->is_discarded()) return Fail("the body is not JSON", response);
  return Status::Ok();
}

bool InWorldRange(const json& value) {
  return value.is_number_integer() && value.get<int64_t>() >= 1 && value.get<int64_t>() <= kTechEmpowerWorldRows;
}

Status CheckWorld(const json& world, const HttpResponse& response) {
  if (!world.is_object() || world.size() != 2 || !world.contains("id") || !world.contains("randomNumber")) {
    return Fail("a world must be an object with exactly id and randomNumber, not " + world.dump(), response);
  }
  if (!InWorldRange(world["id"]) || !InWorldRange(world["randomNumber"])) {
    return Fail("id and randomNumber must be integers in 1..10000: " + world.dump(), response);
  }
  return Status::Ok();
}

Status CheckWorlds(const HttpResponse& response, int count, json* worlds) {
  DUET_RETURN_IF_ERROR(CheckCommon(response, "application/json", ""));
  DUET_RETURN_IF_ERROR(ParseJson(response, worlds));
  if (!worlds->is_array() || static_cast<int>(worlds->size()) != count) {
    return Fail("expected an array of " + std::to_string(count) + " worlds", response);
  }
  for (const json& world : *worlds) DUET_RETURN_IF_ERROR(CheckWorld(world, response));
  return Status::Ok();
}

// Decodes one character reference at text[i] ('&'); the decoded text and its length, or
// nothing when it is not one (a bare '&' is then left as it is and fails the comparison).
bool DecodeReference(const std::string& text, size_t i, std::string* decoded, size_t* length) {
  size_t end = text.find(';', i);
  if (end == std::string::npos || end - i > 10) return false;
  std::string name = text.substr(i + 1, end - i - 1);
  static const std::map<std::string, std::string> kNamed = {
      {"lt", "<"}, {"gt", ">"}, {"amp", "&"}, {"quot", "\""}, {"apos", "'"}};
  if (auto it = kNamed.find(name); it != kNamed.end()) {
    *decoded = it->second;
  } else if (name.size() > 1 && name[0] == '#') {
    bool hex = name[1] == 'x' || name[1] == 'X';
    char* stop = nullptr;
    unsigned long code = std::strtoul(name.c_str() + (hex ? 2 : 1), &stop, hex ? 16 : 10);
    if (*stop != '\0' || code == 0 || code > 0x10FFFF) return false;
    decoded->clear();  // UTF-8
    if (code < 0x80) {
      *decoded += static_cast<char>(code);
    } else if (code < 0x800) {
      *decoded += {static_cast<char>(0xC0 | (code >> 6)), static_cast<char>(0x80 | (code & 0x3F))};
    } else if (code < 0x10000) {
      *decoded += {static_cast<char>(0xE0 | (code >> 12)), static_cast<char>(0x80 | ((code >> 6) & 0x3F)),
                   static_cast<char>(0x80 | (code & 0x3F))};
    } else {
      *decoded += {static_cast<char>(0xF0 | (code >> 18)), static_cast<char>(0x80 | ((code >> 12) & 0x3F)),
                   static_cast<char>(0x80 | ((code >> 6) & 0x3F)), static_cast<char>(0x80 | (code & 0x3F))};
    }
  } else {
    return false;
  }
  *length = end - i + 1;
  return true;
}

std::string EscapeCanonical(const std::string& text) {
  std::string out;
  for (char c : text) {
    if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '&') out += "&amp;";
    else out += c;
  }
  return out;
}

// Where two texts first differ, and 120 bytes of each around that place, for an error message.
struct FirstDifference {
  size_t at;
  std::string x, y;
};

FirstDifference FindFirstDifference(const std::string& x, const std::string& y) {
  size_t at = static_cast<size_t>(std::mismatch(x.begin(), x.end(), y.begin(), y.end()).first - x.begin());
  size_t from = at < 60 ? 0 : at - 60;
  return {at, x.substr(from, 120), y.substr(from, 120)};
}

}  // namespace

int ClampQueries(const std::optional<std::string>& text) {
  if (!text || text->empty()) return 1;
  char* end = nullptr;
  long n = std::strtol(text->c_str(), &end, 10);
  if (end == text->c_str() || *end != '\0') return 1;
  return static_cast<int>(std::clamp(n, 1L, 500L));
}

Status CheckJsonResponse(const HttpResponse& response) {
  DUET_RETURN_IF_ERROR(CheckCommon(response, "application/json", ""));
  json value;
  DUET_RETURN_IF_ERROR(ParseJson(response, &value));
  if (value != json{{"message", "Hello, World!"}}) return Fail("expected {\"message\": \"Hello, World!\"}", response);
  return Status::Ok();
}

Status CheckPlaintextResponse(const HttpResponse& response) {
  DUET_RETURN_IF_ERROR(CheckCommon(response, "text/plain", ""));
  if (response.body != "Hello, World!") return Fail("expected the body Hello, World!", response);
  return Status::Ok();
}

Status CheckDbResponse(const HttpResponse& response) {
  DUET_RETURN_IF_ERROR(CheckCommon(response, "application/json", ""));
  json world;
  DUET_RETURN_IF_ERROR(ParseJson(response, &world));
  return CheckWorld(world, response);
}

Status CheckWorldsResponse(const HttpResponse& response, int count) {
  json worlds;
  return CheckWorlds(response, count, &worlds);
}

Status CheckUpdatesResponse(const HttpResponse& response, int count, SqlDatabase* db) {
  json worlds;
  DUET_RETURN_IF_ERROR(CheckWorlds(response, count, &worlds));
  if (db == nullptr) return Status::Ok();
  std::map<int64_t, int64_t> returned;
  std::string ids = "{";
  for (const json& world : worlds) {
    if (!returned.emplace(world["id"].get<int64_t>(), world["randomNumber"].get<int64_t>()).second) {
      return Fail("an update request returned id " + world["id"].dump() + " twice: which value was stored?", response);
    }
    ids += (ids.size() > 1 ? "," : "") + world["id"].dump();
  }
  SqlRows rows;
  DUET_RETURN_IF_ERROR(db->Query("SELECT id, randomnumber FROM world WHERE id = ANY($1::int[])", {ids + "}"}, &rows));
  for (const SqlRow& row : rows) {
    if (returned.at(row.Int(0)) != row.Int(1)) {
      return Fail("world " + std::to_string(row.Int(0)) + " holds randomNumber " + std::to_string(row.Int(1)) +
                      " after the update, not the " + std::to_string(returned.at(row.Int(0))) + " returned",
                  response);
    }
  }
  return Status::Ok();
}

std::string ExpectedFortunesHtml(const std::vector<FortuneRow>& table) {
  std::vector<FortuneRow> rows = table;
  rows.push_back({0, "Additional fortune added at request time."});
  // Byte order of UTF-8 is code-point order, the order the rules (and every server) sort in.
  std::stable_sort(rows.begin(), rows.end(), [](const FortuneRow& a, const FortuneRow& b) { return a.message < b.message; });
  std::string html =
      "<!doctype html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>";
  for (const FortuneRow& row : rows) {
    html += "<tr><td>" + std::to_string(row.id) + "</td><td>" + EscapeCanonical(row.message) + "</td></tr>";
  }
  return html + "</table></body></html>";
}

std::string CanonicalHtml(const std::string& html) {
  std::string out;
  for (size_t i = 0; i < html.size();) {
    if (html[i] == '>' ) {
      out += '>';
      size_t next = html.find_first_not_of(" \t\r\n", i + 1);
      // Whitespace alone between two tags is layout, not content.
      i = next != std::string::npos && html[next] == '<' ? next : i + 1;
      continue;
    }
    std::string decoded;
    size_t length = 0;
    if (html[i] == '&' && DecodeReference(html, i, &decoded, &length)) {
      out += EscapeCanonical(decoded);
      i += length;
      continue;
    }
    out += html[i++];
  }
  size_t begin = out.find_first_not_of(" \t\r\n");
  out.erase(0, begin == std::string::npos ? out.size() : begin);
  while (!out.empty() && std::isspace(static_cast<unsigned char>(out.back()))) out.pop_back();
  if (AsciiLower(out.substr(0, 15)) == "<!doctype html>") out.replace(0, 15, "<!doctype html>");
  return out;
}

Status CheckFortunesResponse(const HttpResponse& response, const std::vector<FortuneRow>& table) {
  DUET_RETURN_IF_ERROR(CheckCommon(response, "text/html", "utf-8"));
  std::string expected = ExpectedFortunesHtml(table), actual = CanonicalHtml(response.body);
  if (actual == expected) return Status::Ok();
  FirstDifference d = FindFirstDifference(expected, actual);
  return Fail("the fortunes page differs from the expected one at byte " + std::to_string(d.at) + ": expected '..." +
                  d.x + "...', got '..." + d.y + "...'",
              response);
}

Status CompareTechEmpowerBodies(const std::string& test, const std::string& a, const std::string& b) {
  auto differ = [](std::string_view how, const std::string& x, const std::string& y) {
    FirstDifference d = FindFirstDifference(x, y);
    return Status::Error(fmt::format("{} differ at byte {}: '...{}...' and '...{}...'", how, d.at, d.x, d.y));
  };
  if (test == "json") {
    nlohmann::json x = nlohmann::json::parse(a, nullptr, false), y = nlohmann::json::parse(b, nullptr, false);
    if (x.is_discarded() || y.is_discarded()) return differ("the bodies (not both JSON)", a, b);
    if (x == y) return Status::Ok();
    return differ("the parsed JSON values", x.dump(), y.dump());
  }
  if (test == "fortunes") {
    std::string x = CanonicalHtml(a), y = CanonicalHtml(b);
    return x == y ? Status::Ok() : differ("the pages, in canonical form,", x, y);
  }
  if (test == "plaintext") return a == b ? Status::Ok() : differ("the bodies", a, b);
  return Status::Ok();
}

const std::vector<std::string>& TechEmpowerTests() {
  static const std::vector<std::string> kTests = {"json", "plaintext", "db", "queries", "fortunes", "updates"};
  return kTests;
}

Status TechEmpowerResponseCheck(const std::string& test, const std::string& target,
                                std::function<Status(const HttpResponse&)>* check) {
  std::optional<std::string> queries;
  size_t at = target.find("queries=");
  if (at != std::string::npos && (target[at - 1] == '?' || target[at - 1] == '&')) {
    queries = target.substr(at + 8, target.find('&', at) == std::string::npos ? std::string::npos : target.find('&', at) - at - 8);
  }
  int count = ClampQueries(queries);
  if (test == "json") *check = CheckJsonResponse;
  else if (test == "plaintext") *check = CheckPlaintextResponse;
  else if (test == "db") *check = CheckDbResponse;
  else if (test == "queries" || test == "updates") *check = [count](const HttpResponse& r) { return CheckWorldsResponse(r, count); };
  else if (test == "fortunes") *check = [](const HttpResponse& r) { return CheckFortunesResponse(r, StandardFortunes()); };
  else return Status::Error("unknown TechEmpower test \"" + test + "\" (json, plaintext, db, queries, fortunes, updates)");
  return Status::Ok();
}

std::vector<TechEmpowerCheck> CheckTechEmpowerServer(int port, const TechEmpowerCheckOptions& options) {
  std::vector<TechEmpowerCheck> checks;
  std::vector<FortuneRow> table = StandardFortunes();
  Status table_status;
  if (options.db != nullptr) {
    SqlRows rows;
    table_status = options.db->Query("SELECT id, message FROM fortune", {}, &rows);
    table.clear();
    for (const SqlRow& row : rows) table.push_back({static_cast<int>(row.Int(0)), row.Text(1)});
  }
  HttpClient client;
  Status connection = HttpClient::Connect(port, options.timeout, &client);
  auto run = [&](const std::string& test, const std::string& target, auto check) {
    for (int i = 0; i < options.repeat; ++i) {
      HttpResponse response;
      if (connection.ok()) connection = client.Get(target, &response);
      Status status = connection.ok() ? check(response) : connection;
      if (!status.ok() || i + 1 == options.repeat) {
        checks.push_back({test, target, status, response.body});
        return;
      }
    }
  };
  run("json", "/json", CheckJsonResponse);
  run("plaintext", "/plaintext", CheckPlaintextResponse);
  run("db", "/db", CheckDbResponse);
  const std::optional<std::string> values[] = {"2", "0", "foo", "501", std::nullopt};
  for (const auto& value : values) {
    std::string target = "/queries" + (value ? "?queries=" + *value : std::string());
    run("queries", target, [&](const HttpResponse& r) { return CheckWorldsResponse(r, ClampQueries(value)); });
  }
  run("fortunes", "/fortunes", [&](const HttpResponse& r) {
    return table_status.ok() ? CheckFortunesResponse(r, table) : table_status;
  });
  for (const auto& value : values) {
    std::string target = "/updates" + (value ? "?queries=" + *value : std::string());
    run("updates", target, [&](const HttpResponse& r) { return CheckUpdatesResponse(r, ClampQueries(value), options.db); });
  }
  // TechEmpower's plaintext test pipelines 16 requests on a connection.
  std::vector<HttpResponse> responses;
  if (connection.ok()) connection = client.Get(std::vector<std::string>(16, "/plaintext"), true, &responses);
  Status pipelined = connection;
  for (size_t i = 0; pipelined.ok() && i < responses.size(); ++i) pipelined = CheckPlaintextResponse(responses[i]);
  checks.push_back({"plaintext", "/plaintext (16 pipelined)", pipelined, responses.empty() ? "" : responses.back().body});
  return checks;
}

}  // namespace duet
