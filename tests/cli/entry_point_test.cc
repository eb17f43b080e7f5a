// How a user starts duet: scripts/duet from any directory (relative paths kept, nothing added to
// the output of an up-to-date build, a build announced in one line with its log), and an
// installed duet on the PATH that finds its own files.
#include <gtest/gtest.h>

#include <fstream>

#include "cli/duet_command.h"

namespace duet::testing {
namespace {

namespace fs = std::filesystem;

const fs::path kSource = DUET_SOURCE_DIR;
const fs::path kBuild = fs::path(DUET_BINARY).parent_path();
const fs::path kFixtures = DUET_TEST_FIXTURES;

std::string Quoted(const fs::path& path) { return "'" + path.string() + "'"; }

void Write(const fs::path& path, const std::string& text) {
  fs::create_directories(path.parent_path());
  std::ofstream(path) << text;
}

void CopyTree(const fs::path& from, const fs::path& to) {
  fs::create_directories(to.parent_path());
  fs::copy(from, to, fs::copy_options::recursive);
}

// A folder of plain scripts and one workload pair, all named relative to `dir`.
void WriteUserFiles(const fs::path& dir) {
  Write(dir / "one.js", "console.log('one.js:', process.argv.slice(2).join(' '));\n"
                        "console.error('to stderr');\n");
  Write(dir / "two.py", "import sys\nprint('two.py:', ' '.join(sys.argv[1:]))\n");
  CopyTree(kFixtures / "workloads" / "good", dir / "mine" / "good");
  fs::copy(kFixtures / "workloads" / "package.json", dir / "mine" / "package.json");
}

// scripts/duet ARGS, started in `cwd`, on this test's build tree.
Outcome ScriptsDuet(const fs::path& cwd, const std::string& args, const fs::path& build = kBuild) {
  return Shell("cd " + Quoted(cwd) + " && env -u MAKEFLAGS DUET_BUILD_DIR=" + Quoted(build) + " " +
               Quoted(kSource / "scripts" / "duet") + " " + args);
}

TEST(ScriptsDuetTest, RelativePathsMeanWhatTheyMeanInTheCallersDirectory) {
  fs::path dir = Scratch("cwd");
  WriteUserFiles(dir);
  // A workloads/ folder here must not replace the bundled suite as the default.
  CopyTree(kFixtures / "workloads" / "good", dir / "workloads" / "good");

  Outcome js = ScriptsDuet(dir, "exec one.js a b");
  EXPECT_EQ(js.exit_code, 0) << js.err;
  EXPECT_EQ(js.out, "one.js: a b\n");
  Outcome py = ScriptsDuet(dir, "exec two.py c");
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "two.py: c\n");

  Outcome run = ScriptsDuet(dir, "run mine --runs 3 --warmup 1 --no-history --json out.json");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("good/double"), std::string::npos) << run.out;
  nlohmann::json doc = nlohmann::json::parse(Slurp(dir / "out.json"), nullptr, /*allow_exceptions=*/false);
  ASSERT_FALSE(doc.is_discarded()) << "out.json was not written in the caller's directory";
  EXPECT_EQ(doc["workloads"].size(), 2u);

  Outcome list = ScriptsDuet(dir, "list");
  EXPECT_EQ(list.exit_code, 0) << list.err;
  EXPECT_NE(list.out.find("cpu/fib"), std::string::npos) << list.out;
  EXPECT_EQ(list.out.find("good/double"), std::string::npos) << "the default followed the working directory:\n"
                                                            << list.out;
}

TEST(ScriptsDuetTest, AnUpToDateBuildAddsNothingToTheOutput) {
  fs::path dir = Scratch("same");
  WriteUserFiles(dir);
  for (const std::string args : {"exec one.js x y", "run --runs -3", "list mine"}) {
    Outcome direct = Shell("cd " + Quoted(dir) + " && " + Quoted(DUET_BINARY) + " " + args);
    Outcome script = ScriptsDuet(dir, args);
    EXPECT_EQ(script.exit_code, direct.exit_code) << args;
    EXPECT_EQ(script.out, direct.out) << args;
    EXPECT_EQ(script.err, direct.err) << args;
  }
}

TEST(ScriptsDuetTest, ABuildIsOneLineOnStderrWithItsLogShownOnlyWhenItFails) {
  // A project of its own stands in for duet's (a rebuild of duet takes minutes): scripts/duet
  // builds whatever DUET_BUILD_DIR configures and runs the `duet` it makes.
  fs::path dir = Scratch("toy");
  Write(dir / "src" / "CMakeLists.txt",
        "cmake_minimum_required(VERSION 3.25)\nproject(toy C)\nadd_executable(duet main.c)\n");
  Write(dir / "src" / "main.c",
        "#include <stdio.h>\n"
        "int main(int argc, char** argv) { for (int i = 1; i < argc; ++i) puts(argv[i]); return 0; }\n");
  fs::path build = dir / "build";
  Outcome configured = Shell("env -u MAKEFLAGS cmake -S " + Quoted(dir / "src") + " -B " + Quoted(build));
  ASSERT_EQ(configured.exit_code, 0) << configured.out << configured.err;

  Outcome first = ScriptsDuet(dir, "hello world", build);
  EXPECT_EQ(first.exit_code, 0) << first.err;
  EXPECT_EQ(first.out, "hello\nworld\n");
  EXPECT_EQ(first.err, "duet: building " + build.string() + " first (log: " + (build / "build.log").string() + ")\n");
  EXPECT_NE(Slurp(build / "build.log").find("Linking C executable duet"), std::string::npos) << Slurp(build / "build.log");

  Outcome again = ScriptsDuet(dir, "hello world", build);
  EXPECT_EQ(again.exit_code, 0);
  EXPECT_EQ(again.out, "hello\nworld\n");
  EXPECT_EQ(again.err, "");

  Write(dir / "src" / "main.c", "int main(void) { return not_declared; }\n");
  Outcome broken = ScriptsDuet(dir, "hello", build);
  EXPECT_NE(broken.exit_code, 0);
  EXPECT_EQ(broken.out, "");
  EXPECT_NE(broken.err.find("not_declared"), std::string::npos) << "the compiler's error is not shown:\n" << broken.err;
  EXPECT_NE(broken.err.find("duet: the build failed"), std::string::npos) << broken.err;
  EXPECT_NE(broken.err.find((build / "build.log").string()), std::string::npos) << broken.err;
}

TEST(InstallTest, AnInstalledDuetRunsFromThePathWithTheFilesBesideIt) {
  fs::path prefix = Scratch("prefix");
  fs::path dir = Scratch("user");
  WriteUserFiles(dir);
  Outcome installed = Shell("env -u MAKEFLAGS DUET_BUILD_DIR=" + Quoted(kBuild) + " " +
                            Quoted(kSource / "scripts" / "install") + " " + Quoted(prefix));
  ASSERT_EQ(installed.exit_code, 0) << installed.err;
  EXPECT_NE(installed.err.find("installed " + (prefix / "bin" / "duet").string()), std::string::npos) << installed.err;
  ASSERT_TRUE(fs::is_regular_file(prefix / "share" / "duet" / "workloads" / "claims.json"));
  // A workload only the installed copy of the suite has: the installed duet must read that copy.
  CopyTree(kFixtures / "workloads" / "good" / "double", prefix / "share" / "duet" / "workloads" / "good" / "double");

  auto duet = [&](const std::string& args) {
    return Shell("cd " + Quoted(dir) + " && PATH=" + Quoted(prefix / "bin") + ":\"$PATH\" duet " + args);
  };
  Outcome js = duet("exec one.js a");
  EXPECT_EQ(js.exit_code, 0) << js.err;
  EXPECT_EQ(js.out, "one.js: a\n");
  Outcome py = duet("exec two.py b");
  EXPECT_EQ(py.exit_code, 0) << py.err;
  EXPECT_EQ(py.out, "two.py: b\n");
  Outcome run = duet("run --filter '^(good/double|cpu/fib)$' --param n=20 --runs 3 --warmup 1 --no-history");
  EXPECT_EQ(run.exit_code, 0) << run.err;
  EXPECT_NE(run.out.find("good/double"), std::string::npos) << run.out;
  EXPECT_NE(run.out.find("cpu/fib"), std::string::npos) << run.out;
  Outcome relative = duet("run mine --runs 3 --warmup 1 --no-history");
  EXPECT_EQ(relative.exit_code, 0) << relative.err;

  // The libraries duet loads on demand are installed in lib/duet, and the executable links
  // neither libnode nor libpq itself.
  EXPECT_TRUE(fs::exists(prefix / "lib" / "duet" / "libduet_node.so"));
  EXPECT_TRUE(fs::exists(prefix / "lib" / "duet" / "libduet_pg.so"));
  Outcome exe_ldd = Shell("ldd " + Quoted(prefix / "bin" / "duet"));
  EXPECT_EQ(exe_ldd.out.find("libnode"), std::string::npos) << exe_ldd.out;
  EXPECT_EQ(exe_ldd.out.find("libpq"), std::string::npos) << exe_ldd.out;
  // libnode, when the bootstrap unpacked it, is the copy installed beside the Node adapter.
  if (fs::exists(prefix / "lib" / "duet" / "libnode.so.108")) {
    Outcome ldd = Shell("ldd " + Quoted(prefix / "lib" / "duet" / "libduet_node.so"));
    EXPECT_NE(ldd.out.find("libnode.so.108 => " + (prefix / "lib" / "duet").string()), std::string::npos) << ldd.out;
  }
}

}  // namespace
}  // namespace duet::testing
