// Starts and stops the private PostgreSQL cluster; see private_cluster.h. PostgreSQL refuses to
// run as root, so as root initdb and the server run as the `postgres` OS user (the directory is
// chowned to it), while the client keeps its own identity: peer authentication maps it to the
// superuser role initdb created under the client's name.
#include "db/private_cluster.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

#include "db/postgres_database.h"

namespace duet {
namespace {

using Clock = std::chrono::steady_clock;

// Who the server runs as: ourselves, or `postgres` when we are root.
struct ServerUser {
  bool switch_user = false;
  uid_t uid = 0;
  gid_t gid = 0;
};

Status FindServerUser(ServerUser* user) {
  if (geteuid() != 0) return Status::Ok();
  passwd* pw = getpwnam("postgres");
  if (pw == nullptr) {
    return Status::Error(
        "PostgreSQL: duet runs as root and PostgreSQL refuses root, but there is no 'postgres' OS user to run the "
        "server as (Debian's postgresql package creates it)");
  }
  *user = {true, pw->pw_uid, pw->pw_gid};
  return Status::Ok();
}

std::string ClientRole() {
  passwd* pw = getpwuid(geteuid());
  return pw != nullptr ? pw->pw_name : std::to_string(geteuid());
}

std::string ErrnoText(const std::string& what) { return what + ": " + std::strerror(errno); }

// Forks `argv` as `user` in its own process group with stdout and stderr appended to `log`, stdin
// from `stdin_fd` (-1: /dev/null) and no other descriptor inherited. With `die_with_parent` the
// child gets SIGQUIT (PostgreSQL's immediate shutdown) when this process dies, so a killed duet
// leaves no server running; with `outlive_terminal` it ignores SIGINT and SIGHUP instead.
Status Spawn(const std::vector<std::string>& argv, const ServerUser& user, const std::filesystem::path& cwd,
             const std::filesystem::path& log, bool die_with_parent, pid_t* pid, int stdin_fd = -1,
             bool outlive_terminal = false) {
  std::vector<char*> args;
  for (const std::string& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  static char kPath[] = "PATH=/usr/bin:/bin", kLocale[] = "LC_ALL=C";
  char* env[] = {kPath, kLocale, nullptr};
  std::string cwd_text = cwd.string(), log_text = log.string();
  pid_t parent = getpid();
  std::fflush(stdout);
  std::fflush(stderr);
  *pid = fork();
  if (*pid < 0) return Status::Error(ErrnoText("PostgreSQL: fork"));
  if (*pid == 0) {
    // Only async-signal-safe calls from here on: the parent may have threads.
    int fd = open(log_text.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) _exit(125);
    dup2(fd, STDOUT_FILENO);
    dup2(fd, STDERR_FILENO);
    int input = stdin_fd >= 0 ? stdin_fd : open("/dev/null", O_RDONLY);
    if (input >= 0) dup2(input, STDIN_FILENO);
    close_range(3, ~0U, 0);
    setpgid(0, 0);  // the terminal's Ctrl-C goes to duet, which shuts the server down in order
    if (outlive_terminal) {
      signal(SIGINT, SIG_IGN);
      signal(SIGHUP, SIG_IGN);
    }
    sigset_t none;  // signals duet blocks to wait for them (`duet pg start`) must reach the server
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    auto fail = [](const char* what) {
      const char* text = strerror(errno);
      [[maybe_unused]] ssize_t w = write(STDERR_FILENO, what, strlen(what));
      w = write(STDERR_FILENO, text, strlen(text));
      w = write(STDERR_FILENO, "\n", 1);
      _exit(126);
    };
    if (user.switch_user && (setgroups(0, nullptr) != 0 || setgid(user.gid) != 0 || setuid(user.uid) != 0)) {
      fail("duet: cannot switch to the postgres user: ");
    }
    // After setuid: a change of credentials clears the parent-death signal.
    if (die_with_parent && (prctl(PR_SET_PDEATHSIG, SIGQUIT) != 0 || getppid() != parent)) _exit(125);
    if (chdir(cwd_text.c_str()) != 0) fail("duet: cannot enter the cluster directory: ");
    execve(args[0], args.data(), env);
    fail("duet: cannot execute PostgreSQL: ");
  }
  return Status::Ok();
}

// The janitor: a shell that outlives duet only to remove the cluster's directory when duet ends
// without removing it (Ctrl-C, SIGKILL, a crash). It reads a pipe whose only writer is this
// process (close-on-exec, so no program duet runs holds it) until end of file, then removes the
// directory, again while the server, which dies with duet, still writes its last files; bounded
// to 10 s. After a normal Stop the directory is gone and it exits at once. Its own process group
// and ignored SIGINT/SIGHUP keep the terminal's Ctrl-C from ending it with duet.
Status SpawnJanitor(const std::filesystem::path& directory, pid_t* pid, int* pipe_writer) {
  int ends[2];
  if (pipe2(ends, O_CLOEXEC) != 0) return Status::Error(ErrnoText("PostgreSQL: pipe for the cleanup process"));
  const char* script =
      "while read -r _; do :; done; i=0; "
      "while [ -e \"$1\" ] && [ $i -lt 100 ]; do rm -rf -- \"$1\" 2>/dev/null || sleep 0.1; i=$((i+1)); done";
  Status spawned = Spawn({"/bin/sh", "-c", script, "duet-pg-janitor", directory.string()}, ServerUser{}, "/",
                         "/dev/null", false, pid, ends[0], /*outlive_terminal=*/true);
  close(ends[0]);
  if (!spawned.ok()) {
    close(ends[1]);
    return spawned;
  }
  *pipe_writer = ends[1];
  return Status::Ok();
}

// Waits for `pid` until `deadline`; true (with its wait status) when it exited in time.
bool WaitUntil(pid_t pid, Clock::time_point deadline, int* status) {
  while (true) {
    pid_t done = waitpid(pid, status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) return true;
    if (Clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

std::string DescribeExit(int status) {
  if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
  if (WIFSIGNALED(status)) return std::string("signal ") + strsignal(WTERMSIG(status));
  return "status " + std::to_string(status);
}

std::string Tail(const std::filesystem::path& path, size_t max_bytes) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  std::string all = text.str();
  while (!all.empty() && all.back() == '\n') all.pop_back();
  return all.size() <= max_bytes ? all : "..." + all.substr(all.size() - max_bytes);
}

// A URL query value: everything but unreserved characters and '/' percent-encoded.
std::string PercentEncode(const std::string& text) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    if (std::isalnum(c) || c == '/' || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += {'%', kHex[c >> 4], kHex[c & 15]};
    }
  }
  return out;
}

Status MakeDirectory(const PrivateClusterOptions& options, std::filesystem::path* directory) {
  if (options.directory.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/duet-pg-XXXXXX";
    if (mkdtemp(pattern.data()) == nullptr) return Status::Error(ErrnoText("PostgreSQL: cannot create " + pattern));
    *directory = pattern;
    return Status::Ok();
  }
  *directory = options.directory;
  if (std::filesystem::exists(options.directory)) {
    return Status::Error("PostgreSQL: stale cluster directory " + options.directory.string() +
                         ": it already exists (left by an earlier run?); remove it or choose another");
  }
  if (mkdir(options.directory.c_str(), 0700) != 0) {
    return Status::Error(ErrnoText("PostgreSQL: cannot create " + options.directory.string()));
  }
  return Status::Ok();
}

// Peer authentication through a map: this OS user may log in as its own role (initdb named the
// superuser after it) and as each of `roles`. Written after initdb, owned by the server's user.
Status WritePeerMap(const std::filesystem::path& data, const std::string& os_user,
                    const std::vector<std::string>& roles, const ServerUser& user) {
  std::string ident = "duet " + os_user + " " + os_user + "\n";
  for (const std::string& role : roles) ident += "duet " + os_user + " " + role + "\n";
  // Only the Unix socket is ever open (listen_addresses=''); TCP stays rejected all the same.
  const std::pair<const char*, std::string> files[] = {
      {"pg_ident.conf", ident}, {"pg_hba.conf", "local all all peer map=duet\nhost all all all reject\n"}};
  for (const auto& [name, text] : files) {
    std::filesystem::path path = data / name;
    std::ofstream out(path, std::ios::trunc);
    out << text;
    out.close();
    if (!out) return Status::Error(ErrnoText("PostgreSQL: cannot write " + path.string()));
    if (user.switch_user && chown(path.c_str(), user.uid, user.gid) != 0) {
      return Status::Error(ErrnoText("PostgreSQL: cannot give " + path.string() + " to the postgres user"));
    }
  }
  return Status::Ok();
}

}  // namespace

std::string PrivateCluster::UrlFor(const std::string& database, const std::string& role) const {
  return "postgresql:///" + PercentEncode(database) + "?host=" + PercentEncode(directory_.string()) +
         "&user=" + PercentEncode(role.empty() ? role_ : role);
}

std::string PrivateCluster::LogTail(size_t max_bytes) const { return Tail(directory_ / "server.log", max_bytes); }

Status PrivateCluster::Start(const PrivateClusterOptions& options, std::unique_ptr<PrivateCluster>* out) {
  for (const char* binary : {"initdb", "postgres"}) {
    std::filesystem::path path = options.bin_dir / binary;
    if (access(path.c_str(), X_OK) != 0) {
      return Status::Error("PostgreSQL: " + path.string() + " is missing or not executable (" + std::strerror(errno) +
                           "); install Debian's postgresql 15 (scripts/bootstrap does)");
    }
  }
  ServerUser user;
  DUET_RETURN_IF_ERROR(FindServerUser(&user));
  std::filesystem::path directory;
  DUET_RETURN_IF_ERROR(MakeDirectory(options, &directory));
  // From here on the cluster object owns the directory: any failure removes it.
  auto cluster = std::make_unique<PrivateCluster>(Token{}, directory, ClientRole(), options.stop_timeout);
  // And if duet ends without Stop, the janitor removes it.
  DUET_RETURN_IF_ERROR(SpawnJanitor(directory, &cluster->janitor_pid_, &cluster->janitor_pipe_));
  if (chmod(directory.c_str(), 0700) != 0) return Status::Error(ErrnoText("PostgreSQL: chmod " + directory.string()));
  if (user.switch_user && chown(directory.c_str(), user.uid, user.gid) != 0) {
    return Status::Error(ErrnoText("PostgreSQL: cannot give " + directory.string() + " to the postgres user"));
  }
  Clock::time_point deadline = Clock::now() + options.start_timeout;

  // --no-sync: the cluster is thrown away at the end, so initdb's fsyncs would only cost time.
  std::filesystem::path data = directory / "data", initdb_log = directory / "initdb.log";
  pid_t initdb = -1;
  DUET_RETURN_IF_ERROR(Spawn({(options.bin_dir / "initdb").string(), "-D", data.string(), "-U", cluster->role_,
                              "--auth-local=peer", "--auth-host=reject", "-E", "UTF8", "--locale=C", "--no-sync",
                              "--no-instructions"},
                             user, directory, initdb_log, false, &initdb));
  int status = 0;
  if (!WaitUntil(initdb, deadline, &status)) {
    kill(initdb, SIGKILL);
    waitpid(initdb, &status, 0);
    return Status::Timeout("PostgreSQL: initdb did not finish within " + std::to_string(options.start_timeout.count()) +
                           " ms");
  }
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return Status::Error("PostgreSQL: initdb failed (" + DescribeExit(status) + " as " +
                         (user.switch_user ? "the postgres user" : cluster->role_) + ") in " + directory.string() +
                         ":\n" + Tail(initdb_log, 2000));
  }

  if (!options.peer_roles.empty()) {
    DUET_RETURN_IF_ERROR(WritePeerMap(data, cluster->role_, options.peer_roles, user));
  }

  std::vector<std::string> argv = {(options.bin_dir / "postgres").string(), "-D", data.string(), "-k",
                                   directory.string(), "-c", "listen_addresses="};
  for (const std::string& setting : options.settings) argv.insert(argv.end(), {"-c", setting});
  DUET_RETURN_IF_ERROR(Spawn(argv, user, directory, directory / "server.log", true, &cluster->pid_));
  std::string conninfo = cluster->Url();
  for (bool accepting = false;;) {
    DUET_RETURN_IF_ERROR(PostgresDatabase::AcceptsConnections(conninfo, &accepting));
    if (accepting) break;
    if (waitpid(cluster->pid_, &status, WNOHANG) == cluster->pid_) {
      cluster->pid_ = -1;
      return Status::Error("PostgreSQL: the server exited during start-up (" + DescribeExit(status) + "):\n" +
                           cluster->LogTail());
    }
    if (Clock::now() >= deadline) {
      return Status::Timeout("PostgreSQL: the server did not accept connections within " +
                             std::to_string(options.start_timeout.count()) + " ms:\n" + cluster->LogTail());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  *out = std::move(cluster);
  return Status::Ok();
}

Status PrivateCluster::CheckRunning() {
  if (pid_ <= 0) return Status::Error("PostgreSQL: the server is stopped");
  int status = 0;
  if (waitpid(pid_, &status, WNOHANG) != pid_) return Status::Ok();
  pid_ = -1;
  return Status::Error("PostgreSQL: the server exited while in use (" + DescribeExit(status) + "); its log ends:\n" +
                       LogTail(800));
}

Status PrivateCluster::Stop() {
  Status status;
  if (pid_ > 0) {
    // SIGINT: fast shutdown (clients disconnected, a clean checkpoint); SIGQUIT: immediate.
    int wait_status = 0;
    bool exited = kill(pid_, SIGINT) == 0 && WaitUntil(pid_, Clock::now() + stop_timeout_, &wait_status);
    if (!exited) exited = kill(pid_, SIGQUIT) == 0 && WaitUntil(pid_, Clock::now() + std::chrono::seconds(2), &wait_status);
    if (!exited) {
      kill(pid_, SIGKILL);
      waitpid(pid_, &wait_status, 0);
      status = Status::Error("PostgreSQL: the server ignored its shutdown signals and was killed");
    }
    pid_ = -1;
  }
  if (!directory_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(directory_, ec);
    if (ec && status.ok()) status = Status::Error("PostgreSQL: cannot remove " + directory_.string() + ": " + ec.message());
    directory_.clear();
  }
  if (janitor_pipe_ >= 0) {
    close(janitor_pipe_);  // its end of file: the directory is gone, so it exits at once
    janitor_pipe_ = -1;
    int wait_status = 0;
    if (!WaitUntil(janitor_pid_, Clock::now() + std::chrono::seconds(2), &wait_status)) {
      kill(janitor_pid_, SIGKILL);
      waitpid(janitor_pid_, &wait_status, 0);
    }
    janitor_pid_ = -1;
  }
  return status;
}

PrivateCluster::~PrivateCluster() {
  // Nothing else will hear of it: what could not be stopped or removed is named here.
  Status stopped = Stop();
  if (!stopped.ok()) fmt::print(stderr, "duet: {}\n", stopped.ToString());
}

}  // namespace duet
