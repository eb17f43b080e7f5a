// Whole-file reads and writes; see file_io.h.
#include "core/file_io.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iterator>

namespace duet {
namespace {

// Writes all of `text` to fd; false with errno set when it cannot.
bool WriteAll(int fd, const std::string& text) {
  size_t done = 0;
  while (done < text.size()) {
    ssize_t n = write(fd, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    done += static_cast<size_t>(n);
  }
  return true;
}

}  // namespace

Status ReadJsonFile(const std::filesystem::path& path, nlohmann::json* doc) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::Io("cannot read " + path.string());
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  try {
    *doc = nlohmann::json::parse(text);
  } catch (const nlohmann::json::parse_error& e) {
    size_t end = std::min<size_t>(e.byte, text.size());
    int line = 1 + static_cast<int>(std::count(text.begin(), text.begin() + static_cast<std::ptrdiff_t>(end), '\n'));
    return Status::ScriptError("invalid JSON: " + std::string(e.what()), path.string(), line);
  }
  return Status::Ok();
}

Status WriteFileAtomically(const std::filesystem::path& path, const std::string& text) {
  if (path == "-") {
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return Status::Ok();
  }
  // /dev/null, /dev/stdout, a FIFO: written in place. Renaming a file over one would replace
  // the device node itself.
  struct stat st;
  if (stat(path.c_str(), &st) == 0 && !S_ISREG(st.st_mode)) {
    int fd = open(path.c_str(), O_WRONLY | O_CLOEXEC);
    if (fd < 0) return Status::Io("cannot write " + path.string() + ": " + std::strerror(errno));
    bool written = WriteAll(fd, text);
    int saved_errno = errno;
    close(fd);
    if (!written) return Status::Io("cannot write " + path.string() + ": " + std::strerror(saved_errno));
    return Status::Ok();
  }
  // A sibling temporary file, flushed to disk, then renamed over the target: a reader (or a
  // crash at any point) sees the old file or the new one, never half of one.
  std::filesystem::path tmp = path;
  tmp += ".tmp." + std::to_string(getpid());
  int fd = open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(errno));
  bool written = WriteAll(fd, text) && fsync(fd) == 0;
  int saved_errno = errno;
  close(fd);
  if (!written) {
    std::filesystem::remove(tmp);
    return Status::Io("cannot write " + tmp.string() + ": " + std::strerror(saved_errno));
  }
  std::error_code ec;
  std::filesystem::rename(tmp, path, ec);
  if (ec) return Status::Io("cannot rename " + tmp.string() + " to " + path.string() + ": " + ec.message());
  return Status::Ok();
}

Status WriteJsonFile(const std::filesystem::path& path, const nlohmann::json& doc) {
  return WriteFileAtomically(path, doc.dump(2) + "\n");
}

}  // namespace duet
