// The machine record's warnings: each noisy condition is named, a quiet machine gets none.
#include <gtest/gtest.h>

#include "core/machine.h"

namespace duet {
namespace {

nlohmann::json Machine(nlohmann::json governor, nlohmann::json turbo, double load, int cores) {
  return {{"machine",
           {{"governor", governor}, {"turbo", turbo}, {"load_average", {load, load, load}}, {"cores", cores}}}};
}

TEST(EnvironmentTest, AQuietMachineGetsNoWarnings) {
  EXPECT_TRUE(MachineWarnings(Machine("performance", "off", 0.1, 8)).empty());
  EXPECT_TRUE(MachineWarnings(Machine(nullptr, nullptr, 0.1, 2)).empty());  // a VM that says nothing
}

TEST(EnvironmentTest, EachNoisyConditionIsNamed) {
  auto warnings = MachineWarnings(Machine("powersave", "on", 3.0, 1));
  ASSERT_EQ(warnings.size(), 4u);
  EXPECT_NE(warnings[0].find("powersave"), std::string::npos);
  EXPECT_NE(warnings[1].find("turbo"), std::string::npos);
  EXPECT_NE(warnings[2].find("load average 3.0"), std::string::npos) << warnings[2];
  EXPECT_NE(warnings[3].find("1 core"), std::string::npos);
}

}  // namespace
}  // namespace duet
