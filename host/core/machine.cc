// Reads the machine (CPU model, cores, memory, governor, turbo, load, kernel) and the BLAS
// numpy loaded: what the environment record says of the machine, without any runtime.
#include "core/machine.h"

#include <dlfcn.h>
#include <sys/utsname.h>

#include <cmath>
#include <cstdio>
#include <string_view>
#include <fstream>
#include <cstdlib>
#include <thread>

namespace duet {
namespace {

std::string FirstLineOf(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("model name", 0) == 0) {
      size_t colon = line.find(':');
      if (colon != std::string::npos) return line.substr(line.find_first_not_of(' ', colon + 1));
    }
  }
  return "unknown";
}

// "on"/"off" from intel_pstate or acpi-cpufreq, null when the kernel does not say.
nlohmann::json Turbo() {
  std::string no_turbo = FirstLineOf("/sys/devices/system/cpu/intel_pstate/no_turbo");
  if (!no_turbo.empty()) return no_turbo == "1" ? "off" : "on";
  std::string boost = FirstLineOf("/sys/devices/system/cpu/cpufreq/boost");
  if (!boost.empty()) return boost == "1" ? "on" : "off";
  return nullptr;
}

// MemTotal from /proc/meminfo in bytes; null when unreadable.
nlohmann::json MemoryBytes() {
  std::ifstream in("/proc/meminfo");
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("MemTotal:", 0) == 0) return std::strtoull(line.c_str() + 9, nullptr, 10) * 1024;  // in kB
  }
  return nullptr;
}

// FNV-1a, 64 bits: stable across builds and platforms, unlike std::hash.
uint64_t Fnv1a64(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ull;
  for (unsigned char c : text) hash = (hash ^ c) * 0x100000001b3ull;
  return hash;
}

// The library's kind from its file name; Debian's alternatives put OpenBLAS's libblas.so.3 under
// openblas-pthread/ (or openblas-openmp/), the reference BLAS under blas/.
std::string BlasKind(const std::string& path) {
  if (path.find("openblas") != std::string::npos) return "openblas";
  if (path.find("blis") != std::string::npos) return "blis";
  if (path.find("mkl") != std::string::npos) return "mkl";
  if (path.find("/blas/") != std::string::npos || path.find("libblas.so") != std::string::npos) return "reference";
  return "other";
}

}  // namespace

nlohmann::json LoadedBlas() {
  std::ifstream maps("/proc/self/maps");
  std::string blas, openblas;
  for (std::string line; std::getline(maps, line);) {
    size_t slash = line.find('/');
    if (slash == std::string::npos) continue;
    std::string path = line.substr(slash);
    std::string file = path.substr(path.rfind('/') + 1);
    if (file.rfind("libopenblas", 0) == 0) openblas = path;
    if (blas.empty() && (file.rfind("libblas", 0) == 0 || file.rfind("libcblas", 0) == 0 || file.rfind("libmkl_rt", 0) == 0 ||
                         file.rfind("libblis", 0) == 0)) {
      blas = path;
    }
  }
  if (blas.empty() && openblas.empty()) return nullptr;
  std::string library = openblas.empty() ? blas : openblas;
  nlohmann::json out = {{"library", BlasKind(blas.empty() ? openblas : blas)}, {"path", library}};
  if (!openblas.empty()) {
    // RTLD_NOLOAD: only a handle on the copy numpy already loaded, never a second load.
    if (void* handle = dlopen(openblas.c_str(), RTLD_LAZY | RTLD_NOLOAD)) {
      using Text = char* (*)();
      if (auto core = reinterpret_cast<Text>(dlsym(handle, "openblas_get_corename"))) out["core"] = core();
      if (auto config = reinterpret_cast<Text>(dlsym(handle, "openblas_get_config"))) out["config"] = config();
      if (auto threads = reinterpret_cast<int (*)()>(dlsym(handle, "openblas_get_num_threads"))) out["threads"] = threads();
      dlclose(handle);
    }
    const char* forced = std::getenv("OPENBLAS_CORETYPE");
    out["coretype_env"] = forced ? nlohmann::json(forced) : nlohmann::json(nullptr);
  }
  return out;
}

std::string MachineFingerprint(const nlohmann::json& environment) {
  nlohmann::json machine = environment.is_object() ? environment.value("machine", nlohmann::json::object())
                                                   : nlohmann::json::object();
  if (!machine.is_object()) machine = nlohmann::json::object();
  // Whole GiB: the kernel's MemTotal moves by a few MiB between kernel builds on one machine.
  nlohmann::json memory = machine.value("memory_bytes", nlohmann::json());
  nlohmann::json key = {{"cpu_model", machine.value("cpu_model", nlohmann::json())},
                        {"cores", machine.value("cores", nlohmann::json())},
                        {"memory_gib", memory.is_number() ? nlohmann::json(std::llround(memory.get<double>() / (1 << 30)))
                                                          : nlohmann::json()},
                        {"kernel", machine.value("kernel", nlohmann::json())},
                        {"arch", machine.value("arch", nlohmann::json())},
                        {"governor", machine.value("governor", nlohmann::json())},
                        {"turbo", machine.value("turbo", nlohmann::json())}};
  char text[17];
  std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(Fnv1a64(key.dump())));
  return std::string(text, 12);
}

std::vector<std::string> MachineWarnings(const nlohmann::json& environment) {
  std::vector<std::string> warnings;
  const nlohmann::json& machine = environment["machine"];
  if (machine["governor"].is_string() && machine["governor"] != "performance") {
    warnings.push_back("CPU frequency governor is '" + machine["governor"].get<std::string>() +
                       "', not 'performance': timings may drift with the clock speed");
  }
  if (machine["turbo"] == "on") warnings.push_back("turbo boost is on: timings depend on temperature");
  int cores = machine["cores"].get<int>();
  if (machine["load_average"].is_array() && machine["load_average"][0].get<double>() > 0.5 * cores) {
    warnings.push_back("load average " + std::to_string(machine["load_average"][0].get<double>()).substr(0, 4) +
                       " on " + std::to_string(cores) + " cores: other work will add noise");
  }
  // The main thread runs the workload; V8 compiles and collects on background threads.
  if (cores < 2) warnings.push_back("only 1 core: V8's background compiler and GC compete with the workload");
  return warnings;
}

nlohmann::json CollectMachine() {
  utsname uts{};
  uname(&uts);
  std::string governor = FirstLineOf("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor");
  double load[3] = {0, 0, 0};
  nlohmann::json load_average = getloadavg(load, 3) == 3 ? nlohmann::json{load[0], load[1], load[2]} : nlohmann::json(nullptr);
  return {{"cpu_model", CpuModel()},
          {"cores", std::thread::hardware_concurrency()},
          {"memory_bytes", MemoryBytes()},
          {"governor", governor.empty() ? nlohmann::json(nullptr) : nlohmann::json(governor)},
          {"turbo", Turbo()},
          {"load_average", load_average},
          {"kernel", std::string(uts.sysname) + " " + uts.release},
          {"arch", uts.machine}};
}

}  // namespace duet
