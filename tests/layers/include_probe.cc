// Compiled with one layer's include roots and one header of another layer (DUET_PROBE_HEADER): it
// builds when the layer may include that header and fails with "No such file" when it may not,
// which is how tests/CMakeLists.txt shows that the build, not only tools/check_layers.py, refuses
// a wrong-way include.
#include DUET_PROBE_HEADER
