/* The floor under duet's CPython cold start: a bare isolated Py_InitializeFromConfig, linked
 * from the same libpython3.11.a as duet. Prints the time with and without `site`, so duet's
 * own cold_start_ns can be read against it on the same machine. */
#include <Python.h>
#include <stdio.h>
#include <time.h>

static double now_ms(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

int main(int argc, char** argv) {
  int with_site = argc > 1 && argv[1][0] == 's';
  double started = now_ms();
  PyConfig config;
  PyConfig_InitIsolatedConfig(&config);
  config.site_import = with_site;
  config.install_signal_handlers = 0;
  PyStatus status = Py_InitializeFromConfig(&config);
  PyConfig_Clear(&config);
  if (PyStatus_Exception(status)) return 1;
  printf("isolated CPython init %s site: %.2f ms\n", with_site ? "with" : "without", now_ms() - started);
  return Py_FinalizeEx() < 0 ? 1 : 0;
}
