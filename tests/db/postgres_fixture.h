// The test helper over PrivateCluster: one private PostgreSQL cluster per test suite, started
// by the suite and removed after it, and a fresh empty database per test, so tests run against
// a real server and never see each other's rows.
#pragma once

#include <algorithm>
#include <cctype>
#include <memory>
#include <string>

#include <gtest/gtest.h>

#include "db/postgres_database.h"
#include "db/private_cluster.h"
#include "db/techempower_db.h"

namespace duet::testing {

class PostgresTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    PrivateClusterOptions options;
    // Durability is not under test; fsync off keeps each test's writes to the page cache.
    options.settings = {"fsync=off", "synchronous_commit=off"};
    Status started = PrivateCluster::Start(options, &cluster_);
    if (!started.ok()) start_error_ = started.ToString();
  }
  static void TearDownTestSuite() { cluster_.reset(); }

  void SetUp() override { ASSERT_NE(cluster_, nullptr) << "the private PostgreSQL cluster did not start: " << start_error_; }

  // A new, empty database named after the running test; its libpq URL.
  std::string NewDatabase() {
    auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    std::string name = std::string(info->test_suite_name()) + "_" + info->name();
    std::transform(name.begin(), name.end(), name.begin(), [](unsigned char c) {
      return std::isalnum(c) ? static_cast<char>(std::tolower(c)) : '_';
    });
    name = name.substr(0, 60);  // PostgreSQL's identifiers hold 63 bytes
    std::unique_ptr<SqlDatabase> admin;
    Status status = PostgresDatabase::Open(cluster_->Url(), &admin);
    if (status.ok()) status = admin->Exec("DROP DATABASE IF EXISTS " + name);
    if (status.ok()) status = admin->Exec("CREATE DATABASE " + name);
    EXPECT_TRUE(status.ok()) << status.ToString();
    return cluster_->UrlFor(name);
  }

  static inline std::unique_ptr<PrivateCluster> cluster_;
  static inline std::string start_error_;
};

// One private cluster per suite holding TechEmpower's database (techempower_db.h), and a
// connection to it as the superuser for the tests' own reads.
class TechEmpowerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    TechEmpowerDbOptions options;
    options.cluster.settings = {"fsync=off", "synchronous_commit=off"};
    Status started = TechEmpowerDb::Start(options, &db_);
    if (started.ok()) started = PostgresDatabase::Open(db_->admin_url(), &admin_);
    if (!started.ok()) {
      start_error_ = started.ToString();
      db_.reset();
    }
  }
  static void TearDownTestSuite() {
    admin_.reset();
    db_.reset();
  }

  void SetUp() override { ASSERT_NE(db_, nullptr) << "the TechEmpower database did not start: " << start_error_; }

  static inline std::unique_ptr<TechEmpowerDb> db_;
  static inline std::unique_ptr<SqlDatabase> admin_;
  static inline std::string start_error_;
};

}  // namespace duet::testing
