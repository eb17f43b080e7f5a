/* duet-python3: `python3` built from the very libpython3.11.a that duet embeds, linked the same
 * way. Debian's /usr/bin/python3.11 is link-time optimised, and the packaged archive is not, so
 * this binary is the like-for-like baseline for "does embedding cost anything?". */
#include <Python.h>

int main(int argc, char** argv) { return Py_BytesMain(argc, argv); }
