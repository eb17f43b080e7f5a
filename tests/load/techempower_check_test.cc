// The TechEmpower response checks on responses built by hand: each rule accepts what the rules
// allow (any equivalent escaping, layout whitespace, chunked or sized bodies) and rejects what
// they forbid, naming the reason. The same checks over the wire: tests/db/techempower_test.cc.
#include <gtest/gtest.h>

#include "load/techempower_check.h"

namespace duet {
namespace {

HttpResponse Response(std::string type, std::string body) {
  HttpResponse r;
  r.status = 200;
  r.headers = {{"server", "test"}, {"date", "Sat, 05 Dec 2026 21:00:00 GMT"}, {"content-type", std::move(type)}};
  r.body = std::move(body);
  return r;
}

::testing::AssertionResult FailsWith(const Status& status, const std::string& part) {
  if (!status.ok() && status.message().find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "expected a failure with '" << part << "', got: " << status.ToString();
}

TEST(TechEmpowerCheck, ClampsTheQueryCountAsTheRulesSay) {
  EXPECT_EQ(ClampQueries(std::nullopt), 1);
  for (const char* one : {"", "foo", "0", "-3", "2x", "1"}) EXPECT_EQ(ClampQueries(one), 1) << one;
  EXPECT_EQ(ClampQueries("2"), 2);
  EXPECT_EQ(ClampQueries("500"), 500);
  EXPECT_EQ(ClampQueries("501"), 500);
  EXPECT_EQ(ClampQueries("100000000000"), 500);
}

TEST(TechEmpowerCheck, JsonAndPlaintextMustBeExact) {
  EXPECT_TRUE(CheckJsonResponse(Response("application/json", R"({"message": "Hello, World!"})")).ok());
  EXPECT_TRUE(CheckJsonResponse(Response("application/json; charset=utf-8", R"({"message":"Hello, World!"})")).ok());
  EXPECT_TRUE(FailsWith(CheckJsonResponse(Response("application/json", R"({"message":"Hello, World!","x":1})")),
                        "expected {\"message\""));
  EXPECT_TRUE(FailsWith(CheckJsonResponse(Response("text/plain", R"({"message":"Hello, World!"})")),
                        "Content-Type is not application/json"));
  EXPECT_TRUE(CheckPlaintextResponse(Response("text/plain", "Hello, World!")).ok());
  EXPECT_TRUE(FailsWith(CheckPlaintextResponse(Response("text/plain", "Hello, World!\n")), "expected the body"));

  HttpResponse no_date = Response("text/plain", "Hello, World!");
  no_date.headers.erase("date");
  EXPECT_TRUE(FailsWith(CheckPlaintextResponse(no_date), "the date header must be sent once"));
  HttpResponse two_servers = Response("text/plain", "Hello, World!");
  two_servers.headers.emplace("server", "another");
  EXPECT_TRUE(FailsWith(CheckPlaintextResponse(two_servers), "the server header must be sent once"));
  HttpResponse closing = Response("text/plain", "Hello, World!");
  closing.headers.emplace("connection", "Close");
  EXPECT_TRUE(FailsWith(CheckPlaintextResponse(closing), "Connection: close"));
  HttpResponse error = Response("text/plain", "Hello, World!");
  error.status = 500;
  EXPECT_TRUE(FailsWith(CheckPlaintextResponse(error), "status 500, not 200"));
}

TEST(TechEmpowerCheck, ServersAreComparedWithEachOtherAsTheVerifierDoes) {
  EXPECT_TRUE(CompareTechEmpowerBodies("json", R"({"message": "Hello, World!"})", R"({ "message":"Hello, World!" })").ok());
  EXPECT_TRUE(FailsWith(CompareTechEmpowerBodies("json", R"({"message":"Hello, World!"})", R"({"message":"Hello, World?"})"),
                        "the parsed JSON values differ at byte 24"));
  EXPECT_TRUE(FailsWith(CompareTechEmpowerBodies("json", R"({"message":"Hello, World!"})", "Hello"), "not both JSON"));
  EXPECT_TRUE(CompareTechEmpowerBodies("fortunes", "<td>&#34;x&#34;</td>\n <td>&lt;</td>", "<td>&quot;x\"</td><td>&#60;</td>").ok());
  EXPECT_TRUE(FailsWith(CompareTechEmpowerBodies("fortunes", "<td>&lt;a&gt;</td>", "<td><a></td>"),
                        "the pages, in canonical form, differ at byte 4"));
  EXPECT_TRUE(FailsWith(CompareTechEmpowerBodies("plaintext", "Hello, World!", "Hello, World!\n"),
                        "'...Hello, World!...' and '...Hello, World!\n...'"));
  // Rows drawn at random differ from server to server and are not compared.
  EXPECT_TRUE(CompareTechEmpowerBodies("db", R"({"id":1,"randomNumber":2})", R"({"id":3,"randomNumber":4})").ok());
}

TEST(TechEmpowerCheck, WorldsMustHaveTheShapeCountAndRange) {
  EXPECT_TRUE(CheckDbResponse(Response("application/json", R"({"id": 3, "randomNumber": 10000})")).ok());
  EXPECT_TRUE(FailsWith(CheckDbResponse(Response("application/json", R"({"id": 3, "randomnumber": 7})")),
                        "exactly id and randomNumber"));
  EXPECT_TRUE(FailsWith(CheckDbResponse(Response("application/json", R"({"id": 10001, "randomNumber": 7})")),
                        "integers in 1..10000"));
  EXPECT_TRUE(FailsWith(CheckDbResponse(Response("application/json", R"({"id": "3", "randomNumber": 7})")),
                        "integers in 1..10000"));
  std::string two = R"([{"id": 1, "randomNumber": 2}, {"id": 3, "randomNumber": 4}])";
  EXPECT_TRUE(CheckWorldsResponse(Response("application/json", two), 2).ok());
  EXPECT_TRUE(FailsWith(CheckWorldsResponse(Response("application/json", two), 1), "expected an array of 1 worlds"));
  EXPECT_TRUE(FailsWith(CheckWorldsResponse(Response("application/json", "[1, 2"), 2), "the body is not JSON"));
}

TEST(TechEmpowerCheck, FortunesAcceptEveryEquivalentEscapingAndLayout) {
  const std::string expected = ExpectedFortunesHtml(StandardFortunes());
  EXPECT_TRUE(CheckFortunesResponse(Response("text/html; charset=utf-8", expected), StandardFortunes()).ok());
  EXPECT_TRUE(CheckFortunesResponse(Response("text/html;charset=UTF-8", expected), StandardFortunes()).ok());
  // Python's html.escape, Jinja2 and Django write quotes as references, numeric or named; a
  // template may indent; the doctype's case is free.
  std::string page = expected;
  auto replace_all = [&page](const std::string& from, const std::string& to) {
    for (size_t at = page.find(from); at != std::string::npos; at = page.find(from, at + to.size())) page.replace(at, from.size(), to);
  };
  replace_all("\"", "&#34;");
  replace_all("aren't", "aren&#x27;t");
  replace_all("<tr>", "\n  <tr>");
  replace_all("<!doctype html>", "<!DOCTYPE html>\n");
  replace_all("&lt;script&gt;", "&#60;script&#x3E;");
  EXPECT_TRUE(CheckFortunesResponse(Response("text/html; charset=utf-8", page), StandardFortunes()).ok());
}

TEST(TechEmpowerCheck, FortunesRejectWhatTheRulesForbid) {
  const std::string expected = ExpectedFortunesHtml(StandardFortunes());
  auto check = [](const std::string& type, const std::string& body) {
    return CheckFortunesResponse(Response(type, body), StandardFortunes());
  };
  EXPECT_TRUE(FailsWith(check("text/html", expected), "lacks charset=utf-8"));
  EXPECT_TRUE(FailsWith(check("text/html; charset=utf-8; charset=utf-8", expected), "repeats its parameter charset"));
  // Not escaped: the script tag reaches the page.
  std::string raw = expected;
  raw.replace(raw.find("&lt;script&gt;"), 14, "<script>");
  EXPECT_TRUE(FailsWith(check("text/html; charset=utf-8", raw), "the fortunes page differs"));
  // The row added at request time is missing.
  std::vector<FortuneRow> without = StandardFortunes();
  EXPECT_TRUE(FailsWith(CheckFortunesResponse(Response("text/html; charset=utf-8", expected), {without.begin(), without.end() - 1}),
                        "the fortunes page differs"));
  // Sorted by id instead of message.
  std::string by_id = "<!DOCTYPE html><html><head><title>Fortunes</title></head><body><table><tr><th>id</th><th>message</th></tr>";
  for (const FortuneRow& row : StandardFortunes()) by_id += "<tr><td>" + std::to_string(row.id) + "</td><td>x</td></tr>";
  EXPECT_TRUE(FailsWith(check("text/html; charset=utf-8", by_id + "</table></body></html>"), "the fortunes page differs"));
}

TEST(TechEmpowerCheck, TheExpectedPageSortsByCodePoint) {
  std::string page = ExpectedFortunesHtml(StandardFortunes());
  // '<' sorts before 'A', the added row between "A list" and "After", the Japanese row last.
  size_t script = page.find("<td>11</td>"), added = page.find("<td>0</td>"), list = page.find("<td>8</td>"),
         after = page.find("<td>3</td>"), lower = page.find("<td>1</td>"), japanese = page.find("<td>12</td>");
  EXPECT_LT(script, list);
  EXPECT_LT(list, added);
  EXPECT_LT(added, after);
  EXPECT_LT(after, lower);
  EXPECT_LT(lower, japanese);
}

}  // namespace
}  // namespace duet
