// The job queue in the history's PostgreSQL database: `duet queue add` enqueues `duet run`
// requests, workers claim one job at a time with SELECT ... FOR UPDATE SKIP LOCKED under a lease
// they renew while the job runs, and store its run and mark it done in one transaction, so a job
// whose worker died is claimed again once its lease has run out and is never stored twice. Used
// from one thread at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "report/history.h"

namespace duet {

// A claimed job: what to run, and which attempt this is (it proves the claim is still ours).
struct Job {
  int64_t id = 0;
  std::vector<std::string> arguments;  // `duet run` arguments
  int64_t attempt = 0;
};

// A job as `duet queue status` lists it.
struct JobStatus {
  int64_t id = 0;
  std::string state;  // queued, running, done, failed
  int64_t attempts = 0, run_id = 0;  // run_id 0: none stored
  std::string worker, error, queued_at, finished_at;
  std::vector<std::string> arguments;
};

class JobQueue {
 public:
  explicit JobQueue(std::unique_ptr<History> history) : history_(std::move(history)) {}

  // The queue in the history at `location`, which must be PostgreSQL.
  static Status Open(const std::string& location, std::unique_ptr<JobQueue>* out);

  // Enqueues `repeat` jobs running `arguments`.
  Status Add(const std::vector<std::string>& arguments, int repeat, std::vector<int64_t>* ids);
  // Claims the oldest job that is queued or whose lease ran out, for `lease_s` seconds;
  // nothing when there is none.
  Status Claim(const std::string& worker, int64_t lease_s, std::optional<Job>* job);
  // Extends the lease; an error when the job is no longer this worker's.
  Status Renew(const Job& job, const std::string& worker, int64_t lease_s);
  // Stores `run` in the history and marks the job done, in one transaction; an error (and
  // nothing stored) when another worker has taken the job over.
  Status Complete(const Job& job, const std::string& worker, const nlohmann::json& run, int64_t* run_id);
  // Marks the job failed with `error`.
  Status Fail(const Job& job, const std::string& worker, const std::string& error);
  Status List(std::vector<JobStatus>* jobs);

  const std::string& location() const { return history_->location(); }

 private:
  std::unique_ptr<History> history_;
};

}  // namespace duet
