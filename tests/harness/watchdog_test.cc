// The watchdog against a real runtime (V8's): a scope fires at its own deadline, never at the
// deadline of an earlier scope the thread was still sleeping toward.
#include "harness/watchdog.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "session/session.h"
#include "node/runtime.h"

namespace duet {
namespace {

TEST(WatchdogTest, AScopeFiresAtItsOwnDeadlineOnly) {
  Session session;
  ASSERT_TRUE(session.Init().ok());
  Watchdog watchdog;
  {
    Watchdog::Scope quick(&watchdog, &session.js(), 0.2);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the thread now sleeps toward its deadline
  }
  {
    Watchdog::Scope longer(&watchdog, &session.js(), 30);
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past the first scope's deadline
    EXPECT_FALSE(longer.fired());
  }
  Watchdog::Scope overrun(&watchdog, &session.js(), 0.2);
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  EXPECT_TRUE(overrun.fired());
}

}  // namespace
}  // namespace duet
