#ifndef LEDGERLINE_CLMDB_SHIM_H
#define LEDGERLINE_CLMDB_SHIM_H
// Debian's liblmdb-dev installs lmdb.h; this is the only door C enters through.
#include <lmdb.h>
#include <stddef.h>

/// Asks the CPU to start loading [address, address + length) into its caches and goes
/// on at once. A read that finds many records in the map first asks for all of them,
/// so their cache misses overlap instead of coming one after another while decoding.
static inline void ledgerline_prefetch(const void *address, size_t length) {
    const char *bytes = (const char *)address;
    for (size_t offset = 0; offset < length; offset += 64) {
        __builtin_prefetch(bytes + offset, 0, 3);
    }
}
#endif
