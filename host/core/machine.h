// The machine an environment record describes (design §4), read without any runtime: CPU, cores,
// memory, governor, turbo, load, kernel; its fingerprint; the BLAS numpy loaded; the warnings.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace duet {

// The machine part of the environment record (CPU model, cores, memory, governor, turbo, load,
// kernel, arch).
nlohmann::json CollectMachine();
// Twelve hex digits that name the machine an environment record was taken on: a hash of what
// decides its speed (CPU model, cores, memory in GiB, kernel, arch, governor, turbo), so two runs
// with the same fingerprint ran on alike machines. Engine versions and duet's commit are left
// out on purpose: comparing those is what the history is for.
std::string MachineFingerprint(const nlohmann::json& environment);
// The BLAS library this process has loaded (numpy loads one when a workload imports it): its
// kind ("openblas", "reference", "blis", "mkl" or "other"), file, and for OpenBLAS the core type
// it chose and its build configuration, with OPENBLAS_CORETYPE when the machine forces one.
// Null while no BLAS is loaded.
nlohmann::json LoadedBlas();
// Why this machine may make the numbers noisy (governor, turbo, load, cores); empty when fine.
std::vector<std::string> MachineWarnings(const nlohmann::json& environment);

}  // namespace duet
