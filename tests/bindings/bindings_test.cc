// Bindings end to end through the host API: a test module declared once here ('duet:conv' /
// `duet.conv`) is registered before the runtimes start, then the same fixture in both languages
// checks every conversion both ways and every error path; the V8 fast path is checked under
// optimised code.
#include "session/declare_both.h"  // Python.h first

#include <gtest/gtest.h>

#include <numeric>

#include "session/session.h"
#include "python/runtime.h"
#include "node/runtime.h"

namespace duet {
namespace {

int64_t I64(int64_t x) noexcept { return x; }
uint64_t U64(uint64_t x) noexcept { return x; }
double F64(double x) noexcept { return x * 2; }
bool Negate(bool x) noexcept { return !x; }
std::string Text(std::string_view s) { return std::string(s) + "|" + std::to_string(s.size()); }
Bytes Reverse(BytesView b) { return Bytes(std::make_reverse_iterator(b.data + b.size), std::make_reverse_iterator(b.data)); }
int64_t PeekAfter(BytesView b, Callback<void()> mutate) {
  mutate();  // changes the caller's buffer: a view sees it, a copy would not
  return b.data[0];
}
double Sum(DoublesView xs) { return std::accumulate(xs.begin(), xs.end(), 0.0); }
Doubles Scale(DoublesView xs, double k) {
  Doubles out(xs.begin(), xs.end());
  for (double& x : out) x *= k;
  return out;
}
std::optional<int64_t> Next(std::optional<int64_t> x) {
  if (!x) return std::nullopt;
  return *x + 1;
}
int64_t Count(int64_t a, std::optional<int64_t> b) { return a + b.value_or(0); }
double Apply(Callback<double(double)> f, double x) { return f(x) * 2; }
std::string Join(Callback<std::string(int64_t)> f, int64_t n) {
  std::string out;
  for (int64_t i = 0; i < n; ++i) out += f(i);
  return out;
}
void FailWith(int64_t kind) {
  switch (kind) {
    case 0: throw std::runtime_error("runtime failure");
    case 1: throw std::invalid_argument("bad value");
    case 2: throw std::out_of_range("index 9 out of range");
    case 3: throw BindingTypeError("wrong type");
    default: throw 42;
  }
}
int64_t g_div_calls = 0;
int64_t Div(int64_t a, int64_t b) {
  ++g_div_calls;
  if (b == 0) throw std::domain_error("division by zero");
  return a / b;
}
int64_t DivCalls() noexcept { return g_div_calls; }

BindingModule ConvModule() {
  return {"conv", "Conversions under test.",
          {
              Fn<&I64>("i64", {"x"}, "x"),
              Fn<&U64>("u64", {"x"}, "x"),
              Fn<&F64>("f64", {"x"}, "2x"),
              Fn<&Negate>("negate", {"x"}, "not x"),
              Fn<&Text>("text", {"s"}, "s|its UTF-8 length"),
              Fn<&Reverse>("reverse", {"data"}, "the bytes reversed"),
              Fn<&PeekAfter>("peek_after", {"data", "mutate"}, "data[0] after mutate()"),
              Fn<&Sum>("sum", {"xs"}, "sum of xs"),
              Fn<&Scale>("scale", {"xs", "k"}, "xs times k"),
              Fn<&Next>("next", {"x"}, "x + 1, or None"),
              Fn<&Count>("count", {"a", "b"}, "a + (b or 0)"),
              Fn<&Apply>("apply", {"f", "x"}, "2 f(x)"),
              Fn<&Join>("join", {"f", "n"}, "f(0) + ... + f(n - 1)"),
              Fn<&FailWith>("fail_with", {"kind"}, "throws a C++ exception of the kind"),
              Fn<&Div>("div", {"a", "b"}, "a / b; throws on b == 0"),
              Fn<&DivCalls>("div_calls", "how often div ran"),
          }};
}

const std::filesystem::path kFixtures = std::filesystem::path(DUET_TEST_FIXTURES) / "bindings";

class BindingsTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    ASSERT_TRUE(session_.Init().ok());
    runtime_ = GetParam() == "v8" ? static_cast<Runtime*>(&session_.js()) : &session_.python();
  }
  nlohmann::json Run(const std::string& stem) {
    auto script = kFixtures / (stem + (GetParam() == "v8" ? ".js" : ".py"));
    Status status = runtime_->Load(script, nlohmann::json::object());
    if (status.ok()) status = runtime_->Setup();
    Sample sample;
    if (status.ok()) status = runtime_->RunOnce(&sample);
    nlohmann::json result;
    if (status.ok()) status = runtime_->LastResult(&result);
    EXPECT_TRUE(status.ok()) << status.ToString() << "\n" << status.detail();
    return result;
  }
  // The JS value, or the Python one where the languages differ.
  nlohmann::json Either(nlohmann::json js, nlohmann::json py) const { return GetParam() == "v8" ? js : py; }

  Session session_;
  Runtime* runtime_ = nullptr;
};

TEST_P(BindingsTest, IntegersBothWays) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["int_small"], 42);
  EXPECT_EQ(r["int_negative"], -7);
  EXPECT_EQ(r["int_from_bigint"], 5);
  EXPECT_EQ(r["int_big"], "4611686018427387904");
  EXPECT_EQ(r["int_big_kind"], Either("bigint", "int"));  // beyond 2^53 a JS Number is inexact
  EXPECT_EQ(r["int_safe_kind"], Either("number", "int"));
  EXPECT_EQ(r["int_unsafe_kind"], Either("bigint", "int"));
  EXPECT_EQ(r["int_overflow"], Either("RangeError", "OverflowError").get<std::string>() +
                                   ": i64(): argument 1 (x) is out of range for int");
  EXPECT_EQ(r["int_fraction"], "TypeError: i64(): argument 1 (x) must be int");
  EXPECT_EQ(r["int_bool"], "TypeError: i64(): argument 1 (x) must be int");
  EXPECT_EQ(r["uint_max"], "18446744073709551615");
  EXPECT_EQ(r["uint_negative"], Either("RangeError", "OverflowError").get<std::string>() +
                                    ": u64(): argument 1 (x) is out of range for unsigned int");
}

TEST_P(BindingsTest, DoublesBoolsAndStringsBothWays) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["double"], nlohmann::json({2.5, 6.0}));
  EXPECT_EQ(r["double_wrong"], "TypeError: f64(): argument 1 (x) must be float");
  EXPECT_EQ(r["bool"], nlohmann::json({false, true}));
  EXPECT_EQ(r["bool_wrong"], "TypeError: negate(): argument 1 (x) must be bool");
  // UTF-8 lengths: é is 2 bytes, the emoji 4.
  EXPECT_EQ(r["text"], nlohmann::json({"h\u00e9llo|6", "\U0001F600|4", "|0"}));
  EXPECT_EQ(r["text_wrong"], "TypeError: text(): argument 1 (s) must be str");
}

TEST_P(BindingsTest, BytesBothWaysReadInPlace) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["bytes_reverse"], nlohmann::json::parse("[[3,2,1],[3,2,1],[3,2],[0,0,0,0],[98,97]]"));
  EXPECT_EQ(r["bytes_result_kind"], true);
  EXPECT_EQ(r["bytes_zero_copy"], nlohmann::json({42, 43}));
  EXPECT_EQ(r["bytes_wrong"], "TypeError: reverse(): argument 1 (data) must be bytes");
}

TEST_P(BindingsTest, FloatArraysBothWays) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["doubles_sum"], nlohmann::json({6.5, 6.5, 0.0}));
  EXPECT_EQ(r["doubles_scale"], nlohmann::json({3.0, 6.0}));
  EXPECT_EQ(r["doubles_result_kind"], true);
  EXPECT_EQ(r["doubles_wrong"], nlohmann::json({"TypeError: sum(): argument 1 (xs) must be float array",
                                                "TypeError: sum(): argument 1 (xs) must be float array"}));
}

TEST_P(BindingsTest, OptionalsAndOmittedTrailingArguments) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["optional"], nlohmann::json::parse("[2,null,null,null]"));
  EXPECT_EQ(r["optional_trailing"], nlohmann::json({1, 3}));
  EXPECT_EQ(r["optional_wrong"], "TypeError: next(): argument 1 (x) must be int or None");
}

TEST_P(BindingsTest, CallbacksIntoTheScript) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["callback"], nlohmann::json({6.0, "<0><1><2>"}));
  // The script's own exception comes out of the binding unchanged.
  EXPECT_EQ(r["callback_raises"], Either("RangeError: from script", "ValueError: from script"));
  EXPECT_EQ(r["callback_bad_return"], "TypeError: apply(): callback must return float");
  EXPECT_EQ(r["callback_wrong"], "TypeError: apply(): argument 1 (f) must be function");
}

TEST_P(BindingsTest, WrongArgumentCountsNameTheParameters) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["function_name"], "i64");
  EXPECT_EQ(r["count_errors"], nlohmann::json({"TypeError: i64() takes 1 argument(s) (x), got 0",
                                               "TypeError: i64() takes 1 argument(s) (x), got 2",
                                               "TypeError: count() takes 1 to 2 argument(s) (a, b), got 0"}));
}

TEST_P(BindingsTest, CppExceptionsBecomeScriptErrors) {
  nlohmann::json r = Run("conversions");
  EXPECT_EQ(r["exceptions"], Either(nlohmann::json({"Error: fail_with(): runtime failure",
                                                    "TypeError: fail_with(): bad value",
                                                    "RangeError: fail_with(): index 9 out of range",
                                                    "TypeError: fail_with(): wrong type",
                                                    "Error: fail_with(): unknown C++ exception"}),
                                    nlohmann::json({"RuntimeError: fail_with(): runtime failure",
                                                    "ValueError: fail_with(): bad value",
                                                    "IndexError: fail_with(): index 9 out of range",
                                                    "TypeError: fail_with(): wrong type",
                                                    "RuntimeError: fail_with(): unknown C++ exception"})));
}

INSTANTIATE_TEST_SUITE_P(BothRuntimes, BindingsTest, ::testing::Values("v8", "cpython"),
                         [](const auto& info) { return info.param; });

TEST(V8FastPathTest, OptimisedCodeCallsTheCFunctionWithTheSameResultsAndErrors) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  Status status = session.js().Load(kFixtures / "fast_path.js", nlohmann::json::object());
  if (status.ok()) status = session.js().Setup();
  Sample sample;
  if (status.ok()) status = session.js().RunOnce(&sample);
  nlohmann::json r;
  if (status.ok()) status = session.js().LastResult(&r);
  ASSERT_TRUE(status.ok()) << status.ToString() << "\n" << status.detail();
  EXPECT_EQ(r["fast_path_taken"], true) << r.dump();
  EXPECT_EQ(r["slow_only_never_fast"], true) << r.dump();
  EXPECT_EQ(r["div_fast_path_taken"], true) << r.dump();
  EXPECT_EQ(r["errors"], 10);
  EXPECT_EQ(r["message"], "Error: div(): division by zero");
  EXPECT_EQ(r["runs_per_call"], 1000);  // a fast call that fell back did not run div twice
  EXPECT_EQ(r["wide"], "9007199254740993");
  EXPECT_EQ(r["wide_kind"], "bigint");
  EXPECT_EQ(r["type_error_when_optimised"], "TypeError: add(): argument 2 (b) must be int");
}

}  // namespace
}  // namespace duet

int main(int argc, char** argv) {
  ::testing::InitGoogleTest(&argc, argv);
  // Before any runtime starts: CPython builds the `duet` module once per process.
  duet::Status added = duet::AddModule(duet::ConvModule());
  if (!added.ok()) {
    std::fprintf(stderr, "%s\n", added.ToString().c_str());
    return 1;
  }
  return RUN_ALL_TESTS();
}
