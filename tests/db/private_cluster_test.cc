// The private PostgreSQL cluster against Debian's real PostgreSQL 15: reachable only by this OS
// user through its own socket, a direct child of the test process, everything removed at the
// end; and each failure (no binaries, a stale directory, a directory the server may not use, a
// server killed under us) an error that names its cause.
#include "db/private_cluster.h"

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <set>

#include <gtest/gtest.h>

#include "db/postgres_database.h"

namespace duet {
namespace {

// A path `name` in a folder of this test's own, which is removed when the test ends.
class FreshPath {
 public:
  explicit FreshPath(const std::string& name)
      : folder_(std::filesystem::path(::testing::TempDir()) / ("duet-pg-test-" + std::to_string(getpid()))) {
    std::filesystem::remove_all(folder_);
    std::filesystem::create_directories(folder_);
    path_ = folder_ / name;
  }
  ~FreshPath() { std::filesystem::remove_all(folder_); }
  const std::filesystem::path& path() const { return path_; }

 private:
  std::filesystem::path folder_, path_;
};

// The parent pid of `pid`, from /proc/PID/stat (field 4).
pid_t ParentOf(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  size_t end_of_name = text.rfind(')');
  if (end_of_name == std::string::npos) return -1;
  char state = 0;
  pid_t parent = -1;
  std::sscanf(text.c_str() + end_of_name + 1, " %c %d", &state, &parent);
  return parent;
}

std::string QueryOne(SqlDatabase& db, const std::string& sql) {
  SqlRows rows;
  Status status = db.Query(sql, {}, &rows);
  EXPECT_TRUE(status.ok()) << status.ToString();
  return rows.empty() ? "<no row>" : rows[0].Text(0);
}

TEST(PrivateClusterTest, OnlyThisUserReachesItThroughItsSocketAndNothingIsLeftAfterStop) {
  auto started_at = std::chrono::steady_clock::now();
  std::unique_ptr<PrivateCluster> cluster;
  Status started = PrivateCluster::Start({}, &cluster);
  ASSERT_TRUE(started.ok()) << started.ToString();
  auto start_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - started_at).count();
  std::filesystem::path dir = cluster->directory();
  pid_t server = cluster->pid();

  struct stat info {};
  ASSERT_EQ(stat(dir.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0700u);
  if (geteuid() == 0) {
    EXPECT_NE(info.st_uid, 0u) << "PostgreSQL must not run as root";
  }
  EXPECT_EQ(ParentOf(server), getpid()) << "the server is a direct child, so it is waited on";

  std::unique_ptr<SqlDatabase> db;
  Status connected = PostgresDatabase::Open(cluster->Url(), &db);
  ASSERT_TRUE(connected.ok()) << connected.ToString();
  EXPECT_EQ(QueryOne(*db, "SELECT current_user"), cluster->role());
  EXPECT_EQ(QueryOne(*db, "SELECT rolsuper::text FROM pg_roles WHERE rolname = current_user"), "true");
  EXPECT_EQ(QueryOne(*db, "SHOW listen_addresses"), "");
  EXPECT_EQ(QueryOne(*db, "SHOW unix_socket_directories"), dir.string());
  EXPECT_EQ(QueryOne(*db, "SELECT string_agg(DISTINCT auth_method, ',' ORDER BY auth_method) FROM pg_hba_file_rules"),
            "peer,reject")
      << "never trust, and no password on any TCP line";
  db.reset();

  auto stop_at = std::chrono::steady_clock::now();
  Status stopped = cluster->Stop();
  auto stop_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - stop_at).count();
  EXPECT_TRUE(stopped.ok()) << stopped.ToString();
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_NE(kill(server, 0), 0) << "the server process is gone (and reaped)";
  ::testing::Test::RecordProperty("start_ms", std::to_string(start_ms));
  ::testing::Test::RecordProperty("stop_ms", std::to_string(stop_ms));
  std::printf("private cluster: initdb + start %.0f ms, stop + remove %.0f ms\n", start_ms, stop_ms);
}

TEST(PrivateClusterTest, GoingOutOfScopeStopsTheServerAndRemovesTheDirectory) {
  std::filesystem::path dir;
  pid_t server = -1;
  {
    std::unique_ptr<PrivateCluster> cluster;
    ASSERT_TRUE(PrivateCluster::Start({}, &cluster).ok());
    dir = cluster->directory();
    server = cluster->pid();
  }
  EXPECT_FALSE(std::filesystem::exists(dir));
  EXPECT_NE(kill(server, 0), 0);
}

TEST(PrivateClusterTest, MissingBinariesAreNamed) {
  PrivateClusterOptions options;
  options.bin_dir = "/nonexistent/postgresql/bin";
  FreshPath fresh("missing-binaries");
  options.directory = fresh.path();
  std::unique_ptr<PrivateCluster> cluster;
  Status started = PrivateCluster::Start(options, &cluster);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("/nonexistent/postgresql/bin/initdb is missing"), std::string::npos)
      << started.message();
  EXPECT_NE(started.message().find("install Debian's postgresql"), std::string::npos) << started.message();
  EXPECT_FALSE(std::filesystem::exists(options.directory)) << "nothing created before the check";
}

TEST(PrivateClusterTest, AStaleDirectoryIsRefusedAndLeftAlone) {
  PrivateClusterOptions options;
  FreshPath fresh("stale");
  options.directory = fresh.path();
  std::filesystem::create_directories(options.directory / "data");
  std::ofstream(options.directory / "data" / "postmaster.pid") << "12345\n";
  std::unique_ptr<PrivateCluster> cluster;
  Status started = PrivateCluster::Start(options, &cluster);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("stale cluster directory " + options.directory.string()), std::string::npos)
      << started.message();
  EXPECT_TRUE(std::filesystem::exists(options.directory / "data" / "postmaster.pid")) << "not ours to remove";
}

TEST(PrivateClusterTest, ADirectoryTheServerUserCannotReachIsAnInitdbErrorAndIsRemoved) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root: only then does the server run as another user";
  // A 0700 root-owned parent: root passes, the postgres user cannot enter it.
  FreshPath fresh("locked");
  std::filesystem::path parent = fresh.path();
  std::filesystem::create_directories(parent);
  ASSERT_EQ(chmod(parent.c_str(), 0700), 0);
  PrivateClusterOptions options;
  options.directory = parent / "cluster";
  std::unique_ptr<PrivateCluster> cluster;
  Status started = PrivateCluster::Start(options, &cluster);
  ASSERT_FALSE(started.ok());
  EXPECT_NE(started.message().find("initdb failed"), std::string::npos) << started.message();
  EXPECT_NE(started.message().find("the postgres user"), std::string::npos) << started.message();
  EXPECT_NE(started.message().find("Permission denied"), std::string::npos) << started.message();
  EXPECT_FALSE(std::filesystem::exists(options.directory));
}

TEST(PrivateClusterTest, AServerKilledUnderUsIsAConnectionErrorAndStopStillCleansUp) {
  std::unique_ptr<PrivateCluster> cluster;
  ASSERT_TRUE(PrivateCluster::Start({}, &cluster).ok());
  std::unique_ptr<SqlDatabase> db;
  ASSERT_TRUE(PostgresDatabase::Open(cluster->Url(), &db).ok());
  ASSERT_EQ(kill(cluster->pid(), SIGKILL), 0);
  // The backend outlives the postmaster for a moment; it notices its parent is gone and quits.
  Status status;
  for (int i = 0; i < 200 && status.ok(); ++i) {
    status = db->Exec("SELECT 1");
    if (status.ok()) usleep(10'000);
  }
  EXPECT_FALSE(status.ok());
  std::unique_ptr<SqlDatabase> again;
  Status reconnect = PostgresDatabase::Open(cluster->Url(), &again);
  ASSERT_FALSE(reconnect.ok());
  EXPECT_NE(reconnect.message().find("cannot connect"), std::string::npos) << reconnect.message();
  std::filesystem::path dir = cluster->directory();
  EXPECT_TRUE(cluster->Stop().ok());
  EXPECT_FALSE(std::filesystem::exists(dir));
}

}  // namespace
}  // namespace duet
