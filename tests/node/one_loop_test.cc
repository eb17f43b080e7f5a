// Node and CPython in one process on one libuv loop, through the host API: a node:http server
// answers an asyncio client, then an asyncio server answers a node:http client; each side's
// callbacks run while the other side spins the shared uv_loop_t, and no other thread or loop
// is involved. Node is initialised once per process, so these tests have a binary of their own.
#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "core/loop.h"
#include "node/runtime.h"
#include "python/runtime.h"

namespace duet {
namespace {

const std::filesystem::path kFixtures = std::filesystem::path(DUET_TEST_FIXTURES) / "one_loop";

// InitializeOncePerProcess may run once; every test of this binary shares it.
NodeProcess& Node() {
  NodeProcess* process = nullptr;
  Status started = NodeProcess::Shared({"duet"}, &process);
  EXPECT_TRUE(started.ok()) << started.ToString();
  return *process;
}

class OneLoopTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(loop_.Init().ok());
    node_ = std::make_unique<NodeRuntime>(&loop_, &Node());
    ASSERT_TRUE(node_->Init().ok());
    python_ = std::make_unique<PythonRuntime>(&loop_);
    ASSERT_TRUE(python_->Init().ok());
    ASSERT_TRUE(python_->SetAsyncioLoop("uv").ok());
    port_file_ = std::filesystem::path(::testing::TempDir()) / ("one-loop-port-" + std::to_string(getpid()));
    std::filesystem::remove(port_file_);
  }
  void TearDown() override {
    python_.reset();
    node_.reset();
    EXPECT_EQ(loop_.Close(), 0);  // every handle of both runtimes closed: the loop closes cleanly
  }

  // Starts `node_script` in Node, runs `python_script` to its end in CPython on the same loop
  // (Node's callbacks run while asyncio spins it), then lets Node finish: stdout and exit codes.
  struct Outcome {
    std::string out;
    int node_exit = -1;
    int python_exit = -1;
  };
  Outcome RunBoth(const std::string& node_script, std::vector<std::string> node_args, const std::string& python_script,
                  const std::vector<std::string>& python_args) {
    Outcome outcome;
    ::testing::internal::CaptureStdout();
    node_args.insert(node_args.begin(), {"duet", (kFixtures / node_script).string()});
    Status started = node_->Start(node_args, {});
    Status served = python_->Exec(kFixtures / python_script, python_args, &outcome.python_exit);
    Status finished = node_->Finish(&outcome.node_exit);
    outcome.out = ::testing::internal::GetCapturedStdout();
    EXPECT_TRUE(started.ok()) << started.ToString();
    EXPECT_TRUE(served.ok()) << served.ToString() << "\n" << served.detail();
    EXPECT_TRUE(finished.ok()) << finished.ToString();
    return outcome;
  }

  Loop loop_;
  std::unique_ptr<NodeRuntime> node_;
  std::unique_ptr<PythonRuntime> python_;
  std::filesystem::path port_file_;
};

TEST_F(OneLoopTest, ANodeHttpServerAnswersAnAsyncioClient) {
  Outcome o = RunBoth("node_http_server.js", {port_file_.string()}, "py_http_client.py", {port_file_.string(), "50"});
  EXPECT_EQ(o.python_exit, 0);
  EXPECT_EQ(o.node_exit, 0);
  // sum over i < 50 of i + 10 i = 11 * 1225
  EXPECT_NE(o.out.find("python client: 50 answers from node, total 13475"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("python client: 200 closing"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("node server closed"), std::string::npos) << o.out;
}

TEST_F(OneLoopTest, AnAsyncioServerAnswersANodeHttpClient) {
  Outcome o = RunBoth("node_http_client.js", {port_file_.string(), "50"}, "py_http_server.py", {port_file_.string()});
  EXPECT_EQ(o.python_exit, 0);
  EXPECT_EQ(o.node_exit, 0);
  EXPECT_NE(o.out.find("node client: 50 answers from python, total 3675"), std::string::npos) << o.out;  // 3 * 1225
  EXPECT_NE(o.out.find("node client: closing"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("python server: served 50 requests, closed"), std::string::npos) << o.out;
}

// Node's process.stdout on a pipe sets O_NONBLOCK on descriptor 1, which CPython's sys.stdout
// shares: a slow reader must still get every byte Python writes after Node has written.
TEST_F(OneLoopTest, PythonLosesNothingOnAPipeNodeMadeNonBlocking) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  std::string received;
  std::thread reader([&] {
    char buffer[4096];
    ssize_t n;
    while ((n = read(fds[0], buffer, sizeof buffer)) > 0) {
      received.append(buffer, static_cast<size_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(200));  // slower than the writers
    }
  });
  fflush(stdout);
  int saved_stdout = dup(STDOUT_FILENO);
  ASSERT_EQ(dup2(fds[1], STDOUT_FILENO), STDOUT_FILENO);
  close(fds[1]);
  ASSERT_TRUE(node_->Start({"duet", (kFixtures / "node_writes_stdout.js").string()}, {}).ok());
  int node_exit = -1;
  ASSERT_TRUE(node_->Finish(&node_exit).ok());
  int python_exit = -1;
  Status wrote = python_->Exec(kFixtures / "py_writes_a_lot.py", {"256"}, &python_exit);
  dup2(saved_stdout, STDOUT_FILENO);  // closes the last write end: the reader sees EOF
  close(saved_stdout);
  reader.join();
  close(fds[0]);
  ASSERT_TRUE(wrote.ok()) << wrote.ToString() << "\n" << wrote.detail();
  EXPECT_EQ(node_exit, 0);
  EXPECT_EQ(python_exit, 0);
  std::string expected = "node wrote first\n";
  for (int i = 0; i < 256; ++i) expected += std::string(1023, 'p') + "\n";
  expected += "python wrote the rest\n";
  EXPECT_EQ(received.size(), expected.size());
  EXPECT_TRUE(received == expected) << received.substr(0, 200);
}

}  // namespace
}  // namespace duet
