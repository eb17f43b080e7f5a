// JobQueue over the history's PostgreSQL connection; see job_queue.h. Times are the database
// server's clock, so workers on machines whose clocks disagree still agree on leases.
#include "report/job_queue.h"

namespace duet {
namespace {

// What proves a claim is still this worker's: its name and attempt on a running job.
constexpr const char* kStillOurs = "id = $1 AND worker = $2 AND attempts = $3 AND state = 'running'";

std::vector<std::string> Arguments(const std::string& text) {
  nlohmann::json list = nlohmann::json::parse(text, nullptr, false);
  std::vector<std::string> out;
  if (list.is_array()) {
    for (const auto& word : list) out.push_back(word.is_string() ? word.get<std::string>() : word.dump());
  }
  return out;
}

Status Prefixed(const Status& status) {
  return status.ok() ? status : Status::Error("queue: " + status.message());
}

}  // namespace

Status JobQueue::Open(const std::string& location, std::unique_ptr<JobQueue>* out) {
  if (!IsPostgresUrl(location)) {
    return Status::Error("queue: the job queue needs a PostgreSQL history (--db postgresql://...), not " + location);
  }
  std::unique_ptr<History> history;
  DUET_RETURN_IF_ERROR(History::Open(location, &history));
  *out = std::make_unique<JobQueue>(std::move(history));
  return Status::Ok();
}

Status JobQueue::Add(const std::vector<std::string>& arguments, int repeat, std::vector<int64_t>* ids) {
  SqlDatabase& db = history_->database();
  DUET_RETURN_IF_ERROR(Prefixed(db.BeginWrite()));
  for (int i = 0; i < repeat; ++i) {
    SqlRows rows;
    Status added = db.Query("INSERT INTO jobs(arguments, queued_at) VALUES($1, now()::text) RETURNING id",
                            {nlohmann::json(arguments).dump()}, &rows);
    if (!added.ok()) {
      db.Rollback();
      return Prefixed(added);
    }
    ids->push_back(rows.at(0).Int(0));
  }
  return Prefixed(db.Commit());
}

Status JobQueue::Claim(const std::string& worker, int64_t lease_s, std::optional<Job>* job) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(Prefixed(history_->database().Query(
      "UPDATE jobs SET state = 'running', worker = $1, attempts = attempts + 1, error = NULL, "
      "lease_until = extract(epoch FROM now())::bigint + $2 "
      "WHERE id = (SELECT id FROM jobs WHERE state = 'queued' OR (state = 'running' AND lease_until < "
      "extract(epoch FROM now())) ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED) "
      "RETURNING id, arguments, attempts",
      {worker, lease_s}, &rows)));
  job->reset();
  if (!rows.empty()) *job = Job{rows[0].Int(0), Arguments(rows[0].Text(1)), rows[0].Int(2)};
  return Status::Ok();
}

Status JobQueue::Renew(const Job& job, const std::string& worker, int64_t lease_s) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(Prefixed(history_->database().Query(
      std::string("UPDATE jobs SET lease_until = extract(epoch FROM now())::bigint + $4 WHERE ") + kStillOurs +
          " RETURNING id",
      {job.id, worker, job.attempt, lease_s}, &rows)));
  if (rows.empty()) return Status::Error("queue: job " + std::to_string(job.id) + " was taken over by another worker");
  return Status::Ok();
}

Status JobQueue::Complete(const Job& job, const std::string& worker, const nlohmann::json& run, int64_t* run_id) {
  SqlDatabase& db = history_->database();
  DUET_RETURN_IF_ERROR(Prefixed(db.BeginWrite()));
  auto complete = [&]() -> Status {
    SqlRows rows;
    DUET_RETURN_IF_ERROR(db.Query(std::string("SELECT id FROM jobs WHERE ") + kStillOurs + " FOR UPDATE",
                                  {job.id, worker, job.attempt}, &rows));
    if (rows.empty()) {
      return Status::Error("job " + std::to_string(job.id) +
                           " was taken over by another worker after its lease ran out; its result is not stored");
    }
    DUET_RETURN_IF_ERROR(history_->AppendInTransaction(run, run_id));
    return db.Query("UPDATE jobs SET state = 'done', run_id = $2, lease_until = NULL, finished_at = now()::text "
                    "WHERE id = $1",
                    {job.id, *run_id}, nullptr);
  };
  Status completed = complete();
  if (!completed.ok()) {
    db.Rollback();
    return Prefixed(completed);
  }
  return Prefixed(db.Commit());
}

Status JobQueue::Fail(const Job& job, const std::string& worker, const std::string& error) {
  return Prefixed(history_->database().Query(
      std::string("UPDATE jobs SET state = 'failed', error = $4, lease_until = NULL, finished_at = now()::text WHERE ") +
          kStillOurs,
      {job.id, worker, job.attempt, error}, nullptr));
}

Status JobQueue::List(std::vector<JobStatus>* jobs) {
  SqlRows rows;
  DUET_RETURN_IF_ERROR(Prefixed(history_->database().Query(
      "SELECT id, state, attempts, run_id, worker, error, queued_at, finished_at, arguments FROM jobs ORDER BY id", {},
      &rows)));
  for (const SqlRow& row : rows) {
    jobs->push_back({row.Int(0), row.Text(1), row.Int(2), row.Int(3), row.Text(4), row.Text(5), row.Text(6),
                     row.Text(7), Arguments(row.Text(8))});
  }
  return Status::Ok();
}

}  // namespace duet
