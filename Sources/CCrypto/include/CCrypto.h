// SHA-256 from the system's libcrypto (OpenSSL), loaded on first use.
//
// Files entering the store are hashed; libcrypto does it with the CPU's SHA
// instructions (about ten times reader's own Swift SHA-256 on this machine), and it
// is on every machine that has libcurl. It is opened with dlopen, like libcurl, so
// that no `reader` command pays for loading it unless it hashes a file; without it,
// reader hashes with Model.SHA256.

#ifndef READER_CCRYPTO_H
#define READER_CCRYPTO_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/// A SHA-256 in progress.
typedef struct reader_sha256 reader_sha256;

/// A new hash, or NULL when libcrypto cannot be loaded (the caller hashes itself).
reader_sha256 *reader_sha256_new(void);
/// Adds bytes. Returns 0, or -1 on failure.
int reader_sha256_update(reader_sha256 *hash, const void *bytes, size_t length);
/// Writes the 32-byte digest. Returns 0, or -1 on failure.
int reader_sha256_final(reader_sha256 *hash, unsigned char digest[32]);
/// Frees the hash.
void reader_sha256_free(reader_sha256 *hash);

#ifdef __cplusplus
}
#endif

#endif
