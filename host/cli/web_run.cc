// The web pairs in `duet run`; see web_run.h.
#include "cli/web_run.h"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "db/postgres_database.h"

namespace duet {

size_t SkipWebPairsUnlessAsked(const std::string& filter, const std::vector<std::string>& paths,
                               std::vector<WorkloadPair>* pairs) {
  if (!filter.empty()) return 0;
  auto asked = [&](const WorkloadPair& pair) {
    for (const std::string& path : paths) {
      std::error_code ec;
      std::filesystem::path folder = std::filesystem::weakly_canonical(path, ec);
      if (!ec && (folder == pair.dir || folder == pair.dir.parent_path())) return true;
    }
    return false;
  };
  size_t before = pairs->size();
  pairs->erase(std::remove_if(pairs->begin(), pairs->end(), [&](const WorkloadPair& p) { return p.is_web() && !asked(p); }),
               pairs->end());
  return before - pairs->size();
}

Status WebRunDatabase::Prepare(const std::string& pg_url, std::vector<WorkloadPair>* pairs) {
  if (std::none_of(pairs->begin(), pairs->end(), [](const WorkloadPair& p) { return p.is_web() && p.problem.ok(); })) {
    return Status::Ok();
  }
  auto started = std::chrono::steady_clock::now();
  TechEmpowerDbOptions options;
  options.pg_url = pg_url;
  Status status = TechEmpowerDb::Start(options, &db_);
  if (!status.ok()) {
    return status.Prefixed("the web pairs' database: ");
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  record_ = {{"kind", pg_url.empty() ? "private PostgreSQL cluster" : "--pg-url"}};
  std::unique_ptr<SqlDatabase> admin;
  nlohmann::json durability;
  SqlRows version;
  status = PostgresDatabase::Open(db_->admin_url(), &admin);
  if (status.ok()) status = ReadDurability(admin.get(), &durability);
  if (status.ok()) status = admin->Query("SHOW server_version", {}, &version);
  if (!status.ok()) {
    return status.Prefixed("the web pairs' database: cannot read its settings: ");
  }
  record_.update(durability);
  record_["server_version"] = version.empty() ? nlohmann::json() : nlohmann::json(version[0].Text(0));
  record_["ready_s"] = seconds;
  for (WorkloadPair& pair : *pairs) {
    if (pair.is_web()) pair.params["db"] = db_->app_url();
  }
  fmt::print(stderr, "web: {} ready in {:.2f} s (fsync {}, synchronous_commit {}), TechEmpower's tables loaded\n",
             record_["kind"].get<std::string>(), seconds, record_.value("fsync", "?"), record_.value("synchronous_commit", "?"));
  return Status::Ok();
}

Status WebRunDatabase::CheckRunning() const {
  if (!db_ || db_->cluster() == nullptr) return Status::Ok();
  return db_->cluster()->CheckRunning();
}

}  // namespace duet
