#ifndef LEDGERLINE_CLMDB_SHIM_H
#define LEDGERLINE_CLMDB_SHIM_H
// Debian's liblmdb-dev installs lmdb.h; this is the only door C enters through.
#include <lmdb.h>
#endif
