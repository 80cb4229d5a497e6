// Compiled into each integration test program with the paths of this build and the
// database it tests; sets them as environment defaults before the tests run (an
// explicitly set environment variable wins).
#include <cstdlib>

namespace {

struct TestEnvironment {
  TestEnvironment() {
    setenv("WANGBAN_BIN", WANGBAN_TEST_KERNEL, 0);
    setenv("WANGBAN_PLUGIN_DIR", WANGBAN_TEST_BUNDLED_PLUGINS, 0);
    setenv("WANGBAN_TEST_PLUGIN_DIR", WANGBAN_TEST_PLUGINS, 0);
    setenv("WANGBAN_TEST_DB", WANGBAN_TEST_DATABASE, 1);
  }
} const environment;

}  // namespace
