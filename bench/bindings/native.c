/* The plain C functions behind the ctypes and Node-API references: the same work as duet:bench
 * (nothing, a + b) and duet:hash.crc32 (zlib). */
#include <stddef.h>
#include <stdint.h>
#include <zlib.h>

void noop(void) {}
int64_t add(int64_t a, int64_t b) { return a + b; }
uint32_t checksum(const unsigned char* data, size_t size) { return (uint32_t)crc32_z(0, data, size); }
