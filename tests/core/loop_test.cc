// The shared loop: spins until a condition holds, reports a wait that can never end, and
// closes cleanly with handles still open.
#include <gtest/gtest.h>

#include "core/loop.h"

namespace duet {
namespace {

TEST(LoopTest, SpinsUntilATimerFires) {
  Loop loop;
  ASSERT_TRUE(loop.Init().ok());
  uv_timer_t timer;
  ASSERT_EQ(uv_timer_init(loop.get(), &timer), 0);
  bool fired = false;
  timer.data = &fired;
  ASSERT_EQ(uv_timer_start(&timer, [](uv_timer_t* t) { *static_cast<bool*>(t->data) = true; }, 5, 0), 0);
  EXPECT_TRUE(loop.SpinUntil([&] { return fired; }).ok());
  EXPECT_TRUE(fired);
  EXPECT_EQ(loop.Close(), 0);
}

TEST(LoopTest, WaitingOnNothingFailsInsteadOfHanging) {
  Loop loop;
  ASSERT_TRUE(loop.Init().ok());
  Status status = loop.SpinUntil([] { return false; });
  EXPECT_FALSE(status.ok());
  EXPECT_NE(status.message().find("never settle"), std::string::npos);
}

class CountingParticipant : public LoopParticipant {
 public:
  int pending = 3;
  bool DrainReady() override {
    if (pending == 0) return false;
    --pending;
    return true;
  }
};

TEST(LoopTest, DrainsParticipantsUntilTheyAreIdle) {
  Loop loop;
  ASSERT_TRUE(loop.Init().ok());
  CountingParticipant participant;
  loop.AddParticipant(&participant);
  EXPECT_TRUE(loop.SpinUntil([&] { return participant.pending == 0; }).ok());
  loop.RemoveParticipant(&participant);
}

TEST(LoopTest, CloseClosesHandlesLeftOpen) {
  Loop loop;
  ASSERT_TRUE(loop.Init().ok());
  uv_idle_t idle;
  ASSERT_EQ(uv_idle_init(loop.get(), &idle), 0);
  EXPECT_EQ(loop.Close(), 0);
}

}  // namespace
}  // namespace duet
